"""kumaprov itself killed at any point of a sync (SIGKILL, no chance to clean up), then run
again: the instance ends with exactly one monitor per definition and no untagged copy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kumaprov.server.client import Credentials, KumaClient
from kumaprov.kinds.monitor_refs import marked_id

pytestmark = pytest.mark.servers(
    only=("2.0.0-dev.0", "2.5.3"),
    because=("adopting an interrupted create is kumaprov's own logic; one server that lists the whole monitor"
             " list after a write and one that pushes one monitor are enough"))

COUNT = 8


def write_project(root: Path, prefix: str) -> None:
    (root / "monitors").mkdir(parents=True)
    (root / "kumaprov.yaml").write_text(f"owner_tag: {prefix}\n")
    (root / "monitors" / "m.yaml").write_text("monitors:\n" + "".join(
        f"  - {{id: k{i}, name: {prefix} {i}, type: http, url: 'http://127.0.0.1:9/{i}', interval: 300,"
        f" tags: [{{name: {prefix}-env, value: test}}]}}\n" for i in range(COUNT)))


def sync(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kumaprov", "sync"], cwd=root, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **env, "KUMAPROV_NO_CACHE": "1"})


# Kill after this many progress lines ("  create k0", ...): before the first write, between
# writes, and during the converge re-read after the last create.
KILL_POINTS = [0, 1, 2, 4, 7, COUNT]


@pytest.mark.parametrize("kill_after", KILL_POINTS)
def test_a_sync_killed_at_any_point_converges_on_the_next_run(kill_after: int, tmp_path: Path,
                                                               kuma_env: dict[str, str]) -> None:
    prefix = f"killed{kill_after}-{os.getpid()}"
    write_project(tmp_path, prefix)
    process = sync(tmp_path, kuma_env)
    assert process.stderr is not None
    seen = 0
    while seen < kill_after:
        line = process.stderr.readline()
        if not line:
            break
        seen += line.startswith("  create ")
    assert seen == kill_after, "the sync ended before the kill point"
    if kill_after == 0:
        time.sleep(0.3)  # mid-connection or mid-login
    process.send_signal(signal.SIGKILL)
    process.wait()

    rerun = sync(tmp_path, kuma_env)
    _, errors = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, errors

    with KumaClient.connect(kuma_env["KUMA_URL"], Credentials(token=kuma_env["KUMA_TOKEN"])) as client:
        mine = [m for m in client.monitors() if str(m["name"]).startswith(prefix + " ")]
    owners = sorted(marked_id(m, prefix) or "(untagged)" for m in mine)
    assert owners == sorted(f"k{i}" for i in range(COUNT))
    assert all({t["name"] for t in m["tags"]} == {prefix, f"{prefix}-env"} for m in mine)
