"""Docker hosts against the real Uptime Kuma: a host and the docker monitor naming it are
created in one sync (the host first), the next sync plans nothing, the host changes in place,
and it is deleted only when marked absent (a monitor still naming it is refused)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kumaprov.kinds.docker_hosts import DOCKER_HOSTS
from tests.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, kuma_env, monkeypatch)


def hosts(ws: Workspace, name: str) -> list[dict[str, Any]]:
    with ws.client() as client:
        return [h for h in DOCKER_HOSTS.read(client, True) if h.get("name") == name]


def test_a_host_and_its_monitor_sync_together_and_the_host_goes_only_when_absent(ws: Workspace) -> None:
    name = f"builder-{uuid.uuid4().hex[:6]}"
    monitor = f"""\
    monitors:
      - {{id: worker, name: "Worker {name}", type: docker, container: worker, docker_host: {name}, interval: 3600}}
"""
    ws.write(f"""\
    docker_hosts:
      - {{name: {name}, type: tcp, daemon: "tcp://127.0.0.1:9"}}
""" + monitor)
    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    assert sync.stdout.index(f"+ create docker_host {name}") < sync.stdout.index("+ create worker")
    [host] = hosts(ws, name)
    assert (host["dockerType"], host["dockerDaemon"]) == ("tcp", "tcp://127.0.0.1:9")
    assert int(ws.managed()["worker"]["docker_host"]) == int(host["id"])
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    ws.write(f"""\
    docker_hosts:
      - {{name: {name}, type: tcp, daemon: "tcp://127.0.0.2:9"}}
""" + monitor)
    update = ws.run("sync")
    assert update.exit_code == 0, update.output
    assert f"~ update docker_host {name}" in update.stdout
    assert [(h["id"], h["dockerDaemon"]) for h in hosts(ws, name)] == [(host["id"], "tcp://127.0.0.2:9")]

    # Absent while a monitor still names it: refused before any write.
    ws.write(f"""\
    docker_hosts:
      - {{name: {name}, absent: true}}
""" + monitor)
    refused = ws.run("sync")
    assert refused.exit_code == 1
    assert f"KP404 no docker host named '{name}' in the files or on the server" in refused.stderr
    assert len(hosts(ws, name)) == 1

    ws.write(f"""\
    docker_hosts:
      - {{name: {name}, absent: true}}
    monitors: []
""")
    delete = ws.run("sync", "--allow-mass-delete")
    assert delete.exit_code == 0, delete.output
    assert f"- delete docker_host {name}" in delete.stdout
    assert hosts(ws, name) == [] and ws.managed() == {}
