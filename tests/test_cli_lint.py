"""The command line around lint: report formats, exit codes, render and schema.

Each test builds a small project in a temporary directory and runs the CLI
from there through click's CliRunner, exactly as `kumaprov ...` would run.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from kumaprov.definitions import loader
from kumaprov.lint import render as rendered
from kumaprov.cli import main
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.definitions.project import load_project

REPO_ROOT = Path(__file__).resolve().parent.parent


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args))


# One error, one warning and one templated error (which carries `via`).
MIXED = {
    "monitors/api.yaml": """
        monitors:
          - id: users
            name: Users
            type: json-query
            url: https://api.example.com/users
            query: '$count(data[status=active]) > 0'
            expected_value: "true"
            samples:
              - {body: '{"data": [{"status": "active"}]}', expect: down}
          - id: web
            name: Web
            type: http
            url: https://www.example.com
            interval: "60"
        """,
    "monitors/hosts.yaml": """
        monitors:
          - template: host
            vars: {id: gateway, host: gateway.internal, interval: 10}
        """,
    "templates/host.yaml.j2": """
        monitors:
          - id: {{ id }}
            name: {{ id }}
            type: ping
            hostname: {{ host }}
            interval: {{ interval }}
        """,
}

CLEAN = {
    "monitors/web.yaml": """
        monitors:
          - id: web
            name: Web
            type: http
            url: https://www.example.com
        """,
}

WARNING_ONLY = {
    "monitors/slow.yaml": """
        monitors:
          - id: export
            name: Export
            type: http
            url: https://www.example.com/export
            interval: 60
            timeout: 90
        """,
}


# ------------------------------------------------------------------ --output json


def test_json_output_lists_every_problem_with_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(write_project(tmp_path, MIXED), monkeypatch, "lint", "--output", "json")

    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) == {"version", "files", "errors", "warnings", "problems"}
    assert document["version"] == 1
    assert document["files"] == 2
    assert (document["errors"], document["warnings"]) == (2, 1)
    assert all(set(p) == {"file", "line", "column", "code", "severity", "message", "via"}
               for p in document["problems"])
    by_code = {p["code"]: p for p in document["problems"]}
    assert set(by_code) == {"KP103", "KP304", "KP501"}
    assert by_code["KP103"] == {
        "file": "monitors/api.yaml", "line": 14, "column": 15, "code": "KP103", "severity": "error",
        "message": "interval: expected an integer, got string '60'; remove the quotes", "via": [],
    }
    assert by_code["KP304"]["severity"] == "warning"
    assert (by_code["KP304"]["file"], by_code["KP304"]["line"], by_code["KP304"]["column"]) == \
        ("monitors/api.yaml", 6, 12)
    # A problem inside a template points into the template and names the using entry.
    assert (by_code["KP501"]["file"], by_code["KP501"]["line"]) == ("templates/host.yaml.j2", 6)
    assert by_code["KP501"]["via"] == ["monitors/hosts.yaml:2:5"]


def test_json_output_of_a_clean_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(write_project(tmp_path, CLEAN), monkeypatch, "lint", "-o", "json")

    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document == {"version": 1, "files": 1, "errors": 0, "warnings": 0, "problems": []}


def test_json_counts_agree_with_text_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, MIXED)
    text = run(tmp_path, monkeypatch, "lint").stdout
    document = json.loads(run(tmp_path, monkeypatch, "lint", "-o", "json").stdout)

    assert text.splitlines()[-1] == "2 file(s) checked: 2 error(s), 1 warning(s)"
    assert len(text.splitlines()) - 1 == len(document["problems"])


# ------------------------------------------------------------------ --output github


GITHUB_LINE = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=(KP\d{3})::(.*)$")


def test_github_output_annotates_each_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(write_project(tmp_path, MIXED), monkeypatch, "lint", "--output", "github")

    assert result.exit_code == 1
    *annotations, summary = result.stdout.rstrip("\n").split("\n")
    assert summary == "2 file(s) checked: 2 error(s), 1 warning(s)"
    assert [GITHUB_LINE.match(line).groups()[:5] for line in annotations] == [  # type: ignore[union-attr]
        ("warning", "monitors/api.yaml", "6", "12", "KP304"),
        ("error", "monitors/api.yaml", "14", "15", "KP103"),
        ("error", "templates/host.yaml.j2", "6", "15", "KP501"),
    ]
    assert annotations[1].endswith("::interval: expected an integer, got string '60'; remove the quotes")
    assert annotations[2].endswith(" (used at monitors/hosts.yaml:2:5)")


def test_github_output_escapes_newlines_and_percent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {
        "monitors/api.yaml": """
            monitors:
              - id: even
                name: Even
                type: json-query
                url: https://api.example.com
                query: '$count(data) % 2 = 0 and ('
                expected_value: "true"
            """,
    })
    result = run(tmp_path, monkeypatch, "lint", "-o", "github")

    annotation, summary = result.stdout.rstrip("\n").split("\n")
    assert summary.startswith("1 file(s) checked: 1 error(s)")
    assert annotation == (
        "::error file=monitors/api.yaml,line=6,col=12,title=KP301::"
        "JSONata syntax error at character 27: Expected ) before end of expression"
        "%0A    $count(data) %25 2 = 0 and ("
        "%0A                              ^"
    )


def test_github_output_escapes_commas_and_colons_in_the_file_property(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {
        "monitors/team,ops.yaml": """
            monitors:
              - id: web
                name: Web
                type: htpp
                url: https://www.example.com
            """,
    })
    result = run(tmp_path, monkeypatch, "lint", "-o", "github")

    assert result.stdout.startswith(
        "::error file=monitors/team%2Cops.yaml,line=4,col=11,title=KP105::"
        "unknown monitor type 'htpp' (did you mean 'http'?)\n")


# ------------------------------------------------------------------ --strict and exit codes


def test_warnings_pass_unless_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, WARNING_ONLY)
    relaxed = run(tmp_path, monkeypatch, "lint")
    strict = run(tmp_path, monkeypatch, "lint", "--strict")

    assert relaxed.exit_code == 0
    assert strict.exit_code == 1
    assert relaxed.stdout == strict.stdout
    assert "KP502 warning: timeout (90 s)" in strict.stdout


def test_strict_on_a_clean_project_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(write_project(tmp_path, CLEAN), monkeypatch, "lint", "--strict").exit_code == 0


@pytest.mark.parametrize("args", [
    ["lint", "--bogus"],
    ["lint", "--output", "xml"],
    ["lint", "--target"],
    ["render", "--format", "toml"],
])
def test_bad_options_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    result = run(write_project(tmp_path, CLEAN), monkeypatch, *args)

    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("Error: ")
    assert result.stdout == ""


@pytest.mark.parametrize("target", ["foo", "1.2"])
def test_invalid_target_option_is_a_usage_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    result = run(write_project(tmp_path, CLEAN), monkeypatch, "lint", "--target", target)

    assert result.exit_code == 2
    assert not isinstance(result.exception, ValueError)
    assert target in result.stderr


@pytest.mark.parametrize(("project_file", "message"), [
    ("target: [2.5.3\n", "KP002 YAML syntax error"),
    ("targte: 2.5.3\n", "KP003 unknown project key 'targte' (did you mean 'target'?)"),
    ("target: 1.2.0\n", "KP003 Uptime Kuma 1.2.0 is not supported; kumaprov needs 1.23 or newer"),
    ("target: latest\n", "KP003 not an Uptime Kuma version: 'latest'"),
    ("- monitors\n", "KP003 the project file must be a mapping"),
    ("monitors: {a: b}\n", "KP003 monitors: expected a list of paths"),
    ("defaults: [interval]\n", "KP003 defaults: expected a mapping"),
])
def test_broken_project_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     project_file: str, message: str) -> None:
    write_project(tmp_path, {**CLEAN, "kumaprov.yaml": project_file})
    result = run(tmp_path, monkeypatch, "lint")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert "kumaprov.yaml:" in result.stderr
    assert message in result.stderr


def test_missing_explicit_project_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(write_project(tmp_path, CLEAN), monkeypatch, "--config", "nope.yaml", "lint")

    assert result.exit_code == 2
    assert "nope.yaml:1:1: KP001 cannot read project file: No such file or directory" in result.stderr


def test_lint_of_explicit_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {**CLEAN, **WARNING_ONLY})
    only_web = run(tmp_path, monkeypatch, "lint", "monitors/web.yaml")
    missing = run(tmp_path, monkeypatch, "lint", "monitors/nope.yaml")

    assert (only_web.exit_code, only_web.stdout) == (0, "1 file(s) checked, no problems\n")
    assert missing.exit_code == 1
    assert missing.stdout.startswith("monitors/nope.yaml:1:1: KP001 no such file or directory\n")


# ------------------------------------------------------------------ render

SECRETS = {
    "monitors/api.yaml": """
        monitors:
          - id: openai
            name: OpenAI
            type: http
            url: https://api.openai.com/v1/models
            headers:
              Authorization: Bearer sk-proj-4f9a8b7c6d5e4f3a2b1c
              Accept: application/json
          - id: login
            name: Login
            type: http
            method: POST
            url: https://app.example.com/login
            body: '{"user": "monitor", "password": "hunter2"}'
            basic_auth:
              username: monitor
              password: ${LOGIN_PASSWORD}
        """,
}

REFERENCES = {
    "monitors/api.yaml": """
        monitors:
          - id: openai
            name: OpenAI
            type: http
            url: https://api.openai.com/v1/models
            headers:
              Authorization: Bearer ${OPENAI_API_KEY}
            basic_auth:
              username: monitor
              password: ${LOGIN_PASSWORD}
        """,
}


def test_render_shows_environment_references(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(write_project(tmp_path, REFERENCES), monkeypatch, "render")

    assert result.exit_code == 0
    [monitor] = yaml.safe_load(result.stdout)["monitors"]
    assert monitor["headers"] == {"Authorization": "Bearer ${OPENAI_API_KEY}"}
    assert monitor["basic_auth"] == {"username": "monitor", "password": "${LOGIN_PASSWORD}"}
    assert "(sensitive)" not in result.stdout


def test_render_refuses_files_with_literal_secrets_and_never_prints_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(write_project(tmp_path, SECRETS), monkeypatch, "render")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "KP401 headers.Authorization" in result.stderr
    assert "sk-proj-4f9a8b7c6d5e4f3a2b1c" not in result.output
    assert "hunter2" not in result.output


def test_rendered_definitions_mask_literal_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `render` refuses files with KP401 errors, so this masking is the second line
    # of defence: whatever reaches the renderer never shows a literal secret.
    write_project(tmp_path, SECRETS)
    monkeypatch.chdir(tmp_path)
    project, _ = load_project(None, tmp_path)
    definitions = loader.load(project).definitions

    openai, login = yaml.safe_load(rendered.render_definitions(definitions, "yaml"))["monitors"]
    assert openai["headers"] == {"Authorization": "(sensitive)", "Accept": "application/json"}
    assert login["body"] == "(sensitive)"  # a secret inside a JSON string masks the whole string
    assert login["basic_auth"] == {"username": "monitor", "password": "${LOGIN_PASSWORD}"}
    as_json = rendered.render_definitions(definitions, "json")
    assert "sk-proj" not in as_json and "hunter2" not in as_json
    assert json.loads(as_json)[0]["headers"]["Authorization"] == "(sensitive)"


def test_render_json_is_the_fully_expanded_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {
        "kumaprov.yaml": "defaults:\n  retries: 2\n",
        **{k: v for k, v in MIXED.items() if k != "monitors/api.yaml"},
        "monitors/hosts.yaml": """
            monitors:
              - template: host
                vars: {id: gateway, host: gateway.internal, interval: 30}
            """,
    })
    result = run(tmp_path, monkeypatch, "render", "--format", "json")

    assert result.exit_code == 0
    [monitor] = json.loads(result.stdout)
    assert monitor == {
        "id": "gateway", "name": "gateway", "type": "ping", "hostname": "gateway.internal",
        "interval": 30, "retries": 2, "resend_interval": 0, "upside_down": False, "packet_size": 56,
    }


def test_render_of_the_shipped_monitors(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(REPO_ROOT, monkeypatch, "render", "--format", "json")

    assert result.exit_code == 0
    monitors = json.loads(result.stdout)
    assert [m["id"] for m in monitors] == [
        f"openwebui-{env}-{level}" for env in ("prod", "staging") for level in ("health", "models", "chat")
    ]
    models = next(m for m in monitors if m["id"] == "openwebui-staging-models")
    assert models["interval"] == 600
    assert models["headers"]["Authorization"] == "Bearer ${OPENWEBUI_STAGING_API_KEY}"


# ------------------------------------------------------------------ schema


def _schema() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_schema_is_a_json_schema_of_monitor_files() -> None:
    schema = _schema()

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"defaults", "monitors", "notifications", "tags", "maintenance", "status_pages", "docker_hosts", "proxies",
                                         "remote_browsers", "api_keys", "settings"}
    template_entry, monitor = schema["properties"]["monitors"]["items"]["anyOf"]
    assert template_entry["required"] == ["template"]
    assert {ref["$ref"] for ref in monitor["anyOf"]} == {f"#/$defs/{cls.__name__}" for cls in MONITOR_TYPES.values()}
    for type_name, cls in MONITOR_TYPES.items():
        definition = schema["$defs"][cls.__name__]
        assert definition["properties"]["type"]["const"] == type_name
        assert definition["additionalProperties"] is False
        assert {"id", "name", "type"} <= set(definition["required"])
    assert "id" not in schema["properties"]["defaults"]["propertyNames"]["enum"]


def test_committed_schema_file_is_up_to_date() -> None:
    # monitors/*.yaml point editors at schema/kumaprov.schema.json.
    committed = json.loads((REPO_ROOT / "schema" / "kumaprov.schema.json").read_text(encoding="utf-8"))
    assert committed == _schema()


def _check_against(schema: dict[str, Any], definition: dict[str, Any], document: dict[str, Any]) -> None:
    """Structure only (jsonschema is not a dependency): keys allowed, required keys present, type."""
    assert definition["type"] == "object"
    if definition.get("additionalProperties") is False:
        assert set(document) <= set(definition["properties"]), set(document) - set(definition["properties"])
    assert set(definition.get("required", [])) <= set(document)
    if "type" in definition["properties"] and "const" in definition["properties"]["type"]:
        assert document["type"] == definition["properties"]["type"]["const"]


def test_schema_validates_the_shipped_monitor_file(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = _schema()
    document = yaml.safe_load((REPO_ROOT / "monitors" / "openwebui.yaml").read_text(encoding="utf-8"))
    rendered = json.loads(run(REPO_ROOT, monkeypatch, "render", "--format", "json").stdout)
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    if jsonschema is not None:
        jsonschema.validate(document, schema)
        for monitor in rendered:
            jsonschema.validate({"monitors": [monitor]}, schema)
        return
    _check_against(schema, schema, document)
    template_entry = schema["properties"]["monitors"]["items"]["anyOf"][0]
    for entry in document["monitors"]:
        _check_against(schema, template_entry, entry)
        assert isinstance(entry["template"], str) and isinstance(entry["vars"], dict)
    # What the templates expand to must fit the schema of its monitor type as well.
    for monitor in rendered:
        definition = schema["$defs"][MONITOR_TYPES[monitor["type"]].__name__]
        _check_against(schema, definition, monitor)


def test_schema_structure_check_rejects_a_misspelt_key() -> None:
    # The fallback check above must be able to fail.
    schema = _schema()
    definition = schema["$defs"]["HttpMonitor"]
    with pytest.raises(AssertionError):
        _check_against(schema, definition, {"id": "a", "name": "A", "type": "http", "url": "https://a", "intervall": 5})
    with pytest.raises(AssertionError):
        _check_against(schema, definition, {"id": "a", "name": "A", "type": "http"})


# ------------------------------------------------------------------ the shipped examples


def test_shipped_monitors_lint_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(REPO_ROOT, monkeypatch, "lint")

    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("file(s) checked, no problems\n")


@pytest.mark.parametrize("target", ["1.23.17", "2.0.0-dev.0", "2.0.2", "2.5.3"])
def test_shipped_monitors_lint_clean_strictly_on_every_server_line(
        monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    result = run(REPO_ROOT, monkeypatch, "lint", "--strict", "--target", target, "--output", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []
