"""The docker hosts kind without a server: desired, live, what monitors may name, writes, export."""

from __future__ import annotations

from pathlib import Path

from kumaprov.kinds.base import Applying, ServerRefs
from kumaprov.kinds.changes import Create, Delete, Live, Update
from kumaprov.kinds.docker_hosts import DOCKER_HOSTS
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.sync.export import export
from tests.kindkit import FakeClient, LINE, OWNER, OWNER_TAG, RecordingWriter, linted, wanted_of, where

FILES = """\
    docker_hosts:
      - {name: local}
      - {name: farm, type: tcp, daemon: "tcp://farm:2375"}
      - {name: retired, absent: true}
    monitors:
      - {id: worker, name: Worker, type: docker, container: worker, docker_host: farm}
      - {id: handmade, name: Handmade, type: docker, container: c, docker_host: by-hand}
"""
ROWS = [{"id": 3, "name": "farm", "dockerType": "tcp", "dockerDaemon": "tcp://old:2375", "userID": 1},
        {"id": 4, "name": "by-hand", "dockerType": "socket", "dockerDaemon": "/var/run/docker.sock", "userID": 1},
        {"id": 5, "name": "retired", "dockerType": "socket", "dockerDaemon": "/var/run/docker.sock", "userID": 1}]


def live_hosts() -> list[Live]:
    return DOCKER_HOSTS.live(DOCKER_HOSTS.read(FakeClient(lists={"dockerHostList": ROWS}), True), ServerRefs(), OWNER)


def test_hosts_are_read_from_the_pushed_list_and_called_by_name() -> None:
    client = FakeClient(lists={"dockerHostList": ROWS})
    live = DOCKER_HOSTS.live(DOCKER_HOSTS.read(client, True), ServerRefs(), OWNER)
    assert client.calls == ["dockerHostList"]
    assert [(h.kuma_id, h.name, h.owner, h.kind) for h in live] == [
        (3, "farm", "farm", "docker_host"), (4, "by-hand", "by-hand", "docker_host"),
        (5, "retired", "retired", "docker_host")]


def test_desired_hosts_in_server_fields_and_the_absent_ones(tmp_path: Path) -> None:
    wanted, problems = wanted_of(DOCKER_HOSTS, linted(tmp_path, FILES), {"docker_host": live_hosts()})
    assert problems == []
    assert [(d.id, dict(d.fields)) for d in wanted.desired] == [
        ("local", {"name": "local", "dockerType": "socket", "dockerDaemon": "/var/run/docker.sock"}),
        ("farm", {"name": "farm", "dockerType": "tcp", "dockerDaemon": "tcp://farm:2375"})]
    assert wanted.absent == ["retired"]


def test_monitors_may_name_hosts_of_the_files_or_the_server_but_not_absent_ones(tmp_path: Path) -> None:
    sources = linted(tmp_path, FILES + "      - {id: gone, name: Gone, type: docker, container: c, "
                                       "docker_host: retired}\n")
    wanted, problems = wanted_of(MONITORS, sources, {"docker_host": live_hosts()})
    assert where(problems) == [
        "8:69: KP404 no docker host named 'retired' in the files or on the server (known: by-hand, farm, local)"]
    assert {d.id: d.fields["docker_host"] for d in wanted.desired} == {"worker": "farm", "handmade": "by-hand"}


def test_a_changed_daemon_is_an_update_of_that_field_only(tmp_path: Path) -> None:
    wanted, _ = wanted_of(DOCKER_HOSTS, linted(tmp_path, FILES), {"docker_host": live_hosts()})
    farm = next(d for d in wanted.desired if d.id == "farm")
    changes = DOCKER_HOSTS.compare(farm, live_hosts()[0], ServerRefs())
    assert [(c.field, c.old, c.new) for c in changes] == [("dockerDaemon", "tcp://old:2375", "tcp://farm:2375")]


def test_writes_save_the_whole_host_and_remember_new_ids(tmp_path: Path) -> None:
    wanted, _ = wanted_of(DOCKER_HOSTS, linted(tmp_path, FILES), {"docker_host": live_hosts()})
    local, farm = wanted.desired
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {}, REFERENCE_FIELDS)
    DOCKER_HOSTS.write(Create(local), applying)
    DOCKER_HOSTS.write(Update(farm, live_hosts()[0], ()), applying)
    DOCKER_HOSTS.write(Delete(live_hosts()[2]), applying)
    assert writer.calls == [
        ("addDockerHost", ({"name": "local", "dockerType": "socket", "dockerDaemon": "/var/run/docker.sock"}, None)),
        # The row as listed, the managed fields over it, by id: the server replaces the whole host.
        ("addDockerHost", ({**ROWS[0], "dockerDaemon": "tcp://farm:2375"}, 3)),
        ("deleteDockerHost", 5)]
    assert applying.kuma_ids[("docker_host", "local")] == 101


def test_export_writes_hosts_without_defaults_and_monitors_name_them() -> None:
    monitor = {"id": 9, "name": "Worker", "type": "docker", "docker_container": "worker", "docker_host": 3,
               "interval": 60, "retryInterval": 60, "maxretries": 0, "resendInterval": 0, "upsideDown": False,
               "tags": [], "notificationIDList": {}}
    result = export({"docker_host": ROWS, "monitor": [monitor]}, OWNER_TAG)
    assert result.document["docker_hosts"] == [
        {"name": "farm", "type": "tcp", "daemon": "tcp://old:2375"}, {"name": "by-hand"}, {"name": "retired"}]
    assert result.document["monitors"] == [
        {"id": "worker", "name": "Worker", "type": "docker", "container": "worker", "docker_host": "farm"}]
