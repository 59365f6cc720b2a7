"""What lint refuses for a server version, that server lacks: measured on each real server.

For every type, field, operator, interval and value kumaprov's version tables say the server
under test lacks (KP305, KP306, KP307, KP501), `sync` refuses it naming that version and writes
nothing; and the server, sent what kumaprov would send to a server that has it, refuses the
`add`, checks the monitor as an unknown type, or (for values it cannot manage) does not list
back what it was sent. What the tables say a version has is synced for real on it by
tests/test_monitor_types_server.py, so the two directions together are the agreement.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
import yaml

from kumaprov.kinds.monitor_writes import add_payload
from kumaprov.errors import ServerError
from kumaprov.server.client import KumaClient
from kumaprov import secrets
from kumaprov.model.fields import kuma_fields, sendable
from kumaprov.model.registry import MONITOR_TYPES, Monitor
from kumaprov.definitions.validation import a_monitor
from kumaprov.versions import ALL_LINES, at_least, server_line
from tests.kumaservers import applies
from tests.monitor_examples import BASIC_TYPES, EVERY_1X_TYPE, EVERY_2X_TYPE, SECRET, monitors
from tests.test_monitor_types_server import TWO_X
from tests.workspace import Workspace

NEWEST = ALL_LINES[-1]
UNKNOWN_TYPE = "Unknown Monitor Type"
# On 1.23 and the dev build the columns exist (json-query monitors use them) and the mongodb
# check ignores them: stored, never used. Showing that takes a MongoDB server; the upstream
# source (server/model/monitor.js at 1.23.17) is the evidence here.
NO_SERVER_EVIDENCE = {("mongodb", "query"), ("mongodb", "expected_value")}


@dataclass
class Refused:
    """One example monitor lint refuses on the version, and what the server must show for it."""

    monitor: dict[str, Any]
    messages: list[str] = field(default_factory=list)
    type_lacking: bool = False
    unlisted: tuple[str, Any] | None = None  # a server field sent with a value it does not list back
    extra: dict[str, Any] = field(default_factory=dict)  # sent beyond kumaprov's fields
    # A refused `add` must be refused for this reason: a column of what lint refused, or the text.
    columns: set[str] = field(default_factory=set)
    refusal: str | None = None
    edited: bool = False  # the value is sent in an edit after an `add` without it (EDITED)


def refusals(version: str) -> dict[str, Refused]:
    """Every example the version tables refuse on `version`, by monitor id, from those tables."""
    line = server_line(version)
    examples = {**monitors(BASIC_TYPES), **monitors(EVERY_1X_TYPE), **monitors(EVERY_2X_TYPE)}
    found: dict[str, Refused] = {}
    for example in examples.values():
        cls = MONITOR_TYPES[example["type"]]
        if not at_least(version, cls.min_version):
            message = (f"KP306 monitor type '{example['type']}' needs Uptime Kuma {cls.min_version} or newer "
                       f"(not available on {version})")
            found[example["id"]] = Refused(example, [message], type_lacking=True,
                                           columns=columns_of(cls, set(getattr(cls, "kuma_names", {}))))
            continue
        gated = {key for key, minimum in cls.field_min_versions.items()
                 if written(example, key) and not at_least(version, minimum)}
        refused = Refused(example, [f"KP307 `{key}` on {a_monitor(example['type'])} needs Uptime Kuma "
                                    f"{cls.field_min_versions[key]} or newer (not available on {version})"
                                    for key in sorted(gated, key=list(cls.field_min_versions).index)],
                          columns=columns_of(cls, gated))
        if example.get("operator", "==") != "==" and not line.json_operators:
            refused.messages.append(f"KP305 operator '{example['operator']}' needs Uptime Kuma 2.0.0 or newer "
                                    f"(not available on {version})")
            refused.columns.add("json_path_operator")
        short = [key for key in ("interval", "retry_interval") if example.get(key, 60) < line.min_interval]
        refused.messages += [f"KP501 {key} {example[key]} s is below the minimum of {line.min_interval} s on "
                             f"Uptime Kuma {version}" for key in short]
        if short:
            refused.refusal = f"Interval cannot be less than {line.min_interval} seconds"
        if refused.messages:
            found[example["id"]] = refused
    for value in line.unmanageable:
        if any(r.monitor["type"] == value.monitor_type and r.type_lacking for r in found.values()):
            continue
        block, _, sub = value.key.partition(".")
        example = next(m for m in examples.values() if m["type"] == value.monitor_type and (not sub or block in m))
        monitor = {**example, "id": f"{example['id']}-unmanageable"}
        monitor[block] = {**monitor[block], sub: value.value} if sub else value.value
        shown = str(value.value).lower() if isinstance(value.value, bool) else f"'{value.value}'"
        refused = Refused(monitor, [f"KP307 {value.key} {shown} on {a_monitor(value.monitor_type)} cannot be managed "
                                    f"on Uptime Kuma {version}"])
        refused.unlisted, refused.extra = UNLISTED[(value.monitor_type, value.key)]
        refused.edited = (value.monitor_type, value.key) in EDITED
        found[monitor["id"]] = refused
    return found


def written(example: dict[str, Any], key: str) -> bool:
    """Whether the example writes `key` (`oauth2.audience`: a key of a block)."""
    block, _, sub = key.partition(".")
    return block in example and (not sub or sub in example[block])


# Gated keys model.fields computes rather than reads from a table (model.http_auth).
COMPUTED_FIELDS = {"bearer_token": "bearer_token", "oauth2.audience": "oauth_audience"}


def columns_of(cls: type, keys: set[str]) -> set[str]:
    """The database columns behind a type's fields (the server names them snake_case)."""
    names = {**COMPUTED_FIELDS, **getattr(cls, "kuma_names", {})}
    return {snake(names[key]) for key in keys if key in names}


def snake(field_name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", field_name).lower()


# For each unmanageable value: the server field that does not list back what was sent, and
# what the web UI sends besides kumaprov's fields to use the value.
UNLISTED: dict[tuple[str, str], tuple[tuple[str, Any], dict[str, Any]]] = {
    ("snmp", "snmp_version"): (("snmp_v3_username", "probe"), {"snmp_v3_username": "probe"}),
    ("kafka-producer", "ssl"): (("kafkaProducerSsl", True), {}),
    ("http", "oauth2.auth_method"): (("oauth_auth_method", "client_secret_post"), {}),
}
# Values the server keeps at creation but never takes in an edit: the monitor is made with
# the example's own value, then edited to the unmanageable one.
EDITED = {("http", "oauth2.auth_method")}


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, {**kuma_env, "SECRET": SECRET}, monkeypatch)


def test_sync_refuses_what_the_server_lacks_naming_the_version(ws: Workspace, kuma_version: str) -> None:
    refused = refusals(kuma_version)
    assert refused, "every supported version lacks something (2.5.3: SNMP v3 it cannot manage)"
    ws.project(f"target: {NEWEST.version}\n")  # the files claim the newest line: the server's own version decides
    ws.write(yaml.safe_dump({"monitors": [r.monitor for r in refused.values()]}, sort_keys=False))

    result = ws.run("sync")
    assert result.exit_code == 1
    expected = [message for r in refused.values() for message in r.messages]
    for message in expected:
        assert message in result.stderr, f"{message}\n--- not in ---\n{result.stderr}"
    assert f"{len(expected)} error(s)" in result.stderr  # nothing else refused
    assert "nothing was written" in result.stderr
    assert ws.managed() == {}
    if applies(kuma_version, TWO_X.mark) is not None:
        # The 2.x examples are synced only where that test runs: here lint must refuse each one.
        assert set(monitors(EVERY_2X_TYPE)) <= set(refused)


def test_the_server_lacks_what_lint_refuses(ws: Workspace, kuma_version: str) -> None:
    line = server_line(kuma_version)
    with ws.client() as client:
        for refused in refusals(kuma_version).values():
            example = refused.monitor
            cls = MONITOR_TYPES[example["type"]]
            gated = {(example["type"], key) for key in cls.field_min_versions if written(example, key)}
            if gated and gated <= NO_SERVER_EVIDENCE:
                continue
            model = cast(Monitor, cls.model_validate({**example, "name": f"{example['name']} {ws.owner_tag}"}))
            # What kumaprov sends this server, and what it would send a newer one for the
            # fields lint refused (the other 2.x HTTP fields it leaves out here).
            own = kuma_fields(model, line).values.keys()
            newest = sendable(secrets.resolve(kuma_fields(model, NEWEST).values, {"SECRET": SECRET}))
            fields = {key: value for key, value in newest.items() if key in own or snake(key) in refused.columns}
            payload = {**add_payload(fields, line), **refused.extra}
            if refused.edited and refused.unlisted is not None:
                server_field, sent = refused.unlisted
                kuma_id = client.add_monitor({**payload, server_field: "client_secret_basic"})
                try:
                    listed = listed_monitor(client, kuma_id)
                    client.edit_monitor({**listed, server_field: sent})
                    evidence(client, kuma_id, refused)
                finally:
                    client.delete_monitor(kuma_id)
                continue
            try:
                kuma_id = client.add_monitor(payload)
            except ServerError as exc:
                assert refused.unlisted is None, f"{example['id']}: {exc}"
                assert_refused_for_the_reason(refused, str(exc))
                continue
            try:
                evidence(client, kuma_id, refused)
            finally:
                client.delete_monitor(kuma_id)


def assert_refused_for_the_reason(refused: Refused, message: str) -> None:
    """The server lacks the column of what lint refused, or rejects the value lint refused."""
    if refused.refusal is not None:
        assert refused.refusal in message, message
        return
    column = re.search(r"has no column named (\w+)", message)
    assert column is not None, message
    assert column[1] in refused.columns, f"{refused.monitor['id']}: refused for {column[1]}, not {refused.columns}"


def evidence(client: KumaClient, kuma_id: int, refused: Refused) -> None:
    if refused.unlisted is not None:
        server_field, sent = refused.unlisted
        listed = listed_monitor(client, kuma_id)
        assert listed.get(server_field) != sent, f"{refused.monitor['id']}: {server_field} was listed back"
        return
    assert refused.type_lacking, f"{refused.monitor['id']}: the server accepted {refused.messages}"
    assert first_beat(client, kuma_id)["msg"] == UNKNOWN_TYPE


def listed_monitor(client: KumaClient, kuma_id: int) -> dict[str, Any]:
    """The monitor as the server reads it back from its database. Not the pushed list: 1.23 and
    the npm build rebuild that in the background after the answer, so right after an `add` it
    may lack the monitor, and right after an edit it may still hold the old values."""
    return dict(client.call("getMonitor", kuma_id)["monitor"])


def first_beat(client: KumaClient, kuma_id: int, timeout: float = 30.0) -> dict[str, Any]:
    """A new active monitor is checked at once; its heartbeat arrives as an event."""
    deadline = time.monotonic() + timeout
    while not client.heartbeats(kuma_id):
        assert time.monotonic() < deadline, f"monitor {kuma_id} sent no heartbeat"
        time.sleep(0.1)
    return client.heartbeats(kuma_id)[0]
