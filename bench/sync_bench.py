"""Benchmark: kumaprov sync against a local Uptime Kuma, beside the floor of bare socket calls.

Run by hand; prints figures, asserts nothing about timings:

    .venv/bin/python bench/sync_bench.py               # the issue's sizes: about 10 minutes here
    .venv/bin/python bench/sync_bench.py --writes 100  # about 5 minutes: create/update 100 instead of 200

Time: the 200 creates and 200 updates cost the server ~80 s and ~120 s per run on
this 2-core machine (see below), so they run ONCE each for kumaprov and for the
floor (--write-reps); the no-op runs repeat 7 (200 monitors) and 3 (1000) times.

It starts its own Uptime Kuma (kumaprov.dev.localkuma, 127.0.0.1, a temp data
dir), logs in with the password ONCE, and uses that JWT for every later
connection (the server rate-limits password logins; loginByToken is not).

The 2.0.0-dev.0 server rebuilds the whole monitor list (about 8 SQL queries per
monitor) and pushes it after every write, before answering: a write costs
roughly (a + b * monitors on the server). So every measurement states the
monitor count it ran at, and kumaprov and its floor always run from the same
state: the data dir is snapshotted (server stopped) and restored between the
create runs, the update runs alternate on the same monitors, and the server is
left to go idle (its CPU time is watched) before each timed run, because every
login makes it send heartbeat lists and stats for every monitor in the
background.

What is timed:

  kumaprov   in-process, the way `kumaprov sync` drives it (cli.sync_command):
             load_project, engine.offline_check (lint), session (connect +
             loginByToken + wait for the login-time monitor list), plan_against
             (given the offline lint, as the CLI gives it: linted again only when
             that did not cover the server's version; desired/live state, plan),
             the text plan rendering the CLI prints, engine.sync (apply, and after
             creates engine.converge's re-read when needed), close.
             Writes are counted by wrapping KumaClient's write methods.
  floor      create: the same payloads (captured by running kumaprov's plan_against
             and apply against a recording writer: exactly what it would send)
             sent with api.sio.call("add", ...) then api.sio.call("addMonitorTag",
             ...) on an already logged-in UptimeKumaApi: the floor INCLUDES the
             tag call (kumaprov makes it too).
             update: api.sio.call("editMonitor", payload) with the payload
             kumaprov builds (the listed monitor with interval/retryInterval
             changed), already logged in.
             Each write floor is also printed with the read before it (connect,
             loginByToken, the login-time list: what a sync must do first, and
             what kumaprov's time includes), and create also as that read plus the
             add calls alone: the issue's reference, where ownership costs nothing.
             no-op: UptimeKumaApi(url) connect + loginByToken sent + wait for the
             login-time monitor list (not for the login's answer, which 2.5.3
             sends after every monitor's heartbeats) + disconnect (kumaprov's
             time includes its close too). Through the CLI, also the same as a
             process of its own (`FLOOR_PROCESS`), beside the whole `kumaprov sync`;
             with `--before REF`, also that commit's `kumaprov sync`, in turns with
             this tree's (both imported from PYTHONPATH).
  naive      the library's convenience methods (api.add_monitor + api.add_monitor_tag,
             library default wait_events=0.2, which sleep inside version checks
             and get_monitor) for a few monitors, beside the floor at the same
             counts, extrapolated per monitor (labelled).

Server CPU: each create run also prints the Uptime Kuma process's CPU time (its main thread,
where the JavaScript runs, and all its threads); the floor's per call kind (add, addMonitorTag).

Monitors are http/keyword checks of http://127.0.0.1:9/... (nothing listens:
each check fails at once) with 1-day intervals, so checks hardly load the
server. The monitors needed only for the no-op runs beyond the write count
are inserted with SQL while the server is stopped (cloned from rows kumaprov
created, with their ownership tags); the no-op plan being empty verifies them.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uptime_kuma_api import AuthMethod, MonitorType, UptimeKumaApi
from uptime_kuma_api.api import Event

from gitstate import REPO, git_state  # bench/ is the script's directory, first on sys.path
from start_bench import tree_at
from kumaprov.sync import engine
from kumaprov.sync import report as planreport
from kumaprov.sync.apply import apply
from kumaprov.sync.connection import Connection, session
from kumaprov.dev import localkuma
from kumaprov.dev.install import KUMA_VERSION
from kumaprov.dev.releases import ensure_build
from kumaprov.server.client import Credentials, KumaClient, open_api
from kumaprov.definitions.project import load_project

PYTHON = sys.executable
OWNER_TAG = "kumaprov"
PROJECT = "bench"  # the generated kumaprov.yaml's `project:`
BASE_INTERVAL = 86_400  # one day: one check per monitor at start, then quiet
TYPES = ("http", "keyword")
CALL_TIMEOUT = 120.0

_T0 = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.0f}s] {message}", file=sys.stderr, flush=True)


# -- statistics -------------------------------------------------------------------


def med(values: list[float]) -> float:
    return statistics.median(values)


def span(values: list[float]) -> str:
    if len(values) == 1:
        return "n=1"
    return f"{min(values):.2f}..{max(values):.2f} n={len(values)}"


# -- the server ---------------------------------------------------------------------


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """CPU time (user + system) of the process, or of one of its threads."""
    stat = f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat"
    fields = Path(stat).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def js_seconds(server: Server) -> float:
    """CPU time of the server's main thread, where Node runs every socket handler's JavaScript,
    one at a time; SQLite's queries run on libuv's pool threads (cpu_seconds(pid) counts all).
    A server whose CPU time grows as fast as the wall clock is the bottleneck: no client, however
    many calls it keeps in flight, gets its writes done sooner than the server does their work."""
    return cpu_seconds(server.pid, server.pid)


def settle(pid: int, window: float = 0.5, busy: float = 0.08, quiet_windows: int = 2,
           max_wait: float = 90.0) -> float:
    """Wait until the server process has used < busy of a core for quiet_windows windows."""
    start = time.perf_counter()
    quiet = 0
    last = cpu_seconds(pid)
    while time.perf_counter() - start < max_wait:
        time.sleep(window)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if (now - last) / window < busy else 0
        last = now
        if quiet >= quiet_windows:
            break
    return time.perf_counter() - start


@dataclass
class Server:
    root: Path
    port: int = field(default_factory=localkuma.free_port)
    kuma: localkuma.LocalKuma | None = None
    installation: Any = None  # None: the npm build
    token: str = ""
    version: str = ""
    tag_id: int = 0

    @property
    def data_dir(self) -> Path:
        return self.root / "kuma"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.kuma is not None
        return self.kuma.pid

    def start(self) -> None:
        self.kuma = localkuma.start(self.data_dir, port=self.port, installation=self.installation,
                                    log=lambda m: None)

    def stop(self) -> None:
        if self.kuma is not None:
            self.kuma.stop()
            self.kuma = None

    def first_login(self) -> None:
        """The one password login: keep the JWT, create the ownership tag."""
        assert self.kuma is not None
        with KumaClient.connect(self.url, Credentials(self.kuma.username, self.kuma.password)) as client:
            assert client.token
            self.token = client.token
            self.version = client.version
            self.tag_id = client.add_tag(OWNER_TAG, "#2563EB")

    def db(self) -> Path:
        return self.data_dir / "kuma.db"

    def snapshot(self, name: str) -> None:
        assert self.kuma is None, "snapshot a stopped server"
        shutil.copy2(self.db(), self.root / f"{name}.db")

    def restore(self, name: str) -> None:
        self.stop()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db()}{suffix}").unlink(missing_ok=True)
        shutil.copy2(self.root / f"{name}.db", self.db())
        self.start()

    def settle(self) -> float:
        return settle(self.pid)

    def connect(self, wait_events: float = 0.0) -> UptimeKumaApi:
        api = greeted(self.url, wait_events)
        api.login_by_token(self.token)
        wait_list(api)
        return api


def greeted(url: str, wait_events: float = 0.0) -> UptimeKumaApi:
    """The library's client once the server's first `info` has arrived: 2.5.3 may drop an
    event sent the instant a socket connects (kumaprov's adapter waits the same way)."""
    api = open_api(url, CALL_TIMEOUT)
    api.wait_events = wait_events
    return api


def wait_list(api: UptimeKumaApi) -> None:
    deadline = time.monotonic() + CALL_TIMEOUT
    while api._event_data[Event.MONITOR_LIST] is None:
        if time.monotonic() > deadline:
            raise RuntimeError("no monitorList after login")
        time.sleep(0.005)


def call(api: UptimeKumaApi, event: str, data: Any) -> Any:
    answer = api.sio.call(event, data, timeout=CALL_TIMEOUT)
    if isinstance(answer, dict) and not answer.get("ok", True):
        raise RuntimeError(f"{event}: {answer.get('msg')}")
    return answer


# -- the definitions ------------------------------------------------------------------


def def_id(i: int) -> str:
    return f"bench-{i:04d}"


def marker(i: int) -> str:
    """The ownership tag's value kumaprov gives definition i: `<project>/<id>`."""
    return f"{PROJECT}/{def_id(i)}"


def def_name(i: int) -> str:
    return f"Bench {TYPES[i % 2]} {i:04d}"


def def_url(i: int) -> str:
    return f"http://127.0.0.1:9/bench/{i:04d}"


def make_project(root: Path) -> Path:
    """An empty project named PROJECT: the name is in each ownership marker, which seed_sql looks
    its rows up by."""
    project = root / "project"
    project.mkdir()
    (project / "kumaprov.yaml").write_text(f"project: {PROJECT}\n")
    return project


def write_definitions(project: Path, count: int, interval: int, changed: range | None = None,
                      per_file: int = 50) -> None:
    """Definitions 0..count-1 with `interval` (only those in `changed`, if given; the rest BASE_INTERVAL)."""
    monitors = project / "monitors"
    shutil.rmtree(monitors, ignore_errors=True)
    monitors.mkdir(parents=True)
    for start in range(0, count, per_file):
        lines = ["monitors:\n"]
        for i in range(start, min(count, start + per_file)):
            lines.append(f"  - id: {def_id(i)}\n    name: {def_name(i)}\n    type: {TYPES[i % 2]}\n"
                         f"    url: {def_url(i)}\n    interval: {interval if changed is None or i in changed else BASE_INTERVAL}\n")
            if TYPES[i % 2] == "keyword":
                lines.append("    keyword: pong\n")
        (monitors / f"bench-{start // per_file:03d}.yaml").write_text("".join(lines), encoding="utf-8")


class _Recorder:
    """A Writer that records what kumaprov.sync.apply would send and writes nothing."""

    def __init__(self, owner_tag_id: int) -> None:
        self.owner_tag_id = owner_tag_id
        self.payloads: dict[int, dict[str, Any]] = {}
        self.owner: dict[int, str] = {}

    def tags(self) -> list[dict[str, Any]]:
        return [{"id": self.owner_tag_id, "name": OWNER_TAG, "color": "#2563EB"}]

    def add_monitor(self, payload: Any) -> int:
        kuma_id = 1_000_000 + len(self.payloads)
        self.payloads[kuma_id] = dict(payload)
        return kuma_id

    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        if tag_id == self.owner_tag_id:
            self.owner[kuma_id] = value

    def __getattr__(self, name: str) -> Callable[..., Any]:
        raise RuntimeError(f"the recorder does not expect {name}(): not a monitors-only plan")


def capture_payloads(server: Server, project: Path) -> list[tuple[str, dict[str, Any]]]:
    """(definition id, add payload) for every create kumaprov would make now (server running, untimed)."""
    proj, problems = load_project(None, project)
    assert not problems, problems
    with KumaClient.connect(server.url, Credentials(token=server.token), 60.0) as client:
        planned = engine.plan_against(client, proj, None)
    recorder = _Recorder(server.tag_id)
    report = apply(planned.plan, recorder, proj.owner, planned.line)  # type: ignore[arg-type]
    assert report.ok, report.failed
    return [(recorder.owner[kuma_id], payload) for kuma_id, payload in recorder.payloads.items()]


def seed_sql(server: Server, start: int, stop: int) -> None:
    """Insert monitors start..stop-1 as clones of kumaprov-created rows (server stopped)."""
    assert server.kuma is None
    db = sqlite3.connect(server.db())
    try:
        columns = [row[1] for row in db.execute("PRAGMA table_info(monitor)") if row[1] not in ("id", "name", "url")]
        cols = ", ".join(columns)
        template = {}
        for i, kind in enumerate(TYPES):
            row = db.execute("SELECT monitor_id FROM monitor_tag WHERE tag_id = ? AND value = ?",
                             (server.tag_id, marker(i))).fetchone()
            assert row, f"no monitor tagged {marker(i)} to clone"
            template[kind] = row[0]
        for i in range(start, stop):
            cursor = db.execute(f"INSERT INTO monitor (name, url, {cols}) SELECT ?, ?, {cols} FROM monitor "
                                "WHERE id = ?", (def_name(i), def_url(i), template[TYPES[i % 2]]))
            db.execute("INSERT INTO monitor_tag (tag_id, monitor_id, value) VALUES (?, ?, ?)",
                       (server.tag_id, cursor.lastrowid, marker(i)))
        db.commit()
    finally:
        db.close()


def monitor_count(server: Server) -> int:
    api = server.connect()
    try:
        return len(api._event_data[Event.MONITOR_LIST])
    finally:
        api.disconnect()


# -- kumaprov, driven like `kumaprov sync` ---------------------------------------------------


@dataclass
class Run:
    total: float
    steps: dict[str, float]
    writes: dict[str, int]
    plan: tuple[int, int, int, int]  # creates, updates, deletes, unchanged
    changed_fields: set[str] = field(default_factory=set)


@contextlib.contextmanager
def counting() -> Iterator[tuple[dict[str, int], dict[str, float]]]:
    """Count KumaClient writes and connections; time engine.converge."""
    counts: dict[str, int] = {}
    timings: dict[str, float] = {}
    originals: dict[str, Any] = {}
    for name in ("add_monitor", "edit_monitor", "delete_monitor", "add_tag", "add_monitor_tag", "edit_tag",
                 "delete_monitor_tag", "call"):
        original = getattr(KumaClient, name, None)
        if original is None:
            continue
        originals[name] = original

        def wrapper(self: KumaClient, *args: Any, _name: str = name, _original: Any = original) -> Any:
            counted = str(args[0]) if _name == "call" else _name  # the kinds' own calls, by socket event
            counts[counted] = counts.get(counted, 0) + 1
            return _original(self, *args)

        setattr(KumaClient, name, wrapper)
    original_connect = KumaClient.__dict__["connect"]

    def connect(cls: type[KumaClient], *args: Any, **kwargs: Any) -> KumaClient:
        counts["connections"] = counts.get("connections", 0) + 1
        return original_connect.__func__(cls, *args, **kwargs)

    KumaClient.connect = classmethod(connect)  # type: ignore[method-assign, assignment]
    original_converge = engine.converge

    def converge(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original_converge(*args, **kwargs)
        finally:
            timings["converge"] = time.perf_counter() - start

    engine.converge = converge
    try:
        yield counts, timings
    finally:
        for name, original in originals.items():
            setattr(KumaClient, name, original)
        KumaClient.connect = original_connect  # type: ignore[method-assign]
        engine.converge = original_converge


def kumaprov_sync(project_root: Path, server: Server, allow_mass_delete: bool = False,
                  window: int | None = None) -> Run:
    """`window`: writes in flight, instead of the server line's (versions.py)."""
    connection = Connection(server.url, Credentials(token=server.token), 60.0)
    with counting() as (counts, timings):
        t0 = time.perf_counter()
        project, problems = load_project(None, project_root)
        assert not problems
        linted = engine.offline_check(project, None)
        t1 = time.perf_counter()
        with session(connection) as client:
            t2 = time.perf_counter()
            planned = engine.plan_against(client, project, None, linted=linted)  # as the CLI reuses it
            t3 = time.perf_counter()
            planreport.PLAN_FORMATS["text"](planned.plan, {"url": server.url, "version": planned.line.version})
            t4 = time.perf_counter()
            report = engine.sync(client, planned, project.owner, allow_mass_delete, lambda done: None, window)
            t5 = time.perf_counter()
        t6 = time.perf_counter()
    assert report.ok, report.failed
    plan = planned.plan
    converge = timings.get("converge", 0.0)
    steps = {"lint (offline_check)": t1 - t0, "connect+login+list": t2 - t1,
             "plan_against (lint, state, plan)": t3 - t2, "plan text": t4 - t3,
             "apply": t5 - t4 - converge, "converge (re-read)": converge, "close": t6 - t5}
    fields = {change.field for update in plan.updates for change in update.changes}
    return Run(t6 - t0, steps, counts, (len(plan.creates), len(plan.updates), len(plan.deletes),
                                        len(plan.unchanged)), fields)


def kumaprov_cli_sync(project_root: Path, server: Server, tree: Path = REPO) -> float:
    """`tree`: where kumaprov/ is imported from (this checkout, or another commit's from
    start_bench.tree_at); on PYTHONPATH either way, so both import alike."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUMA_")}
    env.update(KUMA_URL=server.url, KUMA_TOKEN=server.token, PYTHONPATH=str(tree))
    start = time.perf_counter()
    result = subprocess.run([PYTHON, "-m", "kumaprov", "sync"], cwd=project_root, env=env,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0 or "No changes" not in result.stdout:
        raise RuntimeError(f"CLI sync: exit {result.returncode}\n{result.stdout[-1500:]}\n{result.stderr[-1500:]}")
    return elapsed


# -- the floor ------------------------------------------------------------------------------


def read_first(server: Server) -> tuple[UptimeKumaApi, float]:
    """Connect, loginByToken and the login-time list, as floor_noop reads it: what any sync
    does before it writes. Returns the client and that read's time."""
    start = time.perf_counter()
    api = greeted(server.url)
    api.sio.emit("loginByToken", server.token)
    wait_list(api)
    return api, time.perf_counter() - start


@dataclass
class ServerBusy:
    """The server main thread's CPU seconds (js_seconds) while a floor made its calls, per event."""
    add: float = 0.0
    tag: float = 0.0


def floor_create(server: Server, payloads: list[tuple[str, dict[str, Any]]],
                 busy: ServerBusy | None = None) -> tuple[float, float, float]:
    """Bare add + addMonitorTag per monitor, one after another. Returns (those calls, the add
    calls alone, the read before them); `busy` gets the server's CPU for each kind of call."""
    api, read = read_first(server)
    busy = busy or ServerBusy()
    try:
        add_only = 0.0
        start = time.perf_counter()
        for definition_id, payload in payloads:
            t, cpu = time.perf_counter(), js_seconds(server)
            monitor_id = call(api, "add", dict(payload))["monitorID"]
            add_only += time.perf_counter() - t
            tagging = js_seconds(server)
            busy.add += tagging - cpu
            call(api, "addMonitorTag", (server.tag_id, monitor_id, definition_id))
            busy.tag += js_seconds(server) - tagging
        return time.perf_counter() - start, add_only, read
    finally:
        api.disconnect()


def floor_update(server: Server, interval: int, base: int) -> tuple[float, float, int]:
    """editMonitor for every owned monitor from definition `base` on (the ones kumaprov changes
    too). Returns (the edits, the read before them, how many)."""
    api, read = read_first(server)
    try:
        listed = api._event_data[Event.MONITOR_LIST]
        owned = []
        for monitor in listed.values():
            owner = next((t.get("value") for t in monitor.get("tags") or [] if t.get("name") == OWNER_TAG), None)
            if owner and owner >= marker(base):
                owned.append((owner, monitor))
        payloads = []
        for _, monitor in sorted(owned, key=lambda item: item[0]):
            payload = dict(monitor)
            payload.update(interval=interval, retryInterval=interval)
            payloads.append(payload)
        start = time.perf_counter()
        for payload in payloads:
            call(api, "editMonitor", payload)
        return time.perf_counter() - start, read, len(payloads)
    finally:
        api.disconnect()


def floor_delete(server: Server, base: int) -> tuple[float, float, int]:
    """deleteMonitor for every owned monitor from definition `base` on (the ones kumaprov deletes
    too), one after another. Returns (the deletes, the read before them, how many)."""
    api, read = read_first(server)
    try:
        ids = []
        for monitor in api._event_data[Event.MONITOR_LIST].values():
            owner = next((t.get("value") for t in monitor.get("tags") or [] if t.get("name") == OWNER_TAG), None)
            if owner and owner >= marker(base):
                ids.append(int(monitor["id"]))
        deletes = time.perf_counter()
        for kuma_id in sorted(ids):
            call(api, "deleteMonitor", kuma_id)
        return time.perf_counter() - deletes, read, len(ids)
    finally:
        api.disconnect()


def floor_noop(server: Server) -> tuple[float, int]:
    """Connect, log in, receive the monitor list: the least any client does to read it. Not
    waiting for the login's answer, which 2.5.3 sends only after every monitor's heartbeats
    (kumaprov does not wait for it either)."""
    start = time.perf_counter()
    api = greeted(server.url)
    api.sio.emit("loginByToken", server.token)
    wait_list(api)
    listed = len(api._event_data[Event.MONITOR_LIST])
    api.disconnect()
    return time.perf_counter() - start, listed


# The least any command-line client does to read the list, as its own process: start Python,
# import the socket library, connect, loginByToken, wait for the login-time list, disconnect.
FLOOR_PROCESS = """
import os, time
from uptime_kuma_api.api import Event
from kumaprov.server.client import open_api  # the library's client, greeted (2.5.3 drops a first event)
api = open_api(os.environ["KUMA_URL"], 60)
api.sio.emit("loginByToken", os.environ["KUMA_TOKEN"])
while api._event_data[Event.MONITOR_LIST] is None:
    time.sleep(0.005)
print(len(api._event_data[Event.MONITOR_LIST]))
api.disconnect()
"""


def floor_noop_process(server: Server) -> tuple[float, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUMA_")}
    env.update(KUMA_URL=server.url, KUMA_TOKEN=server.token)
    start = time.perf_counter()
    result = subprocess.run([PYTHON, "-c", FLOOR_PROCESS], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, int(result.stdout)


def naive_create(server: Server, payloads: list[tuple[str, dict[str, Any]]]) -> float:
    """The library's convenience methods, library defaults (wait_events=0.2)."""
    api = greeted(server.url, 0.2)  # the library's default wait_events
    api.login_by_token(server.token)
    wait_list(api)
    try:
        start = time.perf_counter()
        for definition_id, payload in payloads:
            kwargs = {k: v for k, v in payload.items()
                      if k not in ("notificationIDList", "basic_auth_user", "basic_auth_pass", "authMethod")}
            kwargs["type"] = MonitorType(payload["type"])
            kwargs["authMethod"] = AuthMethod(payload.get("authMethod") or "")
            monitor_id = api.add_monitor(**kwargs)["monitorID"]
            api.add_monitor_tag(server.tag_id, monitor_id, definition_id)
        return time.perf_counter() - start
    finally:
        api.disconnect()


# -- the phases --------------------------------------------------------------------------------


@dataclass
class Row:
    operation: str
    count_at: str
    kumaprov: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    note: str = ""


def print_run(label: str, run: Run) -> None:
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in run.steps.items() if seconds >= 0.005)
    writes = ", ".join(f"{k}={v}" for k, v in sorted(run.writes.items())) or "none"
    print(f"    {label}: {run.total:7.2f} s  plan c/u/d/unchanged={run.plan}  calls: {writes}")
    print(f"        steps (s): {steps}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=200, help="monitors created, then updated (default 200)")
    parser.add_argument("--write-reps", type=int, default=1,
                        help="runs each of kumaprov and floor for create and update (default 1: they are slow)")
    parser.add_argument("--noop", type=int, nargs="*", default=[200, 1000],
                        help="monitor counts for the no-op syncs (default 200 1000)")
    parser.add_argument("--noop-reps", type=int, nargs="*", default=[7, 3],
                        help="runs each of kumaprov and floor per no-op count (default 7 3)")
    parser.add_argument("--naive", type=int, default=20, help="monitors for the naive baseline (0 to skip)")
    parser.add_argument("--cli-reps", type=int, default=3,
                        help="no-op syncs through the CLI in a subprocess at each no-op count (0 to skip)")
    parser.add_argument("--create-one", action=argparse.BooleanOptionalAction, default=True,
                        help="finally, create 1 monitor at the largest no-op count (kumaprov vs floor, once)")
    parser.add_argument("--base", type=int, default=0,
                        help="monitors seeded with SQL before the create and update runs, so they run at scale: "
                             "--base 1800 --writes 200 times the last tenth of a first sync of 2,000 and a "
                             "change to 10%% of 2,000 (default 0)")
    parser.add_argument("--delete", action=argparse.BooleanOptionalAction, default=True,
                        help="delete the written monitors (kumaprov vs floor, from the same data dir)")
    parser.add_argument("--version", default=KUMA_VERSION,
                        help=f"Uptime Kuma to run: {KUMA_VERSION} (npm) or a release in ../shared/uptime-kuma/")
    parser.add_argument("--window", type=int, default=None,
                        help="kumaprov's writes in flight at once (default: the server line's, versions.py)")
    parser.add_argument("--before", metavar="REF",
                        help="the CLI no-op rows also run that commit's kumaprov (git archive), in turns")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    noop_reps = (args.noop_reps + [args.noop_reps[-1]] * len(args.noop))[:len(args.noop)]
    base = args.base
    if base and (base < 2 or args.naive):
        parser.error("--base needs at least 2 monitors and --naive 0")

    root = Path(tempfile.mkdtemp(prefix="kumaprov-sync-bench-"))
    project = make_project(root)
    before_tree = tree_at(args.before, root) if args.before else None
    if before_tree is not None:
        compileall.compile_dir(str(before_tree / "kumaprov"), quiet=1)
    server = Server(root)
    rows: list[Row] = []
    wall = time.perf_counter()
    print(f"kumaprov at {git_state()}")
    print(f"sync bench: base={base}, writes={args.writes} x{args.write_reps}, no-op at {args.noop} x{noop_reps}, "
          f"naive {args.naive}, window {args.window or 'default'}; {os.cpu_count()} CPUs, "
          f"loadavg {os.getloadavg()[0]:.2f}; data in {root}")
    try:
        server.installation = ensure_build(args.version)
        server.start()
        server.first_login()
        say(f"Uptime Kuma {server.version} at {server.url}; one password login, JWT reused from here on")
        interval = BASE_INTERVAL
        if base:
            # Two monitors made by kumaprov (untimed) are the rows the SQL seed clones.
            write_definitions(project, 2, interval)
            kumaprov_sync(project, server)
            server.stop()
            seed_sql(server, 2, base)
            server.start()
            say(f"seeded monitors 2..{base - 1} with SQL; restarted")
        top = base + max(args.writes, args.naive)
        write_definitions(project, top, interval)
        all_payloads = capture_payloads(server, project)
        assert len(all_payloads) == top - base
        server.stop()
        server.snapshot("empty")  # admin + ownership tag + the `base` seeded monitors

        # -- naive baseline, beside the floor and kumaprov at the same counts (0..naive) ----
        if args.naive:
            write_definitions(project, args.naive, interval)
            payloads = all_payloads[:args.naive]
            server.restore("empty")
            server.settle()
            say(f"naive: api.add_monitor + api.add_monitor_tag x {args.naive} ...")
            naive = naive_create(server, payloads)
            server.restore("empty")
            server.settle()
            floor_small, _, _ = floor_create(server, payloads)
            server.restore("empty")
            server.settle()
            small = kumaprov_sync(project, server)
            assert small.plan[0] == args.naive
            rows.append(Row(f"create {args.naive} (naive library)", f"0->{args.naive}", [naive], [floor_small]))
            rows.append(Row(f"create {args.naive}", f"0->{args.naive}", [small.total], [floor_small]))
            print(f"  naive create {args.naive}: {naive:.2f} s = {naive / args.naive * 1000:.0f} ms/monitor; "
                  f"floor {floor_small:.2f} s = {floor_small / args.naive * 1000:.0f} ms/monitor; "
                  f"kumaprov {small.total:.2f} s")
            print_run(f"kumaprov create {args.naive}", small)

        # -- create -------------------------------------------------------------------------
        top = base + args.writes
        # With --base, only the monitors created here are updated (10% of them at 1800+200);
        # the SQL-seeded ones, and their clones for the no-op runs, keep BASE_INTERVAL.
        changed = range(base, top) if base else None
        write_definitions(project, top, interval)
        payloads = all_payloads[:args.writes]
        create = Row(f"create {args.writes}", f"{base}->{top}", note="floor: add + addMonitorTag")
        # The reference reads first, then adds: "bare sequential add + login/list".
        create_read = Row(f"create {args.writes}", f"{base}->{top}",
                          note="floor: connect + login + list, then add + addMonitorTag")
        bare = Row(f"create {args.writes}", f"{base}->{top}",
                   note="floor: connect + login + list, then the add calls alone (no ownership)")
        for rep in range(args.write_reps):
            order = ("kumaprov", "floor") if rep % 2 == 0 else ("floor", "kumaprov")
            for who in order:
                server.restore("empty")
                waited = server.settle()
                say(f"create {args.writes}: {who} (rep {rep + 1}, settled {waited:.1f}s) ...")
                if who == "kumaprov":
                    js, whole = js_seconds(server), cpu_seconds(server.pid)
                    run = kumaprov_sync(project, server, window=args.window)
                    js, whole = js_seconds(server) - js, cpu_seconds(server.pid) - whole
                    assert run.plan == (args.writes, 0, 0, base), run.plan
                    assert run.writes.get("add_monitor") == args.writes
                    create.kumaprov.append(run.total)
                    create_read.kumaprov.append(run.total)
                    bare.kumaprov.append(run.total)
                    print_run(f"kumaprov create {args.writes}", run)
                    apply = run.steps["apply"]
                    print(f"        server CPU in the whole run: main thread {js:.2f} s, all threads {whole:.2f} s; "
                          f"apply {apply:.2f} s wall")
                else:
                    busy, whole = ServerBusy(), cpu_seconds(server.pid)
                    total, adds, read = floor_create(server, payloads, busy)
                    whole = cpu_seconds(server.pid) - whole
                    create.floor.append(total)
                    create_read.floor.append(read + total)
                    bare.floor.append(read + adds)
                    print(f"    floor create {args.writes}: {total:7.2f} s (add calls alone {adds:.2f} s; "
                          f"the read before them {read:.2f} s)")
                    print(f"        server main thread: add {busy.add:.2f} s CPU ({busy.add / adds:.0%} of the "
                          f"add calls' wall), addMonitorTag {busy.tag:.2f} s CPU "
                          f"({busy.tag / (total - adds):.0%} of theirs); all threads {whole:.2f} s in the whole run")
        rows += [create, create_read, bare]
        # Whichever ran last left `writes` monitors with the same fields and tags.

        # -- update -------------------------------------------------------------------------
        update = Row(f"update {args.writes}", f"{top}", note="floor: editMonitor")
        update_read = Row(f"update {args.writes}", f"{top}", note="floor: connect + login + list, then editMonitor")
        for rep in range(args.write_reps):
            order = ("kumaprov", "floor") if rep % 2 == 0 else ("floor", "kumaprov")
            for who in order:
                interval += 60
                waited = server.settle()
                say(f"update {args.writes}: {who} -> interval {interval} (settled {waited:.1f}s) ...")
                if who == "kumaprov":
                    write_definitions(project, top, interval, changed)
                    run = kumaprov_sync(project, server, window=args.window)
                    assert run.plan == (0, args.writes, 0, base), run.plan
                    assert run.changed_fields == {"interval", "retryInterval"}, run.changed_fields
                    assert run.writes.get("edit_monitor") == args.writes
                    update.kumaprov.append(run.total)
                    update_read.kumaprov.append(run.total)
                    print_run(f"kumaprov update {args.writes}", run)
                else:
                    total, read, edited = floor_update(server, interval, base)
                    assert edited == args.writes, edited
                    update.floor.append(total)
                    update_read.floor.append(read + total)
                    print(f"    floor update {args.writes}: {total:7.2f} s (the read before them {read:.2f} s)")
        rows += [update, update_read]
        write_definitions(project, top, interval, changed)  # match whatever ran last

        # -- delete: both from the same state (the data dir after the updates) ------------------
        if args.delete:
            server.stop()
            server.snapshot("full")
            delete = Row(f"delete {args.writes}", f"{top}->{base}", note="allow-mass-delete")
            read_too = Row(f"delete {args.writes}", f"{top}->{base}",
                           note="floor: connect + login + list, then the deletes")
            for rep in range(args.write_reps):
                order = ("kumaprov", "floor") if rep % 2 == 0 else ("floor", "kumaprov")
                for who in order:
                    server.restore("full")
                    waited = server.settle()
                    say(f"delete {args.writes}: {who} (settled {waited:.1f}s) ...")
                    if who == "kumaprov":
                        write_definitions(project, base, interval, changed)
                        if not base:
                            (project / "monitors" / "none.yaml").write_text("monitors: []\n")
                        run = kumaprov_sync(project, server, allow_mass_delete=True, window=args.window)
                        assert run.plan == (0, 0, args.writes, base), run.plan
                        assert run.writes.get("delete_monitor") == args.writes
                        delete.kumaprov.append(run.total)
                        print_run(f"kumaprov delete {args.writes}", run)
                    else:
                        total, read, deleted = floor_delete(server, base)
                        assert deleted == args.writes, deleted
                        delete.floor.append(total)
                        read_too.floor.append(read + total)
                        print(f"    floor delete {args.writes}: {total:7.2f} s (the read before them {read:.2f} s)")
            read_too.kumaprov = delete.kumaprov
            rows += [delete, read_too]
            server.restore("full")
            write_definitions(project, top, interval, changed)

        # -- no-op ----------------------------------------------------------------------------
        have = top
        for count, reps in zip(args.noop, noop_reps):
            if count > have:
                server.stop()
                seed_sql(server, have, count)
                server.start()
                say(f"seeded monitors {have}..{count - 1} with SQL; restarted")
                have = count
            write_definitions(project, count, interval, changed)
            listed = monitor_count(server)
            assert listed == count, f"{listed} monitors on the server, expected {count}"
            noop = Row(f"no-op {count}", f"{count}", note="0 writes verified")
            for rep in range(reps):
                order = ("kumaprov", "floor") if rep % 2 == 0 else ("floor", "kumaprov")
                for who in order:
                    waited = server.settle()
                    say(f"no-op {count}: {who} (rep {rep + 1}, settled {waited:.1f}s)")
                    if who == "kumaprov":
                        run = kumaprov_sync(project, server)
                        writes = {k: v for k, v in run.writes.items() if k != "connections"}
                        assert run.plan == (0, 0, 0, count), run.plan
                        assert not writes, writes
                        assert run.writes.get("connections") == 1
                        noop.kumaprov.append(run.total)
                        print_run(f"kumaprov no-op {count}", run)
                    else:
                        total, seen = floor_noop(server)
                        assert seen == count
                        noop.floor.append(total)
                        print(f"    floor no-op {count}: {total:7.2f} s")
            rows.append(noop)
            if args.cli_reps:
                # As an installed wheel has them (this machine sets PYTHONDONTWRITEBYTECODE).
                compileall.compile_dir(str(REPO / "kumaprov"), quiet=1)
                cli = Row(f"no-op {count} via CLI subprocess", f"{count}",
                          note="python -m kumaprov sync; floor: the in-process connect + login + list")
                whole = Row(f"no-op {count} via CLI subprocess", f"{count}",
                            note="floor: the same as a process of its own (python, socket library, "
                                 "connect, login, list)")
                startup = []
                earlier = Row(f"no-op {count} via CLI subprocess", f"{count}",
                              note=f"kumaprov at {args.before}; floor: this tree's CLI no-op")
                for rep in range(args.cli_reps):
                    server.settle()
                    cli.kumaprov.append(kumaprov_cli_sync(project, server))
                    if before_tree is not None:
                        server.settle()
                        earlier.kumaprov.append(kumaprov_cli_sync(project, server, before_tree))
                    server.settle()
                    cli.floor.append(floor_noop(server)[0])
                    server.settle()
                    total, seen = floor_noop_process(server)
                    assert seen == count
                    whole.floor.append(total)
                    start = time.perf_counter()
                    subprocess.run([PYTHON, "-c", "import kumaprov.cli"], check=True)
                    startup.append(time.perf_counter() - start)
                whole.kumaprov = cli.kumaprov
                cli.note += f"; interpreter+imports alone {med(startup):.2f}s"
                rows.append(cli)
                rows.append(whole)
                if before_tree is not None:
                    earlier.floor = cli.kumaprov
                    rows.append(earlier)

        # -- one create on a big server: the fixed costs around a single write ----------------
        if args.create_one and args.noop:
            write_definitions(project, have + 2, interval, changed)
            extra = capture_payloads(server, project)[-1]
            assert extra[0] == marker(have + 1), extra[0]
            write_definitions(project, have + 1, interval, changed)
            one = Row("create 1", f"{have}", note="kumaprov: connect, lint, plan, add+tag, converge; floor: add+tag")
            server.settle()
            say(f"create 1 at {have}: kumaprov")
            run = kumaprov_sync(project, server)
            assert run.plan == (1, 0, 0, have), run.plan
            one.kumaprov.append(run.total)
            print_run(f"kumaprov create 1 at {have}", run)
            server.settle()
            say(f"create 1 at {have + 1}: floor")
            total, _, _ = floor_create(server, [extra])
            one.floor.append(total)
            print(f"    floor create 1 at {have + 1}: {total:7.2f} s")
            rows.append(one)
    finally:
        server.stop()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"results (seconds; median, then min..max; loadavg now {os.getloadavg()[0]:.2f}; "
          f"whole script {time.perf_counter() - wall:.0f} s)")
    header = f"{'operation':34} {'monitors':>9} {'kumaprov':>9} {'':16} {'floor':>8} {'':16} {'ratio':>6}  note"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = med(row.kumaprov) / med(row.floor)
        print(f"{row.operation:34} {row.count_at:>9} {med(row.kumaprov):9.2f} {span(row.kumaprov):16} "
              f"{med(row.floor):8.2f} {span(row.floor):16} {ratio:5.2f}x  {row.note}")
    naive_rows = [r for r in rows if "naive" in r.operation]
    if naive_rows:
        r = naive_rows[0]
        per_naive = med(r.kumaprov) / args.naive
        per_floor = med(r.floor) / args.naive
        create_row = next(row for row in rows if row.operation == f"create {args.writes}")
        print()
        print(f"naive baseline ({args.naive} monitors, 0->{args.naive}): {per_naive * 1000:.0f} ms/monitor vs floor "
              f"{per_floor * 1000:.0f} ms/monitor ({per_naive / per_floor:.1f}x).")
        print(f"  EXTRAPOLATED to create {args.writes}: naive ~ floor {med(create_row.floor):.0f} s + "
              f"{args.writes} x {(per_naive - per_floor) * 1000:.0f} ms of library overhead = "
              f"{med(create_row.floor) + args.writes * (per_naive - per_floor):.0f} s "
              f"(plain per-monitor x {args.writes}: {per_naive * args.writes:.0f} s, an underestimate: "
              "the server's own cost per write grows with the count)")


if __name__ == "__main__":
    main()
