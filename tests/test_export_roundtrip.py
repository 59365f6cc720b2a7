"""Export a live instance, sync the export into an empty one, and nothing differs:
the files hold everything kumaprov models, with secrets left out and listed."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kumaprov.dev.localkuma import Installation, LocalKuma, start
from kumaprov.kinds.remote_browsers import SINCE
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.versions import at_least
from tests.workspace import Workspace

SECRET = "roundtrip-secret-9Xq2"
RICH = """\
    notifications:
      - id: ops-hook
        name: Ops hook
        type: webhook
        settings: {webhookURL: "${HOOK}", webhookContentType: json}
    tags:
      - {name: env, color: "#16A34A"}
    monitors:
      - {id: shop, name: Shop, type: group}
      - id: shop-api
        name: Shop API
        type: json-query
        method: POST
        url: http://127.0.0.1:9/api
        interval: 120
        retries: 2
        parent: shop
        headers: {Authorization: "Bearer ${TOKEN}", Accept: application/json}
        body: {ping: true}
        query: "$count(items) > 0"
        expected_value: "true"
        notifications: [ops-hook]
        tags: [{name: env, value: prod}, {name: critical}]
      - {id: shop-web, name: Shop web, type: keyword, url: "http://127.0.0.1:9/", keyword: Welcome,
         invert_keyword: true, parent: shop, accepted_status_codes: ["200-299", "301"]}
      - {id: db, name: Database, type: port, hostname: 127.0.0.1, port: 5432, interval: 60}
      - {id: dns, name: DNS, type: dns, hostname: example.test, resolver: 127.0.0.1, record_type: AAAA}
      - {id: login, name: Login, type: http, url: "http://127.0.0.1:9/login", basic_auth: {username: bot,
         password: "${TOKEN}"}, max_redirects: 0, ignore_tls: true, upside_down: true, timeout: 20}
      - {id: worker, name: Worker, type: docker, container: worker, docker_host: builder}
      - {id: outbound, name: Outbound, type: http, url: "http://127.0.0.1:9/out", proxy: corp}
      - {id: partner, name: Partner API, type: json-query, url: "http://127.0.0.1:9/partner", query: ok,
         expected_value: "true", oauth2: {token_url: "http://127.0.0.1:9/token", client_id: kuma,
         client_secret: "${TOKEN}", scopes: [read, status]}}
      - {id: intranet, name: Intranet, type: keyword, url: "http://127.0.0.1:9/intra", keyword: Welcome,
         ntlm: {username: kuma, password: "${TOKEN}", domain: CORP}}
      - {id: bank, name: Bank, type: http, url: "https://127.0.0.1:9/bank",
         mtls: {cert: "-----BEGIN CERTIFICATE-----\nMIIBroundtrip\n-----END CERTIFICATE-----\n", key: "${TOKEN}"}}
    docker_hosts:
      - {name: builder, type: tcp, daemon: "tcp://127.0.0.1:9"}
    proxies:
      - {id: corp, host: 127.0.0.1, port: 3128, username: kuma, password: "${TOKEN}"}
    maintenance:
      - {title: Shop upgrade, strategy: recurring-weekday, weekdays: [sun, wed], time: {start: "02:00", end: "03:30"},
         start: "2026-01-01 00:00", timezone: UTC, monitors: [shop-api, db], status_pages: [shop]}
      - {title: Move, strategy: single, start: "2026-12-05 22:00", end: "2026-12-06 04:00", monitors: [db]}
      - {title: Freeze, description: Hands off, active: false}
    status_pages:
      - {slug: shop, title: Shop, description: Our shop, footer: Ops team, show_tags: true,
         groups: [{name: API, monitors: [shop-api]}, {name: Web, monitors: [shop-web, db]}],
         incident: {title: Slow checkout, content: "Payments take **minutes**.", style: warning}}
    settings: {primaryBaseURL: "https://kuma.example.com", keepDataPeriodDays: 30, searchEngineIndex: true,
               tlsExpiryNotifyDays: [3, 9]}
    api_keys:
      - {name: Prometheus, key_file: ../prometheus.key, expires: 2099-12-31}
      - {name: Old scraper, key_file: ../old.key, active: false}
"""
# Remote browsers, on the versions that have them (2.x releases).
BROWSERS = """    remote_browsers:
      - {name: grid, url: "ws://127.0.0.1:9/playwright?token=${TOKEN}"}
    monitors:
      - {id: page, name: Page, type: real-browser, url: "https://example.com/", remote_browser: grid}
"""


@pytest.fixture(scope="module")
def two_servers(kuma_build: Installation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LocalKuma]]:
    servers = [start(tmp_path_factory.mktemp(f"kuma-{name}"), installation=kuma_build) for name in "ab"]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def env_for(server: LocalKuma) -> dict[str, str]:
    with KumaClient.connect(server.url, Credentials(server.username, server.password)) as client:
        assert client.token
        return {"KUMA_URL": server.url, "KUMA_TOKEN": client.token}


def test_export_then_sync_to_an_empty_instance_changes_nothing(
    two_servers: list[LocalKuma], kuma_version: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_env, b_env = (env_for(server) for server in two_servers)
    source = Workspace(tmp_path / "source", {**a_env, "TOKEN": SECRET, "HOOK": "http://127.0.0.1:9/hook"},
                       monkeypatch, owner_tag="kumaprov")
    browsers = at_least(kuma_version, SINCE)
    source.write(RICH)
    if browsers:
        source.project(f"target: {kuma_version}\n")  # lint would refuse remote browsers for 1.23
        source.write(BROWSERS, "browsers.yaml")
    assert source.run("sync").exit_code == 0

    # Export into a fresh project; the export names the secrets it left out.
    exported = Workspace(tmp_path / "exported", a_env, monkeypatch, owner_tag="kumaprov")
    exported.project(f"target: {kuma_version}\n")
    result = exported.run("export", "--out", "monitors/exported.yaml")
    assert result.exit_code == 0, result.output
    text = (exported.root / "monitors" / "exported.yaml").read_text()
    assert SECRET not in text and SECRET not in result.output
    names = re.findall(r"set (KUMA_\w+) before", result.stderr)
    assert names and all(f"${{{name}}}" in text for name in names)
    secrets = {name: "http://127.0.0.1:9/hook" if "WEBHOOKURL" in name else SECRET for name in names}
    if browsers:  # a URL with credentials is a secret whole
        secrets["KUMA_GRID_URL"] = f"ws://127.0.0.1:9/playwright?token={SECRET}"
    assert exported.run("lint").exit_code == 0

    # The export describes the source exactly: no changes against it...
    assert "Bearer ${KUMA_SHOP_API_HEADERS_AUTHORIZATION}" in text
    same = exported.run("diff", "--detailed-exitcode", **secrets)
    assert same.exit_code == 0, same.output
    # ...and, synced into an empty instance, it exports back to the same files.
    target = Workspace(tmp_path / "target", {**b_env, **secrets}, monkeypatch, owner_tag="kumaprov")
    target.project(f"target: {kuma_version}\n")
    shutil.copy(exported.root / "monitors" / "exported.yaml", target.root / "monitors" / "exported.yaml")
    synced = target.run("sync")
    assert synced.exit_code == 0, synced.output
    assert target.run("diff", "--detailed-exitcode").exit_code == 0
    again = Workspace(tmp_path / "again", b_env, monkeypatch, owner_tag="kumaprov")
    assert again.run("export", "--out", "monitors/exported.yaml").exit_code == 0
    first = yaml.safe_load(text)
    second = yaml.safe_load((again.root / "monitors" / "exported.yaml").read_text())
    assert second == first
    assert [w["title"] for w in first["maintenance"]] == ["Shop upgrade", "Move", "Freeze"]
    assert first["docker_hosts"] == [{"name": "builder", "type": "tcp", "daemon": "tcp://127.0.0.1:9"}]
    assert first["proxies"][0]["password"].startswith("${KUMA_PROXY")
    assert first["status_pages"][0]["groups"] == [{"name": "API", "monitors": ["shop-api"]},
                                                  {"name": "Web", "monitors": ["shop-web", "db"]}]
    settings = {"primaryBaseURL": "https://kuma.example.com", "keepDataPeriodDays": 30, "searchEngineIndex": True,
                "tlsExpiryNotifyDays": [3, 9]}
    assert {key: first["settings"][key] for key in settings} == settings
    assert [(k["name"], k.get("active", True)) for k in first["api_keys"]] == [("Prometheus", True),
                                                                             ("Old scraper", False)]
    assert (target.root / "monitors" / "prometheus.key").read_text().startswith("uk")  # created anew, its own secret
    if browsers:
        assert first["remote_browsers"] == [{"name": "grid", "url": "${KUMA_GRID_URL}"}]
        assert [m["remote_browser"] for m in first["monitors"] if m["id"] == "page"] == ["grid"]
    assert first["status_pages"][0]["incident"] == {"title": "Slow checkout", "content": "Payments take **minutes**.",
                                                    "style": "warning"}
    assert first["maintenance"][0]["status_pages"] == ["shop"]
    exported = {m["id"]: m for m in first["monitors"]}
    assert exported["partner"]["oauth2"] == {"token_url": "http://127.0.0.1:9/token", "client_id": "kuma",
                                             "client_secret": "${KUMA_PARTNER_CLIENT_SECRET}",
                                             "scopes": ["read", "status"]}
    assert exported["intranet"]["ntlm"] == {"username": "kuma", "password": "${KUMA_INTRANET_PASSWORD}",
                                            "domain": "CORP"}
    assert exported["bank"]["mtls"]["key"] == "${KUMA_BANK_KEY}"


def test_export_never_overwrites(two_servers: list[LocalKuma], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace(tmp_path, env_for(two_servers[0]), monkeypatch)
    existing = ws.write("# mine\n", name="exported.yaml")
    result = ws.run("export", "--out", "monitors/exported.yaml")
    assert result.exit_code == 2 and "never overwrites" in result.stderr
    assert existing.read_text() == "# mine\n"
