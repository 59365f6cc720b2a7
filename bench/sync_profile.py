"""Where a no-op `kumaprov sync` spends its time, at N monitors (default 1000).

Run by hand (about a minute):

    .venv/bin/python bench/sync_profile.py [--monitors 1000] [--version 2.5.3]

Starts a local Uptime Kuma (127.0.0.1, temp data dir; one password login, then
the JWT), lets kumaprov create two monitors, clones them with SQL up to N
(server stopped, as bench/sync_bench.py does), then:

  1. times engine.plan_against on a connected client, by step (every function
     it calls through the engine module and every client read is wrapped with a
     timer), once right after login (while the server streams its login-time
     heartbeat lists and stats into the client) and 5 times once idle;
  2. cProfiles one whole no-op sync (main thread: the socket.io thread that
     receives and decodes the monitor list is not in it; its share shows up as
     the main thread waiting in KumaClient._wait_for).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync_bench as sb  # noqa: E402  (the sibling benchmark's helpers)

from kumaprov.sync import engine  # noqa: E402
from kumaprov.server.client import Credentials, KumaClient  # noqa: E402
from kumaprov.definitions.project import load_project  # noqa: E402

# The engine's steps since the kinds redesign: lint, snapshot (the reads), plan_from (live,
# desired and the plan: pure).
STEP_NAMES = ("lint", "snapshot", "plan_from")
CLIENT_READS = ("monitors", "notifications", "tags", "listed")


def timed_steps(client: KumaClient, project: object) -> dict[str, float]:
    """One plan_against, with the time spent in each engine-level step and client read."""
    spent: dict[str, float] = {}
    originals: dict[str, object] = {}

    def wrap(name: str, fn: object) -> object:
        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)  # type: ignore[operator]
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start
        return timed

    for name in STEP_NAMES:
        if hasattr(engine, name):
            originals[name] = getattr(engine, name)
            setattr(engine, name, wrap(name, originals[name]))
    for name in CLIENT_READS:
        if hasattr(client, name):
            setattr(client, name, wrap(f"client.{name}()", getattr(client, name)))
    try:
        start = time.perf_counter()
        engine.plan_against(client, project, None)  # type: ignore[arg-type]
        spent["plan_against, total"] = time.perf_counter() - start
    finally:
        for name, fn in originals.items():
            setattr(engine, name, fn)
        for name in CLIENT_READS:
            client.__dict__.pop(name, None)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--version", default=sb.KUMA_VERSION,
                        help=f"Uptime Kuma to run: {sb.KUMA_VERSION} (npm) or a release in ../shared/uptime-kuma/")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kumaprov-sync-profile-"))
    project = sb.make_project(root)
    server = sb.Server(root)
    try:
        server.installation = sb.ensure_build(args.version)
        server.start()
        server.first_login()
        sb.write_definitions(project, 2, sb.BASE_INTERVAL)
        sb.kumaprov_sync(project, server)
        server.stop()
        sb.seed_sql(server, 2, args.monitors)
        server.start()
        sb.write_definitions(project, args.monitors, sb.BASE_INTERVAL)
        server.settle()

        # 1. plan_against by step: right after login, then idle
        proj, _ = load_project(None, project)
        with KumaClient.connect(server.url, Credentials(token=server.token), 60.0) as client:
            version = client.version
            listed = len(client.monitors())
            busy = timed_steps(client, proj)
            server.settle()
            idle: dict[str, list[float]] = {}
            for _ in range(5):
                for name, seconds in timed_steps(client, proj).items():
                    idle.setdefault(name, []).append(seconds)
        print(f"Uptime Kuma {version}, {listed} monitors; engine.plan_against by step (ms; the lint here is the "
              "second of the sync, offline_check ran the first):")
        print(f"  {'step':40} {'right after login':>18} {'idle, median of 5':>18}")
        for name in sorted(idle, key=lambda n: (n == "plan_against, total", -statistics.median(idle[n]))):
            print(f"  {name:40} {busy.get(name, 0.0) * 1000:18.0f} {statistics.median(idle[name]) * 1000:18.0f}")

        # 2. one whole no-op sync, timed by step, then under cProfile
        server.settle()
        run = sb.kumaprov_sync(project, server)
        print(f"\none no-op sync: {run.total:.2f} s; " +
              ", ".join(f"{k} {v:.2f}" for k, v in run.steps.items()))
        server.settle()
        floor, _ = sb.floor_noop(server)
        print(f"floor (connect + loginByToken + monitor list + disconnect) right after: {floor:.2f} s")
        server.settle()
        profiler = cProfile.Profile()
        profiler.enable()
        run = sb.kumaprov_sync(project, server)
        profiler.disable()
        print(f"\ncProfile of one no-op sync ({run.total:.2f} s under the profiler), by cumulative time:")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"kumaprov|uptime_kuma_api", 30)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        for line in lines[start:]:
            print(line.replace(str(sb.Path(__file__).resolve().parent.parent) + "/", ""))
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
