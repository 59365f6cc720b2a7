"""One module per kind of server object, each with one `Kind` (base.py) in it; registry.py
lists them in apply order. A kind says everything about its objects: file key and model,
identity, what to read, live from rows, desired from definitions, compare, writes, export.
Beside them: changes.py (the words the planner speaks: Desired, Live, Plan ...), compare.py
(what "equal" means to the server), common.py (pieces several kinds share), exporting.py
(what every kind's export shares), ownership.py (whose an object is: the project marker);
monitors are split in monitor_refs, _writes and _export.

May import: the root modules and model/. Never definitions/, lint/, server/, sync/, cli/ (a kind
reads through the client it is handed and types it loosely)."""
