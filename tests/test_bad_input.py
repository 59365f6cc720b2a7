"""A corpus of broken inputs: each gives a clear error with a place, never a traceback,
and sync stops before it connects, so nothing can be written. Plus fuzzing of the loader."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumaprov.definitions import yamlpos
from kumaprov.cli import main
from kumaprov.definitions.loader import load
from kumaprov.definitions.project import Project

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.suffix == ".yaml")
PROBLEM_LINE = re.compile(r"^monitors/[\w.-]+\.yaml:\d+:\d+: KP\d{3} |^templates/[\w.-]+\.j2:\d+:\d+: KP004 ", re.M)
# Cases that are only wrong once a server is involved.
NEEDS_SERVER = {"missing-env.yaml"}
FUZZ_EXAMPLES = int(os.environ.get("KUMAPROV_FUZZ_EXAMPLES", "300"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CORPUS / "templates", tmp_path / "templates")
    (tmp_path / "monitors").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def place(project: Path, case: str) -> None:
    source = CORPUS / case
    target = project / "monitors" / case
    if source.is_symlink():
        target.symlink_to(source.readlink())
    else:
        shutil.copy(source, target)


@pytest.mark.parametrize("case", [c for c in CASES if c not in NEEDS_SERVER])
def test_lint_reports_each_broken_input_with_its_place(project: Path, case: str) -> None:
    place(project, case)
    result = CliRunner().invoke(main, ["lint"])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert PROBLEM_LINE.search(result.stdout), result.stdout


@pytest.mark.parametrize("case", CASES)
def test_sync_refuses_broken_input_before_connecting(project: Path, case: str) -> None:
    place(project, case)
    # Nothing listens there: reaching the connection step would be exit 2, "cannot reach".
    env = {"KUMA_URL": "http://127.0.0.1:9", "KUMA_TOKEN": "unused"}
    result = CliRunner().invoke(main, ["sync", "--timeout", "1"], env=env)
    if case in NEEDS_SERVER:
        assert result.exit_code == 2 and "cannot reach" in result.stderr
        return
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr
    assert "cannot reach" not in result.stderr
    assert "Traceback" not in result.output


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text_either_parses_or_is_a_yaml_error(text: str) -> None:
    try:
        yamlpos.load(text, "fuzz.yaml")
    except yamlpos.YamlError as exc:
        assert exc.position.line >= 1 and exc.position.column >= 1
    except RecursionError:
        pass  # the loader turns this into "nested too deeply"


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                         st.text(max_size=20))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(
        ["id", "name", "type", "url", "interval", "query", "expected_value", "samples", "headers",
         "template", "vars", "keyword", "monitors", "defaults", "port", "hostname", "body"]), inner, max_size=6)),
    max_leaves=20)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=st.dictionaries(st.sampled_from(["monitors", "defaults", "extra"]), yaml_values, max_size=3))
def test_any_structure_loads_into_definitions_or_problems(tmp_path: Path, document: dict) -> None:
    import yaml

    (tmp_path / "m.yaml").write_text(yaml.safe_dump(document))
    loaded = load(Project(root=tmp_path, templates_dir=tmp_path / "templates"), [tmp_path / "m.yaml"])
    for problem in loaded.problems:
        assert problem.position.line >= 1 and problem.code.startswith("KP")
