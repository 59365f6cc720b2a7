"""A real LiteLLM proxy (PyPI `litellm[proxy]`, pinned) on 127.0.0.1, offline, routing to a local provider.

The venv comes from the per-user cache (kumaprov.dev.pyvenv: about 3 minutes and 760 MB cold).
The proxy gets a config whose `model_list` routes each model name to `openai/<name>` at the
provider (e.g. kumaprov.dev.standin), a master key, and no database: then only the master key
is accepted (any other key gets 400 "No connected db."), which is all a monitor needs.

    with start(tmp_path, [("gpt-4o-mini", f"{provider.url}/v1")], provider_key=key) as proxy:
        print(proxy.url, proxy.master_key)     # the OpenAI base URL is proxy.url + "/v1"
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kumaprov.dev.install import Log, tail
from kumaprov.dev.localkuma import free_port
from kumaprov.dev.nodeprocess import HOST, StoppableProcess, _parent_death_signal
from kumaprov.dev.pyvenv import Package, Venv, ensure_installed
from kumaprov.errors import LocalServerError

# 1.108.7 is the release the openai-gateway template's LiteLLM /health samples were recorded from.
LITELLM = Package(name="litellm", requirement="litellm[proxy]", version="1.108.7", module="litellm.proxy.proxy_server")
READY_TIMEOUT = 180.0  # measured: about 15 s
LOG_NAME = "litellm.log"
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


def stderr_log(message: str) -> None:
    print(f"litellm: {message}", file=sys.stderr, flush=True)


@dataclass
class LocalLiteLLM(StoppableProcess):
    url: str
    master_key: str
    process: subprocess.Popen[bytes]
    log_path: Path


Deployment = tuple[str, str]  # (model name, the OpenAI-compatible base URL serving it)


def config(deployments: Sequence[Deployment], provider_key: str, master_key: str) -> dict[str, object]:
    """The proxy's config.yaml (JSON is YAML): each deployment routed as openai/<model> to its base URL.

    Two deployments with one model name are one model group, which LiteLLM load-balances.
    """
    return {
        "model_list": [{"model_name": model, "litellm_params": {
            "model": f"openai/{model}", "api_base": api_base, "api_key": provider_key}}
            for model, api_base in deployments],
        "general_settings": {"master_key": master_key},
        "litellm_settings": {"telemetry": False},
    }


def server_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    # The model cost map is fetched from the internet at import unless told to use the bundled one.
    env.update(LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_TELEMETRY="False", NO_DOCS="True")
    return env


def start(data_dir: Path, deployments: Sequence[Deployment], provider_key: str, port: int | None = None,
          installation: Venv | None = None, log: Log = stderr_log) -> LocalLiteLLM:
    """Start the proxy and wait until it answers /health/liveliness."""
    installation = installation or ensure_installed(LITELLM, log)
    data_dir.mkdir(parents=True, exist_ok=True)
    master_key = "sk-" + secrets.token_hex(16)
    config_path = data_dir / "config.yaml"
    config_path.write_text(json.dumps(config(deployments, provider_key, master_key), indent=2))
    port = port or free_port()
    log_path = data_dir / LOG_NAME
    with open(log_path, "ab") as out:
        process = subprocess.Popen(
            [*installation.script("litellm"), "--config", str(config_path), "--host", HOST, "--port", str(port)],
            cwd=data_dir, env=server_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            preexec_fn=_parent_death_signal(),
        )
    proxy = LocalLiteLLM(url=f"http://{HOST}:{port}", master_key=master_key, process=process, log_path=log_path)
    atexit.register(proxy.stop)
    started = time.monotonic()
    try:
        _wait_ready(proxy, READY_TIMEOUT)
    except BaseException:
        proxy.stop()
        raise
    log(f"LiteLLM ready at {proxy.url} after {time.monotonic() - started:.1f}s")
    return proxy


def _wait_ready(proxy: LocalLiteLLM, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proxy.process.poll() is not None:
            raise LocalServerError(f"LiteLLM exited with code {proxy.process.returncode} during startup "
                                   f"(log: {proxy.log_path}):\n{tail(proxy.log_path)}")
        try:
            with urllib.request.urlopen(proxy.url + "/health/liveliness", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise LocalServerError(f"LiteLLM did not answer on {proxy.url} within {timeout:.0f}s "
                                   f"(log: {proxy.log_path}):\n{tail(proxy.log_path)}")
        time.sleep(0.5)


if __name__ == "__main__":
    print(ensure_installed(LITELLM, stderr_log).prefix)
