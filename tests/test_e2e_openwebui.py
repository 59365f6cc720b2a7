"""The openwebui template's three levels, synced to the real Uptime Kuma and pointed at a
local Open WebUI stand-in: the server's heartbeats must say what lint predicted."""

from __future__ import annotations

import json
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from kumaprov import versions
from kumaprov.dev.standin import StandIn
from kumaprov.server.client import KumaClient
from kumaprov.lint.run import lint
from kumaprov.model.monitors import HttpMonitor
from kumaprov.definitions.project import load_project
from kumaprov.semantics.verdict import predict
from tests.workspace import Workspace

UP, DOWN = 1, 0
LEVELS = ("health", "models", "chat")


def next_beat(watcher: KumaClient, kuma_id: int, status: int, skip: int = 0, timeout: float = 60) -> dict[str, Any]:
    """The first heartbeat with `status` among those after the first `skip` received."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for beat in watcher.heartbeats(kuma_id)[skip:]:
            if beat["status"] == status:
                return beat
        time.sleep(0.2)
    got = [(b["status"], b["msg"]) for b in watcher.heartbeats(kuma_id)]
    raise AssertionError(f"monitor {kuma_id}: no heartbeat with status {status}; got {got}")


def fetch(standin: StandIn, monitor: HttpMonitor) -> tuple[int, str]:
    """The response the server gets: the same URL, method, headers and body."""
    headers = {k: v.replace("${OPENWEBUI_API_KEY}", standin.api_key) for k, v in (monitor.headers or {}).items()}
    data = json.dumps(monitor.body).encode() if monitor.body is not None else None
    request = urllib.request.Request(monitor.url, data=data, method=monitor.method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_three_levels_go_up_and_down_as_lint_predicts(
    tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, standin: StandIn
) -> None:
    ws = Workspace(tmp_path, {**kuma_env, "OPENWEBUI_API_KEY": standin.api_key}, monkeypatch)
    # A copy: a link out of the project would be refused.
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", tmp_path / "templates")
    ws.write(f"""\
        monitors:
          - template: openwebui
            vars:
              id: owui
              name: Open WebUI e2e {ws.owner_tag}
              base_url: {standin.url}
              api_key_env: OPENWEBUI_API_KEY
              model: llama3.1:8b
              health_interval: 20
              models_interval: 20
              chat_interval: 20
              chat_timeout: 10
    """)
    project, _ = load_project(None, tmp_path)
    monitors = {d.id: d.monitor for d in lint(project).definitions}

    # Connected before the sync, so the first check's heartbeat is not missed.
    with ws.client() as watcher:
        semantics = versions.server_line(watcher.version).json_semantics

        def predicted_up(level: str) -> bool:
            monitor = monitors[f"owui-{level}"]
            assert isinstance(monitor, HttpMonitor)
            status, body = fetch(standin, monitor)
            return predict(monitor, body, status, semantics).up

        sync = ws.run("sync")
        assert sync.exit_code == 0, sync.output
        ids = {level: ws.managed()[f"owui-{level}"]["id"] for level in LEVELS}

        for level in LEVELS:
            assert predicted_up(level)
            next_beat(watcher, ids[level], UP)

        seen = {level: len(watcher.heartbeats(ids[level])) for level in LEVELS}
        standin.set_mode(models="empty", chat="no-word")
        assert not predicted_up("models") and not predicted_up("chat") and predicted_up("health")
        down_models = next_beat(watcher, ids["models"], DOWN, seen["models"])
        down_chat = next_beat(watcher, ids["chat"], DOWN, seen["chat"])
        assert "false" in down_models["msg"], down_models["msg"]  # the query result the server saw
        assert "false" in down_chat["msg"], down_chat["msg"]
        assert all(beat["status"] == UP for beat in watcher.heartbeats(ids["health"]))
