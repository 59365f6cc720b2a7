"""The command line: a thin click layer over the pipeline.

group.py holds the `main` group, the shared options and the error-to-exit wrapper;
offline.py the commands that never connect (lint, render, schema, probe); server.py the
ones that do (diff, sync, export; they import the engine only when they run); alerts.py the
`alerts` command and the `--alerts-out` options of diff and sync; project.py the ones about
the repository itself (init, templates).

May import: every package. Nothing imports cli/ but `__main__` and the console script.
"""

from kumaprov.cli import alerts, offline, project, server  # noqa: F401  (importing them registers the commands)
from kumaprov.cli.group import main

__all__ = ["main"]
