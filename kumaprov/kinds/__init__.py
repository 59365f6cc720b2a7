"""One module per kind of server object (monitors, notifications, tags, docker hosts, proxies,
maintenance windows, status pages), each with one `Kind` (base.py) in it; registry.py lists
them in apply order. base.py also holds the words the planner speaks (Desired, Live, Plan ...),
compare.py what "equal" means to the server.

May import: the root modules and model/. Never definitions/, lint/, server/, sync/, cli/ (a kind
reads through the client it is handed and types it loosely)."""
