"""The openai-gateway template against a REAL LiteLLM proxy (PyPI `litellm[proxy]`, pinned in
kumaprov.dev.litellm), synced to the real Uptime Kuma of the session.

LiteLLM runs offline on 127.0.0.1 and routes to the stand-in as its OpenAI-compatible backend.
The test shows what each monitor sees: an answer without the word takes `-chat` DOWN only; a
backend that lost its models takes `-chat` and `-backends` DOWN while `-models` and `-model`
stay UP (LiteLLM lists the models of its config: the trade-off the template documents). At each
step kumaprov's verdict on LiteLLM's answer equals the heartbeat.

The first run on a fresh machine installs LiteLLM into ~/.cache/kumaprov (about 3 minutes).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kumaprov.dev.litellm import LITELLM, LocalLiteLLM, stderr_log
from kumaprov.dev.litellm_samples import KEY_ENV, SAMPLES, record, render_gateway, respond, running, scrubbed
from kumaprov.dev.pyvenv import ensure_installed
from kumaprov.dev.standin import StandIn
from tests.heartbeats import Watch
from tests.workspace import Workspace

pytestmark = pytest.mark.servers(
    only=("2.0.0-dev.0",),
    because=("the gateway template does not depend on the server version; tests/test_openwebui_real.py runs "
             "the same heartbeats on 2.5.3"))

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NAMES = ("models", "model", "chat", "backends")


@pytest.fixture(scope="module")
def gateway(pytestconfig: pytest.Config,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalLiteLLM, StandIn, dict[str, str]]]:
    """LiteLLM in front of the stand-in, and the local addresses the recorder scrubs."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():  # a silent 3-minute install looks like a hang
        print(file=sys.stderr)
        ensure_installed(LITELLM, stderr_log)
    with running(tmp_path_factory.mktemp("litellm")) as started:
        yield started


@pytest.fixture
def healthy(gateway: tuple[LocalLiteLLM, StandIn, dict[str, str]]) -> Iterator[None]:
    gateway[1].set_mode(models="ok", chat="ok")
    yield
    gateway[1].set_mode(models="ok", chat="ok")


def test_gateway_monitors_against_a_real_litellm(
    tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    gateway: tuple[LocalLiteLLM, StandIn, dict[str, str]], healthy: None,
) -> None:
    proxy, provider, _ = gateway
    ws = Workspace(tmp_path, {**kuma_env, KEY_ENV: proxy.master_key}, monkeypatch)
    shutil.copytree(TEMPLATES, tmp_path / "templates")  # a link out of the project is refused
    instance = {"template": "openai-gateway", "vars": {
        "id": "gw", "name": f"LiteLLM (real) {ws.owner_tag}", "base_url": proxy.url + "/v1",
        "api_key_env": KEY_ENV, "model": "gpt-4o-mini", "litellm_health": True,
        "models_interval": 20, "chat_interval": 20, "backends_interval": 20, "chat_timeout": 15}}
    ws.write(json.dumps({"monitors": [instance]}))
    monitors = render_gateway(proxy.url + "/v1", tmp_path / "render", models_interval=20, chat_interval=20,
                              backends_interval=20, chat_timeout=15)

    with ws.client() as watcher:  # connected before the sync, so no first heartbeat is missed
        sync = ws.run("sync")
        assert sync.exit_code == 0, sync.output
        managed = ws.managed()
        watch = Watch(watcher, monitors, {name: managed[f"gw-{name}"]["id"] for name in NAMES},
                      lambda monitor: respond(monitor, proxy.master_key))
        for name in NAMES:
            watch.expect(name, True, {})

        # The backend answers without the word: only the chat sees it.
        since = watch.counts()
        provider.set_mode(chat="no-word")
        watch.expect("chat", False, since, "false")
        for name in ("models", "model", "backends"):
            watch.expect(name, True, since)

        # The backend lost its models: LiteLLM still lists its configured ones.
        since = watch.counts()
        provider.set_mode(models="empty", chat="ok")
        watch.expect("backends", False, since, "503")
        watch.expect("chat", False, since, "404")
        for name in ("models", "model"):
            watch.expect(name, True, since)

        # Everything back (the chat may first meet LiteLLM's cooldown of the failed deployment).
        since = watch.counts()
        provider.set_mode(models="ok")
        for name in ("backends", "chat"):
            watch.expect(name, True, since)


def test_the_committed_litellm_samples_are_what_litellm_answers(
    tmp_path: Path, gateway: tuple[LocalLiteLLM, StandIn, dict[str, str]], healthy: None
) -> None:
    proxy, provider, addresses = gateway
    backends = render_gateway(proxy.url + "/v1", tmp_path)["backends"]
    recorded = record(proxy, provider, backends)

    used_with = {Path(s.file or "").name: s.status for s in backends.samples}
    for name, (status, body) in recorded.items():
        assert used_with[name] == status, (name, status)
        again = json.loads(scrubbed(body, addresses))
        committed = json.loads((SAMPLES / name).read_text())
        # model_id hashes the deployment, with this run's random ports in it.
        assert _stable(again) == _stable(committed), name


def _stable(value: object) -> object:
    """Without the deployment hashes and the probe text (LiteLLM picks one of several at random)."""
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in ("model_id", "content")}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value
