"""Project values that sync would have used as nonsense are errors at their line (issue 15,
item 12). The corpus holds owner_tag '', {a: 1}, null and target 9.9.9 in a project file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kumaprov.cli import main
from kumaprov.definitions.project import load_project


@pytest.mark.parametrize(("value", "said"), [("123", "123; quote it"), ("[a, b]", "a list"), ("'  '", "empty")])
def test_owner_tag_must_be_a_name(tmp_path: Path, value: str, said: str) -> None:
    (tmp_path / "kumaprov.yaml").write_text(f"target: 2.5.3\nowner_tag: {value}\n")
    project, problems = load_project(None, tmp_path)
    assert [p.text() for p in problems] == [
        f"{tmp_path / 'kumaprov.yaml'}:2:12: KP003 owner_tag: expected a tag name (text), got {said}"]
    assert project.owner_tag == "kumaprov"


def test_a_quoted_number_is_a_fine_owner_tag(tmp_path: Path) -> None:
    (tmp_path / "kumaprov.yaml").write_text("owner_tag: '123'\n")
    project, problems = load_project(None, tmp_path)
    assert problems == [] and project.owner_tag == "123"


@pytest.mark.parametrize("version", ["9.9.9", "3.0.0", "1.24.0"])
def test_a_target_kumaprov_does_not_know_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          version: str) -> None:
    (tmp_path / "monitors").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "--target", version])
    assert result.exit_code == 2
    assert f"Uptime Kuma {version} is not a version kumaprov knows: it knows 1.23.x and 2.x" in result.stderr


@pytest.mark.parametrize("version", ["1.23.17", "2.0.0-dev.0", "2.5.3", "2.6.0"])
def test_the_lines_kumaprov_knows_are_fine_targets(tmp_path: Path, version: str) -> None:
    (tmp_path / "kumaprov.yaml").write_text(f"target: {version}\n")
    project, problems = load_project(None, tmp_path)
    assert problems == [] and project.target == version
