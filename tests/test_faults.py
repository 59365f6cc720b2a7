"""The server dies in the middle of a sync: kumaprov says what was and was not applied,
exits non-zero, and the next sync converges with no duplicates and nothing lost."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kumaprov.sync import engine
from kumaprov.dev.localkuma import Installation, LocalKuma, start
from kumaprov.errors import ServerError
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.definitions.project import Project, load_project
from kumaprov.kinds.monitor_refs import owner_of

COUNT = 12


def write_project(root: Path) -> None:
    (root / "monitors").mkdir()
    (root / "monitors" / "m.yaml").write_text("monitors:\n" + "".join(
        f"  - {{id: f{i}, name: Fault {i}, type: http, url: 'http://127.0.0.1:9/{i}', interval: 300}}\n"
        for i in range(COUNT)))


def fault_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("project")
    write_project(root)
    return load_project(None, root)[0]


def as_admin(kuma: LocalKuma) -> KumaClient:
    return KumaClient.connect(kuma.url, Credentials(kuma.username, kuma.password), timeout=5)


@pytest.mark.parametrize("window", [1, None], ids=["one-at-a-time", "server-line-window"])
def test_a_server_killed_mid_sync_is_reported_and_the_next_sync_converges(
    kuma_build: Installation, tmp_path_factory: pytest.TempPathFactory, window: int | None
) -> None:
    data_dir = tmp_path_factory.mktemp("kuma-faults")
    project = fault_project(tmp_path_factory)
    kuma = start(data_dir, installation=kuma_build)
    try:
        with as_admin(kuma) as client:
            token = client.token
            planned = engine.plan_against(client, project, None)

            def kill_after_five(done: str) -> None:
                if done == "create f4":
                    kuma.process.kill()
                    kuma.process.wait()

            report = engine.sync(client, planned, project.owner, False, kill_after_five, window)
        assert not report.ok
        if window == 1:
            assert report.applied == [f"create f{i}" for i in range(5)]
            assert report.failed is not None and report.failed.startswith("create f5: ")
            assert report.not_attempted == [f"create f{i}" for i in range(6, COUNT)]
        else:
            # The writes in flight with f4 may have been answered before the kill: the report
            # says which, in plan order, and every change is in exactly one list.
            failed = report.failed.split(":")[0] if report.failed else ""
            told = [*report.applied, failed, *(u.split(":")[0] for u in report.unconfirmed), *report.not_attempted]
            assert sorted(told, key=lambda d: int(d[len("create f"):])) == [f"create f{i}" for i in range(COUNT)]
            assert report.applied[:5] == [f"create f{i}" for i in range(5)]
            assert report.not_attempted == [f"create f{i}" for i in range(COUNT - len(report.not_attempted), COUNT)]
    finally:
        kuma.stop()

    applied = {line.split()[-1] for line in report.applied}
    restarted = start(data_dir, installation=kuma_build)  # same data, a new port
    try:
        credentials = Credentials(token=token)
        with KumaClient.connect(restarted.url, credentials) as client:
            planned = engine.plan_against(client, project, None)
            if window == 1:
                assert len(planned.plan.creates) == COUNT - 5 and planned.plan.unchanged
            # What the report called applied is there; the rest is created or adopted, once.
            assert applied <= set(planned.plan.unchanged)
            adopted = [u.desired.id for u in planned.plan.updates if u.adopt]
            assert len(planned.plan.creates) + len(adopted) + len(planned.plan.unchanged) == COUNT
            assert engine.sync(client, planned, project.owner, False, lambda _: None).ok
        with KumaClient.connect(restarted.url, credentials) as client:
            owners = sorted(owner_of(m, project.owner) or "" for m in client.monitors())
            assert owners == sorted(f"f{i}" for i in range(COUNT))
            assert not engine.plan_against(client, project, None).plan.has_changes
    finally:
        restarted.stop()


def test_a_dropped_connection_is_a_server_error_not_a_hang(kuma_build: Installation,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    kuma = start(tmp_path_factory.mktemp("kuma-drop"), installation=kuma_build)
    before = set(threading.enumerate())
    try:
        client = as_admin(kuma)
        kuma.process.kill()
        kuma.process.wait()
        with pytest.raises(ServerError, match="add: "):
            client.add_monitor({"type": "http", "name": "x", "url": "http://127.0.0.1:9/",
                                "accepted_statuscodes": ["200-299"], "notificationIDList": {}})
        client.close()
    finally:
        kuma.stop()
    # The connection's own threads end once it is closed. A client that kept trying to reconnect
    # (python-socketio names that thread after `_handle_reconnect`) would later reach whatever
    # listens on the port next, from a process that believes it has let go.
    left = [thread for thread in set(threading.enumerate()) - before if thread.daemon]
    for thread in left:
        thread.join(timeout=10)
    assert [thread.name for thread in left if thread.is_alive()] == []


class _DiesBeforeTheTag:
    """The client as kumaprov sees it when the run dies right after an `add`."""

    def __init__(self, client: KumaClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)

    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        raise ServerError("addMonitorTag: no answer from Uptime Kuma within 15 s")


def test_a_create_interrupted_before_its_tag_is_adopted_not_duplicated(
    kuma_build: Installation, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = fault_project(tmp_path_factory)
    kuma = start(tmp_path_factory.mktemp("kuma-untagged"), installation=kuma_build)
    try:
        with as_admin(kuma) as client:
            planned = engine.plan_against(client, project, None)
            report = engine.sync(_DiesBeforeTheTag(client), planned, project.owner,  # type: ignore[arg-type]
                                 False, lambda _: None)
            assert report.failed is not None and report.failed.startswith("create f0: ")
            assert "'Fault 0' was created without its ownership tag" in report.failed
            assert "next sync recognises it and adopts it" in report.failed

        with as_admin(kuma) as client:
            (untagged,) = [m for m in client.monitors() if m["name"] == "Fault 0"]
            assert owner_of(untagged, project.owner) is None
            planned = engine.plan_against(client, project, None)
            # Creates in flight with f0 when the tags failed (a write window) were left untagged too.
            left = ["f0", *(line.split(":")[0].split()[-1] for line in report.unconfirmed)]
            adopted = {update.desired.id: update for update in planned.plan.updates}
            assert sorted(adopted) == sorted(left) and all(update.adopt for update in adopted.values())
            assert adopted["f0"].live.kuma_id == untagged["id"]
            assert len(planned.plan.creates) == COUNT - len(left)
            assert engine.sync(client, planned, project.owner, False, lambda _: None).ok

        with as_admin(kuma) as client:
            named = [m for m in client.monitors() if m["name"] == "Fault 0"]
            assert [m["id"] for m in named] == [untagged["id"]]
            assert owner_of(named[0], project.owner) == "f0"
            assert not engine.plan_against(client, project, None).plan.has_changes
    finally:
        kuma.stop()


def test_a_server_killed_before_the_converge_step_is_reported_as_a_failed_step(
    kuma_build: Installation, tmp_path_factory: pytest.TempPathFactory
) -> None:
    project = fault_project(tmp_path_factory)
    kuma = start(tmp_path_factory.mktemp("kuma-converge"), installation=kuma_build)
    try:
        with as_admin(kuma) as client:
            planned = engine.plan_against(client, project, None)

            def kill_after_the_last_create(done: str) -> None:
                if done == f"create f{COUNT - 1}":
                    kuma.process.kill()
                    kuma.process.wait()

            report = engine.sync(client, planned, project.owner, False, kill_after_the_last_create)
        assert report.applied == [f"create f{i}" for i in range(COUNT)]
        assert report.failed is not None
        assert report.failed.startswith("check for copies made by a concurrent sync: ")
        assert report.not_attempted == []
    finally:
        kuma.stop()
