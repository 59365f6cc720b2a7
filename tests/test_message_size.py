"""KP107: lint refuses exactly the monitors Uptime Kuma's socket would refuse (issue 15, item 13).

A 5 MB `description` linted clean, then sync failed with a timeout: the server's socket.io
closes the connection on a message over 1,000,000 bytes. The largest monitor lint lets
through must sync on the real server; one byte more is a lint error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kumaprov.lint.checks.message_size import ENVELOPE, MESSAGE_LIMIT
from kumaprov.model.fields import kuma_fields
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.versions import ALL_LINES
from tests.workspace import Workspace


def monitor_text(description_length: int) -> str:
    return ("monitors:\n  - {id: big, name: Big, type: http, url: 'http://127.0.0.1:9/', interval: 300,\n"
            f"     description: '{'d' * description_length}'}}\n")


def message_bytes(description_length: int) -> int:
    monitor = MONITOR_TYPES["http"].model_validate({
        "id": "big", "name": "Big", "type": "http", "url": "http://127.0.0.1:9/", "interval": 300,
        "description": "d" * description_length})
    fields = kuma_fields(monitor, ALL_LINES[0], lambda name: name).values
    return len(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()) + ENVELOPE


@pytest.fixture
def largest_allowed() -> int:
    """The description length that makes the message exactly as large as lint allows."""
    return 1_000 + MESSAGE_LIMIT - message_bytes(1_000)


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, kuma_env, monkeypatch)


def test_one_byte_over_the_limit_is_a_lint_error(ws: Workspace, largest_allowed: int) -> None:
    ws.write(monitor_text(largest_allowed + 1))
    result = ws.run("lint", "--no-cache")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"monitors/monitors.yaml:3:19: KP107 this monitor makes a {MESSAGE_LIMIT + 1:,}-byte message ('description' is "
        "the largest part); Uptime Kuma accepts at most 1,000,000 bytes per message")


def test_the_largest_monitor_lint_allows_syncs(ws: Workspace, largest_allowed: int) -> None:
    ws.write(monitor_text(largest_allowed))
    assert ws.run("lint", "--no-cache").exit_code == 0
    result = ws.run("sync")
    assert result.exit_code == 0, result.output
    assert len(ws.managed()["big"]["description"]) == largest_allowed
    # An edit (a name of the same length) sends the same fields and the id: it must fit as well.
    ws.write(monitor_text(largest_allowed).replace("name: Big", "name: Bog"))
    result = ws.run("sync")
    assert result.exit_code == 0, result.output
    assert ws.managed()["big"]["name"] == "Bog"


def test_a_5_mb_description_is_refused_before_connecting(ws: Workspace) -> None:
    ws.write(monitor_text(5_000_000))
    result = ws.run("sync")
    assert result.exit_code == 1
    assert "KP107" in result.stderr and "nothing was written" in result.stderr
    assert "big" not in ws.managed()
