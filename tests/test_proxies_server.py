"""Proxies against the real Uptime Kuma: a proxy and the monitor going through it are
created in one sync, the password comes from the environment and never shows, the next
sync plans nothing, the proxy changes in place, and it goes only when marked absent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kumaprov.kinds.proxies import PROXIES
from tests.workspace import Workspace

SECRET = "proxy-canary-Lm4Qz8"


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, {**kuma_env, "PROXY_PASSWORD": SECRET}, monkeypatch)


def proxies_at(ws: Workspace, port: int) -> list[dict[str, Any]]:
    with ws.client() as client:
        return [p for p in PROXIES.read(client, True) if p["host"] == "127.0.0.1" and int(p["port"]) == port]


def test_a_proxy_and_its_monitor_sync_together_and_the_proxy_goes_only_when_absent(ws: Workspace) -> None:
    port = 20000 + uuid.uuid4().int % 40000  # a proxy address of this test's own
    monitor = f"""\
    monitors:
      - {{id: api, name: "API via proxy {port}", type: http, url: "http://127.0.0.1:9/", interval: 3600, proxy: corp}}
"""
    ws.write(monitor + f"""\
    proxies:
      - {{id: corp, host: 127.0.0.1, port: {port}, username: kuma, password: "${{PROXY_PASSWORD}}"}}
""")
    env = ws.env
    ws.env = {k: v for k, v in env.items() if k != "PROXY_PASSWORD"}
    unset = ws.run("sync")
    ws.env = env
    assert unset.exit_code == 1 and proxies_at(ws, port) == [] and ws.managed() == {}
    assert "monitors/monitors.yaml:4:72: KP403 environment variable PROXY_PASSWORD is not set" in unset.stderr

    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    assert SECRET not in sync.output
    address = f"http://127.0.0.1:{port}"
    assert sync.stdout.index(f"+ create proxy {address}") < sync.stdout.index("+ create api")
    [proxy] = proxies_at(ws, port)
    assert (proxy["username"], proxy["password"], bool(proxy["auth"])) == ("kuma", SECRET, True)
    assert int(ws.managed()["api"]["proxyId"]) == int(proxy["id"])
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    ws.write(monitor + f"""\
    proxies:
      - {{id: corp, host: 127.0.0.1, port: {port}}}
""")
    update = ws.run("sync")
    assert update.exit_code == 0, update.output
    assert f"~ update proxy {address}" in update.stdout and SECRET not in update.output
    [edited] = proxies_at(ws, port)
    assert edited["id"] == proxy["id"] and not edited["auth"] and not edited["username"]

    ws.write(f"""\
    monitors: []
    proxies:
      - {{id: corp, host: 127.0.0.1, port: {port}, absent: true}}
""")
    delete = ws.run("sync", "--allow-mass-delete")
    assert delete.exit_code == 0, delete.output
    assert f"- delete proxy {address}" in delete.stdout
    assert proxies_at(ws, port) == []
