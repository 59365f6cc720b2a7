"""A corpus of broken inputs: each gives a clear error with a place, never a traceback,
and sync stops before it connects, so nothing can be written. Plus fuzzing of the loader.

A case is one file, placed as `monitors/<case>` of a fresh project (a symlink stays a
symlink); a case named `project-*.yaml` is placed as the project file, `kumaprov.yaml`,
and is a configuration error (exit 2) for every command. Its leading comments may say
what it must report, each as `# expect: [FILE:]LINE:COLUMN CODE text` (FILE defaults to
the case itself; the text is a substring of the message); templates the cases use are
in bad_inputs/templates/.
"""

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
PROBLEM_LINE = re.compile(r"^monitors/[\w.-]+\.yaml:\d+:\d+: KP\d{3} |^templates/[\w.-]+\.j2:\d+:\d+: KP004 "
                          r"|^kumaprov\.yaml:\d+:\d+: KP\d{3} ", re.M)
EXPECT = re.compile(r"^# expect: ((?:\S+:)?\d+:\d+) (KP\d{3}) (.+)$", re.M)
# Cases that are only wrong once a server is involved.
NEEDS_SERVER = {"missing-env.yaml"}
FUZZ_EXAMPLES = int(os.environ.get("KUMAPROV_FUZZ_EXAMPLES", "300"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CORPUS / "templates", tmp_path / "templates", symlinks=True)
    (tmp_path / "monitors").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def is_project_file(case: str) -> bool:
    return case.startswith("project-")


def place(project: Path, case: str) -> str:
    """Put the case into the project; returns its path there, as problems name it."""
    source = CORPUS / case
    name = "kumaprov.yaml" if is_project_file(case) else f"monitors/{case}"
    target = project / name
    if source.is_symlink():
        target.symlink_to(source.readlink())
    else:
        shutil.copy(source, target)
    return name


def expected(case: str, name: str) -> list[tuple[str, str]]:
    """(problem-line prefix, message text) for each `# expect:` line of the case."""
    source = CORPUS / case
    if source.is_symlink():
        return []
    text = source.read_bytes().decode("utf-8", "replace")
    return [(f"{where if where.count(':') == 2 else f'{name}:{where}'}: {code} ", message)
            for where, code, message in EXPECT.findall(text)]


def assert_reported(output: str, case: str, name: str) -> None:
    assert PROBLEM_LINE.search(output), output
    lines = output.splitlines()
    for prefix, message in expected(case, name):
        assert any(line.startswith(prefix) and message in line for line in lines), (prefix, message, output)


@pytest.mark.parametrize("case", [c for c in CASES if c not in NEEDS_SERVER])
def test_lint_reports_each_broken_input_with_its_place(project: Path, case: str) -> None:
    name = place(project, case)
    result = CliRunner().invoke(main, ["lint"])
    assert result.exit_code == (2 if is_project_file(case) else 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert_reported(result.stderr if is_project_file(case) else result.stdout, case, name)


@pytest.mark.parametrize("case", CASES)
def test_sync_refuses_broken_input_before_connecting(project: Path, case: str) -> None:
    name = place(project, case)
    # Nothing listens there: reaching the connection step would be exit 2, "cannot reach".
    env = {"KUMA_URL": "http://127.0.0.1:9", "KUMA_TOKEN": "unused"}
    result = CliRunner().invoke(main, ["sync", "--timeout", "1"], env=env)
    if case in NEEDS_SERVER:
        assert result.exit_code == 2 and "cannot reach" in result.stderr
        return
    assert "cannot reach" not in result.stderr
    assert "Traceback" not in result.output
    if is_project_file(case):  # the project file is read before anything else
        assert result.exit_code == 2, result.output
        assert_reported(result.stderr, case, name)
        return
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr
    assert_reported(result.stderr, case, name)


@pytest.mark.parametrize("case", [c for c in CASES if expected(c, "x")])
def test_expectations_are_well_formed(case: str) -> None:
    # A typo in an `# expect:` line would otherwise make a case check less than it says.
    text = (CORPUS / case).read_text(encoding="utf-8", errors="replace")
    assert text.count("# expect:") == len(EXPECT.findall(text))


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
