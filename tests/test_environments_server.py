"""One repository, two environments, two real Uptime Kuma servers: each environment syncs its
own monitors with its own variables to its own server and leaves the other untouched, its
credentials are never printed, and both environments synced at once end in sync."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kumaprov.dev.localkuma import LocalKuma
from kumaprov.kinds.monitor_refs import marker_value
from kumaprov.server.client import Credentials, KumaClient
from tests.workspace import Workspace

PROJECT = """\
    project: owui-{tag}
    owner_tag: {tag}
    environments:
      prod:
        target: {version}
        vars: {{base_url: "http://127.0.0.1:9/prod", api_key_env: OWUI_PROD_KEY}}
      staging:
        credentials: STG
        target: {version}
        vars: {{base_url: "http://127.0.0.1:9/staging", api_key_env: OWUI_STAGING_KEY}}
        defaults: {{interval: {staging_interval}}}
"""
MONITORS = """\
    monitors:
      - {template: openwebui, vars: {id: owui, name: Open WebUI, model: llama3}}
      - {id: status, name: Status page, type: http, url: "http://127.0.0.1:9/status", environments: [prod]}
      - {id: canary, name: Canary, type: http, url: "http://127.0.0.1:9/canary", environments: [staging]}
"""


@pytest.fixture
def staging_server(own_kuma: LocalKuma) -> LocalKuma:
    return own_kuma


def token_of(server: LocalKuma) -> str:
    with KumaClient.connect(server.url, Credentials(server.username, server.password)) as client:
        assert client.token
        return client.token


def listed(url: str, token: str, tag: str) -> dict[str, dict[str, Any]]:
    """The monitors this test's tag marks on one server, by marker."""
    with KumaClient.connect(url, Credentials(token=token)) as client:
        return {str(marker_value(m, tag)): m for m in client.monitors() if marker_value(m, tag)}


def test_two_environments_on_two_servers_each_in_sync_and_the_other_untouched(
        tmp_path: Path, kuma_env: dict[str, str], kuma_version: str, staging_server: LocalKuma,
        monkeypatch: pytest.MonkeyPatch) -> None:
    staging_token = token_of(staging_server)
    env = {"PROD_KUMA_URL": kuma_env["KUMA_URL"], "PROD_KUMA_TOKEN": kuma_env["KUMA_TOKEN"],
           "STG_KUMA_URL": staging_server.url, "STG_KUMA_TOKEN": staging_token,
           "OWUI_PROD_KEY": "prod-key-0123456789", "OWUI_STAGING_KEY": "staging-key-0123456789"}
    ws = Workspace(tmp_path, env, monkeypatch)  # no KUMA_URL: each environment has its own
    tag = ws.owner_tag

    def configure(staging_interval: int) -> None:
        (ws.root / "kumaprov.yaml").write_text(textwrap.dedent(PROJECT).format(
            tag=tag, version=kuma_version, staging_interval=staging_interval))

    def servers() -> dict[str, dict[str, dict[str, Any]]]:
        return {"prod": listed(env["PROD_KUMA_URL"], env["PROD_KUMA_TOKEN"], tag),
                "staging": listed(env["STG_KUMA_URL"], staging_token, tag)}

    configure(600)
    ws.write(MONITORS)
    outputs = [ws.run("lint")]
    assert outputs[-1].exit_code == 0, outputs[-1].output

    outputs.append(ws.run("sync", "--env", "staging"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    project = f"owui-{tag}"
    assert servers()["prod"] == {}
    staging = servers()["staging"]
    assert sorted(staging) == [f"{project}/{i}" for i in ("canary", "owui-chat", "owui-health", "owui-models")]
    assert staging[f"{project}/owui-health"]["url"] == "http://127.0.0.1:9/staging/health"
    assert staging[f"{project}/canary"]["interval"] == 600  # the staging defaults

    outputs.append(ws.run("sync", "--env", "prod"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    after = servers()
    assert after["staging"] == staging
    assert sorted(after["prod"]) == [f"{project}/{i}" for i in ("owui-chat", "owui-health", "owui-models", "status")]
    assert after["prod"][f"{project}/owui-health"]["url"] == "http://127.0.0.1:9/prod/health"
    assert after["prod"][f"{project}/status"]["interval"] == 60
    assert "prod-key-0123456789" in after["prod"][f"{project}/owui-models"]["headers"]
    for name in ("prod", "staging"):
        outputs.append(ws.run("diff", "--env", name, "--detailed-exitcode"))
        assert outputs[-1].exit_code == 0, outputs[-1].output

    # A change for staging only: prod has nothing to do, and staging's sync leaves prod alone.
    configure(1200)
    outputs.append(ws.run("diff", "--env", "prod", "--detailed-exitcode"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    outputs.append(ws.run("diff", "--env", "staging", "--detailed-exitcode"))
    assert outputs[-1].exit_code == 2 and "interval: 600 -> 1200" in outputs[-1].stdout
    outputs.append(ws.run("sync", "--env", "staging"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    assert servers()["prod"] == after["prod"]
    assert servers()["staging"][f"{project}/canary"]["interval"] == 1200

    # Both environments at once, from two processes: each ends in sync with its own server.
    configure(900)
    runs = [subprocess.Popen([sys.executable, "-m", "kumaprov", "sync", "--env", name], cwd=ws.root, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env={**os.environ, **env, "KUMAPROV_NO_CACHE": "1"}) for name in ("prod", "staging")]
    parallel = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], parallel
    final = servers()
    assert sorted(final["prod"]) == sorted(after["prod"]) and len(final["staging"]) == 4
    assert final["staging"][f"{project}/canary"]["interval"] == 900
    for name in ("prod", "staging"):
        outputs.append(ws.run("diff", "--env", name, "--detailed-exitcode"))
        assert outputs[-1].exit_code == 0, outputs[-1].output

    # The credentials and keys were never printed (the tokens stand for any credential).
    printed = "".join(result.output for result in outputs) + "".join(parallel)
    for secret in (env["PROD_KUMA_TOKEN"], staging_token, env["OWUI_PROD_KEY"], env["OWUI_STAGING_KEY"]):
        assert secret not in printed
