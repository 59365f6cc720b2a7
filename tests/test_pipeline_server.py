"""Writes in flight together, against the real servers: a windowed sync makes the same monitors
and the same report as a one-at-a-time sync, and a write the server rejects in the middle of a
window is reported as exactly what the server confirmed; a rerun converges either way."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kumaprov.definitions.project import Project, load_project
from kumaprov.kinds.monitor_refs import marked_id
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.sync import engine
from kumaprov.sync.apply import ApplyReport

WINDOW = 4
READ_SETTLES = 15.0  # seconds: see owned()
MEMBERS = 5
PLAIN = 7
# Fields that hold server ids or the name (the two projects differ in names), and the
# server's own bookkeeping.
NOT_COMPARED = {"id", "name", "pathName", "path", "parent", "childrenIDs", "tags", "weight", "created_date",
                "includeSensitiveData"}


def write(root: Path, owner_tag: str, interval: int, count: int = PLAIN, members: int = MEMBERS) -> Project:
    """A group with members, and plain monitors with a shared tag."""
    (root / "monitors").mkdir(parents=True, exist_ok=True)
    (root / "kumaprov.yaml").write_text(f"owner_tag: {owner_tag}\nproject: {owner_tag}\n")
    lines = ["monitors:\n"]
    if members:
        lines.append(f"  - {{id: grp, name: {owner_tag} group, type: group}}\n")
    lines += [f"  - {{id: m{i}, name: {owner_tag} member {i}, type: http, url: 'http://127.0.0.1:9/m{i}',"
              f" interval: {interval}, parent: grp}}\n" for i in range(members)]
    lines += [f"  - {{id: p{i}, name: {owner_tag} plain {i}, type: keyword, url: 'http://127.0.0.1:9/p{i}',"
              f" keyword: ok, interval: {interval}, tags: [{{name: {owner_tag}-env, value: test}}]}}\n"
              for i in range(count)]
    (root / "monitors" / "m.yaml").write_text("".join(lines) if len(lines) > 1 else "monitors: []\n")
    project, problems = load_project(None, root)
    assert not problems, problems
    return project


def sync(env: dict[str, str], project: Project, window: int, writer: Any = None) -> ApplyReport:
    with KumaClient.connect(env["KUMA_URL"], Credentials(token=env["KUMA_TOKEN"])) as client:
        planned = engine.plan_against(client, project, None)
        return engine.sync(writer(client) if writer else client, planned, project.owner, True,
                           lambda _: None, window)


def owned(env: dict[str, str], owner_tag: str) -> dict[str, dict[str, Any]]:
    """The monitors `owner_tag` owns by definition id, as compared across projects: server ids
    as the definition ids they stand for, names without the project's prefix.

    1.23 and 2.0.0-dev.0 answer `deleteMonitor` before they rebuild and push the monitor list,
    to every socket of the user: a list computed while deletes were still running can reach
    a connection made right after the sync, after its login-time list, naming monitors already
    deleted (untagged: their tags went first). Whether deletes go one at a time or not; so the
    read is repeated until the server has no such list left to push (within READ_SETTLES)."""
    deadline = time.monotonic() + READ_SETTLES
    while True:
        with KumaClient.connect(env["KUMA_URL"], Credentials(token=env["KUMA_TOKEN"])) as client:
            mine = [m for m in client.monitors() if str(m["name"]).startswith(owner_tag + " ")]
        if all(marked_id(m, owner_tag) for m in mine) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    ids = {m["id"]: marked_id(m, owner_tag) for m in mine}
    seen: dict[str, dict[str, Any]] = {}
    for monitor in mine:
        owner = marked_id(monitor, owner_tag)
        assert owner is not None and owner not in seen, f"untagged or duplicate: {monitor['name']}"
        seen[owner] = {**{k: v for k, v in monitor.items() if k not in NOT_COMPARED},
                       "name": str(monitor["name"])[len(owner_tag) + 1:], "parent": ids.get(monitor.get("parent")),
                       # the ownership marker's value names the project, which is named like its tag
                       "tags": sorted((t["name"][len(owner_tag):], str(t.get("value")).replace(owner_tag, "T"))
                                      for t in monitor.get("tags") or [])}
    return seen


def same_words(lines: list[str], owner_tag: str) -> list[str]:
    return [re.sub(r" \(#\d+\)", "", line).replace(owner_tag, "T") for line in lines]


@pytest.fixture
def tags() -> Iterator[tuple[str, str]]:
    run = uuid.uuid4().hex[:6]
    yield f"seq{run}", f"win{run}"


def test_a_windowed_sync_makes_the_same_monitors_and_report_as_one_at_a_time(
        tmp_path: Path, kuma_env: dict[str, str], tags: tuple[str, str]) -> None:
    one, many = tags
    for step, (interval, count, members) in enumerate([(300, PLAIN, MEMBERS), (360, PLAIN, MEMBERS), (360, 0, 0)]):
        reports = [sync(kuma_env, write(tmp_path / tag / str(step), tag, interval, count, members), window)
                   for tag, window in ((one, 1), (many, WINDOW))]
        assert reports[0].ok and reports[1].ok
        # The same lines, in the same (plan) order, but for each project's tag name and server ids.
        assert same_words(reports[0].applied, one) == same_words(reports[1].applied, many)
        verb = ("create", "update", "delete")[step]
        monitors = [line for line in reports[1].applied if not line.startswith(f"{verb} tag ")]
        group = 0 if verb == "update" else 1  # the group has no interval to change
        assert len(monitors) == group + MEMBERS + PLAIN and all(line.startswith(verb + " ") for line in monitors)
        assert owned(kuma_env, one) == owned(kuma_env, many)
    assert owned(kuma_env, many) == {}


class RejectsOne:
    """The adapter, but the add of one monitor carries a column the server does not have:
    the real server rejects that write and only that one."""

    def __init__(self, client: KumaClient, name: str) -> None:
        self._client, self._name = client, name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._client, attribute)

    def add_monitor(self, payload: dict[str, Any]) -> int:
        if payload["name"] == self._name:
            payload = {**payload, "kumaprovNoSuchColumn": 1}
        return self._client.add_monitor(payload)


def test_a_write_rejected_in_the_middle_of_a_window_is_reported_as_the_server_answered(
        tmp_path: Path, kuma_env: dict[str, str], tags: tuple[str, str]) -> None:
    one, many = tags
    reports = {}
    for tag, window in ((one, 1), (many, WINDOW)):
        project = write(tmp_path / tag, tag, 300, members=0)
        reports[window] = sync(kuma_env, project, window, lambda client, t=tag: RejectsOne(client, f"{t} plain 2"))
    sequential, windowed = reports[1], reports[WINDOW]
    assert sequential.applied == [f"create tag {one}-env", "create p0", "create p1"]
    assert sequential.failed is not None and sequential.failed.startswith("create p2: add: ")
    assert sequential.not_attempted == [f"create p{i}" for i in range(3, PLAIN)]

    # p0..p3 went out together: p3 was sent before p2's rejection came back, and is applied.
    assert windowed.applied[0] == f"create tag {many}-env"
    created = windowed.applied[1:]
    assert windowed.failed is not None and windowed.failed.replace(many, one) == sequential.failed  # the server's words
    assert windowed.unconfirmed == []
    assert created[:2] == ["create p0", "create p1"] and "create p3" in created
    assert sorted([*created, "create p2", *windowed.not_attempted]) == [f"create p{i}" for i in range(PLAIN)]
    assert windowed.not_attempted == [f"create p{i}" for i in range(PLAIN - len(windowed.not_attempted), PLAIN)]
    # Exactly what the report calls applied exists, each monitor tagged and once.
    assert sorted(owned(kuma_env, many)) == sorted(line.split()[-1] for line in created)
    assert sorted(owned(kuma_env, one)) == ["p0", "p1"]

    # A rerun without the fault converges both to the same monitors.
    for tag in (one, many):
        project = write(tmp_path / tag, tag, 300, members=0)
        assert sync(kuma_env, project, WINDOW).ok
    assert owned(kuma_env, one) == owned(kuma_env, many)
    assert sorted(owned(kuma_env, many)) == [f"p{i}" for i in range(PLAIN)]
