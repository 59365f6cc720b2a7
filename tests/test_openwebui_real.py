"""The openwebui template against a REAL Open WebUI (PyPI `open-webui`, pinned in
kumaprov.dev.openwebui_install), synced to the real Uptime Kuma of the session.

Open WebUI runs offline on 127.0.0.1 in front of the stand-in acting as its OpenAI-compatible
provider, which the test switches: the provider loses its models, answers without the word, the
API key is revoked, then everything recovers. Each time, kumaprov's verdict on the response Open
WebUI gives right then must be what the Uptime Kuma heartbeats say.

The first run on a fresh machine installs Open WebUI into ~/.cache/kumaprov (about 7 minutes,
7.4 GB); each run starts it once per module (under a minute).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kumaprov.dev import openwebui_install
from kumaprov.dev.openwebui import LocalOpenWebUI, start
from kumaprov.dev.openwebui_samples import KEY_ENV, LEVELS, SAMPLES, normalized, record, render_levels, respond
from kumaprov.dev.standin import StandIn, start_standin
from kumaprov.lint.run import lint
from kumaprov.model.monitors import HttpMonitor
from kumaprov.definitions.project import load_project
from tests.heartbeats import UP, Watch
from tests.workspace import Workspace

pytestmark = pytest.mark.servers(
    only=("2.0.0-dev.0", "2.5.3"),
    because=("the levels are proven against the npm build and the current release; 1.23.17 gives these JSON "
             "queries the same verdicts (tests/test_jsonquery_parity.py)"))

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture(scope="module")
def provider() -> Iterator[StandIn]:
    """The OpenAI-compatible provider behind Open WebUI (shared with it for the module)."""
    with start_standin() as server:
        yield server


@pytest.fixture(scope="module")
def openwebui(pytestconfig: pytest.Config, provider: StandIn,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOpenWebUI]:
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")

    def log(message: str) -> None:
        with capture.global_and_fixture_disabled():  # a silent 7-minute install looks like a hang
            print(f"\nopenwebui: {message}", file=sys.stderr, flush=True)

    installation = openwebui_install.ensure_installed(log)
    with start(tmp_path_factory.mktemp("openwebui"), provider_url=f"{provider.url}/v1",
               provider_key=provider.api_key, installation=installation, log=log) as server:
        yield server


@pytest.fixture
def healthy(provider: StandIn, openwebui: LocalOpenWebUI) -> Iterator[None]:
    """Each test starts with a healthy provider and Open WebUI's list refreshed from it."""
    provider.set_mode(models="ok", chat="ok")
    openwebui.call("GET", "/api/models?refresh=true", token=openwebui.api_key)
    yield
    provider.set_mode(models="ok", chat="ok")


def test_three_levels_against_a_real_open_webui(
    tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    provider: StandIn, openwebui: LocalOpenWebUI, healthy: None,
) -> None:
    ws = Workspace(tmp_path, {**kuma_env, KEY_ENV: openwebui.api_key}, monkeypatch)
    shutil.copytree(TEMPLATES, tmp_path / "templates")  # a link out of the project is refused
    ws.write(f"""\
        monitors:
          - template: openwebui
            vars:
              id: owui
              name: Open WebUI (real) {ws.owner_tag}
              base_url: {openwebui.url}
              api_key_env: {KEY_ENV}
              model: llama3.1:8b
              health_interval: 20
              models_interval: 20
              chat_interval: 20
              chat_timeout: 15
    """)
    project, _ = load_project(None, tmp_path)
    levels = {}
    for definition in lint(project).definitions:
        assert isinstance(definition.monitor, HttpMonitor)
        levels[definition.id.removeprefix("owui-")] = definition.monitor

    with ws.client() as watcher:  # connected before the sync, so no first heartbeat is missed
        key = openwebui.api_key
        sync = ws.run("sync")
        assert sync.exit_code == 0, sync.output
        ids = {level: ws.managed()[f"owui-{level}"]["id"] for level in LEVELS}
        watch = Watch(watcher, levels, ids, lambda monitor: respond(monitor, key))
        for level in LEVELS:
            watch.expect(level, True, {})

        # The provider loses its models: Open WebUI still lists them unless asked to refresh.
        since = watch.counts()
        provider.set_mode(models="empty")
        watch.expect("models", False, since, "false")
        watch.expect("chat", False, since, "404")  # after the refresh Open WebUI no longer knows the model

        # The models are back, but the answer lacks the word.
        since = watch.counts()
        provider.set_mode(models="ok", chat="no-word")
        watch.expect("models", True, since)
        watch.expect("chat", False, since, "false")

        # The key is revoked: levels 2 and 3 get 401, level 1 needs no key.
        since = watch.counts()
        provider.set_mode(chat="ok")
        openwebui.revoke_api_key()
        watch.expect("models", False, since, "401")
        watch.expect("chat", False, since, "401")

        # A new key, synced: everything recovers.
        since = watch.counts()
        key = openwebui.create_api_key()
        sync = ws.run("sync", **{KEY_ENV: key})
        assert sync.exit_code == 0, sync.output
        assert key not in sync.output
        for level in ("models", "chat"):
            watch.expect(level, True, since)
        assert all(beat["status"] == UP for beat in watcher.heartbeats(ids["health"])), "level 1 went down"


def test_the_committed_samples_are_what_open_webui_answers(
    tmp_path: Path, provider: StandIn, openwebui: LocalOpenWebUI, healthy: None
) -> None:
    """Recording again gives the committed files (ids and clocks aside) with the template's statuses."""
    levels = render_levels(openwebui.url, tmp_path)
    recorded = record(openwebui, provider, levels)

    committed = {path.name: path.read_text() for path in SAMPLES.glob("*.json")}
    assert sorted(recorded) == sorted(committed)
    for name, (_, body) in recorded.items():
        assert normalized(body) == normalized(committed[name]), name
    # The template uses each file with the status Open WebUI gave it (and health.json with a 502 too).
    used_with: dict[str, set[int]] = {}
    for monitor in levels.values():
        for sample in monitor.samples:
            used_with.setdefault(Path(sample.file or "").name, set()).add(sample.status)
    for name, (status, _) in recorded.items():
        assert status in used_with[name], (name, status, used_with.get(name))
