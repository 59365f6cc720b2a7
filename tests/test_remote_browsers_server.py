"""Remote browsers against the real Uptime Kuma 2.x: a remote browser and the real-browser
monitor that names it are created in one sync, the token in its URL comes from the
environment and never shows, the next sync plans nothing, the browser changes in place,
export writes it back with its token as a reference, and it goes only when marked absent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kumaprov.kinds.remote_browsers import REMOTE_BROWSERS
from tests.workspace import Workspace

SECRET = "browser-canary-Qw7Rt2"
pytestmark = pytest.mark.servers(since="2.0.0-beta.0", because="remote browsers arrived with 2.x (the 2.0.0-dev.0 "
                                                                "build and 1.23 have none)")


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], kuma_version: str,
       monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    workspace = Workspace(tmp_path, {**kuma_env, "BROWSER_TOKEN": SECRET}, monkeypatch)
    workspace.project(f"target: {kuma_version}\n")  # without one, lint refuses what 1.23 lacks
    yield workspace


def browsers_named(ws: Workspace, name: str) -> list[dict[str, Any]]:
    with ws.client() as client:
        return [b for b in REMOTE_BROWSERS.read(client, True) if b["name"] == name]


def test_a_remote_browser_and_its_monitor_sync_together_and_it_goes_only_when_absent(ws: Workspace) -> None:
    name = f"grid-{uuid.uuid4().hex[:8]}"
    monitor = f"""\
    monitors:
      - {{id: page, name: "Page in {name}", type: real-browser, url: "https://example.com/", interval: 3600,
          remote_browser: {name}}}
"""
    ws.write(monitor + f"""\
    remote_browsers:
      - {{name: {name}, url: "ws://127.0.0.1:9/playwright?token=${{BROWSER_TOKEN}}"}}
""")
    env = ws.env
    ws.env = {k: v for k, v in env.items() if k != "BROWSER_TOKEN"}
    unset = ws.run("sync")
    ws.env = env
    assert unset.exit_code == 1 and browsers_named(ws, name) == [] and ws.managed() == {}
    assert "KP403 environment variable BROWSER_TOKEN is not set" in unset.stderr

    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    assert SECRET not in sync.output
    assert sync.stdout.index(f"+ create remote_browser {name}") < sync.stdout.index("+ create page")
    [browser] = browsers_named(ws, name)
    assert browser["url"] == f"ws://127.0.0.1:9/playwright?token={SECRET}"
    assert int(ws.managed()["page"]["remote_browser"]) == int(browser["id"])
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    ws.write(monitor + f"""\
    remote_browsers:
      - {{name: {name}, url: "ws://127.0.0.1:10/playwright?token=${{BROWSER_TOKEN}}"}}
""")
    update = ws.run("sync")
    assert update.exit_code == 0, update.output
    assert f"~ update remote_browser {name}" in update.stdout and SECRET not in update.output
    [edited] = browsers_named(ws, name)
    assert edited["id"] == browser["id"] and edited["url"].startswith("ws://127.0.0.1:10/")

    exported = ws.run("export", "--out", "exported.yaml")
    assert exported.exit_code == 0, exported.output
    text = (ws.root / "exported.yaml").read_text()
    assert SECRET not in text
    document = yaml.safe_load(text)
    assert {"name": name, "url": "ws://127.0.0.1:10/playwright?token=${BROWSER_TOKEN}"} in document["remote_browsers"]
    [page] = [m for m in document["monitors"] if m["name"] == f"Page in {name}"]
    assert page["remote_browser"] == name

    ws.write(f"""\
    monitors: []
    remote_browsers:
      - {{name: {name}, url: "ws://127.0.0.1:10/", absent: true}}
""")
    delete = ws.run("sync", "--allow-mass-delete")
    assert delete.exit_code == 0, delete.output
    assert f"- delete remote_browser {name}" in delete.stdout
    assert browsers_named(ws, name) == []
