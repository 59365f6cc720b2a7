"""A real Prometheus on 127.0.0.1 for the alerting tests: Debian's `prometheus` package
(2.42, with `promtool`), installed with apt-get when missing, as `scripts/test` does.

    python -m kumaprov.dev.prometheus install     # what scripts/test runs (root with apt-get)

    with start(config_text, tmp_path) as prom:    # from Python
        prom.alerts()
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kumaprov.dev.install import Log, cache_root, stderr_log, tail
from kumaprov.dev.localkuma import free_port
from kumaprov.dev.nodeprocess import HOST, StoppableProcess, _parent_death_signal
from kumaprov.errors import LocalServerError

PACKAGE = "prometheus"
READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Tools:
    prometheus: str
    promtool: str


def _found() -> Tools | None:
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    return Tools(prometheus, promtool) if prometheus and promtool else None


def ensure_installed(log: Log = stderr_log) -> Tools:
    """Prometheus and promtool, installed from Debian's package first if missing."""
    tools = _found()
    if tools is not None:
        return tools
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        raise LocalServerError("prometheus and promtool are not on PATH; install Debian's package as root: "
                               "apt-get install prometheus")
    lock = cache_root() / "prometheus-apt.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # apt has its own lock, but would fail rather than wait
        tools = _found()
        if tools is None:
            log("installing Debian's prometheus package (apt-get) ...")
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            for command in ([apt, "update", "-q"], [apt, "install", "-y", "-q", "--no-install-recommends", PACKAGE]):
                done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
                if done.returncode != 0:
                    raise LocalServerError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
            tools = _found()
    if tools is None:
        raise LocalServerError("apt-get installed prometheus, but prometheus/promtool are still not on PATH")
    return tools


def promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ensure_installed().promtool, *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@dataclass
class Prometheus(StoppableProcess):
    url: str
    config: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def get(self, path: str, **params: str) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=10) as response:
            return json.load(response)

    def alerts(self) -> list[dict[str, Any]]:
        """Active alerts (pending or firing), as the HTTP API lists them."""
        return list(self.get("/api/v1/alerts")["data"]["alerts"])

    def query(self, expr: str) -> list[dict[str, Any]]:
        return list(self.get("/api/v1/query", query=expr)["data"]["result"])

    def rule_groups(self) -> list[dict[str, Any]]:
        return list(self.get("/api/v1/rules")["data"]["groups"])

    def targets(self) -> list[dict[str, Any]]:
        return list(self.get("/api/v1/targets")["data"]["activeTargets"])

    def reload(self) -> None:
        """Re-read the config and rule files (needs --web.enable-lifecycle, which start() sets)."""
        request = urllib.request.Request(f"{self.url}/-/reload", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


def start(config: str, directory: Path, log: Log = stderr_log) -> Prometheus:
    """Prometheus with `config` (prometheus.yml text; rule files relative to `directory`)."""
    tools = ensure_installed(log)
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / "prometheus.yml"
    config_path.write_text(config, encoding="utf-8")
    port = free_port()
    log_path = directory / "prometheus.log"
    with open(log_path, "ab") as out:
        process = subprocess.Popen(
            [tools.prometheus, f"--config.file={config_path}", f"--storage.tsdb.path={directory / 'data'}",
             f"--web.listen-address={HOST}:{port}", "--web.enable-lifecycle", "--log.level=warn"],
            cwd=directory, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            preexec_fn=_parent_death_signal())
    prom = Prometheus(f"http://{HOST}:{port}", config_path, process, log_path)
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        if process.poll() is not None:
            raise LocalServerError(f"prometheus exited with code {process.returncode}:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{prom.url}/-/ready", timeout=2) as response:
                if response.status == 200:
                    return prom
        except OSError:
            pass
        if time.monotonic() > deadline:
            prom.stop()
            raise LocalServerError(f"prometheus did not get ready on {prom.url}:\n{tail(log_path)}")
        time.sleep(0.2)


def main() -> None:
    import sys

    if sys.argv[1:] != ["install"]:
        raise SystemExit("usage: python -m kumaprov.dev.prometheus install")
    tools = ensure_installed()
    print(f"{tools.prometheus}\n{tools.promtool}")


if __name__ == "__main__":
    main()
