"""Instance settings against the real Uptime Kuma: a sync sets the keys the files list and
leaves every other setting as it was, the next sync plans nothing, one key changes alone,
a setting removed from the files is left as it is, and export writes it back."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kumaprov.kinds.settings import SETTINGS
from tests.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    workspace = Workspace(tmp_path, kuma_env, monkeypatch)
    before = settings_of(workspace)
    yield workspace
    with workspace.client() as client:  # the server is shared with other tests: put it back
        client.call("setSettings", (before, ""))


def settings_of(ws: Workspace) -> dict[str, Any]:
    with ws.client() as client:
        return dict(SETTINGS.read(client, True))


def test_settings_manage_only_the_keys_the_files_list(ws: Workspace) -> None:
    url = f"https://kuma-{uuid.uuid4().hex[:8]}.example.com"
    before = settings_of(ws)
    ws.write(f"""\
    settings:
      primaryBaseURL: {url}
      keepDataPeriodDays: 91
      tlsExpiryNotifyDays: [5, 10]
    """)
    ws.write("""\
    settings:
      checkUpdate: false
    """, "more.yaml")
    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    assert "~ update settings instance" in sync.stdout and "keepDataPeriodDays" in sync.stdout
    after = settings_of(ws)
    managed = {"primaryBaseURL": url, "keepDataPeriodDays": 91, "tlsExpiryNotifyDays": [5, 10], "checkUpdate": False}
    assert {key: after.get(key) for key in managed} == managed
    untouched = {key: value for key, value in before.items() if key not in managed}
    assert {key: after.get(key) for key in untouched} == untouched
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    ws.write(f"""\
    settings:
      primaryBaseURL: {url}
      keepDataPeriodDays: 92
      tlsExpiryNotifyDays: [5, 10]
    """)
    diff = ws.run("diff", "--output", "json")
    [update] = [c for c in json.loads(diff.stdout)["changes"] if c["kind"] == "settings"]
    assert update["action"] == "update"
    assert [change["field"] for change in update["changes"]] == ["keepDataPeriodDays"]
    update_run = ws.run("sync")
    assert update_run.exit_code == 0, update_run.output
    assert settings_of(ws)["keepDataPeriodDays"] == 92

    (ws.root / "monitors" / "more.yaml").unlink()  # no longer managed: left as it is
    left = ws.run("diff", "--detailed-exitcode")
    assert left.exit_code == 0, left.output
    assert settings_of(ws)["checkUpdate"] is False

    exported = ws.run("export", "--out", "exported.yaml")
    assert exported.exit_code == 0, exported.output
    document = yaml.safe_load((ws.root / "exported.yaml").read_text())
    assert document["settings"]["primaryBaseURL"] == url
    assert document["settings"]["keepDataPeriodDays"] == 92 and document["settings"]["checkUpdate"] is False
    (ws.root / "monitors" / "monitors.yaml").write_text(yaml.safe_dump({"settings": document["settings"]}))
    round_trip = ws.run("diff", "--detailed-exitcode")
    assert round_trip.exit_code == 0, round_trip.output


def test_disable_auth_is_refused_before_anything_is_written(ws: Workspace) -> None:
    before = settings_of(ws)
    path = ws.write("""\
    settings:
      keepDataPeriodDays: 33
      disableAuth: true
    """)
    sync = ws.run("sync")
    assert sync.exit_code == 1
    assert f"{path.relative_to(ws.root)}:3:16: KP104 disableAuth: disableAuth cannot be managed" in sync.output
    assert settings_of(ws) == before
