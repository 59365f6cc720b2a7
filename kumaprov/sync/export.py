"""Export: what a live instance holds, as definition files a team can commit.

Each kind writes its own part (`Kind.export`), in registry order, so the objects a monitor
names have their export ids before the monitors do, and the monitors theirs before the
windows and pages that name them. The result holds no secret value: secrets become
`${VAR}` references whose names are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.registry import KINDS


def export(rows: Mapping[str, Any], owner_tag: str) -> Exporting:
    """Export from a snapshot read with `snapshot.needs_all()` (by kind name; a kind left out
    of `rows` is left out of the files)."""
    exporting = Exporting(owner_tag, KINDS)
    for kind in KINDS:
        if kind.name in rows:
            kind.export(rows[kind.name], exporting)
    return exporting


def counts(result: Exporting) -> str:
    """'1 notifications, 3 monitors': what the file holds, section by section."""
    return ", ".join(f"{len(items)} {key.replace('_', ' ')}" for key, items in result.document.items())


def render(result: Exporting) -> str:
    header = ["# Exported by `kumaprov export`. Review it, then commit it."]
    if result.secrets:
        header.append("# Secrets were left out; set these environment variables before diff or sync:")
        header += [f"#   {name}" for name in result.secrets]
    body: str = yaml.safe_dump(result.document, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(header) + "\n" + body
