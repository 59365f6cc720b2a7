"""The typed monitor model, and how its validation errors read for a user.

Each monitor type has a minimal valid example below; the tests check that
it validates, that every key in it is really required, and that a misspelt
key is reported at the key with a did-you-mean.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from kumaprov.definitions import validation as schema
from kumaprov.definitions import yamlpos
from kumaprov.definitions.validation import a_monitor
from kumaprov.model.monitors import HttpMonitor, JsonQueryMonitor, Sample
from kumaprov.model.registry import DEFAULTABLE_KEYS, MONITOR_TYPES, fields_of
from kumaprov.problems import Position, Problem
from kumaprov.versions import MAX_INTERVAL

MINIMAL: dict[str, str] = {
    "http": """
        id: web
        name: Web
        type: http
        url: https://www.example.com
        """,
    "keyword": """
        id: page
        name: Page
        type: keyword
        url: https://www.example.com
        keyword: Welcome
        """,
    "json-query": """
        id: api
        name: API
        type: json-query
        url: https://api.example.com/health
        query: status
        expected_value: ok
        """,
    "port": """
        id: db
        name: Database
        type: port
        hostname: db.internal
        port: 5432
        """,
    "ping": """
        id: gateway
        name: Gateway
        type: ping
        hostname: gateway.internal
        """,
    "dns": """
        id: dns
        name: DNS
        type: dns
        hostname: example.com
        """,
    "push": """
        id: backup
        name: Backup job
        type: push
        push_token: ${BACKUP_PUSH_TOKEN}
        """,
    "group": """
        id: production
        name: Production
        type: group
        """,
    "docker": """
        id: nginx
        name: nginx container
        type: docker
        container: nginx
        docker_host: local
        """,
    "grpc-keyword": """
        id: grpckeyword
        name: Grpc-Keyword
        type: grpc-keyword
        grpc_url: api.internal:50051
        service: grpc.health.v1.Health
        method: Check
        protobuf: 'syntax = "proto3";'
        keyword: SERVING
        """,
    "real-browser": """
        id: realbrowser
        name: Real-Browser
        type: real-browser
        url: https://app.example.com
        """,
    "steam": """
        id: steam
        name: Steam
        type: steam
        hostname: games.example.com
        """,
    "gamedig": """
        id: gamedig
        name: Gamedig
        type: gamedig
        game: minecraft
        hostname: mc.example.com
        port: 25565
        """,
    "mqtt": """
        id: mqtt
        name: Mqtt
        type: mqtt
        hostname: mqtt.internal
        topic: health
        """,
    "kafka-producer": """
        id: kafkaproduce
        name: Kafka-Producer
        type: kafka-producer
        brokers: [kafka:9092]
        topic: uptime
        message: ping
        """,
    "sqlserver": """
        id: sqlserver
        name: Sqlserver
        type: sqlserver
        connection_string: ${MSSQL_DSN}
        """,
    "postgres": """
        id: postgres
        name: Postgres
        type: postgres
        connection_string: ${PG_DSN}
        """,
    "mysql": """
        id: mysql
        name: Mysql
        type: mysql
        connection_string: ${MYSQL_DSN}
        """,
    "oracledb": """
        id: oracledb
        name: Oracledb
        type: oracledb
        connection_string: db:1521/XE
        """,
    "mongodb": """
        id: mongodb
        name: Mongodb
        type: mongodb
        connection_string: ${MONGO_DSN}
        """,
    "redis": """
        id: redis
        name: Redis
        type: redis
        connection_string: ${REDIS_DSN}
        """,
    "radius": """
        id: radius
        name: Radius
        type: radius
        hostname: radius.internal
        username: probe
        password: ${RADIUS_PASSWORD}
        secret: ${RADIUS_SECRET}
        called_station_id: AA-BB
        calling_station_id: CC-DD
        """,
    "tailscale-ping": """
        id: tailscalepin
        name: Tailscale-Ping
        type: tailscale-ping
        hostname: nas
        """,
    "snmp": """
        id: snmp
        name: Snmp
        type: snmp
        hostname: 10.0.0.2
        oid: 1.3.6.1.2.1.1.3.0
        expected_value: '0'
        """,
    "rabbitmq": """
        id: rabbitmq
        name: Rabbitmq
        type: rabbitmq
        nodes: ['http://rabbit:15672']
        username: kuma
        password: ${RABBIT_PASSWORD}
        """,
    "smtp": """
        id: smtp
        name: Smtp
        type: smtp
        hostname: smtp.internal
        """,
    "manual": """
        id: manual
        name: Manual status
        type: manual
        """,
    "websocket-upgrade": """
        id: websocketupg
        name: Websocket-Upgrade
        type: websocket-upgrade
        url: wss://app.example.com/ws
        """,
    "globalping": """
        id: globalping
        name: Globalping
        type: globalping
        subtype: ping
        target: example.com
        """,
    "sip-options": """
        id: sipoptions
        name: Sip-Options
        type: sip-options
        hostname: pbx.internal
        """,
    "system-service": """
        id: systemservic
        name: System-Service
        type: system-service
        service: nginx.service
        """,
    "ntp": """
        id: ntp
        name: Ntp
        type: ntp
        hostname: pool.ntp.org
        """,
    "pm2": """
        id: pm2
        name: Pm2
        type: pm2
        process: api
        """,
}

# A typo of a key only that type has (or a common one), and what it should suggest.
TYPOS: dict[str, tuple[str, str]] = {
    "http": ("methd", "method"),
    "keyword": ("keywrd", "keyword"),
    "json-query": ("expected", "expected_value"),
    "port": ("prot", "port"),
    "ping": ("packet_sise", "packet_size"),
    "dns": ("record", "record_type"),
    "push": ("push_tokn", "push_token"),
    "group": ("descripton", "description"),
    "docker": ("containr", "container"),
    "grpc-keyword": ("protobf", "protobuf"),
    "real-browser": ("ulr", "url"),
    "steam": ("hostnme", "hostname"),
    "gamedig": ("gme", "game"),
    "mqtt": ("topc", "topic"),
    "kafka-producer": ("brokrs", "brokers"),
    "sqlserver": ("querry", "query"),
    "postgres": ("connection_strng", "connection_string"),
    "mysql": ("qury", "query"),
    "oracledb": ("usernme", "username"),
    "mongodb": ("comand", "command"),
    "redis": ("connection_strin", "connection_string"),
    "radius": ("secrt", "secret"),
    "tailscale-ping": ("hostnam", "hostname"),
    "snmp": ("snmp_versio", "snmp_version"),
    "rabbitmq": ("node", "nodes"),
    "smtp": ("securty", "security"),
    "manual": ("descripton", "description"),
    "websocket-upgrade": ("subprotocl", "subprotocol"),
    "globalping": ("locaton", "location"),
    "sip-options": ("prt", "port"),
    "system-service": ("servce", "service"),
    "ntp": ("stratum_threshhold", "stratum_threshold"),
    "pm2": ("proces", "process"),
}


def located(text: str) -> yamlpos.LocatedMap:
    data = yamlpos.load(textwrap.dedent(text).lstrip("\n"), "m.yaml")
    assert isinstance(data, yamlpos.LocatedMap)
    return data


def validate(text: str) -> tuple[Any, list[Problem]]:
    """Validate one monitor mapping as the loader does: the model, or the user-facing problems."""
    raw = located(text)
    monitor_type = raw["type"]
    try:
        return MONITOR_TYPES[monitor_type].model_validate(raw), []
    except ValidationError as exc:
        return None, list(schema.problems(exc, raw, monitor_type, ()))


def with_line(text: str, line: str) -> str:
    """The example with one more line, or with that key's line replaced if it has the key."""
    lines = textwrap.dedent(text).strip().splitlines()
    key = line.split(":")[0] + ":"
    replaced = [line if old.startswith(key) else old for old in lines]
    if replaced == lines:
        replaced.append(line)
    return "\n".join(replaced) + "\n"


def line_of(text: str, key: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(key + ":"))


def test_every_monitor_type_has_examples() -> None:
    assert set(MINIMAL) == set(MONITOR_TYPES) == set(TYPOS)


@pytest.mark.parametrize("monitor_type", sorted(MINIMAL))
def test_minimal_example_validates(monitor_type: str) -> None:
    monitor, problems = validate(MINIMAL[monitor_type])

    assert problems == []
    assert isinstance(monitor, MONITOR_TYPES[monitor_type])
    assert monitor.type == monitor_type
    assert monitor.interval == 60 and monitor.retries == 0  # the shared defaults


@pytest.mark.parametrize("monitor_type", sorted(MINIMAL))
def test_every_key_of_the_minimal_example_is_required(monitor_type: str) -> None:
    lines = textwrap.dedent(MINIMAL[monitor_type]).strip().splitlines()
    for index, line in enumerate(lines):
        key = line.split(":")[0]
        if key == "type":
            continue  # without a type the model is not even chosen (the loader reports KP102)
        _, problems = validate("\n".join(lines[:index] + lines[index + 1:]))
        assert [(p.code, p.message) for p in problems] == [
            ("KP102", f"missing required key '{key}' for {article(monitor_type)} {monitor_type} monitor")
        ]


@pytest.mark.parametrize("monitor_type", sorted(MINIMAL))
def test_unknown_key_is_reported_at_the_key_with_a_suggestion(monitor_type: str) -> None:
    typo, meant = TYPOS[monitor_type]
    text = with_line(MINIMAL[monitor_type], f"{typo}: 1")
    last_line = len(text.splitlines())

    _, problems = validate(text)

    assert problems == [Problem(
        Position("m.yaml", last_line, 1), "KP101",
        f"unknown key '{typo}' for {article(monitor_type)} {monitor_type} monitor (did you mean '{meant}'?)",
    )]


def test_unknown_key_far_from_any_field_gets_no_suggestion() -> None:
    _, problems = validate(with_line(MINIMAL["http"], "zzzz: 1"))

    assert [p.message for p in problems] == ["unknown key 'zzzz' for an http monitor"]


def test_nested_unknown_keys_suggest_the_nested_fields() -> None:
    _, problems = validate(with_line(MINIMAL["http"], "samples: [{body: ok, expected: up}]"))

    assert [(p.code, p.message) for p in problems] == [
        ("KP102", "missing required key 'samples[0].expect' for an http monitor"),
        ("KP101", "unknown key 'expected' for an http monitor (did you mean 'expect'?)"),
    ]
    assert problems[1].position == Position("m.yaml", 5, 22)


def test_types_are_strict() -> None:
    _, problems = validate(with_line(MINIMAL["json-query"], 'interval: "60"').replace(
        "expected_value: ok", "expected_value: true"))

    assert sorted((p.position.line, p.code, p.message) for p in problems) == [
        (6, "KP103", "expected_value: expected a string, got boolean true; quote it: \"true\""),
        (7, "KP103", "interval: expected an integer, got string '60'; remove the quotes"),
    ]


def test_booleans_are_not_integers_but_integers_are_numbers() -> None:
    _, problems = validate(with_line(MINIMAL["http"], "retries: true"))
    monitor, no_problems = validate(with_line(MINIMAL["http"], "timeout: 30"))

    assert [p.message for p in problems] == ["retries: expected an integer, got boolean true"]
    assert no_problems == [] and monitor.timeout == 30.0


@pytest.mark.parametrize(("line", "message"), [
    ("method: get", "method: must be one of 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD' or 'OPTIONS', "
                    "got string 'get' (upper case: 'GET')"),
    ("url: www.example.com", "url: the URL must start with http:// or https:// (got string 'www.example.com')"),
    ("interval: 0", "interval: Input should be greater than or equal to 1"),
    (f"interval: {MAX_INTERVAL + 1}", f"interval: Input should be less than or equal to {MAX_INTERVAL}"),
    ("timeout: 0", "timeout: Input should be greater than 0"),
    ("body_encoding: yaml", "body_encoding: must be one of 'json', 'form' or 'xml', got string 'yaml'"),
    ("headers: {X-Retries: 3}", "headers.X-Retries: expected a string, got number 3; quote it: \"3\""),
    ("headers: [Accept]", "headers: expected a mapping, got list"),
])
def test_invalid_http_values(line: str, message: str) -> None:
    text = with_line(MINIMAL["http"], line)
    _, problems = validate(text)

    assert [p.message for p in problems] == [message]
    assert problems[0].position.line == line_of(text, line.split(":")[0])


@pytest.mark.parametrize("codes", [["200"], ["200-299"], ["200-299", "301", "401-403"], ["599"]])
def test_accepted_status_codes_valid(codes: list[str]) -> None:
    monitor, problems = validate(with_line(MINIMAL["http"], f"accepted_status_codes: {codes}"))

    assert problems == [] and monitor.accepted_status_codes == codes


@pytest.mark.parametrize(("value", "code"), [
    ('["2xx"]', "KP104"), ('["200-"]', "KP104"), ('["600"]', "KP104"), ('["200 - 299"]', "KP104"),
    ("[200]", "KP103"), ('"200-299"', "KP103"), ("[]", "KP104"),
])
def test_accepted_status_codes_invalid(value: str, code: str) -> None:
    _, problems = validate(with_line(MINIMAL["http"], f"accepted_status_codes: {value}"))

    assert [p.code for p in problems] == [code]


@pytest.mark.parametrize("slug", ["web", "web-1", "api.v2", "a_b", "0day"])
def test_ids_are_slugs(slug: str) -> None:
    monitor, problems = validate(MINIMAL["http"].replace("id: web", f"id: {slug}"))

    assert problems == [] and monitor.id == slug


@pytest.mark.parametrize("slug", ["Web", "-web", "web site", "web/1", "x" * 101])
def test_ids_that_are_not_slugs(slug: str) -> None:
    _, problems = validate(MINIMAL["http"].replace("id: web", f"id: {slug!r}"))

    assert [p.code for p in problems] == ["KP104"]
    assert problems[0].message.startswith("id: an id is a lowercase slug")


def test_json_body_strings_must_be_json() -> None:
    post = with_line(MINIMAL["http"], "method: POST")

    assert validate(with_line(post, """body: '{"name": "probe"}'"""))[1] == []
    assert validate(with_line(post, "body: {name: probe}"))[1] == []
    # A reference is resolved later: the string cannot be judged yet.
    assert validate(with_line(post, "body: '${REQUEST_BODY}'"))[1] == []
    _, problems = validate(with_line(post, "body: \"{'name': 'probe'}\""))
    assert [(p.code, p.position.line) for p in problems] == [("KP104", 6)]
    assert problems[0].message.startswith("body: body is not valid JSON but body_encoding is json: ")


def test_form_and_xml_bodies_are_strings() -> None:
    form = with_line(with_line(MINIMAL["http"], "method: POST"), "body_encoding: form")

    assert validate(with_line(form, "body: a=1&b=2"))[1] == []
    _, problems = validate(with_line(form, "body: {a: 1}"))
    assert [p.message for p in problems] == [
        "body: a mapping or list body is sent as JSON; set body_encoding: json or give a string"]


def test_operator_values() -> None:
    for operator in ("==", "!=", "contains", "<", "<=", ">", ">="):
        monitor, problems = validate(with_line(MINIMAL["json-query"], f"operator: {operator!r}"))
        assert problems == [] and monitor.operator == operator
    _, problems = validate(with_line(MINIMAL["json-query"], "operator: '='"))
    assert [p.code for p in problems] == ["KP104"]


def test_json_query_defaults() -> None:
    monitor, _ = validate(MINIMAL["json-query"])

    assert isinstance(monitor, JsonQueryMonitor)
    assert (monitor.operator, monitor.method, monitor.accepted_status_codes) == ("==", "GET", ["200-299"])


# ------------------------------------------------------------------ samples


@pytest.mark.parametrize("sample", [{"body": "ok", "expect": "up"}, {"file": "a.json", "expect": "down"},
                                    {"body": "", "status": 503, "expect": "down"}])
def test_valid_samples(sample: dict[str, Any]) -> None:
    parsed = Sample.model_validate(sample)

    assert parsed.expect == sample["expect"]
    assert parsed.status == sample.get("status", 200)


@pytest.mark.parametrize("sample", [
    {"expect": "up"},
    {"body": "ok", "file": "a.json", "expect": "up"},
    {"body": "ok", "expect": "UP"},
    {"body": "ok", "expect": True},
    {"body": "ok", "status": 99, "expect": "up"},
    {"body": "ok", "status": 600, "expect": "up"},
    {"body": "ok"},
    {"body": "ok", "expect": "up", "content_type": "text/plain"},
])
def test_invalid_samples(sample: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Sample.model_validate(sample)


def test_sample_source_message_points_at_the_sample() -> None:
    _, problems = validate(with_line(MINIMAL["http"], "samples:\n  - {expect: up}"))

    assert [(str(p.position), p.message) for p in problems] == [
        ("m.yaml:6:5", "samples[0]: a sample needs exactly one of `file` or `body`")]


# ------------------------------------------------------------------ keys of the model


def test_defaultable_keys_exclude_identity() -> None:
    assert {"id", "name", "type", "samples"}.isdisjoint(DEFAULTABLE_KEYS)
    assert {"interval", "retries", "timeout", "headers", "keyword", "hostname", "port"} <= DEFAULTABLE_KEYS
    assert DEFAULTABLE_KEYS == set().union(*(fields_of(t) for t in MONITOR_TYPES)) - {"id", "name", "type", "samples"}


def test_the_registry_lists_every_mapped_type_by_name() -> None:
    # MONITOR_TYPES names the mapped types without importing them; the list must be theirs.
    from kumaprov.model.mapped import OTHER_TYPES
    from kumaprov.model.registry import OTHER_TYPE_NAMES

    assert OTHER_TYPE_NAMES == tuple(OTHER_TYPES)
    assert {name: MONITOR_TYPES[name] for name in OTHER_TYPE_NAMES} == OTHER_TYPES
    assert "nope" not in MONITOR_TYPES and MONITOR_TYPES.get("nope") is None
    with pytest.raises(KeyError):
        MONITOR_TYPES["nope"]


def test_the_registry_lists_every_basic_type_by_name() -> None:
    # The same for the types without an HTTP request (model/basic.py), listed after the HTTP ones.
    from kumaprov.model.basic import BASIC_TYPES
    from kumaprov.model.registry import BASIC_TYPE_NAMES

    assert BASIC_TYPE_NAMES == tuple(BASIC_TYPES)
    assert {name: MONITOR_TYPES[name] for name in BASIC_TYPE_NAMES} == BASIC_TYPES
    assert list(MONITOR_TYPES)[:9] == ["http", "keyword", "json-query", *BASIC_TYPE_NAMES]


def test_a_lint_of_core_types_does_not_import_the_mapped_types(tmp_path: Any) -> None:
    # The laziness the registry exists for: checked by what is imported, not by a time.
    import subprocess
    import sys

    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "m.yaml").write_text(
        "monitors:\n  - {id: a, name: A, type: http, url: https://a.example.com}\n")
    probe = ("import sys\nfrom click.testing import CliRunner\nfrom kumaprov.cli import main\n"
             "result = CliRunner().invoke(main, ['lint', '--no-cache'])\n"
             "print(result.exit_code, 'kumaprov.model.mapped' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]


def test_fields_of_a_type() -> None:
    assert "timeout" in fields_of("http") and "timeout" not in fields_of("ping")
    assert "keyword" in fields_of("keyword") and "keyword" not in fields_of("http")
    assert fields_of("json-query") >= fields_of("http")


def test_monitors_are_immutable() -> None:
    monitor, _ = validate(MINIMAL["http"])

    with pytest.raises(ValidationError):
        monitor.interval = 30


def test_model_dump_round_trips() -> None:
    monitor, _ = validate(with_line(MINIMAL["http"], "headers: {Accept: text/html}"))

    dumped = monitor.model_dump(mode="json", exclude_none=True)
    assert HttpMonitor.model_validate(yaml.safe_load(yaml.safe_dump(dumped))) == monitor


def article(monitor_type: str) -> str:
    return a_monitor(monitor_type).split()[0]
