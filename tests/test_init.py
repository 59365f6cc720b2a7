"""`kumaprov init`: a repository that lints from the first minute, written all or nothing.

Offline, through the real click command. tests/test_gitops.py runs the result with the real
tools (a built wheel, pre-commit, actionlint, check-jsonschema) and a real Uptime Kuma.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from kumaprov.scaffold import init as scaffold
from kumaprov.cli import main
from kumaprov.kinds.ownership import default_project
from kumaprov.scaffold.files import HOOK, SCHEMA_PATH, WORKFLOW_PATH

REPO = Path(__file__).resolve().parent.parent
FILES = ["kumaprov.yaml", "monitors/openwebui.yaml", SCHEMA_PATH, ".pre-commit-config.yaml", WORKFLOW_PATH,
         ".gitignore"]


def run(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args))


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_writes_a_project_that_lints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init", "--target", "2.0.0-dev.0")
    assert result.exit_code == 0, result.output
    assert sorted(tree(tmp_path)) == sorted(FILES)
    assert [line.split()[1] for line in result.stderr.splitlines() if line.startswith("  wrote")] == FILES
    project = yaml.safe_load((tmp_path / "kumaprov.yaml").read_text())
    assert project == {"project": default_project(tmp_path), "target": "2.0.0-dev.0", "monitors": ["monitors"],
                       "templates": "templates", "variables": ["OPENWEBUI_API_KEY"]}
    monitors = (tmp_path / "monitors" / "openwebui.yaml").read_text()
    modeline = monitors.splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../schema/kumaprov.schema.json"
    assert (tmp_path / "monitors" / modeline.split("=", 1)[1]).resolve() == tmp_path / SCHEMA_PATH
    assert json.loads((tmp_path / SCHEMA_PATH).read_text()) == json.loads(run(tmp_path, monkeypatch, "schema").stdout)
    assert yaml.safe_load(monitors)["monitors"] == [{"template": "openwebui", "vars": {
        "id": "openwebui", "name": "Open WebUI", "base_url": "https://chat.example.com",
        "api_key_env": "OPENWEBUI_API_KEY", "model": "llama3.1:8b"}}]
    linted = run(tmp_path, monkeypatch, "lint", "--output", "json")
    assert linted.exit_code == 0, linted.output
    assert json.loads(linted.stdout)["problems"] == []
    rendered = json.loads(run(tmp_path, monkeypatch, "render", "--format", "json").stdout)
    assert [m["id"] for m in rendered] == ["openwebui-health", "openwebui-models", "openwebui-chat"]


def test_the_hook_is_kumaprovs_own_hook_installed_with_the_workflows_requirement(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    requirement = "kumaprov @ git+https://git.example/kp@v9"
    assert run(tmp_path, monkeypatch, "init", "--requirement", requirement).exit_code == 0
    shipped = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [HOOK] == [{key: hook[key] for key in HOOK} for hook in shipped]
    (hook,) = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    assert {key: hook[key] for key in HOOK} == HOOK
    assert hook["additional_dependencies"] == [requirement]
    assert yaml.safe_load((tmp_path / WORKFLOW_PATH).read_text())["env"]["KUMAPROV"] == requirement


def test_a_second_init_overwrites_nothing_and_names_what_it_skipped(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    first = run(tmp_path, monkeypatch, "init")
    assert first.exit_code == 0, first.output
    assert "  skipped .gitignore: it exists (init never overwrites a file)" in first.stderr
    assert (tmp_path / ".gitignore").read_text() == "node_modules/\n"
    (tmp_path / "kumaprov.yaml").write_text("target: 1.23.17\n")
    before = tree(tmp_path)
    second = run(tmp_path, monkeypatch, "init", "--target", "2.5.3")
    assert second.exit_code == 0, second.output
    assert [line.split()[1].rstrip(":") for line in second.stderr.splitlines() if "skipped" in line] == FILES
    assert "nothing written: every file exists" in second.stderr
    assert tree(tmp_path) == before


@pytest.mark.parametrize(("args", "message"), [
    (["--template", "openwebu"], "no template 'openwebu' (did you mean 'openwebui'?)"),
    (["--template", "openai-gateway"], "template 'openai-gateway' needs base_url: pass --var base_url=..."),
    (["--var", "base_ur=https://x.example"],
     "template 'openwebui' has no variable 'base_ur' (did you mean 'base_url'?)"),
    (["--var", "nonsense"], "'nonsense' is not NAME=VALUE"),
    (["--target", "0.9"], "--target"),
])
def test_bad_choices_write_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                   message: str) -> None:
    result = run(tmp_path, monkeypatch, "init", "new", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_values_lint_rejects_write_nothing_and_name_file_and_line(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init", "--var", "health_interval=5", "--target", "1.23.17")
    assert result.exit_code == 1, result.output
    assert "KP501" in result.stderr and "(used at monitors/openwebui.yaml:" in result.stderr
    assert "/kumaprov-init-" not in result.stderr  # the scratch directory is not the user's business
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_place_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "file").write_text("")
    below_a_file = run(tmp_path, monkeypatch, "init", "file/repo")
    assert below_a_file.exit_code == 2
    assert "file is not a directory; nothing was written" in below_a_file.stderr
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".github").write_text("not a directory")
    blocked = run(tmp_path, monkeypatch, "init", "repo")
    assert blocked.exit_code == 2
    assert "cannot write repo/.github/workflows/kumaprov.yml: repo/.github is not a directory" in blocked.stderr
    assert sorted(p.name for p in (tmp_path / "repo").iterdir()) == [".github"]


def test_a_write_that_fails_midway_takes_back_what_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_parents = scaffold._make_parents

    def failing(directory: Path) -> list[Path]:
        if directory.name == "workflows":
            raise PermissionError(13, "Permission denied", str(directory))
        return make_parents(directory)

    monkeypatch.setattr(scaffold, "_make_parents", failing)
    (tmp_path / "monitors").mkdir()
    result = run(tmp_path, monkeypatch, "init")
    assert result.exit_code == 2
    assert "workflows: Permission denied; nothing was written" in result.stderr
    assert [p.name for p in tmp_path.rglob("*")] == ["monitors"]  # kept: it was there before


def test_another_template_with_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init", "--template", "openai-gateway", "--var", "id=litellm-prod",
                 "--var", "name=LiteLLM (prod)", "--var", "base_url=http://litellm:4000/v1",
                 "--var", "model=gpt-4o-mini", "--var", "chat=false", "--var", "models_interval=120")
    assert result.exit_code == 0, result.output
    (instance,) = yaml.safe_load((tmp_path / "monitors" / "litellm-prod.yaml").read_text())["monitors"]
    assert instance["vars"] == {"id": "litellm-prod", "name": "LiteLLM (prod)", "base_url": "http://litellm:4000/v1",
                                "api_key_env": "LITELLM_PROD_API_KEY", "model": "gpt-4o-mini", "chat": False,
                                "models_interval": 120}
    assert yaml.safe_load((tmp_path / "kumaprov.yaml").read_text())["variables"] == ["LITELLM_PROD_API_KEY"]
    assert "LITELLM_PROD_API_KEY: ${{ secrets.LITELLM_PROD_API_KEY }}" in (tmp_path / WORKFLOW_PATH).read_text()
    assert run(tmp_path, monkeypatch, "lint").exit_code == 0


def test_init_in_a_new_directory_creates_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "init", "a/b")
    assert result.exit_code == 0, result.output
    assert sorted(tree(tmp_path / "a" / "b")) == sorted(FILES)
    assert "Next, in a/b:" in result.stderr
    assert not os.path.exists(tmp_path / "kumaprov.yaml")


def test_init_can_start_from_the_directorys_own_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "site.yaml.j2").write_text(
        "# site: one web site.\n# vars:\n#   url   the page\n#\n"
        "monitors:\n  - {id: '{{ id }}', name: '{{ name }}', type: http, url: '{{ url }}'}\n")
    result = run(tmp_path, monkeypatch, "init", "--template", "site", "--var", "url=https://example.com")
    assert result.exit_code == 0, result.output
    assert run(tmp_path, monkeypatch, "lint").exit_code == 0
    assert yaml.safe_load((tmp_path / "monitors" / "site.yaml").read_text())["monitors"][0]["vars"] == {
        "id": "site", "name": "site", "url": "https://example.com"}
    broken = run(tmp_path, monkeypatch, "init", "elsewhere", "--template", "site")
    assert broken.exit_code == 2 and "no template 'site'" in broken.stderr  # elsewhere/ has no templates/
