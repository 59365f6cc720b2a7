"""One monitor of every type kumaprov models, using every field, in three sets by where they run.

BASIC_TYPES and EVERY_1X_TYPE hold what 1.23 already offers, EVERY_2X_TYPE the types and
fields that came with 2.x releases. Nothing listens on 127.0.0.1:9, so every check fails at
once without loading the server; `${SECRET}` stands for every credential.
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

SECRET = "types-canary-Hw7Rt2"

BASIC_TYPES = """\
    docker_hosts:
      - {name: "types-builder-{tag}", type: tcp, daemon: "tcp://127.0.0.1:9"}
    monitors:
      - {id: shop, name: Shop, type: group, description: The shop}
      - id: api
        name: API
        type: http
        parent: shop
        description: The shop's API
        interval: 3600
        retry_interval: 600
        retries: 2
        resend_interval: 3
        upside_down: true
        url: http://127.0.0.1:9/health
        method: POST
        headers: {Authorization: "Bearer ${SECRET}", X-Probe: kumaprov}
        body_encoding: json
        body: {ping: true}
        accepted_status_codes: ["200-299", "418"]
        max_redirects: 3
        timeout: 20
        ignore_tls: true
        expiry_notification: true
        basic_auth: {username: probe, password: "${SECRET}"}
        tags: [{name: "types-env-{tag}", value: prod}]
      - {id: page, name: Page, type: keyword, interval: 3600, url: "http://127.0.0.1:9/", keyword: Welcome,
         invert_keyword: true}
      - {id: query, name: Query, type: json-query, interval: 3600, url: "http://127.0.0.1:9/", query: status,
         expected_value: ok}
      - {id: db, name: Database, type: port, interval: 3600, hostname: 127.0.0.1, port: 9}
      - {id: gateway, name: Gateway, type: ping, interval: 3600, hostname: 127.0.0.1, packet_size: 64}
      - {id: dns, name: DNS, type: dns, interval: 3600, hostname: example.test, resolver: 127.0.0.1, record_type: TXT,
         port: 9}
      - {id: backup, name: Backup, type: push, interval: 3600, push_token: "${SECRET}"}
      - {id: worker, name: Worker, type: docker, interval: 3600, container: worker, docker_host: "types-builder-{tag}"}
"""

EVERY_1X_TYPE = """\
    monitors:
      - id: grpc
        name: gRPC health
        type: grpc-keyword
        interval: 3600
        grpc_url: 127.0.0.1:9
        service: grpc.health.v1.Health
        method: Check
        protobuf: 'syntax = "proto3";'
        body: '{"service": ""}'
        metadata: '{"authorization": "${SECRET}"}'
        tls: true
        keyword: SERVING
        invert_keyword: true
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
        ssl: false
        allow_auto_topic_creation: true
        sasl: {mechanism: plain, username: kuma, password: "${SECRET}"}
      - {id: mssql, name: MSSQL, type: sqlserver, interval: 3600, connection_string: "${SECRET}", query: SELECT 1}
      - {id: pg, name: Postgres, type: postgres, interval: 3600,
         connection_string: "postgres://kuma:${SECRET}@127.0.0.1:9/app", query: SELECT 1}
      - {id: mysql, name: MySQL, type: mysql, interval: 3600,
         connection_string: "mysql://kuma:${SECRET}@127.0.0.1:9/app", query: SELECT 1}
      - {id: mongo, name: Mongo, type: mongodb, interval: 3600, connection_string: "mongodb://127.0.0.1:9",
         command: '{"ping": 1}'}
      - {id: redis, name: Redis, type: redis, interval: 3600, connection_string: "redis://127.0.0.1:9"}
      - {id: radius, name: RADIUS, type: radius, interval: 3600, hostname: 127.0.0.1, port: 9, username: probe,
         password: "${SECRET}", secret: "${SECRET}", called_station_id: AA-BB, calling_station_id: CC-DD}
      - {id: tailnet, name: Tailnet, type: tailscale-ping, interval: 3600, hostname: nas}
      - id: oauth
        name: OAuth API
        type: http
        interval: 3600
        url: http://127.0.0.1:9/api
        oauth2: {token_url: "http://127.0.0.1:9/token", client_id: kuma, client_secret: "${SECRET}",
                 scopes: [read, write], auth_method: client_secret_basic}
      - {id: ntlm, name: NTLM, type: http, interval: 3600, url: "http://127.0.0.1:9/",
         ntlm: {username: kuma, password: "${SECRET}", domain: CORP, workstation: KUMA}}
      - id: mtls
        name: mTLS
        type: http
        interval: 3600
        url: https://127.0.0.1:9/
        mtls:
          cert: "-----BEGIN CERTIFICATE-----\\nMIIBtypes\\n-----END CERTIFICATE-----\\n"
          key: "${SECRET}"
          ca: "-----BEGIN CERTIFICATE-----\\nMIIBca\\n-----END CERTIFICATE-----\\n"
"""

EVERY_2X_TYPE = """\
    monitors:
      - {id: snmp, name: SNMP, type: snmp, interval: 3600, hostname: 127.0.0.1, port: 9, snmp_version: "1",
         community: "${SECRET}", oid: 1.3.6.1.2.1.1.3.0, query: "$", operator: ">", expected_value: "100"}
      - {id: rabbit, name: RabbitMQ, type: rabbitmq, interval: 3600, nodes: ["http://127.0.0.1:9"], username: guest,
         password: "${SECRET}"}
      - {id: mail, name: Mail, type: smtp, interval: 3600, hostname: 127.0.0.1, port: 9, security: secure}
      - {id: manual, name: Manual, type: manual}
      - {id: socket, name: Socket, type: websocket-upgrade, interval: 3600, url: "ws://127.0.0.1:9/ws",
         subprotocol: chat, ignore_accept_header: true, accepted_status_codes: ["1000", "1001"]}
      - {id: probe-http, name: Probe HTTP, type: globalping, interval: 3600, subtype: http,
         target: "https://example.com/", location: Europe}
      - {id: probe-ping, name: Probe ping, type: globalping, interval: 3600, subtype: ping, target: example.com}
      - {id: sip, name: SIP, type: sip-options, interval: 3600, hostname: 127.0.0.1, port: 9}
      - {id: sshd, name: sshd, type: system-service, interval: 3600, service: ssh.service}
      - {id: clock, name: Clock, type: ntp, interval: 3600, hostname: 127.0.0.1, port: 9, stratum_threshold: 3,
         time_offset_threshold: 500, root_dispersion_threshold: 250}
      - {id: worker-pm2, name: PM2 worker, type: pm2, interval: 3600, process: worker}
      - {id: oracle, name: Oracle, type: oracledb, interval: 3600, connection_string: "127.0.0.1:9/XE", username: kuma,
         password: "${SECRET}", query: SELECT 1 FROM DUAL}
      - {id: count, name: Count, type: json-query, interval: 3600, url: "http://127.0.0.1:9/", query: "$count(items)",
         operator: ">=", expected_value: "1"}
      - {id: mqtt-json, name: MQTT JSON, type: mqtt, interval: 3600, hostname: 127.0.0.1, port: 9, topic: sensors,
         check_type: json-query, query: temperature, expected_value: "20"}
      - {id: mongo-query, name: Mongo query, type: mongodb, interval: 3600, connection_string: "mongodb://127.0.0.1:9",
         command: '{"ping": 1}', query: ok, expected_value: "1"}
      - {id: fast, name: Fast, type: port, interval: 10, retry_interval: 5, hostname: 127.0.0.1, port: 9}
      - {id: bearer, name: Bearer, type: http, interval: 3600, url: "http://127.0.0.1:9/", bearer_token: "${SECRET}",
         ip_family: ipv4, cache_bust: true, save_response: true, save_error_response: false, response_max_length: 2048,
         domain_expiry_notification: false}
      - {id: oauth-audience, name: OAuth audience, type: http, interval: 3600, url: "http://127.0.0.1:9/",
         oauth2: {token_url: "http://127.0.0.1:9/token", client_id: kuma, client_secret: "${SECRET}",
                  audience: "https://api.test"}}
      - {id: query-retry, name: Query retry, type: json-query, interval: 3600, url: "http://127.0.0.1:9/",
         query: status, expected_value: ok, retries: 1, retry_only_on_status_code_failure: true}
"""


def text(example: str, tag: str = "") -> str:
    return textwrap.dedent(example).replace("{tag}", tag)


def monitors(example: str, tag: str = "") -> dict[str, dict[str, Any]]:
    """The example's monitor definitions by id."""
    return {m["id"]: m for m in yaml.safe_load(text(example, tag))["monitors"]}


def without(example: str, ids: set[str], tag: str = "") -> str:
    """The example with some monitors left out (to see them deleted)."""
    document = yaml.safe_load(text(example, tag))
    document["monitors"] = [m for m in document["monitors"] if m["id"] not in ids]
    return yaml.safe_dump(document, sort_keys=False)
