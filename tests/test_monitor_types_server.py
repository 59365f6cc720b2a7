"""Every monitor type the installed server (2.0.0-dev.0, 1.23's set) offers, synced for
real: created with the fields the definitions say, a second sync plans nothing, the
export describes them exactly, and a type the server lacks is refused before any write."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kumaprov.model.mapped import OTHER_TYPES
from kumaprov.versions import at_least
from tests.workspace import Workspace

SECRET = "types-canary-Hw7Rt2"

# One monitor of every type 1.23 offers that kumaprov models beyond the first nine
# (those have server tests of their own). Nothing listens on 127.0.0.1:9, so every
# check fails at once without loading the server.
EVERY_TYPE = """\
    monitors:
      - id: grpc
        name: gRPC health
        type: grpc-keyword
        interval: 3600
        grpc_url: 127.0.0.1:9
        service: grpc.health.v1.Health
        method: Check
        protobuf: 'syntax = "proto3";'
        metadata: '{"authorization": "${SECRET}"}'
        keyword: SERVING
      - {id: browser, name: Browser, type: real-browser, interval: 3600, url: "http://127.0.0.1:9/"}
      - {id: steam, name: Steam, type: steam, interval: 3600, hostname: 127.0.0.1, port: 9}
      - {id: minecraft, name: Minecraft, type: gamedig, interval: 3600, game: minecraft, hostname: 127.0.0.1,
         port: 9, given_port_only: false}
      - {id: mqtt, name: MQTT, type: mqtt, interval: 3600, hostname: 127.0.0.1, port: 9, topic: health,
         username: kuma, password: "${SECRET}", success_message: ok}
      - id: kafka
        name: Kafka
        type: kafka-producer
        interval: 3600
        brokers: ["127.0.0.1:9", "127.0.0.2:9"]
        topic: uptime
        message: ping
        sasl: {mechanism: plain, username: kuma, password: "${SECRET}"}
      - {id: mssql, name: MSSQL, type: sqlserver, interval: 3600, connection_string: "${SECRET}", query: SELECT 1}
      - {id: pg, name: Postgres, type: postgres, interval: 3600,
         connection_string: "postgres://kuma:${SECRET}@127.0.0.1:9/app"}
      - {id: mysql, name: MySQL, type: mysql, interval: 3600, connection_string: "mysql://kuma:${SECRET}@127.0.0.1:9/app"}
      - {id: mongo, name: Mongo, type: mongodb, interval: 3600, connection_string: "mongodb://127.0.0.1:9"}
      - {id: redis, name: Redis, type: redis, interval: 3600, connection_string: "redis://127.0.0.1:9"}
      - {id: radius, name: RADIUS, type: radius, interval: 3600, hostname: 127.0.0.1, port: 9, username: probe,
         password: "${SECRET}", secret: "${SECRET}", called_station_id: AA-BB, calling_station_id: CC-DD}
      - {id: tailnet, name: Tailnet, type: tailscale-ping, interval: 3600, hostname: nas}
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, {**kuma_env, "SECRET": SECRET}, monkeypatch)


def test_the_example_covers_every_type_the_server_offers() -> None:
    defined = {m["type"] for m in yaml.safe_load(textwrap.dedent(EVERY_TYPE))["monitors"]}
    offered = {name for name, cls in OTHER_TYPES.items() if at_least("2.0.0-dev.0", cls.min_version)}
    assert defined == offered
    # What the installed build's EditMonitor.vue lacks, by its type list: the 2.x additions.
    assert set(OTHER_TYPES) - offered == {"snmp", "rabbitmq", "smtp", "manual", "websocket-upgrade", "globalping",
                                          "sip-options", "system-service", "ntp", "pm2", "oracledb"}


def test_every_type_syncs_with_its_fields_and_then_plans_nothing(ws: Workspace) -> None:
    ws.write(EVERY_TYPE)

    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    assert SECRET not in sync.output
    live = ws.managed()
    assert set(live) == {"grpc", "browser", "steam", "minecraft", "mqtt", "kafka", "mssql", "pg", "mysql", "mongo",
                         "redis", "radius", "tailnet"}
    # The server's own field names and representations, secrets resolved.
    assert live["grpc"]["grpcServiceName"] == "grpc.health.v1.Health"
    assert json.loads(live["grpc"]["grpcMetadata"]) == {"authorization": SECRET}
    assert live["minecraft"]["game"] == "minecraft" and not live["minecraft"]["gamedigGivenPortOnly"]
    assert live["mqtt"]["mqttPassword"] == SECRET and live["mqtt"]["mqttSuccessMessage"] == "ok"
    assert live["kafka"]["kafkaProducerBrokers"] == ["127.0.0.1:9", "127.0.0.2:9"]
    assert live["kafka"]["kafkaProducerSaslOptions"] == {"mechanism": "plain", "username": "kuma", "password": SECRET}
    assert live["pg"]["databaseConnectionString"] == f"postgres://kuma:{SECRET}@127.0.0.1:9/app"
    assert live["mssql"]["databaseQuery"] == "SELECT 1"
    assert (live["radius"]["radiusSecret"], live["radius"]["radiusCalledStationId"]) == (SECRET, "AA-BB")
    assert live["tailnet"]["type"] == "tailscale-ping"

    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes. 13 monitor(s) in sync." in again.stdout

    ws.write(EVERY_TYPE.replace("topic: uptime", "topic: uptime-2"))
    changed = ws.run("sync")
    assert changed.exit_code == 0, changed.output
    assert '    topic: "uptime" -> "uptime-2"' in changed.stdout  # the file's key (the server's: kafkaProducerTopic)
    assert "1 to update" in changed.stdout
    assert ws.managed()["kafka"]["kafkaProducerTopic"] == "uptime-2"


def test_the_export_describes_every_type_exactly(ws: Workspace) -> None:
    ws.write(EVERY_TYPE)
    assert ws.run("sync").exit_code == 0

    exported = ws.run("export", "--out", "exported.yaml")
    assert exported.exit_code == 0, exported.output
    document = yaml.safe_load((ws.root / "exported.yaml").read_text())
    assert SECRET not in (ws.root / "exported.yaml").read_text()
    mine = [m for m in document["monitors"] if m["id"] in ws.managed()]
    assert len(mine) == 13
    by_id = {m["id"]: m for m in mine}
    assert by_id["kafka"]["brokers"] == ["127.0.0.1:9", "127.0.0.2:9"]
    assert by_id["pg"]["connection_string"].startswith("${KUMA_")

    # Only this workspace's monitors, with the secrets the export names: nothing differs.
    (ws.root / "monitors" / "monitors.yaml").write_text(yaml.safe_dump({"monitors": mine}, sort_keys=False))
    diff = ws.run("diff", "--detailed-exitcode", **_values(mine))
    assert diff.exit_code == 0, diff.output


def test_a_type_the_server_lacks_is_refused_naming_its_first_release(ws: Workspace) -> None:
    ws.write("""\
        monitors:
          - {id: mail, name: Mail, type: smtp, hostname: 127.0.0.1, port: 9}
          - {id: web, name: Web, type: http, url: "http://127.0.0.1:9/"}
    """)
    result = ws.run("sync")
    assert result.exit_code == 1
    assert ("monitors/monitors.yaml:2:34: KP306 monitor type 'smtp' needs Uptime Kuma 2.0.0-beta.3 or newer "
            "(not available on 1.23.17, 2.0.0-dev.0)" in result.stderr)
    assert ws.managed() == {}

    # A target that offers it passes lint, and then the server's own version decides.
    ws.project("target: 2.5.3\n")
    result = ws.run("sync")
    assert result.exit_code == 1
    assert ("KP306 monitor type 'smtp' needs Uptime Kuma 2.0.0-beta.3 or newer (not available on 2.0.0-dev.0)"
            in result.stderr)
    assert "nothing was written" in result.stderr
    assert ws.managed() == {}


def _values(exported: list[dict[str, object]]) -> dict[str, str]:
    """What each exported `${REF}` stood for: the source definition's value at that key."""
    source = {m["id"]: m for m in yaml.safe_load(textwrap.dedent(EVERY_TYPE))["monitors"]}
    values = {}
    for monitor in exported:
        for key, value in monitor.items():
            pairs = value.items() if isinstance(value, dict) else [(None, value)]
            for sub, text in pairs:
                if isinstance(text, str) and "${" in text:
                    wanted = source[monitor["id"]][key] if sub is None else source[monitor["id"]][key][sub]
                    values[text[text.index("${") + 2:text.index("}")]] = wanted.replace("${SECRET}", SECRET)
    return values
