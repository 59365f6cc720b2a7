"""`kumaprov init`: the files of a new GitOps repository (files.py) and writing them all or
nothing, linted first in a scratch directory (init.py).

May import: the root modules, definitions/, lint/. Never server/, sync/, cli/ (init talks to no server)."""
