"""The lint result cache: a hit gives the same report, and any change to what lint read
(a monitor file, a template, a sample, a new file) is a miss."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kumaprov.cli import main

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "owui.yaml").write_text(
        "monitors:\n  - template: openwebui\n    vars: {id: o, name: O, base_url: 'https://o.test',"
        " api_key_env: K, model: m}\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*args: str) -> Result:
    return CliRunner().invoke(main, ["lint", *args], catch_exceptions=False)


def entries(cache: Path) -> list[Path]:
    return list(cache.glob("*.json"))


def test_a_second_run_is_a_hit_with_the_same_report(project: Path, lint_cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = lint()
    assert first.exit_code == 0 and len(entries(lint_cache)) == 1
    # A hit must not even load the linter: make loading it fail loudly.
    import kumaprov.lint.run
    monkeypatch.setattr(kumaprov.lint.run, "lint", lambda *a, **k: pytest.fail("linted again"))
    second = lint()
    assert second.stdout == first.stdout and second.exit_code == 0


@pytest.mark.parametrize("change", ["monitor", "template", "sample", "new-file", "project"])
def test_any_change_to_an_input_is_a_miss(project: Path, change: str) -> None:
    assert lint().exit_code == 0
    if change == "monitor":
        path = project / "monitors" / "owui.yaml"
        path.write_text(path.read_text().replace("https://o.test", "ftp://o.test"))
    elif change == "template":
        path = project / "templates" / "openwebui.yaml.j2"
        path.write_text(path.read_text().replace('expected_value: "true"', 'expected_value: "false"', 1))
    elif change == "sample":
        (project / "templates" / "samples" / "openwebui" / "models.json").write_text('{"data": []}')
    elif change == "new-file":
        (project / "monitors" / "more.yaml").write_text("monitors:\n  - {id: o-health, name: X, type: htpp}\n")
    else:
        (project / "kumaprov.yaml").write_text("target: 1.2.0\n")
    result = lint()
    assert result.exit_code in (1, 2), result.output
    assert "no problems" not in result.output


def test_touching_a_file_without_changing_it_is_still_a_hit(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert lint().exit_code == 0
    path = project / "monitors" / "owui.yaml"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    import kumaprov.lint.run
    monkeypatch.setattr(kumaprov.lint.run, "lint", lambda *a, **k: pytest.fail("linted again"))
    assert lint().exit_code == 0


def test_no_cache_lints_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert lint().exit_code == 0
    import kumaprov.lint.run
    calls = []
    original = kumaprov.lint.run.lint
    monkeypatch.setattr(kumaprov.lint.run, "lint", lambda *a, **k: calls.append(1) or original(*a, **k))
    assert lint("--no-cache").exit_code == 0
    monkeypatch.setenv("KUMAPROV_NO_CACHE", "1")
    assert lint().exit_code == 0
    assert len(calls) == 2
