"""Secrets against hostile definitions: a pull request must not be able to read
kumaprov's own credentials, and no output may carry a secret the environment holds."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kumaprov import secrets
from kumaprov.cli import main
from kumaprov.sync.export import export, render
from kumaprov.definitions.project import load_project

CANARY = "canary-Qm7Vx2Lp9Tz4"


@pytest.mark.parametrize("name", ["KUMA_TOKEN", "KUMA_PASSWORD", "KUMA_TOTP_SECRET", "GITHUB_TOKEN",
                                  "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "CI_JOB_TOKEN"])
def test_a_reserved_variable_never_resolves_whatever_the_environment_holds(name: str) -> None:
    with pytest.raises(secrets.MissingVariables) as raised:
        secrets.resolve("Bearer ${" + name + "}", {name: CANARY})
    assert raised.value.names == [name]
    assert secrets.refusal(name) is not None


def test_the_allow_list_admits_names_and_patterns_only() -> None:
    allowed = ("OPENWEBUI_*", "STATUS_KEY")
    assert secrets.refusal("OPENWEBUI_PROD_API_KEY", allowed) is None
    assert secrets.refusal("STATUS_KEY", allowed) is None
    assert "not in the project's `variables:` list" in str(secrets.refusal("AWS_SECRET_ACCESS_KEY", allowed))
    assert secrets.refusal("AWS_SECRET_ACCESS_KEY") is None  # no list: every name but the reserved ones


def _project_problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "kumaprov.yaml").write_text(textwrap.dedent(text))
    _, problems = load_project(None, tmp_path)
    return [f"{p.position.line}:{p.position.column} {p.code} {p.message}" for p in problems]


def test_a_project_cannot_allow_kumaprovs_own_credentials(tmp_path: Path) -> None:
    problems = _project_problems(tmp_path, """\
        variables:
          - OPENWEBUI_*
          - KUMA_*
          - "*"
          - not a name
        """)
    assert problems == [
        "3:5 KP003 variables: 'KUMA_*' admits KUMA_URL, and kumaprov's own credentials are never readable "
        "from a definition",
        "4:5 KP003 variables: '*' admits KUMA_URL, and kumaprov's own credentials are never readable from a definition",
        "5:5 KP003 variables: 'not a name' is not a variable name or glob pattern",
    ]
    assert _project_problems(tmp_path, "variables: OPENWEBUI_API_KEY\n") == [
        "1:12 KP003 variables: expected a list of environment variable names (glob patterns allowed)"]


def test_the_redactor_masks_secret_variables_but_not_short_ordinary_values() -> None:
    redactor = secrets.Redactor()
    redactor.add_environment({"KUMA_PASSWORD": CANARY, "AUTH_MODE": "none", "PLAIN": "plain-value-1",
                              "HOME": "/root"}, names=["PLAIN"])
    assert redactor(f"login {CANARY}, mode none, plain-value-1 at /root") == \
        "login (sensitive), mode none, (sensitive) at /root"
    assert redactor.as_references(f"trace-{CANARY}") == ("trace-${KUMA_PASSWORD}", ["KUMA_PASSWORD"])


def test_export_writes_embedded_secrets_as_references(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "REDACTOR", secrets.Redactor())
    monkeypatch.setattr("kumaprov.sync.export.REDACTOR", secrets.REDACTOR)
    secrets.REDACTOR.add_environment({"OPENWEBUI_API_KEY": CANARY})
    row = {"id": 7, "name": "Chat", "type": "http", "url": f"https://chat.example.com/health?key={CANARY}",
           "headers": f'{{"X-Trace": "trace-{CANARY}"}}', "interval": 60, "tags": []}
    result = export([row], [], [], "kumaprov")
    text = render(result)
    assert CANARY not in text
    monitor = result.document["monitors"][0]
    assert monitor["url"] == "https://chat.example.com/health?key=${OPENWEBUI_API_KEY}"
    assert monitor["headers"] == {"X-Trace": "trace-${OPENWEBUI_API_KEY}"}
    assert result.secrets == ["OPENWEBUI_API_KEY"]


def test_lint_output_never_shows_a_credential_a_sample_carries(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever way a value reaches a message ("query returned ..."), the credential is masked.
    (tmp_path / "monitors").mkdir()
    (tmp_path / "sample.json").write_text(f'{{"leak": "{CANARY}"}}')
    (tmp_path / "monitors" / "m.yaml").write_text(textwrap.dedent("""\
        monitors:
          - id: leak
            name: Leak
            type: json-query
            url: https://example.com/
            query: leak
            expected_value: nothing
            samples: [{file: ../sample.json, expect: up}]
        """))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "--no-cache", "--output", "json"], env={"KUMA_PASSWORD": CANARY})
    assert result.exit_code == 1
    assert "KP302" in result.output and "(sensitive)" in result.output
    assert CANARY not in result.output


@pytest.mark.parametrize("command", [["render"], ["probe"], ["diff", "--url", "http://127.0.0.1:9"]])
def test_problems_printed_by_other_commands_are_masked_too(command: list[str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Found by tests/test_fuzz_projects.py: lint masked its problems, render/probe/diff/sync did not.
    (tmp_path / "monitors").mkdir()
    (tmp_path / "sample.json").write_text(f'{{"secret": "{CANARY}"}}')
    (tmp_path / "monitors" / "m.yaml").write_text(textwrap.dedent("""\
        monitors:
          - {id: a, name: A, type: keyword, url: "https://x.test/", keyword: HEALTHY,
             samples: [{file: ../sample.json, expect: up}]}
        """))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, command, env={"KUMA_PASSWORD": CANARY, "KUMAPROV_NO_CACHE": "1"})
    assert result.exit_code == 1
    assert "KP302" in result.output and "(sensitive)" in result.output
    assert CANARY not in result.output
