"""The CLI pauses the cyclic garbage collector while it imports and lints, then freezes what
that built (cli/group.lasting): the collector must be on again afterwards, whether the command
succeeded or failed on broken files, or a long-lived process (these tests, a library user)
would never collect again."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kumaprov.cli import main
from kumaprov.lint import run
from kumaprov.lint.run import LintResult


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "monitors").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def frozen(value: object) -> bool:
    """Whether the collector skips `value`: tracked, yet in none of its three generations."""
    return gc.is_tracked(value) and all(item is not value for generation in range(3)
                                        for item in gc.get_objects(generation))


def test_lint_leaves_the_collector_on_and_its_result_frozen(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "monitors" / "m.yaml").write_text(
        "monitors:\n" + "".join(f"  - {{id: m{i}, name: M{i}, type: http, url: 'https://example.com/{i}'}}\n"
                                for i in range(50)))
    results: list[LintResult] = []
    lint = run.lint_environments

    def keeping(*args: Any, **kwargs: Any) -> LintResult:
        results.append(lint(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(run, "lint_environments", keeping)
    result = CliRunner().invoke(main, ["lint", "--no-cache"])

    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    [linted] = results
    assert len(linted.definitions) == 50
    assert frozen(linted.definitions)  # turning the collector back on walked none of it


@pytest.mark.parametrize("command", ["lint", "diff", "sync"])
def test_broken_files_leave_the_collector_on(project: Path, command: str) -> None:
    (project / "monitors" / "m.yaml").write_text("monitors:\n  - id: a\n    name: A\n    type: http\n")
    result = CliRunner().invoke(main, [command, "--no-cache"] if command == "lint" else [command],
                                env={"KUMA_URL": "http://127.0.0.1:9", "KUMA_TOKEN": "unused"})

    assert result.exit_code == 1 and "missing required key 'url'" in result.output + result.stderr
    assert gc.isenabled()
