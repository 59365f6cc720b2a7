"""A project using everything issue 12 added, synced twice: the second sync changes nothing
(its "done when"). On every version: settings, API keys, HTTP monitors with oauth2, ntlm and
mtls authentication, a status page with a pinned incident and a maintenance window shown on
it. Where they exist (2.x releases): remote browsers and the real-browser monitor naming one,
a bearer token, `ip_family` and `cache_bust`. On a server of its own: the first API key
turns on the server's API-key mode for /metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from kumaprov.dev.localkuma import LocalKuma
from kumaprov.kinds.remote_browsers import SINCE
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.versions import at_least
from tests.workspace import Workspace

EVERY_VERSION = """\
    settings:
      primaryBaseURL: https://status.example.com
      keepDataPeriodDays: 60
      checkUpdate: false
      trustProxy: true
      tlsExpiryNotifyDays: [7, 30]
      searchEngineIndex: true
      entryPage: statusPage-public
    api_keys:
      - {name: prometheus, key_file: ../secrets/prometheus.key, expires: 2099-12-31 23:59}
      - {name: spare, key_file: ../secrets/spare.key, active: false}
    status_pages:
      - slug: public
        title: Public
        incident: {title: Slow answers, content: "The model server is **overloaded**.", style: warning}
    maintenance:
      - {title: Nightly upgrade, strategy: manual, monitors: [partner], status_pages: [public]}
    monitors:
      - {id: partner, name: Partner API, type: json-query, url: "http://127.0.0.1:9/partner", query: ok,
         expected_value: "true", interval: 3600, oauth2: {token_url: "http://127.0.0.1:9/token", client_id: kuma,
         client_secret: "${OAUTH_SECRET}", scopes: [read, status]}}
      - {id: intranet, name: Intranet, type: keyword, url: "http://127.0.0.1:9/intra", keyword: Welcome,
         interval: 3600, ntlm: {username: kuma, password: "${NTLM_PASSWORD}", domain: CORP}}
      - {id: bank, name: Bank, type: http, url: "https://127.0.0.1:9/bank", interval: 3600,
         mtls: {cert: "-----BEGIN CERTIFICATE-----\nMIIBsynctwice\n-----END CERTIFICATE-----\n", key: "${TLS_KEY}"}}
"""
TWO_X = """\
    remote_browsers:
      - {name: grid, url: "ws://127.0.0.1:9/playwright?token=${GRID_TOKEN}"}
    monitors:
      - {id: home, name: Home page, type: real-browser, url: "https://example.com/", interval: 3600,
         remote_browser: grid}
      - {id: bearer, name: Bearer API, type: http, url: "http://127.0.0.1:9/api", interval: 3600,
         bearer_token: "${BEARER}", ip_family: ipv4, cache_bust: true}
"""



def test_a_second_sync_of_every_instance_kind_changes_nothing(own_kuma: LocalKuma, kuma_version: str,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with KumaClient.connect(own_kuma.url, Credentials(own_kuma.username, own_kuma.password)) as client:
        token = str(client.token)
    secrets = {"GRID_TOKEN": "grid-t0ken-4Kf9", "OAUTH_SECRET": "oauth-s3cret", "NTLM_PASSWORD": "ntlm-pa55",
               "TLS_KEY": "-----BEGIN PRIVATE KEY-----\nMIIsynctwice\n-----END PRIVATE KEY-----\n",
               "BEARER": "bearer-t0ken"}
    ws = Workspace(tmp_path, {"KUMA_URL": own_kuma.url, "KUMA_TOKEN": token, **secrets}, monkeypatch)
    ws.project(f"target: {kuma_version}\n")
    ws.write(EVERY_VERSION)
    browsers = at_least(kuma_version, SINCE)
    if browsers:
        ws.write(TWO_X, "browsers.yaml")

    first = ws.run("sync")
    assert first.exit_code == 0, first.output
    expected = ["+ create api_key prometheus", "+ create api_key spare", "~ update settings instance",
                "+ create status_page public", "+ create maintenance Nightly upgrade", "+ create partner",
                "+ create intranet", "+ create bank"]
    if browsers:
        expected += ["+ create remote_browser grid", "+ create home", "+ create bearer"]
    assert all(line in first.stdout for line in expected), first.stdout

    second = ws.run("sync")
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith("No changes."), second.stdout
    assert "2 API key(s)" in second.stdout and "1 settings" in second.stdout
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0
    assert not any(secret in first.output + second.output for secret in secrets.values())
