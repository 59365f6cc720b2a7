"""A real Open WebUI on 127.0.0.1, offline, in front of a local OpenAI-compatible provider.

The venv comes from the per-user cache (kumaprov.dev.openwebui_install). The server gets a
throwaway data directory, no Ollama, one OpenAI connection (the provider a test controls,
e.g. kumaprov.dev.standin), and nothing that would reach the internet. Once it answers,
the first user signed up becomes the admin, and an API key is made for it through Open
WebUI's own API, as a user would in Settings > Account.

Usage from Python::

    with start(tmp_path / "owui", provider_url=f"{provider.url}/v1", provider_key=key) as owui:
        print(owui.url, owui.api_key)

From a shell (the README's demo against a real Open WebUI)::

    eval "$(python -m kumaprov.dev.openwebui start --data-dir DIR --provider-url URL/v1 --provider-key KEY)"
    python -m kumaprov.dev.openwebui stop --pidfile DIR/openwebui.pid
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import shlex
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from kumaprov.dev.install import Log, tail
from kumaprov.dev.localkuma import free_port
from kumaprov.dev.nodeprocess import HOST, STOP_TIMEOUT, StoppableProcess, is_alive, _parent_death_signal
from kumaprov.dev.openwebui_install import ensure_installed, stderr_log
from kumaprov.dev.pyvenv import Venv
from kumaprov.errors import KumaprovError, LocalServerError

READY_TIMEOUT = 240.0  # measured: under a minute on 2 busy cores; the first start migrates the database
SERVER_LOG_NAME = "openwebui.log"
ADMIN_EMAIL = "admin@kumaprov.test"
ADMIN_NAME = "kumaprov"
# Variables of the caller's environment passed on; every Open WebUI setting is set here,
# so a developer's own OPENAI_API_KEY or DATABASE_URL never reaches the throwaway server.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


@dataclass
class LocalOpenWebUI(StoppableProcess):
    """A running Open WebUI with its admin's session token and API key."""

    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    admin_token: str = ""
    api_key: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, str]:
        """(status, body text) of one request; `token` goes in `Authorization: Bearer`."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def _admin_call(self, method: str, path: str, body: Any = None) -> Any:
        status, text = self.call(method, path, body, self.admin_token)
        if status != 200:
            # Only the status and Open WebUI's own message: the body never holds the key on failure.
            raise LocalServerError(f"Open WebUI {method} {path} answered {status}: {text[:300]}")
        return json.loads(text)

    def create_api_key(self) -> str:
        """A new API key for the admin (it replaces the old one, which stops working)."""
        self.api_key = str(self._admin_call("POST", "/api/v1/auths/api_key")["api_key"])
        return self.api_key

    def revoke_api_key(self) -> None:
        """Delete the admin's API key, as the Settings page does; requests with it get 401."""
        if self._admin_call("DELETE", "/api/v1/auths/api_key") is not True:
            raise LocalServerError("Open WebUI did not delete the API key")


def server_env(data_dir: Path, provider_url: str, provider_key: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    env.update(
        DATA_DIR=str(data_dir),
        WEBUI_SECRET_KEY=secrets.token_hex(32),
        ENABLE_OLLAMA_API="false",
        ENABLE_OPENAI_API="true",
        OPENAI_API_BASE_URL=provider_url,
        OPENAI_API_KEY=provider_key,
        ENABLE_API_KEYS="true",  # off by default (0.12.4); even the admin needs it to make a key
        OFFLINE_MODE="true",
        HF_HUB_OFFLINE="1",
        ENABLE_VERSION_UPDATE_CHECK="false",
        # The embedding model cannot be downloaded offline; Open WebUI logs that and carries on.
        RAG_EMBEDDING_MODEL_AUTO_UPDATE="false",
        SCARF_NO_ANALYTICS="true", DO_NOT_TRACK="true", ANONYMIZED_TELEMETRY="false",
    )
    return env


def start(
    data_dir: Path,
    provider_url: str,
    provider_key: str,
    port: int | None = None,
    installation: Venv | None = None,
    *,
    detached: bool = False,
    ready_timeout: float = READY_TIMEOUT,
    log: Log = stderr_log,
) -> LocalOpenWebUI:
    """Start Open WebUI, wait for /health, sign up the admin and make its API key."""
    installation = installation or ensure_installed(log)
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log_path = data_dir / SERVER_LOG_NAME
    with open(log_path, "ab") as out:
        process = subprocess.Popen(
            [*installation.script("open-webui"), "serve", "--host", HOST, "--port", str(port)],
            cwd=data_dir, env=server_env(data_dir, provider_url, provider_key),
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=detached, preexec_fn=None if detached else _parent_death_signal(),
        )
    owui = LocalOpenWebUI(url=f"http://{HOST}:{port}", port=port, data_dir=data_dir, process=process,
                          log_path=log_path)
    if not detached:
        atexit.register(owui.stop)
    try:
        started = time.monotonic()
        _wait_ready(owui, ready_timeout)
        log(f"Open WebUI ready at {owui.url} after {time.monotonic() - started:.1f}s")
        _sign_up_admin(owui)
        owui.create_api_key()
    except BaseException:
        owui.stop()
        raise
    return owui


def _wait_ready(owui: LocalOpenWebUI, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        code = owui.process.poll()
        if code is not None:
            raise LocalServerError(f"Open WebUI exited with code {code} during startup "
                                   f"(log: {owui.log_path}):\n{tail(owui.log_path)}")
        try:
            if owui.call("GET", "/health")[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise LocalServerError(f"Open WebUI did not answer on {owui.url} within {timeout:.0f}s "
                                   f"(log: {owui.log_path}):\n{tail(owui.log_path)}")
        time.sleep(0.5)


def _sign_up_admin(owui: LocalOpenWebUI) -> None:
    """The first account signed up on a fresh Open WebUI is its admin."""
    form = {"email": ADMIN_EMAIL, "password": secrets.token_urlsafe(16), "name": ADMIN_NAME}
    status, text = owui.call("POST", "/api/v1/auths/signup", form)
    if status != 200:
        raise LocalServerError(f"Open WebUI refused the admin sign-up ({status}): {text[:300]}")
    answer = json.loads(text)
    if answer.get("role") != "admin":
        raise LocalServerError(f"the first sign-up did not become admin (role {answer.get('role')!r})")
    owui.admin_token = str(answer["token"])


def _is_openwebui(pid: int) -> bool:
    """Guard against a stale pidfile whose number now belongs to an unrelated process."""
    try:
        return b"open-webui" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@click.group()
def cli() -> None:
    """Start and stop a real Open WebUI on 127.0.0.1 (the README's demo against it)."""


@cli.command("start")
@click.option("--data-dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--provider-url", required=True, help="OpenAI-compatible base URL with /v1.")
@click.option("--provider-key", envvar="OPENWEBUI_PROVIDER_KEY", required=True,
              help="Its API key (default: $OPENWEBUI_PROVIDER_KEY).")
@click.option("--port", type=int, default=None, help="Default: a free port.")
@click.option("--pidfile", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Default: DATA_DIR/openwebui.pid.")
def start_command(data_dir: Path, provider_url: str, provider_key: str, port: int | None,
                  pidfile: Path | None) -> None:
    """Start a detached Open WebUI; print OPENWEBUI_URL and OPENWEBUI_API_KEY shell assignments."""
    try:
        owui = start(data_dir, provider_url, provider_key, port, detached=True)
    except KumaprovError as exc:
        raise click.ClickException(str(exc)) from None
    pidfile = pidfile or owui.data_dir / "openwebui.pid"
    pidfile.write_text(f"{owui.pid}\n")
    # For `eval`, like `localkuma start` prints KUMA_PASSWORD: the key of a throwaway local server.
    values = {"OPENWEBUI_URL": owui.url, "OPENWEBUI_API_KEY": owui.api_key, "OPENWEBUI_PID": str(owui.pid)}
    click.echo("\n".join(f"{name}={shlex.quote(value)}" for name, value in values.items()))


@cli.command("stop")
@click.option("--pidfile", required=True, type=click.Path(dir_okay=False, path_type=Path))
def stop_command(pidfile: Path) -> None:
    """Stop the Open WebUI started with `start --pidfile`; no-op when it is not running."""
    try:
        pid = int(pidfile.read_text().strip())
    except (FileNotFoundError, ValueError):
        click.echo(f"no Open WebUI pid in {pidfile}; nothing to stop", err=True)
        return
    if is_alive(pid) and _is_openwebui(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while is_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if is_alive(pid):
            os.kill(pid, signal.SIGKILL)
        click.echo(f"stopped Open WebUI (pid {pid})", err=True)
    pidfile.unlink(missing_ok=True)


if __name__ == "__main__":
    cli.main(prog_name="python -m kumaprov.dev.openwebui")
