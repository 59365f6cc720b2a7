"""API keys against the real Uptime Kuma, on a server of the test's own (the first key turns
on the server's API-key mode for /metrics, which other tests' servers must not inherit):
a sync creates the keys and writes each secret once to its key file (mode 0600) and nowhere
else, /metrics accepts the active key and refuses the inactive one, the next sync plans
nothing, `active` toggles in place, a new expiry replaces the key (the plan says so), export
writes the keys back without secrets, and a key goes only when marked absent."""

from __future__ import annotations

import base64
import json
import stat
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from kumaprov.dev.localkuma import LocalKuma
from kumaprov.kinds.api_keys import API_KEYS
from kumaprov.server.client import Credentials, KumaClient
from tests.workspace import Workspace



@pytest.fixture
def ws(own_kuma: LocalKuma, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    with KumaClient.connect(own_kuma.url, Credentials(own_kuma.username, own_kuma.password)) as client:
        token = str(client.token)
    return Workspace(tmp_path / "project", {"KUMA_URL": own_kuma.url, "KUMA_TOKEN": token}, monkeypatch)


def keys(ws: Workspace) -> dict[str, dict[str, Any]]:
    with ws.client() as client:
        return {row["name"]: row for row in API_KEYS.read(client, True)}


def metrics_status(ws: Workspace, key: str) -> int:
    request = urllib.request.Request(f"{ws.env['KUMA_URL']}/metrics", headers={
        "Authorization": "Basic " + base64.b64encode(f"prometheus:{key}".encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def definitions(prom: str, ci: str = "active: false") -> str:
    return f"""\
    api_keys:
      - {{name: prometheus, key_file: ../secrets/prometheus.key, {prom}}}
      - {{name: ci, key_file: ../secrets/ci.key, {ci}}}
    """


def test_api_keys_are_created_with_their_secret_in_a_file_and_nowhere_else(ws: Workspace) -> None:
    outputs: list[str] = []
    secrets_dir = ws.root / "secrets"

    def run(*args: str) -> Any:
        result = ws.run(*args)
        outputs.append(result.output)
        return result

    ws.write(definitions("expires: 2099-01-31"))
    create = run("sync")
    assert create.exit_code == 0, create.output
    assert "+ create api_key prometheus" in create.stdout and "+ create api_key ci" in create.stdout
    first = (secrets_dir / "prometheus.key").read_text().strip()
    ci = (secrets_dir / "ci.key").read_text().strip()
    for path in secrets_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    listed = keys(ws)
    assert first.startswith(f"uk{listed['prometheus']['id']}_") and listed["prometheus"]["expires"].startswith(
        "2099-01-31")
    assert bool(listed["ci"]["active"]) is False and listed["ci"]["expires"] is None
    assert metrics_status(ws, first) == 200 and metrics_status(ws, ci) == 401
    assert run("diff", "--detailed-exitcode").exit_code == 0

    ws.write(definitions("expires: 2099-01-31", "active: true"))
    toggle = run("sync")
    assert toggle.exit_code == 0, toggle.output
    assert "~ update api_key ci" in toggle.stdout and "active" in toggle.stdout
    assert keys(ws)["ci"]["id"] == listed["ci"]["id"] and metrics_status(ws, ci) == 200

    ws.write(definitions("expires: 2098-06-30 12:00", "active: true"))
    plan = run("diff", "--output", "json")
    [replace] = [c for c in json.loads(plan.stdout)["changes"] if c["kind"] == "api_key"]
    assert {c["field"] for c in replace["changes"]} == {"expires", "keyFile"}
    assert "replaces the key" in run("diff").stdout
    replaced = run("sync")
    assert replaced.exit_code == 0, replaced.output
    second = (secrets_dir / "prometheus.key").read_text().strip()
    now = keys(ws)
    assert second != first and now["prometheus"]["id"] != listed["prometheus"]["id"]
    assert now["prometheus"]["expires"].startswith("2098-06-30 12:00")
    assert metrics_status(ws, second) == 200 and metrics_status(ws, first) == 401
    assert run("diff", "--detailed-exitcode").exit_code == 0

    exported = run("export", "--out", "exported.yaml")
    assert exported.exit_code == 0, exported.output
    text = (ws.root / "exported.yaml").read_text()
    document = yaml.safe_load(text)
    assert sorted(k["name"] for k in document["api_keys"]) == ["ci", "prometheus"]
    (ws.root / "monitors" / "monitors.yaml").write_text(yaml.safe_dump({"api_keys": document["api_keys"]}))
    assert run("diff", "--detailed-exitcode").exit_code == 0

    ws.write("""\
    api_keys:
      - {name: ci, key_file: ../secrets/ci.key, absent: true}
    """)
    delete = run("sync")
    assert delete.exit_code == 0, delete.output
    assert "- delete api_key ci" in delete.stdout
    assert sorted(keys(ws)) == ["prometheus"]  # not defined any more, not marked absent: left alone

    for secret in (first, second, ci, first.partition("_")[2], second.partition("_")[2]):
        assert all(secret not in output for output in outputs)
        assert secret not in text
