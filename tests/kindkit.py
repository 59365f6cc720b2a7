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
from kumaprov.kinds.ownership import Owner
from kumaprov.lint.run import LintResult, lint
from kumaprov.problems import Problem, Severity
from kumaprov.sync.snapshot import needs, snapshot
from kumaprov.sync.state import interpret, resolve

LINE = versions.server_line("2.5.3")
OWNER_TAG = "kumaprov"
PROJECT = "kp"  # tests/snapshots/project/kumaprov.yaml names the same project
OWNER = Owner(OWNER_TAG, PROJECT)


def marked(definition_id: str) -> str:
    """The ownership tag's value on a monitor of the test project."""
    return OWNER.marker(definition_id)


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
                 covered: Mapping[int, list[int]] | None = None,
                 groups: Mapping[str, list[dict[str, Any]]] | None = None,
                 pages: Mapping[str, dict[str, Any]] | None = None,
                 shown: Mapping[int, list[int]] | None = None) -> None:
        self.rows = {"monitors": monitors, "notifications": notifications, "tags": tags}
        self.lists = dict(lists or {})  # what the server pushes after login, by event: maintenanceList ...
        self.covered = dict(covered or {})  # window id -> ids of the monitors it covers
        # page slug -> what the public endpoint answers (`groups`: only the page's groups)
        self.pages = {slug: {"publicGroupList": list(g)} for slug, g in (groups or {}).items()}
        self.pages.update(pages or {})
        self.shown = dict(shown or {})  # window id -> ids of the status pages that show it
        self.calls: list[str] = []
        self.version = LINE.version
        self.settings: dict[str, Any] = {"primaryBaseURL": "", "keepDataPeriodDays": 180, "checkUpdate": True}

    def _read(self, name: str) -> list[dict[str, Any]]:
        self.calls.append(name)
        return [dict(row) for row in self.rows[name]]

    def monitors(self) -> list[dict[str, Any]]:
        return self._read("monitors")

    def notifications(self) -> list[dict[str, Any]]:
        return self._read("notifications")

    def tags(self) -> list[dict[str, Any]]:
        return self._read("tags")

    def listed(self, event: str) -> list[dict[str, Any]]:
        self.calls.append(event)
        return [dict(row) for row in self.lists.get(event, [])]

    def call(self, event: str, data: Any = None) -> Any:
        if event == "getSettings":
            self.calls.append(event)
            return {"data": dict(self.settings)}
        # The only reads a kind makes by call: a window's monitors and status pages.
        assert event in ("getMonitorMaintenance", "getMaintenanceStatusPage"), event
        self.calls.append(f"{event}({data})")
        if event == "getMaintenanceStatusPage":
            return {"statusPages": [{"id": kuma_id} for kuma_id in self.shown.get(int(data), [])]}
        return {"monitors": [{"id": kuma_id} for kuma_id in self.covered.get(int(data), [])]}

    def status_page(self, slug: str) -> dict[str, Any]:
        self.calls.append(f"status_page({slug})")
        return dict(self.pages.get(slug, {}))


class RecordingWriter:
    """The writes of server.client.KumaClient, recorded in order; new objects get ids from 100."""

    def __init__(self, tags: Sequence[Mapping[str, Any]] = ({"id": 1, "name": OWNER_TAG},)) -> None:
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

    def call(self, event: str, data: Any = None) -> Any:
        """A kind's own socket call, answered as the server answers it."""
        if event == "getStatusPage":  # the settings a new page got
            self._record(event, data)
            return {"config": {"id": 7, "slug": data, "title": "?", "icon": "/icon.svg", "theme": "auto"}}
        if event == "addNotification" and data[1] is not None:  # saved over an existing one
            self._record(event, data)
            return {"id": data[1]}
        if event in ("addNotification", "addDockerHost", "addProxy", "addMaintenance"):
            new = self._new(event, data)
            return {"id": new, "maintenanceID": new}
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
