"""Every monitor type and field kumaprov models, synced for real on each server that offers it:
created with the fields the definitions say, a second sync plans nothing, every type-specific
field can be changed (editMonitor copies a fixed field list: a field it dropped would show as a
change forever), every type is deleted, and the export describes them exactly.

1.x types run on every version; the 2.x types and fields run where they exist (2.5.3).
tests/test_version_agreement_server.py checks that what lint refuses, each server lacks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kumaprov.model.monitors import MonitorBase
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.versions import server_line
from tests.monitor_examples import BASIC_TYPES, EVERY_1X_TYPE, EVERY_2X_TYPE, SECRET, monitors, text
from tests.workspace import Workspace

# One change to the type-specific fields of every monitor in each example.
BASIC_UPDATES: dict[str, dict[str, Any]] = {
    "shop": {"description": "The shop, renamed"},
    "api": {"method": "PUT", "headers": {"Authorization": "Bearer ${SECRET}", "X-Probe": "v2"}, "body": {"ping": False},
            "accepted_status_codes": ["200-299"], "max_redirects": 5, "timeout": 30, "ignore_tls": False,
            "expiry_notification": False, "basic_auth": {"username": "probe2", "password": "${SECRET}"},
            "upside_down": False, "retries": 1, "retry_interval": 900, "resend_interval": 0,
            "tags": [{"name": "types-env-{tag}", "value": "staging"}]},
    "page": {"keyword": "Hello", "invert_keyword": False},
    "query": {"query": "state", "expected_value": "up"},
    "db": {"port": 10},
    "gateway": {"hostname": "127.0.0.2", "packet_size": 128},
    "dns": {"resolver": "127.0.0.2", "record_type": "MX", "port": 10},
    "backup": {"push_token": "${SECRET}-rotated"},
    "worker": {"container": "worker-2"},
}
EVERY_1X_UPDATES: dict[str, dict[str, Any]] = {
    "grpc": {"method": "Watch", "body": "{}", "tls": False, "keyword": "OK", "invert_keyword": False},
    "browser": {"url": "http://127.0.0.1:9/login"},
    "steam": {"port": 10},
    "minecraft": {"game": "terraria", "given_port_only": True},
    "mqtt": {"topic": "health-2", "username": "kuma2", "success_message": "fine"},
    "kafka": {"brokers": ["127.0.0.1:9"], "topic": "uptime-2", "message": "pong", "ssl": True,
              "allow_auto_topic_creation": False},
    "mssql": {"query": "SELECT 2"},
    "pg": {"query": "SELECT 2"},
    "mysql": {"query": "SELECT 2"},
    "mongo": {"command": '{"hello": 1}'},
    "redis": {"connection_string": "redis://127.0.0.1:10"},
    "radius": {"port": 10, "called_station_id": "AA-CC", "calling_station_id": "CC-EE"},
    "tailnet": {"hostname": "nas-2"},
    "oauth": {"oauth2": {"token_url": "http://127.0.0.2:9/token", "client_id": "kuma2", "client_secret": "${SECRET}",
                         "scopes": ["read"], "auth_method": "client_secret_post"}},
    "ntlm": {"ntlm": {"username": "kuma2", "password": "${SECRET}-2", "domain": "CORP2"}},
    "mtls": {"mtls": {"cert": "-----BEGIN CERTIFICATE-----\nMIIBtypes2\n-----END CERTIFICATE-----\n",
                      "key": "${SECRET}"}},
}
EVERY_2X_UPDATES: dict[str, dict[str, Any]] = {
    "snmp": {"snmp_version": "2c", "oid": "1.3.6.1.2.1.1.5.0", "operator": "<", "expected_value": "50"},
    "rabbit": {"nodes": ["http://127.0.0.1:9", "http://127.0.0.2:9"], "username": "admin"},
    "mail": {"port": 10, "security": "starttls"},
    "manual": {"description": "Set by hand"},
    "socket": {"subprotocol": "", "ignore_accept_header": False, "accepted_status_codes": ["1000"]},
    "probe-http": {"target": "https://example.org/", "location": "DE"},
    "probe-ping": {"subtype": "dns"},
    "sip": {"port": 10},
    "sshd": {"service": "cron.service"},
    "clock": {"stratum_threshold": 4, "time_offset_threshold": 900, "root_dispersion_threshold": 400},
    "worker-pm2": {"process": "api"},
    "oracle": {"username": "kuma2", "query": "SELECT 2 FROM DUAL"},
    "count": {"operator": "<", "expected_value": "5"},
    "mqtt-json": {"query": "humidity", "expected_value": "40"},
    "mongo-query": {"query": "ok2", "expected_value": "0"},
    "fast": {"interval": 15},
    "bearer": {"bearer_token": "${SECRET}-2", "ip_family": "ipv6", "cache_bust": False, "save_response": False,
               "save_error_response": True, "response_max_length": 512, "domain_expiry_notification": True},
    "oauth-audience": {"oauth2": {"token_url": "http://127.0.0.1:9/token", "client_id": "kuma",
                                  "client_secret": "${SECRET}", "audience": "https://api2.test"}},
    "query-retry": {"retry_only_on_status_code_failure": False},
}
TWO_X = pytest.mark.servers(since="2.5.0", because="ntp and pm2 monitors need 2.5.0, the other 2.x types and "
                                                   "fields 2.0.0-beta.0 to 2.4.0")


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, {**kuma_env, "SECRET": SECRET}, monkeypatch)


def test_the_examples_cover_every_type_and_field() -> None:
    examples = [*monitors(BASIC_TYPES).values(), *monitors(EVERY_1X_TYPE).values(), *monitors(EVERY_2X_TYPE).values()]
    assert {m["type"] for m in examples} == set(MONITOR_TYPES)
    # Proven by server tests of their own: notifications, proxies, remote browsers, alerts
    # (tests/test_alerts_*.py; the server never sees them), environments
    # (tests/test_environments_server.py; never sent), and samples are lint-only.
    elsewhere = {"notifications", "proxy", "remote_browser", "samples", "alerts", "environments"}
    common = set(MonitorBase.model_fields)
    assert common - elsewhere <= {key for m in examples for key in m}
    for name, cls in MONITOR_TYPES.items():
        # keyword and json-query add to http's fields, which the http example covers.
        parents: list[type[MonitorBase]] = [base for base in cls.__mro__[1:] if base in MONITOR_TYPES.values()]
        own = set(cls.model_fields) - set(parents[0].model_fields if parents else common) - elsewhere
        assert own <= {key for m in examples if m["type"] == name for key in m}, name
    for example, updates in ((BASIC_TYPES, BASIC_UPDATES), (EVERY_1X_TYPE, EVERY_1X_UPDATES),
                             (EVERY_2X_TYPE, EVERY_2X_UPDATES)):
        assert set(updates) == set(monitors(example)), "every monitor gets an update"


def test_the_basic_types_are_created_updated_and_deleted(ws: Workspace) -> None:
    live = lifecycle(ws, BASIC_TYPES, BASIC_UPDATES)  # every line offers every value here: no target needed
    assert json.loads(live["api"]["headers"]) == {"Authorization": f"Bearer {SECRET}", "X-Probe": "kumaprov"}
    assert json.loads(live["api"]["body"]) == {"ping": True}
    assert live["api"]["basic_auth_pass"] == SECRET and live["api"]["parent"] == live["shop"]["id"]
    assert (live["gateway"]["packetSize"], live["dns"]["dns_resolve_type"]) == (64, "TXT")
    assert live["backup"]["pushToken"] == SECRET


def test_every_1x_type_is_created_updated_and_deleted(ws: Workspace, kuma_version: str) -> None:
    updates = EVERY_1X_UPDATES
    for value in server_line(kuma_version).unmanageable:  # proven by tests/test_version_agreement_server.py
        if value.key == "ssl":
            updates = {**updates, "kafka": {k: v for k, v in updates["kafka"].items() if k != "ssl"}}
        if value.key == "oauth2.auth_method":
            updates = {**updates, "oauth": {"oauth2": {k: v for k, v in updates["oauth"]["oauth2"].items()
                                                       if k != "auth_method"}}}
    ws.project(f"target: {kuma_version}\n")  # without one, lint refuses what any supported line lacks
    live = lifecycle(ws, EVERY_1X_TYPE, updates)
    # The server's own field names and representations, secrets resolved.
    assert live["grpc"]["grpcServiceName"] == "grpc.health.v1.Health"
    assert json.loads(live["grpc"]["grpcMetadata"]) == {"authorization": SECRET}
    assert live["minecraft"]["game"] == "minecraft" and not live["minecraft"]["gamedigGivenPortOnly"]
    assert live["mqtt"]["mqttPassword"] == SECRET and live["mqtt"]["mqttSuccessMessage"] == "ok"
    assert live["kafka"]["kafkaProducerBrokers"] == ["127.0.0.1:9", "127.0.0.2:9"]
    assert live["kafka"]["kafkaProducerSaslOptions"] == {"mechanism": "plain", "username": "kuma", "password": SECRET}
    assert live["pg"]["databaseConnectionString"] == f"postgres://kuma:{SECRET}@127.0.0.1:9/app"
    assert (live["radius"]["radiusSecret"], live["radius"]["radiusCalledStationId"]) == (SECRET, "AA-BB")
    assert (live["oauth"]["authMethod"], live["oauth"]["oauth_client_secret"]) == ("oauth2-cc", SECRET)
    assert (live["oauth"]["oauth_scopes"], live["oauth"]["oauth_auth_method"]) == ("read write", "client_secret_basic")
    assert (live["ntlm"]["authMethod"], live["ntlm"]["basic_auth_pass"], live["ntlm"]["authDomain"]) == (
        "ntlm", SECRET, "CORP")
    assert (live["mtls"]["authMethod"], live["mtls"]["tlsKey"]) == ("mtls", SECRET)
    assert live["mtls"]["tlsCa"].startswith("-----BEGIN CERTIFICATE-----\nMIIBca")


@TWO_X
def test_every_2x_type_and_field_is_created_updated_and_deleted(ws: Workspace, kuma_version: str) -> None:
    ws.project(f"target: {kuma_version}\n")
    live = lifecycle(ws, EVERY_2X_TYPE, EVERY_2X_UPDATES)
    assert (live["snmp"]["snmpVersion"], live["snmp"]["radiusPassword"]) == ("1", SECRET)
    assert (live["snmp"]["jsonPathOperator"], live["count"]["jsonPathOperator"]) == (">", ">=")
    assert live["rabbit"]["rabbitmqNodes"] == ["http://127.0.0.1:9"] and live["rabbit"]["rabbitmqPassword"] == SECRET
    assert live["socket"]["accepted_statuscodes"] == ["1000", "1001"] and live["socket"]["wsSubprotocol"] == "chat"
    assert (live["probe-http"]["url"], live["probe-ping"]["hostname"]) == ("https://example.com/", "example.com")
    assert (live["sshd"]["system_service_name"], live["worker-pm2"]["system_service_name"]) == ("ssh.service", "worker")
    assert live["clock"]["ntpStratumThreshold"] == 3 and live["oracle"]["basic_auth_pass"] == SECRET
    assert live["mqtt-json"]["mqttCheckType"] == "json-query" and live["mongo-query"]["expectedValue"] == "1"
    assert (live["fast"]["interval"], live["fast"]["retryInterval"]) == (10, 5)
    assert (live["bearer"]["authMethod"], live["bearer"]["bearer_token"]) == ("bearer", SECRET)
    assert (live["bearer"]["ipFamily"], live["bearer"]["cacheBust"], live["bearer"]["responseMaxLength"]) == (
        "ipv4", True, 2048)
    assert (live["bearer"]["saveResponse"], live["bearer"]["saveErrorResponse"]) == (True, False)
    assert live["bearer"]["domainExpiryNotification"] is False
    assert live["oauth-audience"]["oauth_audience"] == "https://api.test"
    assert live["query-retry"]["retryOnlyOnStatusCodeFailure"] is True


def lifecycle(ws: Workspace, example: str, updates: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Create, no-op, update every monitor, no-op, delete every monitor; the monitors as created."""
    source = text(example, ws.owner_tag)
    ids = set(monitors(example))
    ws.write(source)
    created = ws.run("sync")
    assert created.exit_code == 0, created.output
    assert SECRET not in created.output
    live = ws.managed()
    assert set(live) == ids
    assert_in_sync(ws, len(ids))

    ws.write(updated(source, updates, ws.owner_tag))
    changed = ws.run("sync")
    assert changed.exit_code == 0, changed.output
    assert f"Plan: 0 to create, {len(ids)} to update, 0 to delete" in changed.stdout, changed.stdout
    assert_in_sync(ws, len(ids))  # the server kept every changed field

    ws.write("monitors: []\n")
    deleted = ws.run("sync", "--allow-mass-delete")
    assert deleted.exit_code == 0, deleted.output
    assert f"{len(ids)} to delete" in deleted.stdout
    assert ws.managed() == {}
    return live


def updated(source: str, updates: dict[str, dict[str, Any]], tag: str) -> str:
    document = yaml.safe_load(source)
    for monitor in document["monitors"]:
        monitor.update(yaml.safe_load(json.dumps(updates[monitor["id"]]).replace("{tag}", tag)))
    return yaml.safe_dump(document, sort_keys=False)


def assert_in_sync(ws: Workspace, count: int) -> None:
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith(f"No changes. {count} monitor(s)"), again.stdout


def test_the_export_describes_every_1x_type_exactly(ws: Workspace) -> None:
    export_round_trip(ws, EVERY_1X_TYPE)


@TWO_X
def test_the_export_describes_every_2x_type_exactly(ws: Workspace, kuma_version: str) -> None:
    ws.project(f"target: {kuma_version}\n")
    export_round_trip(ws, EVERY_2X_TYPE)


def export_round_trip(ws: Workspace, example: str) -> None:
    ws.write(text(example))
    assert ws.run("sync").exit_code == 0

    exported = ws.run("export", "--out", "exported.yaml")
    assert exported.exit_code == 0, exported.output
    document = yaml.safe_load((ws.root / "exported.yaml").read_text())
    assert SECRET not in (ws.root / "exported.yaml").read_text()
    mine = [m for m in document["monitors"] if m["id"] in ws.managed()]
    assert {m["id"] for m in mine} == set(monitors(example))

    # Only this workspace's monitors, with the secrets the export names: nothing differs.
    (ws.root / "monitors" / "monitors.yaml").write_text(yaml.safe_dump({"monitors": mine}, sort_keys=False))
    diff = ws.run("diff", "--detailed-exitcode", **_values(mine, example))
    assert diff.exit_code == 0, diff.output


def _values(exported: list[dict[str, Any]], example: str) -> dict[str, str]:
    """What each exported `${REF}` stood for: the source definition's value at that key."""
    source = monitors(example)
    values = {}
    for monitor in exported:
        for key, value in monitor.items():
            pairs = value.items() if isinstance(value, dict) else [(None, value)]
            for sub, text_ in pairs:
                if isinstance(text_, str) and "${" in text_:
                    wanted = source[monitor["id"]][key] if sub is None else source[monitor["id"]][key][sub]
                    values[text_[text_.index("${") + 2:text_.index("}")]] = wanted.replace("${SECRET}", SECRET)
    return values


def test_a_monitor_switches_between_auth_methods_and_drops_its_auth(ws: Workspace) -> None:
    """One monitor through basic auth, OAuth, NTLM and none: each sync edits it once, the next
    plans nothing, and the server uses the method the file names."""
    blocks = [
        'basic_auth: {username: probe, password: "${SECRET}"}',
        'oauth2: {token_url: "http://127.0.0.1:9/token", client_id: kuma, client_secret: "${SECRET}"}',
        'ntlm: {username: probe, password: "${SECRET}", workstation: KUMA}',
        "",
    ]
    for block in blocks:
        ws.write(f"""\
monitors:
  - {{id: switch, name: Switch, type: http, interval: 3600, url: "http://127.0.0.1:9/", {block}}}
""".replace(", }", "}"))
        result = ws.run("sync")
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output
        assert_in_sync(ws, 1)
    live = ws.managed()["switch"]
    assert live["authMethod"] in ("", None)
    assert live["authWorkstation"] == "KUMA"  # the fields of a method taken out stay stored, unused
