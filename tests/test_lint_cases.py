"""Data-driven lint cases: each directory of tests/lint_cases is a tiny project.

A case holds what a user would have (`monitors/`, maybe `kumaprov.yaml`,
`templates/`, sample files) plus `expected.txt`: the exact text
`kumaprov lint` prints when run from that directory, problem lines and
summary. The exit code follows from the summary: 1 when it counts errors,
0 otherwise (warnings alone do not fail without --strict).

An `xfail.txt` marks a case whose expected.txt states the correct behaviour
that kumaprov does not have yet; it holds the reason, and the test fails
loudly as soon as the behaviour is fixed (strict xfail) so the marker goes.

Adding a case: create the directory, run

    KUMAPROV_REGEN=1 .venv/bin/pytest tests/test_lint_cases.py

and READ the generated expected.txt before committing it: the regeneration
writes whatever kumaprov prints today, right or wrong. Cases with an
xfail.txt are never regenerated.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kumaprov.cli import main

CASES_DIR = Path(__file__).with_name("lint_cases")
CASES = sorted(path for path in CASES_DIR.iterdir() if path.is_dir())
REGENERATE = os.environ.get("KUMAPROV_REGEN") == "1"

SUMMARY = re.compile(r"^(\d+) file\(s\) checked(?:, no problems|: (\d+) error\(s\), (\d+) warning\(s\))$")

# Every rule, the case where it fires and a case where it has the chance to
# fire and does not. Both directions are checked below.
RULES: dict[str, tuple[str, str]] = {
    # code: (failing case, passing case)
    "KP001": ("kp001-not-utf8", "kp001-not-utf8"),  # the second file of that case is read fine
    "KP002": ("kp002-tab-indent", "yaml-merge-keys-pass"),
    "KP003": ("kp003-top-level-list", "empty-files-pass"),
    "KP004": ("kp004-template-missing-var", "template-pass"),
    "KP005": ("kp005-template-missing", "template-pass"),
    "KP101": ("kp101-misspelt-keys", "schema-pass"),
    "KP102": ("kp102-missing-keys", "schema-pass"),
    "KP103": ("kp103-wrong-types", "schema-pass"),
    "KP104": ("kp104-invalid-values", "schema-pass"),
    "KP105": ("kp105-unknown-type", "schema-pass"),
    "KP201": ("kp201-duplicate-ids", "kp201-unique-ids-pass"),
    "KP301": ("kp301-unbalanced-bracket", "json-query-pass"),
    "KP302": ("kp302-wrong-verdict", "json-query-pass"),
    "KP303": ("kp303-unreadable-sample", "json-query-pass"),
    "KP304": ("kp304-bare-word", "kp304-quoted-string-pass"),
    "KP209": ("kp209-windows-and-pages", "windows-and-pages-pass"),
    "KP305": ("kp305-operator-no-target", "kp305-operator-target-2x-pass"),
    "KP306": ("kp306-kp307-version-gating", "all-types-target-2x-pass"),
    "KP307": ("kp306-kp307-version-gating", "all-types-target-1.23-pass"),
    "KP401": ("kp401-plaintext-secrets", "kp401-env-references-pass"),
    "KP402": ("kp402-malformed-reference", "kp401-env-references-pass"),
    "KP406": ("kp406-forbidden-variables", "kp406-allowed-variables-pass"),
    "KP501": ("kp501-interval-no-target", "kp501-interval-target-2x-pass"),
    "KP502": ("kp502-timeout-warning", "kp502-timeout-pass"),
    "KP601": ("kp601-kp604-alerts-no-target", "alerts-pass"),
    "KP602": ("kp602-kp607-alerts-semantics", "alerts-pass"),
    "KP603": ("kp602-kp607-alerts-semantics", "alerts-pass"),
    "KP604": ("kp601-kp604-alerts-no-target", "kp604-alerts-target-2x-pass"),
    "KP605": ("kp602-kp607-alerts-semantics", "alerts-pass"),
    "KP606": ("kp602-kp607-alerts-semantics", "alerts-pass"),
    "KP607": ("kp602-kp607-alerts-semantics", "alerts-pass"),
}


def _param(case: Path) -> object:
    xfail = case / "xfail.txt"
    if xfail.is_file():
        reason = xfail.read_text(encoding="utf-8").strip()
        return pytest.param(case, id=case.name, marks=pytest.mark.xfail(reason=reason, strict=True))
    return pytest.param(case, id=case.name)


def run_lint(case: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, int, BaseException | None]:
    monkeypatch.chdir(case)
    result = CliRunner().invoke(main, ["lint"])
    return result.stdout, result.stderr, result.exit_code, result.exception


def expected_exit_code(expected: str) -> int:
    match = SUMMARY.match(expected.rstrip("\n").splitlines()[-1])
    assert match, f"the last line of expected.txt is not a lint summary: {expected!r}"
    errors = int(match.group(2) or 0)
    return 1 if errors else 0


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_lint_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdout, stderr, exit_code, exception = run_lint(case, monkeypatch)
    expected_file = case / "expected.txt"
    if REGENERATE and not (case / "xfail.txt").is_file():
        expected_file.write_text(stdout, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")

    assert exception is None or isinstance(exception, SystemExit), f"lint crashed: {exception!r}"
    assert stdout == expected
    assert stderr == ""
    assert exit_code == expected_exit_code(expected)


def test_cases_exist() -> None:
    # A typo in CASES_DIR would otherwise make the parametrized test vanish.
    assert len(CASES) >= 40


def test_every_case_has_an_expectation() -> None:
    missing = [case.name for case in CASES if not (case / "expected.txt").is_file()]
    assert not missing, f"cases without expected.txt (run with KUMAPROV_REGEN=1, then read them): {missing}"


def test_summary_counts_match_the_problem_lines() -> None:
    # expected.txt files are reviewed by hand; this keeps their summaries honest.
    for case in CASES:
        lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        match = SUMMARY.match(lines[-1])
        assert match, case.name
        problem_lines = [line for line in lines[:-1] if re.match(r"^\S+:\d+:\d+: KP\d{3} ", line)]
        warnings = [line for line in problem_lines if re.match(r"^\S+:\d+:\d+: KP\d{3} warning: ", line)]
        if match.group(2) is None:
            assert problem_lines == [], case.name
        else:
            assert int(match.group(2)) == len(problem_lines) - len(warnings), case.name
            assert int(match.group(3)) == len(warnings), case.name


def _codes_in(case_name: str) -> set[str]:
    text = (CASES_DIR / case_name / "expected.txt").read_text(encoding="utf-8")
    return set(re.findall(r"^\S+:\d+:\d+: (KP\d{3}) ", text, flags=re.MULTILINE))


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_a_failing_case(code: str) -> None:
    failing, _ = RULES[code]
    assert not (CASES_DIR / failing / "xfail.txt").exists()
    assert code in _codes_in(failing)


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_a_passing_case(code: str) -> None:
    _, passing = RULES[code]
    assert not (CASES_DIR / passing / "xfail.txt").exists()
    if passing == RULES[code][0]:
        # The case mixes a bad and a good file: only one problem for two files.
        text = (CASES_DIR / passing / "expected.txt").read_text(encoding="utf-8")
        assert text.count(code) == 1 and "2 file(s) checked" in text
    else:
        assert code not in _codes_in(passing)
