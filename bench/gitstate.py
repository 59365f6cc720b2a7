"""What a benchmark measured: the commit, and whether kumaprov/ had uncommitted edits."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def git_state() -> str:
    """Read-only git; 'unknown commit' without git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "kumaprov"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown commit"
    return f"commit {head or '?'}{' + uncommitted changes in kumaprov/' if dirty else ''}"
