from kumaprov.cli import main

main()
