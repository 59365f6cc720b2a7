"""The pinned Open WebUI (PyPI `open-webui`) in a cached venv: about 7 minutes and 7.4 GB cold.

    python -m kumaprov.dev.openwebui_install      # install if needed, print the venv
"""

from __future__ import annotations

import sys

from kumaprov.dev.install import Log
from kumaprov.dev.pyvenv import Package, Venv
from kumaprov.dev.pyvenv import ensure_installed as ensure_venv

# 0.12.4 is the release the template's samples were recorded from (see templates/samples/openwebui).
OPENWEBUI = Package(name="open-webui", requirement="open-webui", version="0.12.4", module="open_webui")


def stderr_log(message: str) -> None:
    print(f"openwebui: {message}", file=sys.stderr, flush=True)


def ensure_installed(log: Log = stderr_log) -> Venv:
    return ensure_venv(OPENWEBUI, log)


if __name__ == "__main__":
    print(ensure_installed().prefix)
