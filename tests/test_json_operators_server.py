"""The 2.x JSON-query operators, run by the real server against the Open WebUI stand-in:
each monitor's first check is UP or DOWN exactly as lint predicts with that server's semantics."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from kumaprov import versions
from kumaprov.dev.standin import StandIn
from kumaprov.server.client import KumaClient
from kumaprov.lint.run import lint
from kumaprov.model.monitors import JsonQueryMonitor
from kumaprov.definitions.project import load_project
from kumaprov.semantics.verdict import predict
from tests.workspace import Workspace

UP, DOWN = 1, 0
# (operator, query, expected value) on the stand-in's two models; half of them UP.
CASES = [
    ("==", "$count(data)", "2"), ("!=", "$count(data)", "2"),
    ("contains", "data[0].id", "llama"), ("contains", "data[0].id", "mistral"),
    ("<", "$count(data)", "1"), ("<=", "$count(data)", "2"),
    (">", "$count(data)", "0"), (">=", "$count(data)", "3"),
    (">", "data[1].created", "1700000000"), ("==", "data[0].id", "llama3.1:8b"),
]


@pytest.mark.servers(since="2.0.0-beta.0", because="the jsonPathOperator column came with 2.0.0-beta.0")
def test_each_operator_decides_as_lint_predicts(tmp_path: Path, kuma_env: dict[str, str], kuma_version: str,
                                                monkeypatch: pytest.MonkeyPatch, standin: StandIn) -> None:
    ws = Workspace(tmp_path, {**kuma_env, "OPENWEBUI_API_KEY": standin.api_key}, monkeypatch)
    ws.project(f"target: {kuma_version}\n")
    ws.write("monitors:\n" + "".join(
        f"  - {{id: op-{i}, name: 'Operator {i} {ws.owner_tag}', type: json-query, interval: 3600,"
        f" url: '{standin.url}/api/models', headers: {{Authorization: 'Bearer ${{OPENWEBUI_API_KEY}}'}},"
        f" query: {json.dumps(query)}, operator: '{operator}', expected_value: '{expected}'}}\n"
        for i, (operator, query, expected) in enumerate(CASES)))
    project, _ = load_project(None, tmp_path)
    definitions = {d.id: d.monitor for d in lint(project).definitions}
    body = models_response(standin)
    semantics = versions.server_line(kuma_version).json_semantics

    with ws.client() as watcher:  # connected first, so no first heartbeat is missed
        sync = ws.run("sync")
        assert sync.exit_code == 0, sync.output
        live = ws.managed()
        verdicts = {}
        for monitor_id, monitor in sorted(definitions.items()):
            assert isinstance(monitor, JsonQueryMonitor)
            beat = first_beat(watcher, live[monitor_id]["id"])
            verdicts[monitor_id] = (beat["status"], predict(monitor, body, 200, semantics).up, beat["msg"])
    assert all((status == UP) == predicted for status, predicted, _ in verdicts.values()), verdicts
    assert {status for status, _, _ in verdicts.values()} == {UP, DOWN}


def models_response(standin: StandIn) -> str:
    request = urllib.request.Request(f"{standin.url}/api/models",
                                     headers={"Authorization": f"Bearer {standin.api_key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.read().decode())


def first_beat(watcher: KumaClient, kuma_id: int, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while not watcher.heartbeats(kuma_id):
        assert time.monotonic() < deadline, f"monitor {kuma_id} sent no heartbeat"
        time.sleep(0.1)
    return watcher.heartbeats(kuma_id)[0]
