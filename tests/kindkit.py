"""Kinds without a server: a project linted from text, a client that answers reads from small
snapshot rows (in the shapes Uptime Kuma lists them), and a writer that records every write."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kumaprov import versions
from kumaprov.definitions.project import load_project
from kumaprov.kinds.base import Kind, Wanted
from kumaprov.kinds.changes import Live
from kumaprov.lint.run import LintResult, lint
from kumaprov.problems import Problem, Severity
from kumaprov.sync.snapshot import needs, snapshot
from kumaprov.sync.state import interpret, resolve

LINE = versions.server_line("2.5.3")
OWNER = "kumaprov"


def linted(root: Path, text: str, target: str = "2.5.3") -> LintResult:
    """The lint result of one monitor file, which must have no errors."""
    (root / "monitors").mkdir(parents=True, exist_ok=True)
    (root / "monitors" / "m.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    project, problems = load_project(None, root)
    assert problems == []
    result = lint(project, target=target)
    errors = [p.text() for p in result.problems if p.severity is Severity.ERROR]
    assert errors == []
    return result


def where(problems: Sequence[Problem]) -> list[str]:
    """Problems as `line:column: CODE message` (the file is always monitors/m.yaml)."""
    return [f"{p.position.line}:{p.position.column}: {p.code} {p.message}" for p in problems]


class FakeClient:
    """The reads of server.client.KumaClient, answered from rows; `calls` lists what was read."""

    def __init__(self, *, monitors: Sequence[Mapping[str, Any]] = (), notifications: Sequence[Mapping[str, Any]] = (),
                 tags: Sequence[Mapping[str, Any]] = (), lists: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
                 maintenance: Sequence[Mapping[str, Any]] = (), covered: Mapping[int, list[int]] | None = None,
                 status_pages: Sequence[Mapping[str, Any]] = (),
                 groups: Mapping[str, list[dict[str, Any]]] | None = None) -> None:
        self.rows = {"monitors": monitors, "notifications": notifications, "tags": tags,
                     "maintenance": maintenance, "status_pages": status_pages}
        self.lists = dict(lists or {})
        self.covered = dict(covered or {})
        self.groups = dict(groups or {})
        self.calls: list[str] = []

    def _read(self, name: str) -> list[dict[str, Any]]:
        self.calls.append(name)
        return [dict(row) for row in self.rows[name]]

    def monitors(self) -> list[dict[str, Any]]:
        return self._read("monitors")

    def notifications(self) -> list[dict[str, Any]]:
        return self._read("notifications")

    def tags(self) -> list[dict[str, Any]]:
        return self._read("tags")

    def maintenance(self) -> list[dict[str, Any]]:
        return self._read("maintenance")

    def status_pages(self) -> list[dict[str, Any]]:
        return self._read("status_pages")

    def listed(self, event: str) -> list[dict[str, Any]]:
        self.calls.append(event)
        return [dict(row) for row in self.lists.get(event, [])]

    def maintenance_monitors(self, kuma_id: int) -> list[int]:
        self.calls.append(f"maintenance_monitors({kuma_id})")
        return list(self.covered.get(kuma_id, []))

    def status_page_groups(self, slug: str) -> list[dict[str, Any]]:
        self.calls.append(f"status_page_groups({slug})")
        return list(self.groups.get(slug, []))


class RecordingWriter:
    """The writes of server.client.KumaClient, recorded in order; new objects get ids from 100."""

    def __init__(self, tags: Sequence[Mapping[str, Any]] = ({"id": 1, "name": OWNER},)) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.existing_tags = list(tags)
        self.next_id = 100

    def _new(self, name: str, data: Any) -> int:
        self.calls.append((name, data))
        self.next_id += 1
        return self.next_id

    def _record(self, name: str, data: Any) -> None:
        self.calls.append((name, data))

    def add_monitor(self, payload: dict[str, Any]) -> int:
        return self._new("add_monitor", payload)

    def edit_monitor(self, payload: dict[str, Any]) -> None:
        self._record("edit_monitor", payload)

    def delete_monitor(self, kuma_id: int) -> None:
        self._record("delete_monitor", kuma_id)

    def tags(self) -> list[dict[str, Any]]:
        return [dict(tag) for tag in self.existing_tags]

    def add_tag(self, name: str, color: str) -> int:
        return self._new("add_tag", (name, color))

    def edit_tag(self, kuma_id: int, name: str, color: str) -> None:
        self._record("edit_tag", (kuma_id, name, color))

    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        self._record("add_monitor_tag", (tag_id, kuma_id, value))

    def delete_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        self._record("delete_monitor_tag", (tag_id, kuma_id, value))

    def save_notification(self, payload: Mapping[str, Any], kuma_id: int | None) -> int:
        if kuma_id is not None:
            self._record("save_notification", (dict(payload), kuma_id))
            return kuma_id
        return self._new("save_notification", (dict(payload), None))

    def delete_notification(self, kuma_id: int) -> None:
        self._record("delete_notification", kuma_id)

    def add_maintenance(self, payload: Mapping[str, Any]) -> int:
        return self._new("add_maintenance", dict(payload))

    def edit_maintenance(self, payload: Mapping[str, Any]) -> None:
        self._record("edit_maintenance", dict(payload))

    def delete_maintenance(self, kuma_id: int) -> None:
        self._record("delete_maintenance", kuma_id)

    def set_maintenance_monitors(self, kuma_id: int, monitor_ids: Sequence[int]) -> None:
        self._record("set_maintenance_monitors", (kuma_id, list(monitor_ids)))

    def add_status_page(self, title: str, slug: str) -> dict[str, Any]:
        self._record("add_status_page", (title, slug))
        return {"id": 7, "slug": slug, "title": title, "icon": "/icon.svg", "theme": "auto"}

    def save_status_page(self, slug: str, config: Mapping[str, Any], icon: str,
                         groups: Sequence[Mapping[str, Any]]) -> None:
        self._record("save_status_page", (slug, dict(config), icon, list(groups)))

    def delete_status_page(self, slug: str) -> None:
        self._record("delete_status_page", slug)

    def call(self, event: str, data: Any = None) -> Any:
        if event.startswith("add"):
            return {"id": self._new(event, data)}
        self._record(event, data)
        return {}

    def named(self, name: str) -> list[Any]:
        """The data of every call of that name, in order."""
        return [data for call, data in self.calls if call == name]


def live_of(client: FakeClient, sources: LintResult | None = None,
            wanted: Mapping[str, Any] | None = None) -> dict[str, list[Live]]:
    """Every kind's live objects, read as the engine reads them (for `sources`' needs)."""
    from kumaprov.kinds.registry import KINDS

    need = needs(sources) if sources is not None else {kind.name: kind.needs_all() for kind in KINDS}
    return interpret(snapshot(client, {**need, **(wanted or {})}), OWNER)


def wanted_of(kind: Kind, sources: LintResult, live: Mapping[str, Sequence[Live]] | None = None,
              environ: Mapping[str, str] | None = None) -> tuple[Wanted, list[Problem]]:
    """What the files want of `kind`, resolved against `live` (nothing on the server by default)."""
    from kumaprov.kinds.registry import KINDS

    everything = {k.name: list((live or {}).get(k.name, ())) for k in KINDS}
    wanted, problems = resolve(sources, everything, environ or {}, LINE, OWNER)
    return wanted[kind.name], problems
