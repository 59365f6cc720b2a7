"""Record what a real Uptime Kuma lists for project/ (run by hand; the tests read the result).

    .venv/bin/python tests/snapshots/record.py

Starts the local test server (kumaprov.dev.localkuma, 127.0.0.1, a temp data dir), syncs
project/ into it with the environment below, and writes every kind's snapshot rows, as
`kumaprov export` reads them (snapshot.needs_all()), to kuma-<version>.json. The secrets in
ENV are made up for the recording; the tests set the same ones.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from kumaprov.cli import main  # noqa: E402
from kumaprov.dev.localkuma import start  # noqa: E402
from kumaprov.server.client import Credentials, KumaClient  # noqa: E402
from kumaprov.sync.snapshot import needs_all, snapshot  # noqa: E402

ENV = {"PROXY_PASSWORD": "recorded-proxy-pw", "HOOK_TOKEN": "recorded-hook-token",
       "API_TOKEN": "recorded-api-token", "PUSH_TOKEN": "recorded-push-token-1"}


def record() -> Path:
    with tempfile.TemporaryDirectory() as data:
        kuma = start(Path(data))
        try:
            env = {**ENV, "KUMA_URL": kuma.url, "KUMA_USERNAME": kuma.username, "KUMA_PASSWORD": kuma.password}
            os.chdir(HERE / "project")
            result = CliRunner().invoke(main, ["sync"], env=env, catch_exceptions=False)
            assert result.exit_code == 0, result.output
            with KumaClient.connect(kuma.url, Credentials(kuma.username, kuma.password)) as client:
                version = client.version
                rows = snapshot(client, needs_all())
        finally:
            kuma.stop()
    target = HERE / f"kuma-{version}.json"
    target.write_text(json.dumps({"version": version, "env": ENV, "rows": rows}, indent=1, sort_keys=True) + "\n")
    return target


if __name__ == "__main__":
    print(f"wrote {record()}")
