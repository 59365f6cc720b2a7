"""The shipped templates (templates/*.yaml.j2 other than openwebui) and their examples.

Everything runs through the real CLI (click's CliRunner), offline:

- each example in examples/ lints clean, with every server line and with each target;
- a missing required variable is reported with its name, the template file and line;
- every monitor a template yields carries samples with both verdicts, every sample file
  exists and is used, and a wrong query is caught by the samples;
- `render --format json` yields the expected monitor ids, types and URLs, with optional
  monitors switched on and off;
- switching optional monitors off keeps problems pointing at the right template line.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kumaprov.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TEMPLATES = REPO / "templates"

TARGETS = [None, "1.23.17", "2.0.0-dev.0", "2.5.3"]

# Template -> its required variables, and a minimal set of values for them.
REQUIRED: dict[str, dict[str, str]] = {
    "openai-gateway": {"id": "gw", "name": "Gateway", "base_url": "https://llm.example.com/v1",
                       "api_key_env": "GW_API_KEY"},
    "web-backend": {"id": "api", "name": "API", "base_url": "https://api.example.com"},
    "langfuse": {"id": "lf", "name": "Langfuse", "base_url": "https://langfuse.example.com"},
    "openwebui-pipelines": {"id": "pl", "name": "Pipelines", "base_url": "http://pipelines:9099",
                            "api_key_env": "PIPELINES_API_KEY"},
}
NAMES = sorted(REQUIRED)


def run(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args))


def lint_json(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, dict[str, Any]]:
    result = run(cwd, monkeypatch, *args, "--output", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def project(root: Path, monitors: str, templates: Path = TEMPLATES) -> Path:
    """A project in `root` with a copy of the given templates directory and one monitor file.

    A copy, not a path to it: templates are read only from inside the project."""
    (root / "monitors").mkdir(parents=True, exist_ok=True)
    shutil.copytree(templates, root / "templates")
    (root / "monitors" / "m.yaml").write_text(textwrap.dedent(monitors).lstrip("\n"), encoding="utf-8")
    return root


def instance(template: str, variables: dict[str, Any]) -> str:
    return json.dumps({"monitors": [{"template": template, "vars": variables}]})


def render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str,
           variables: dict[str, Any]) -> dict[str, dict[str, Any]]:
    project(tmp_path, instance(template, variables))
    result = run(tmp_path, monkeypatch, "render", "--format", "json")
    assert result.exit_code == 0, result.output
    return {m["id"]: m for m in json.loads(result.stdout)}


def template_lines(template: str) -> list[str]:
    return (TEMPLATES / f"{template}.yaml.j2").read_text(encoding="utf-8").splitlines()


def jinja_uses(template: str, var: str) -> list[int]:
    """Template lines (1-based) whose Jinja code reads `var` without a default."""
    pattern = re.compile(rf"\b{re.escape(var)}\b(?!\s*\|\s*default)(?!\s+is\s+defined)")
    found = []
    for number, line in enumerate(template_lines(template), start=1):
        for code in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", line):
            if pattern.search(re.sub(r'"[^"]*"', '""', code)):
                found.append(number)
                break
    return found


def lines_containing(template: str, text: str) -> set[int]:
    return {n for n, line in enumerate(template_lines(template), start=1) if text in line}


# ---------------------------------------------------------------- the examples


def test_every_template_has_an_example_and_samples() -> None:
    shipped = sorted(p.name.removesuffix(".yaml.j2") for p in TEMPLATES.glob("*.yaml.j2"))
    assert set(NAMES) <= set(shipped)
    for name in NAMES:
        assert (EXAMPLES / f"{name}.yaml").is_file(), name
        assert any((TEMPLATES / "samples" / name).iterdir()), name
        assert f"template: {name}\n" in (EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t or "every-line")
def test_examples_lint_clean_from_repo_root(monkeypatch: pytest.MonkeyPatch, target: str | None) -> None:
    args = ["-c", "examples/kumaprov.yaml", "lint", "--strict"] + (["--target", target] if target else [])
    code, report = lint_json(REPO, monkeypatch, *args)
    assert report["problems"] == []
    assert code == 0
    assert report["files"] == len(list(EXAMPLES.glob("*.yaml"))) - 1  # all but kumaprov.yaml


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t or "every-line")
@pytest.mark.parametrize("name", NAMES)
def test_each_example_lints_clean(monkeypatch: pytest.MonkeyPatch, name: str, target: str | None) -> None:
    args = ["-c", "examples/kumaprov.yaml", "lint", "--strict", f"examples/{name}.yaml"]
    code, report = lint_json(REPO, monkeypatch, *args, *(["--target", target] if target else []))
    assert (code, report["problems"], report["files"]) == (0, [], 1)


def test_lint_from_the_examples_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(EXAMPLES, monkeypatch, "lint", "--strict")
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


# ---------------------------------------------------------------- required variables


@pytest.mark.parametrize(("name", "var"), [(n, v) for n in NAMES for v in REQUIRED[n]])
def test_missing_required_var_names_it_and_the_template_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, var: str) -> None:
    variables = {k: v for k, v in REQUIRED[name].items() if k != var}
    project(tmp_path, instance(name, variables))
    code, report = lint_json(tmp_path, monkeypatch, "lint")
    assert code == 1
    [problem] = report["problems"]
    assert problem["code"] == "KP004"
    assert f"'{var}' is undefined" in problem["message"]
    assert problem["file"] == f"templates/{name}.yaml.j2"
    uses = jinja_uses(name, var)
    assert uses, f"{var} is not used in {name}"
    assert problem["line"] == uses[0]
    assert problem["via"] == ["monitors/m.yaml:1:15"]


@pytest.mark.parametrize("name", NAMES)
def test_required_vars_alone_are_enough(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    project(tmp_path, instance(name, REQUIRED[name]))
    code, report = lint_json(tmp_path, monkeypatch, "lint", "--strict")
    assert (code, report["problems"]) == (0, [])


# ---------------------------------------------------------------- samples

# Every optional monitor switched on.
ALL_ON: dict[str, dict[str, Any]] = {
    "openai-gateway": {"model": "gpt-4o-mini", "litellm_health": True},
    "web-backend": {"check_live": True},
    "langfuse": {"worker_url": "http://langfuse-worker:3030", "check_recent_events": True},
    "openwebui-pipelines": {"pipeline": "azure_openai_pipeline"},
}


@pytest.mark.parametrize("name", NAMES)
def test_every_monitor_has_up_and_down_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monitors = render(tmp_path, monkeypatch, name, {**REQUIRED[name], **ALL_ON[name]})
    for monitor in monitors.values():
        verdicts = [s["expect"] for s in monitor["samples"]]
        assert "up" in verdicts and "down" in verdicts, monitor["id"]
    # At least one failure that only the body reveals (a 2xx status that must be DOWN).
    assert any(s["expect"] == "down" and 200 <= s["status"] < 300
               for m in monitors.values() for s in m["samples"])


@pytest.mark.parametrize("name", NAMES)
def test_sample_files_exist_and_are_all_used(name: str) -> None:
    text = (TEMPLATES / f"{name}.yaml.j2").read_text(encoding="utf-8")
    used = set(re.findall(r"file: (samples/[^,}]+)", text))
    assert used
    for path in used:
        assert path.startswith(f"samples/{name}/"), path
        assert (TEMPLATES / path).is_file(), path
    shipped = {f"samples/{name}/{p.name}" for p in (TEMPLATES / "samples" / name).iterdir()}
    assert shipped == used


@pytest.mark.parametrize("name", NAMES)
def test_a_wrong_query_is_caught_by_the_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Break every query of the template: the `up` samples must then fail lint."""
    broken = tmp_path / "templates"
    shutil.copytree(TEMPLATES, broken)
    source = broken / f"{name}.yaml.j2"
    text, count = re.subn(r"(?m)^(\s+query: ).*$", r"""\1'"not the value"'""", source.read_text(encoding="utf-8"))
    assert count > 0
    source.write_text(text, encoding="utf-8")
    project(tmp_path / "p", instance(name, {**REQUIRED[name], **ALL_ON[name]}), templates=broken)
    code, report = lint_json(tmp_path / "p", monkeypatch, "lint")
    assert code == 1
    failed_lines = {p["line"] for p in report["problems"] if p["code"] == "KP302"}
    lines = text.splitlines()
    start = lines.index("monitors:")  # below the documentation comments
    up_sample_lines = {n for n, line in enumerate(lines, start=1) if n > start and "expect: up" in line}
    query_monitors = len(re.findall(r"type: json-query", text))
    assert len(failed_lines) >= query_monitors
    assert failed_lines <= up_sample_lines


# ---------------------------------------------------------------- rendered monitors

CASES: list[tuple[str, dict[str, Any], dict[str, str]]] = [
    ("openai-gateway", {}, {"gw-models": "json-query"}),
    ("openai-gateway", {"model": "gpt-4o-mini"},
     {"gw-models": "json-query", "gw-model": "json-query", "gw-chat": "json-query"}),
    ("openai-gateway", {"model": "gpt-4o-mini", "chat": False}, {"gw-models": "json-query", "gw-model": "json-query"}),
    ("openai-gateway", {"model": "gpt-4o-mini", "litellm_health": True},
     {"gw-models": "json-query", "gw-model": "json-query", "gw-chat": "json-query", "gw-backends": "json-query"}),
    ("openai-gateway", {"litellm_health": True}, {"gw-models": "json-query"}),  # it needs the model
    ("web-backend", {}, {"api-health": "http", "api-ready": "json-query"}),
    ("web-backend", {"check_live": True}, {"api-health": "http", "api-ready": "json-query", "api-live": "http"}),
    ("web-backend", {"check_health": False, "check_ready": False, "check_live": True}, {"api-live": "http"}),
    ("langfuse", {}, {"lf-health": "json-query", "lf-ready": "json-query"}),
    ("langfuse", {"check_ready": False}, {"lf-health": "json-query"}),
    ("langfuse", {"worker_url": "http://langfuse-worker:3030/", "check_recent_events": True},
     {"lf-health": "json-query", "lf-ready": "json-query", "lf-worker": "json-query", "lf-ingestion": "json-query"}),
    ("openwebui-pipelines", {}, {"pl-status": "json-query", "pl-pipelines": "json-query"}),
    ("openwebui-pipelines", {"pipeline": "azure_openai_pipeline"},
     {"pl-status": "json-query", "pl-pipelines": "json-query", "pl-pipeline": "json-query"}),
]


@pytest.mark.parametrize(("name", "extra", "expected"), CASES,
                         ids=[f"{n}-{'-'.join(map(str, e.items())) or 'defaults'}" for n, e, _ in CASES])
def test_render_yields_the_expected_monitors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                             extra: dict[str, Any], expected: dict[str, str]) -> None:
    monitors = render(tmp_path, monkeypatch, name, {**REQUIRED[name], **extra})
    assert {i: m["type"] for i, m in monitors.items()} == expected
    assert list(monitors) == list(expected)  # in the documented order


@pytest.mark.parametrize("name", NAMES)
def test_examples_render_the_expected_ids(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    result = run(REPO, monkeypatch, "-c", "examples/kumaprov.yaml", "render", "--format", "json",
                 f"examples/{name}.yaml")
    assert result.exit_code == 0, result.output
    got = {m["id"]: m["type"] for m in json.loads(result.stdout)}
    expected = {
        "openai-gateway": {
            "litellm-prod-models": "json-query", "litellm-prod-model": "json-query", "litellm-prod-chat": "json-query",
            "litellm-prod-backends": "json-query",
            "vllm-gpu01-models": "json-query", "vllm-gpu01-model": "json-query", "vllm-gpu01-chat": "json-query",
            "openrouter-models": "json-query", "openrouter-model": "json-query"},
        "web-backend": {
            "orders-api-prod-health": "http", "orders-api-prod-ready": "json-query", "orders-api-prod-live": "http",
            "billing-api-staging-health": "http", "billing-api-staging-ready": "json-query"},
        "langfuse": {
            "langfuse-prod-health": "json-query", "langfuse-prod-ready": "json-query",
            "langfuse-prod-worker": "json-query", "langfuse-prod-ingestion": "json-query",
            "langfuse-staging-health": "json-query", "langfuse-staging-ready": "json-query"},
        "openwebui-pipelines": {
            "pipelines-prod-status": "json-query", "pipelines-prod-pipelines": "json-query",
            "pipelines-prod-pipeline": "json-query"},
    }[name]
    assert got == expected


def test_openai_gateway_requests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monitors = render(tmp_path, monkeypatch, "openai-gateway", {
        **REQUIRED["openai-gateway"], "base_url": "https://openrouter.ai/api/v1/", "model": "openai/gpt-4o",
        "max_tokens": 512, "max_tokens_param": "max_completion_tokens", "temperature": 1})
    models, model, chat = monitors["gw-models"], monitors["gw-model"], monitors["gw-chat"]
    assert models["url"] == model["url"] == "https://openrouter.ai/api/v1/models"
    assert chat["url"] == "https://openrouter.ai/api/v1/chat/completions"
    for monitor in monitors.values():
        assert monitor["headers"]["Authorization"] == "Bearer ${GW_API_KEY}"
        assert monitor["expected_value"] == "true"
    assert model["query"] == '$count(data[id = "openai/gpt-4o"]) > 0'
    assert chat["method"] == "POST"
    assert chat["body"] == {"model": "openai/gpt-4o",
                            "messages": [{"role": "user", "content": "Respond with the word HEALTHY"}],
                            "max_completion_tokens": 512, "temperature": 1}


@pytest.mark.parametrize("model", ["gpt-4o", "meta-llama/Llama-3.1-8B-Instruct", "llama3.1:8b", "it's <odd> & \"quoted\""])
def test_model_ids_are_matched_exactly_whatever_they_contain(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str) -> None:
    # The samples built from the var must pass: the listed id is UP, near misses are DOWN.
    project(tmp_path, instance("openai-gateway", {**REQUIRED["openai-gateway"], "model": model}))
    code, report = lint_json(tmp_path, monkeypatch, "lint", "--strict")
    assert (code, report["problems"]) == (0, [])


def test_langfuse_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on = render(tmp_path / "on", monkeypatch, "langfuse", {
        **REQUIRED["langfuse"], "worker_url": "http://langfuse-worker:3030/", "check_recent_events": True})
    assert on["lf-health"]["url"] == "https://langfuse.example.com/api/public/health?failIfDatabaseUnavailable=true"
    assert on["lf-ready"]["url"] == "https://langfuse.example.com/api/public/ready"
    assert on["lf-worker"]["url"] == "http://langfuse-worker:3030/api/health"
    assert on["lf-ingestion"]["url"] == "https://langfuse.example.com/api/public/health?failIfNoRecentEvents=true"
    off = render(tmp_path / "off", monkeypatch, "langfuse", {**REQUIRED["langfuse"], "check_database": False})
    assert off["lf-health"]["url"] == "https://langfuse.example.com/api/public/health"


def test_web_backend_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monitors = render(tmp_path, monkeypatch, "web-backend", {
        **REQUIRED["web-backend"], "base_url": "https://api.example.com/", "check_live": True,
        "ready_path": "/api/ready", "live_path": "/livez", "health_path": "/healthz"})
    assert [m["url"] for m in monitors.values()] == [
        "https://api.example.com/healthz", "https://api.example.com/api/ready", "https://api.example.com/livez"]
    assert (monitors["api-ready"]["query"], monitors["api-ready"]["expected_value"]) == ("status", "ready")


def test_pipelines_requests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monitors = render(tmp_path, monkeypatch, "openwebui-pipelines", {
        **REQUIRED["openwebui-pipelines"], "pipeline": "anthropic_manifold_pipeline.claude-3-5-sonnet-20241022"})
    assert monitors["pl-status"]["url"] == "http://pipelines:9099/"
    assert "headers" not in monitors["pl-status"]
    assert monitors["pl-pipelines"]["url"] == monitors["pl-pipeline"]["url"] == "http://pipelines:9099/v1/models"
    assert monitors["pl-pipeline"]["headers"] == {"Authorization": "Bearer ${PIPELINES_API_KEY}"}


# ---------------------------------------------------------------- line numbers

# (template, vars, interval var set to 5 s): the optional monitors before the one that
# uses the var are off, so the problem's line is right only if rendered lines stay equal
# to template lines.
LINE_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("web-backend", {"check_health": False}, "ready_interval"),
    ("web-backend", {"check_health": False, "check_ready": False, "check_live": True}, "live_interval"),
    ("langfuse", {"check_ready": False, "check_recent_events": True}, "ingestion_interval"),
    ("langfuse", {"check_ready": False, "worker_url": "http://w:3030"}, "worker_interval"),
    ("openai-gateway", {"model": "m"}, "models_interval"),
    ("openai-gateway", {"model": "m"}, "chat_interval"),
    ("openai-gateway", {"model": "m", "chat": False, "litellm_health": True}, "backends_interval"),
    ("openwebui-pipelines", {"pipeline": "p"}, "pipelines_interval"),
]


@pytest.mark.parametrize(("name", "extra", "var"), LINE_CASES, ids=[f"{n}-{v}" for n, _, v in LINE_CASES])
def test_problems_point_at_the_template_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                             extra: dict[str, Any], var: str) -> None:
    project(tmp_path, instance(name, {**REQUIRED[name], **extra, var: 5}))
    code, report = lint_json(tmp_path, monkeypatch, "lint", "--target", "1.23.17")
    assert code == 1
    lines = {p["line"] for p in report["problems"] if p["code"] == "KP501"}
    assert lines == lines_containing(name, f"{{{{ {var} |")
    assert {p["code"] for p in report["problems"] if p["severity"] == "error"} == {"KP501"}
