"""Writes in flight together (sync/pipeline.py): which changes may share a window, and that a
windowed apply reports exactly what a sequential one does when nothing fails, and exactly what
the server confirmed when something fails in the middle of a window. Without a server; the
real servers' side is in test_pipeline_server.py."""

from __future__ import annotations

import threading
from typing import Any

from kumaprov import versions
from kumaprov.errors import ServerError
from kumaprov.kinds.changes import Change, Create, Delete, Desired, Live, Plan, Update
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.registry import BY_NAME
from kumaprov.sync.apply import apply
from kumaprov.sync.pipeline import runs
from kumaprov.sync.plan import make_plan
from kumaprov.sync.report import apply_text

LINE = versions.server_line("2.5.3")


def overlaps(action: Any) -> bool:
    return BY_NAME[action.live.kind if isinstance(action, Delete) else action.desired.kind].overlaps(action)


def cut(actions: list[Any]) -> list[list[int]]:
    return [list(r) for r in runs(actions, overlaps)]


def test_independent_monitor_creates_share_one_run() -> None:
    creates = [Create(Desired(i, {"name": i})) for i in "abcd"]
    assert cut(creates) == [[0, 1, 2, 3]]


def test_a_group_and_its_members_never_share_a_run() -> None:
    creates = [Create(Desired("g", {"name": "G", "type": "group"})), Create(Desired("x", {"name": "X"})),
               Create(Desired("m", {"name": "M", "parent": "g"})), Create(Desired("n", {"name": "N", "parent": "g"}))]
    assert cut(creates) == [[0, 1], [2, 3]]


def test_members_are_deleted_before_their_group_in_another_run() -> None:
    member, group = Live(5, "M", "m", {"id": 5, "parent": 4}), Live(4, "G", "g", {"id": 4, "parent": None})
    other = Live(6, "O", "o", {"id": 6, "parent": None})
    assert cut([Delete(member), Delete(other), Delete(group)]) == [[0, 1], [2]]


def test_kinds_verbs_and_tag_changes_cut_runs() -> None:
    live = Live(7, "A", "a", {"id": 7})
    retag = Update(Desired("a", {"name": "A"}), live, (Change("tags", (), ("env:prod",)),))
    edit = Update(Desired("b", {"name": "B"}), Live(8, "B", "b", {"id": 8}), (Change("interval", 60, 90),))
    edit2 = Update(Desired("c", {"name": "C"}), Live(9, "C", "c", {"id": 9}), (Change("interval", 60, 90),))
    notification = Create(Desired("n", {"name": "N"}, kind="notification"))
    actions = [notification, Create(Desired("x", {"name": "X"})), edit, retag, edit2, Delete(Live(3, "D", "d", {}))]
    assert cut(actions) == [[0], [1], [2], [3], [4], [5]]


class ThreadedWriter:
    """A writer answering from several threads at once, as the adapter does. `fail` names
    the monitors whose `add` fails; every other add waits until the first failure happened,
    so which changes were in flight when it failed is the same every run."""

    def __init__(self, fail: tuple[str, ...] = (), window: int = 1) -> None:
        self.fail = fail
        self.failed = threading.Event()
        self.lock = threading.Lock()
        self.next_id = 100
        self.calls: list[tuple[str, Any]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.window = window

    def _enter(self) -> None:
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def _wait_turn(self, payload: dict[str, Any]) -> None:
        if payload["name"] in self.fail:
            self.failed.set()
            raise ServerError("add: connection to Uptime Kuma lost (BadNamespaceError)")
        if self.fail and self.window > 1:
            self.failed.wait(5)

    def add_monitor(self, payload: dict[str, Any]) -> int:
        self._enter()
        try:
            self._wait_turn(payload)
            with self.lock:
                self.next_id += 1
                self.calls.append(("add_monitor", payload["name"]))
                return self.next_id
        finally:
            with self.lock:
                self.in_flight -= 1

    def tags(self) -> list[dict[str, Any]]:
        return [{"id": 3, "name": "kumaprov"}]

    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        with self.lock:
            self.calls.append(("add_monitor_tag", value))

    def edit_monitor(self, payload: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append(("edit_monitor", payload["name"]))

    def delete_monitor(self, kuma_id: int) -> None:
        with self.lock:
            self.calls.append(("delete_monitor", kuma_id))


def a_plan() -> Plan:
    return make_plan([Desired(i, {"name": i.upper(), "interval": 60}) for i in "abcdefgh"]
                     + [Desired("u", {"name": "U", "interval": 90})],
                     [Live(9, "Old", "old", {"id": 9}), Live(10, "U", "u", {"id": 10, "name": "U", "interval": 60})])


def test_a_windowed_apply_makes_the_same_calls_and_report_as_a_sequential_one() -> None:
    sequential, windowed = ThreadedWriter(), ThreadedWriter(window=4)
    said_one: list[str] = []
    said_four: list[str] = []
    one = apply(a_plan(), sequential, Owner(), LINE, said_one.append, window=1)
    four = apply(a_plan(), windowed, Owner(), LINE, said_four.append, window=4)
    assert four == one and four.ok
    assert four.applied == [f"create {i}" for i in "abcdefgh"] + ["update u (#10)", "delete old (#9)"]
    assert said_four == said_one == four.applied  # progress in plan order, whatever order answers came in
    assert sorted(windowed.calls) == sorted(sequential.calls)
    # each create's ownership tag follows its own add
    for name in "abcdefgh":
        assert windowed.calls.index(("add_monitor", name.upper())) < windowed.calls.index(("add_monitor_tag", Owner().marker(name)))


def test_a_failure_in_the_middle_of_a_window_reports_what_the_server_confirmed() -> None:
    writer = ThreadedWriter(fail=("C",), window=4)
    report = apply(a_plan(), writer, Owner(), LINE, window=4)
    # a, b, c, d went out together (a window of 4); c failed, so nothing after the window was sent.
    assert report.applied == ["create a", "create b", "create d"]
    assert report.failed is not None and report.failed.startswith("create c: add: connection to Uptime Kuma lost")
    assert report.unconfirmed == []
    assert report.not_attempted == [f"create {i}" for i in "efgh"] + ["update u (#10)", "delete old (#9)"]
    assert ("add_monitor", "E") not in writer.calls
    text = apply_text(report)
    assert "applied: create d" in text and "not applied: create e" in text
    assert "Sync incomplete: 3 change(s) applied, 1 failed, 6 not attempted." in text


def test_the_same_failure_one_at_a_time_stops_at_it() -> None:
    report = apply(a_plan(), ThreadedWriter(fail=("C",)), Owner(), LINE, window=1)
    assert report.applied == ["create a", "create b"]
    assert report.failed is not None and report.failed.startswith("create c: ")
    assert report.not_attempted == [f"create {i}" for i in "defgh"] + ["update u (#10)", "delete old (#9)"]


def test_several_failures_in_one_window_the_first_in_plan_order_is_the_failure() -> None:
    writer = ThreadedWriter(fail=("D", "B"), window=4)
    report = apply(a_plan(), writer, Owner(), LINE, window=4)
    assert report.applied == ["create a", "create c"]
    assert report.failed is not None and report.failed.startswith("create b: ")
    assert [line.split(":")[0] for line in report.unconfirmed] == ["create d"]
    assert "FAILED too (may or may not have been applied): create d: add:" in apply_text(report)
    assert "1 more failed, " in apply_text(report)


class BarrierWriter(ThreadedWriter):
    """Each add waits until `window` adds are in flight at once: it fails (a broken barrier,
    not a KumaprovError) unless the window is really used."""

    def __init__(self, window: int) -> None:
        super().__init__(window=window)
        self.barrier = threading.Barrier(window, timeout=5)

    def _wait_turn(self, payload: dict[str, Any]) -> None:
        self.barrier.wait()


def test_the_window_is_used_and_never_exceeded() -> None:
    writer = BarrierWriter(window=3)
    plan = make_plan([Desired(f"m{i}", {"name": f"M{i}"}) for i in range(9)], [])
    report = apply(plan, writer, Owner(), LINE, window=3)
    assert report.ok and report.applied == [f"create m{i}" for i in range(9)]
    assert writer.most_in_flight == 3
