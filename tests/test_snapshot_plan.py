"""From a snapshot to a plan and back, with no server: the rows a real Uptime Kuma listed for
tests/snapshots/project (recorded by tests/snapshots/record.py) against those files, edited
files, an empty server, a saved plan, and the export of the rows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from kumaprov import secrets, versions
from kumaprov.definitions.project import load_project
from kumaprov.kinds.changes import Plan
from kumaprov.kinds.registry import KINDS
from kumaprov.lint.run import LintResult, lint
from kumaprov.sync import savedplan
from kumaprov.sync.apply import apply
from kumaprov.sync.export import export, render
from kumaprov.sync.snapshot import needs
from kumaprov.sync.state import plan_from
from tests.kindkit import OWNER, OWNER_TAG, RecordingWriter

SNAPSHOTS = Path(__file__).parent / "snapshots"
RECORDED = json.loads((SNAPSHOTS / "kuma-2.0.0-dev.0.json").read_text(encoding="utf-8"))
LINE = versions.server_line(RECORDED["version"])
ENV: dict[str, str] = RECORDED["env"]


def recorded_rows() -> dict[str, Any]:
    """The rows as the snapshot returns them (JSON made the server ids of covered monitors text)."""
    rows = dict(RECORDED["rows"])
    windows, covered, shown = rows["maintenance"]
    rows["maintenance"] = (windows, {int(k): v for k, v in covered.items()}, {int(k): v for k, v in shown.items()})
    pages, groups = rows["status_page"]
    rows["status_page"] = (pages, groups)
    for kind in KINDS:  # kinds newer than the recording: as a snapshot reads what it need not
        if kind.name not in rows:
            rows[kind.name] = kind.read(None, False)
    return rows


def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: tuple[str, str] | None = None) -> LintResult:
    root = tmp_path / "project"
    shutil.copytree(SNAPSHOTS / "project", root)
    if edit:
        path = root / "monitors" / "all.yaml"
        text = path.read_text(encoding="utf-8")
        assert edit[0] in text
        path.write_text(text.replace(*edit), encoding="utf-8")
    monkeypatch.chdir(root)
    project, _ = load_project(None, root)
    result = lint(project, target=LINE.version)
    assert [p.text() for p in result.problems] == []
    return result


def planned(sources: LintResult, rows: dict[str, Any] | None = None, prune: bool = True) -> Plan:
    plan, _, problems = plan_from(sources, recorded_rows() if rows is None else rows, ENV, LINE, OWNER, prune=prune)
    assert problems == []
    return plan


def test_the_files_against_what_the_server_made_of_them_plan_nothing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sources = project_copy(tmp_path, monkeypatch)
    plan = planned(sources)
    assert not plan.has_changes, [*plan.creates, *plan.updates, *plan.deletes]
    # Every kind the files define (the project has no settings, API keys or remote browsers:
    # the real-server tests and test_kind_instance cover those).
    assert sorted(set(plan.unchanged_kinds)) == sorted(kind.name for kind in KINDS
                                                       if kind.name == "monitor" or kind.defined(sources))
    # 10 monitors, 2 windows, one of each other kind (the tag `critical` has no colour in the files).
    assert len(plan.unchanged) == 17


def test_only_what_the_files_need_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = needs(project_copy(tmp_path, monkeypatch))
    assert wanted["maintenance"] == {"Shop upgrade", "Move"} and wanted["status_page"] == {"shop-status"}
    assert wanted["proxy"] is True and wanted["tag"] == {"env", "critical"}


def test_an_edit_plans_exactly_that_field_and_a_removed_monitor_is_deleted_after_what_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = ("  - {id: dns, name: DNS, type: dns, hostname: example.test, resolver: 127.0.0.1, record_type: AAAA}\n",
              "")
    sources = project_copy(tmp_path, monkeypatch, edited)
    plan = planned(sources)
    assert [(d.live.kind, d.live.owner) for d in plan.deletes] == [("monitor", "dns")]
    assert not plan.creates and not plan.updates
    slower = project_copy(tmp_path / "b", monkeypatch, ("    interval: 120\n", "    interval: 300\n"))
    (update,) = planned(slower).updates
    assert (update.desired.id, [(c.field, c.old, c.new) for c in update.changes]) == (
        "shop-api", [("interval", 120, 300), ("retryInterval", 120, 300)])


def test_an_empty_server_gets_everything_in_registry_order_with_server_ids_swapped_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = {"monitor": [], "notification": [], "tag": [], "docker_host": [], "proxy": [], "maintenance": ([], {}, {}),
             "status_page": ([], {}), "remote_browser": [], "api_key": [], "settings": None}
    plan = planned(project_copy(tmp_path, monkeypatch), empty)
    kinds = [create.desired.kind for create in plan.creates]
    assert kinds == sorted(kinds, key=[kind.name for kind in KINDS].index)
    writer = RecordingWriter()
    report = apply(plan, writer, OWNER, LINE)
    assert report.ok and len(report.applied) == len(plan.creates) == 18  # and both tags, new
    # The writer numbers what it adds from 101; a status page's id comes from getStatusPage.
    ids = {(create.desired.kind, create.desired.id): n
           for n, create in enumerate((c for c in plan.creates if c.desired.kind != "status_page"), 101)}
    added = {payload["name"]: payload for payload in writer.named("add_monitor")}
    assert added["Shop web"]["parent"] == ids[("monitor", "shop")]
    assert added["Shop web"]["proxyId"] == ids[("proxy", "http://127.0.0.1:3128")]
    assert added["Worker"]["docker_host"] == ids[("docker_host", "builder")]
    assert added["Shop API"]["notificationIDList"] == {str(ids[("notification", "ops-hook")]): True}
    assert (ids[("maintenance", "Move")], [{"id": ids[("monitor", "db")]}]) in writer.named("addMonitorMaintenance")


def test_a_saved_plan_holds_no_secret_and_comes_back_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = project_copy(tmp_path, monkeypatch, ("/hook/${HOOK_TOKEN}", "/hooks/${HOOK_TOKEN}"))
    plan, live, _ = plan_from(sources, recorded_rows(), ENV, LINE, OWNER)
    document = savedplan.to_document(plan, {"url": "http://kuma.test"}, live)
    assert not any(value in json.dumps(document) for value in ENV.values())
    again = savedplan.from_document(json.loads(json.dumps(document)), "http://kuma.test", live, ENV)
    assert [(u.desired.kind, u.desired.id, dict(u.desired.fields)["webhookURL"]) for u in again.updates] == [
        ("notification", "ops-hook", "http://127.0.0.1:9/hooks/recorded-hook-token")]


def test_the_export_of_the_snapshot_plans_nothing_against_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A process that has resolved none of the project's variables: every secret by its shape.
    monkeypatch.setattr("kumaprov.kinds.exporting.REDACTOR", secrets.Redactor())
    result = export(recorded_rows(), OWNER_TAG)
    assert result.skipped == []
    root = tmp_path / "exported"
    (root / "monitors").mkdir(parents=True)
    (root / "monitors" / "exported.yaml").write_text(render(result), encoding="utf-8")
    monkeypatch.chdir(root)
    project, _ = load_project(None, root)
    sources = lint(project, target=LINE.version)
    assert [p.text() for p in sources.problems] == []
    # The secrets the export left out, set to what the server holds.
    environ = {name: value for name, value in zip(result.secrets, _server_secrets(result.secrets))}
    plan, _, problems = plan_from(sources, recorded_rows(), environ, LINE, OWNER)
    assert problems == [] and not plan.has_changes, [*plan.creates, *plan.updates, *plan.deletes]


def _server_secrets(names: list[str]) -> list[str]:
    """What the recorded server holds for each variable the export named, by the export's naming."""
    known = {"KUMA_OPS_HOOK_WEBHOOKURL": "http://127.0.0.1:9/hook/recorded-hook-token",
             "KUMA_PROXY_127_0_0_1_PASSWORD": ENV["PROXY_PASSWORD"],
             "KUMA_SHOP_API_HEADERS_AUTHORIZATION": ENV["API_TOKEN"],
             "KUMA_LOGIN_PASSWORD": ENV["API_TOKEN"], "KUMA_BEAT_PUSH_TOKEN": ENV["PUSH_TOKEN"],
             "KUMA_QUEUE_PASSWORD": ENV["API_TOKEN"],
             "KUMA_PG_CONNECTION_STRING": f"postgres://kuma:{ENV['API_TOKEN']}@127.0.0.1:9/app"}
    return [known[name] for name in names]
