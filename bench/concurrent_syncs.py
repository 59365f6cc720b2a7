"""Two `kumaprov sync` runs started at once, again and again, on a busy 2.5.3 (run by hand).

    .venv/bin/python bench/concurrent_syncs.py [ROUNDS [VERSION]] [--seed N] [--timeout S]
    # VERSION: 2.5.3 (default), 1.23.17, 2.0.0-dev.0; --seed: monitors synced first (300);
    # --timeout: each sync's (15 s; two syncs at once outlast it on 1.23 with 300 monitors)

Starts a 2.5.3 release from ../shared (kumaprov.dev.releases), syncs 300 monitors into it,
then, each round, starts two syncs of a new 8-monitor project at the same moment and prints
their exit codes and the monitors they left (one per definition, or it stops: the converge step
after creates, which re-reads only when the pushes show a namesake); it stops at the
first round where one fails and prints that run's output.
Each sync receives the other's monitors as the server pushes them, which is what found the
adapter iterating the library's monitor cache while its socket thread changed it (a traceback
in about one round in ten before the fix, none in 24 rounds after).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kumaprov.dev.localkuma import start  # noqa: E402
from kumaprov.dev.releases import ensure_build  # noqa: E402
from kumaprov.server.client import Credentials, KumaClient  # noqa: E402


def project(name: str, count: int) -> Path:
    root = Path(tempfile.mkdtemp()) / name
    (root / "monitors").mkdir(parents=True)
    (root / "kumaprov.yaml").write_text(f"project: {name}\nowner_tag: kp-{name}\n")
    (root / "monitors" / "m.yaml").write_text("monitors:\n" + "".join(
        f"  - {{id: c{i}, name: {name} {i}, type: http, url: 'http://127.0.0.1:9/{i}', interval: 300}}\n"
        for i in range(count)))
    return root


def sync(root: Path, env: dict[str, str], timeout: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kumaprov", "sync", "--timeout", str(timeout)], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def main(rounds: int, version: str, seed: int, timeout: float) -> int:
    kuma = start(Path(tempfile.mkdtemp()), installation=ensure_build(version))
    try:
        with KumaClient.connect(kuma.url, Credentials(kuma.username, kuma.password), 60) as client:
            token = str(client.token)
        env = {**os.environ, "KUMA_URL": kuma.url, "KUMA_TOKEN": token, "KUMAPROV_NO_CACHE": "1",
               "PYTHONPATH": str(ROOT)}
        seeded = sync(project("seed", seed), env, max(timeout, 60))
        seeded.communicate(timeout=1800)
        print(f"seeded {seed} monitors: exit {seeded.returncode}", flush=True)
        for round_ in range(rounds):
            runs = [sync(project(f"p{round_}", 8), env, timeout) for _ in range(2)]
            outputs = [run.communicate(timeout=max(120, 10 * timeout))[0] for run in runs]
            expected = sorted(f"p{round_} {i}" for i in range(8))
            # Not the login-time list: 1.23 and the dev build push lists from mid-delete for as
            # long as their rebuilds queue; getMonitorList's own list is taken as it answers.
            with KumaClient.connect(kuma.url, Credentials(token=token), 120) as client:
                names = sorted(m["name"] for m in client.fresh_monitors() if m["name"].startswith(f"p{round_} "))
            converged = sum(output.count("duplicate of monitor") for output in outputs)
            print(f"round {round_}: exits {[run.returncode for run in runs]}, {len(names)} monitors for 8 "
                  f"definitions, {converged} 'duplicate of monitor' lines in their output", flush=True)
            for run, output in zip(runs, outputs):
                if run.returncode:
                    print(output)
                    return 1
            if names != expected:
                print(f"copies left: {names}")
                print("\n\n".join(outputs))
                return 1
        return 0
    finally:
        kuma.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", type=int, nargs="?", default=20)
    parser.add_argument("version", nargs="?", default="2.5.3")
    parser.add_argument("--seed", type=int, default=300, help="monitors synced before the rounds")
    parser.add_argument("--timeout", type=float, default=15.0, help="each sync's --timeout, seconds")
    args = parser.parse_args()
    sys.exit(main(args.rounds, args.version, args.seed, args.timeout))
