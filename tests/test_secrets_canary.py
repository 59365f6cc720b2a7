"""A canary secret goes through every command and output format; it must appear nowhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kumaprov.dev.install import Installation
from kumaprov.dev.localkuma import start
from kumaprov.server.client import Credentials, KumaClient
from tests.workspace import Workspace

CANARY = "canary-7f3Kq9ZxW2vLm8Rt"
# A secret whose variable name does not say it is one: masked because a definition references it.
PLAIN_CANARY = "plain-canary-Jw4Tn6Vb"

MONITORS = """\
    monitors:
      - id: secret-api
        name: Secret API
        type: json-query
        method: POST
        url: http://127.0.0.1:9/api
        interval: 300
        headers:
          Authorization: "Bearer ${CANARY_TOKEN}"
        body:
          api_key: "${CANARY_TOKEN}"
        basic_auth:
          username: monitor
          password: "${CANARY_TOKEN}"
        query: status
        expected_value: ok
      - id: secret-push
        name: Secret push
        type: push
        push_token: "${CANARY_TOKEN}"
        interval: 300
      - {id: secret-mqtt, name: Secret MQTT, type: mqtt, hostname: 127.0.0.1, port: 9, topic: t, interval: 300,
         username: kuma, password: "${CANARY_TOKEN}"}
      - {id: secret-pg, name: Secret Postgres, type: postgres, interval: 300,
         connection_string: "postgres://kuma:${CANARY_TOKEN}@127.0.0.1:9/app"}
      - {id: secret-kafka, name: Secret Kafka, type: kafka-producer, brokers: ["127.0.0.1:9"], topic: t, message: m,
         interval: 300, sasl: {mechanism: plain, username: kuma, password: "${CANARY_TOKEN}"}}
      - id: secret-embedded
        name: Secret embedded in values
        type: http
        url: "http://127.0.0.1:9/health?key=${CANARY_TOKEN}"
        interval: 300
        headers:
          X-Trace: "trace-${CANARY_PLAIN}"
      - {id: secret-proxied, name: Secret proxied, type: http, url: "http://127.0.0.1:9/", proxy: canary-proxy,
         interval: 300}
      - {id: secret-oauth, name: Secret OAuth, type: http, url: "http://127.0.0.1:9/", interval: 300,
         oauth2: {token_url: "http://127.0.0.1:9/token", client_id: kuma, client_secret: "${CANARY_TOKEN}"}}
      - {id: secret-ntlm, name: Secret NTLM, type: keyword, url: "http://127.0.0.1:9/", keyword: OK, interval: 300,
         ntlm: {username: kuma, password: "${CANARY_TOKEN}", domain: CORP}}
      - {id: secret-mtls, name: Secret mTLS, type: http, url: "https://127.0.0.1:9/", interval: 300,
         mtls: {cert: "-----BEGIN CERTIFICATE-----", key: "${CANARY_PLAIN}"}}
    proxies:
      - {id: canary-proxy, host: 127.0.0.1, port: 3129, username: kuma, password: "${CANARY_TOKEN}"}
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Workspace:
    workspace = Workspace(tmp_path / "project", {**kuma_env, "CANARY_TOKEN": CANARY, "CANARY_PLAIN": PLAIN_CANARY}, monkeypatch)
    workspace.write(MONITORS)
    return workspace


def test_the_canary_appears_in_no_output(ws: Workspace, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    plan = tmp_path / "plan.json"
    outputs = []
    for args in (
        ["lint"], ["lint", "--output", "json"], ["lint", "--output", "github"],
        ["render"], ["render", "--format", "json"],
        ["diff"], ["diff", "--output", "json"], ["diff", "--output", "github"], ["diff", "--out", str(plan)],
        ["sync", "--plan", str(plan)], ["diff", "--detailed-exitcode"],
    ):
        result = ws.run(*args, GITHUB_STEP_SUMMARY=str(summary))
        assert result.exit_code in (0, 2), (args, result.output)
        outputs.append(result.output)

    ws.write(MONITORS.replace("interval: 300", "interval: 600"))
    for args in (["sync"], ["sync", "--output", "json"], ["sync", "--output", "github"]):
        outputs.append(ws.run(*args, CANARY_TOKEN=CANARY + "-rotated").output)

    exported = ws.run("export", "--out", str(tmp_path / "exported.yaml"))
    assert exported.exit_code == 0, exported.output
    outputs += [exported.output, (tmp_path / "exported.yaml").read_text()]

    # Error paths: invalid files, an unreachable server, a wrong token.
    ws.write(MONITORS + "      - {id: broken, name: B, type: http, url: 'http://127.0.0.1:9/', intervall: 1}\n",
             name="broken.yaml")
    outputs.append(ws.run("sync").output)
    (ws.root / "monitors" / "broken.yaml").unlink()
    outputs.append(ws.run("diff", "--url", "http://127.0.0.1:9", "--timeout", "1").output)
    outputs.append(ws.run("diff", KUMA_TOKEN=CANARY).output)

    for text in [*outputs, summary.read_text(), plan.read_text()]:
        assert CANARY not in text
        assert PLAIN_CANARY not in text
    exported_text = (tmp_path / "exported.yaml").read_text()
    # Secrets embedded in longer values come back as references to their variables.
    assert "trace-${CANARY_PLAIN}" in exported_text
    assert "health?key=${CANARY_TOKEN}" in exported_text
    assert "(sensitive)" in outputs[5]  # the text diff did show the fields, masked
    live = ws.managed()["secret-api"]
    assert live["basic_auth_pass"] == CANARY + "-rotated"  # and the server did get the value
    managed = ws.managed()
    assert (managed["secret-oauth"]["oauth_client_secret"], managed["secret-mtls"]["tlsKey"]) == (
        CANARY + "-rotated", PLAIN_CANARY)


INSTANCE = """\
    settings:
      steamAPIKey: "${CANARY_TOKEN}"
      keepDataPeriodDays: 120
    remote_browsers:
      - {name: canary-grid, url: "ws://127.0.0.1:9/playwright?token=${CANARY_TOKEN}"}
    api_keys:
      - {name: canary-scraper, key_file: ../secrets/scraper.key}
    monitors:
      - {id: secret-page, name: Secret page, type: real-browser, url: "https://example.com/", interval: 3600,
         remote_browser: canary-grid}
"""


@pytest.fixture
def instance_ws(kuma_build: Installation, kuma_version: str, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    # A server of its own: the first API key turns on the server's API-key mode for /metrics.
    kuma = start(tmp_path / "kuma", installation=kuma_build)
    try:
        with KumaClient.connect(kuma.url, Credentials(kuma.username, kuma.password)) as client:
            token = str(client.token)
        workspace = Workspace(tmp_path / "project", {"KUMA_URL": kuma.url, "KUMA_TOKEN": token,
                                                     "CANARY_TOKEN": CANARY}, monkeypatch)
        workspace.project(f"target: {kuma_version}\n")
        workspace.write(INSTANCE)
        yield workspace
    finally:
        kuma.stop()


@pytest.mark.servers(since="2.0.0-beta.0", because="remote browsers arrived with 2.x")
def test_the_instance_kinds_keep_their_secrets(instance_ws: Workspace, tmp_path: Path) -> None:
    """The remote browser's URL token and the steam key setting come from the environment; the API
    key's secret exists only in its key file; none of them shows in any output."""
    ws = instance_ws
    summary, plan = tmp_path / "summary.md", tmp_path / "plan.json"
    outputs = []
    for args in (["lint"], ["lint", "--output", "json"], ["render"], ["diff"], ["diff", "--output", "json"],
                 ["diff", "--output", "github"], ["diff", "--out", str(plan)], ["sync", "--plan", str(plan)],
                 ["diff", "--detailed-exitcode"]):
        result = ws.run(*args, GITHUB_STEP_SUMMARY=str(summary))
        assert result.exit_code in (0, 2), (args, result.output)
        outputs.append(result.output)
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0  # the saved plan did it all
    ws.write(INSTANCE.replace("9/playwright", "10/playwright").replace("120", "121"))
    for args in (["sync"], ["sync", "--output", "json"]):
        outputs.append(ws.run(*args, CANARY_TOKEN=CANARY + "-rotated").output)
    exported = ws.run("export", "--out", str(tmp_path / "exported.yaml"))
    assert exported.exit_code == 0, exported.output
    outputs += [exported.output, (tmp_path / "exported.yaml").read_text(), summary.read_text(), plan.read_text()]

    api_key = (ws.root / "secrets" / "scraper.key").read_text().strip()
    assert api_key.startswith("uk")
    for text in outputs:
        assert CANARY not in text and api_key not in text and api_key.partition("_")[2] not in text
    exported_text = (tmp_path / "exported.yaml").read_text()
    assert "token=${CANARY_TOKEN}" in exported_text and "steamAPIKey: ${KUMA_SETTINGS_STEAMAPIKEY}" in exported_text
