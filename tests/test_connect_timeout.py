"""`--timeout` bounds every wait, connecting included, and takes only sensible values
(issue 15, item 11)."""

from __future__ import annotations

import ast
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kumaprov.cli import main

PACKAGE = Path(__file__).resolve().parent.parent / "kumaprov"


class SilentServer:
    """Accepts TCP connections and never says a word: a hung server, or a tarpit."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "m.yaml").write_text("monitors: []\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["sync", "diff"])
def test_a_server_that_never_answers_fails_once_the_timeout_is_spent(
        project: Path, silent: SilentServer, command: str) -> None:
    env = {"KUMA_URL": f"http://127.0.0.1:{silent.port}", "KUMA_TOKEN": "unused"}
    result = CliRunner().invoke(main, [command, "--timeout", "1"], env=env)

    assert result.exit_code == 2
    assert f"cannot reach Uptime Kuma at http://127.0.0.1:{silent.port}: no answer within 1 s" in result.stderr
    # One attempt used the whole second; retrying, each with a wait of its own, was what
    # stretched --timeout 2 to 18.6 s.
    assert len(silent.accepted) == 1


@pytest.mark.parametrize("command", ["sync", "diff"])
@pytest.mark.parametrize("credentials", [{"KUMA_TOKEN": "unused"}, {"KUMA_USERNAME": "admin", "KUMA_PASSWORD": "pw"}])
def test_broken_files_cost_no_login(project: Path, silent: SilentServer, command: str,
                                    credentials: dict[str, str]) -> None:
    # A password login is rate limited; any login makes the server send its lists and every
    # monitor's heartbeats. A token login started during lint was measured (0.87x-0.91x of a
    # no-op at 200) and taken out: a run of 150 broken-file cases then slowed the server past
    # a later case's --timeout 5 (tests/test_bad_input_corpus.py).
    (project / "monitors" / "m.yaml").write_text("monitors:\n  - id: a\n    name: A\n    type: http\n")
    env = {"KUMA_URL": f"http://127.0.0.1:{silent.port}", **credentials}
    result = CliRunner().invoke(main, [command, "--timeout", "600"], env=env)

    assert result.exit_code == 1
    assert "monitors/m.yaml:2:5: KP102 missing required key 'url'" in result.stderr
    assert "nothing was written" in result.stderr
    assert silent.accepted == []


@pytest.mark.parametrize("command", ["sync", "diff"])
def test_no_server_is_said_after_the_files_problems(project: Path, command: str) -> None:
    (project / "monitors" / "m.yaml").write_text("monitors:\n  - id: a\n    name: A\n    type: http\n")
    broken = CliRunner().invoke(main, [command], env={"KUMA_URL": None, "KUMA_TOKEN": "unused"})
    (project / "monitors" / "m.yaml").write_text("monitors: []\n")
    fine = CliRunner().invoke(main, [command], env={"KUMA_URL": None, "KUMA_TOKEN": "unused"})

    assert broken.exit_code == 1 and "nothing was written" in broken.stderr and "KUMA_URL" not in broken.stderr
    assert fine.exit_code == 2 and "no server: pass --url or set KUMA_URL" in fine.stderr


@pytest.mark.parametrize("command", ["sync", "diff", "export"])
@pytest.mark.parametrize("value", ["0", "-1", "nan", "-inf"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
        project: Path, silent: SilentServer, command: str, value: str) -> None:
    env = {"KUMA_URL": f"http://127.0.0.1:{silent.port}", "KUMA_TOKEN": "unused"}
    result = CliRunner().invoke(main, [command, f"--timeout={value}"], env=env)

    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.stderr
    assert silent.accepted == []  # refused before any connection


def test_only_the_adapter_imports_the_client_library() -> None:
    importers = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name == "uptime_kuma_api" or name.startswith("uptime_kuma_api.") for name in names):
                importers.append(path.relative_to(PACKAGE).as_posix())
    assert sorted(set(importers)) == ["server/client.py"]
