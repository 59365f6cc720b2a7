"""The built-in template library: `template: NAME` from any project, `kumaprov templates`.

A project with no templates/ of its own uses the templates kumaprov ships (and their
samples, inside the package); a project template of the same name wins; `render` and
`lint --verbose` say which file each instance used, with its version.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kumaprov.cli import main
from kumaprov.definitions.library import BUILTIN, TemplateSearch
from kumaprov.lint.run import lint
from kumaprov.definitions.project import load_project

REPO = Path(__file__).resolve().parent.parent
OPENWEBUI = """\
    monitors:
      - template: openwebui
        vars: {id: chat, name: Chat, base_url: "https://chat.example.com", api_key_env: CHAT_KEY, model: m}
"""


def run(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository of a user's own: monitors/ only, no templates/ and no kumaprov checkout."""
    (tmp_path / "monitors").mkdir()
    (tmp_path / "monitors" / "chat.yaml").write_text(textwrap.dedent(OPENWEBUI))
    return tmp_path


def test_the_builtin_library_is_the_repository_templates_directory() -> None:
    assert BUILTIN.resolve() == (REPO / "templates").resolve()
    assert TemplateSearch(Path("/nonexistent")).names() == sorted(
        p.name.removesuffix(".yaml.j2") for p in (REPO / "templates").glob("*.yaml.j2"))


def test_a_project_without_templates_uses_the_builtin_one_and_its_samples(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(project, monkeypatch, "lint", "--output", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []
    monkeypatch.chdir(project)
    linted = lint(load_project(None, project)[0])
    samples = {p.resolve() for p in linted.inputs if p.suffix in (".json", ".html", ".txt")}
    assert samples and all(p.is_relative_to(BUILTIN.resolve() / "samples" / "openwebui") for p in samples)
    assert {d.id for d in linted.definitions} == {"chat-health", "chat-models", "chat-chat"}


def test_render_and_verbose_lint_name_the_builtin_template_and_its_version(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    version = TemplateSearch(project / "templates").origin("openwebui").version
    rendered = run(project, monkeypatch, "render")
    assert rendered.exit_code == 0, rendered.output
    assert rendered.stdout.startswith(
        f"# monitors/chat.yaml:2:5: built-in template 'openwebui' (version {version})\n")
    linted = run(project, monkeypatch, "lint", "--verbose")
    assert linted.exit_code == 0, linted.output
    assert f"monitors/chat.yaml:2:5: built-in template 'openwebui' (version {version})" in linted.stderr


def test_a_project_template_of_the_same_name_wins(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "templates").mkdir()
    own = project / "templates" / "openwebui.yaml.j2"
    own.write_text("monitors:\n  - {id: '{{ id }}-only', name: '{{ name }}', type: http, url: '{{ base_url }}'}\n")
    result = run(project, monkeypatch, "render", "--format", "json", "--verbose")
    assert result.exit_code == 0, result.output
    assert [m["id"] for m in json.loads(result.stdout)] == ["chat-only"]
    assert "monitors/chat.yaml:2:5: project template 'openwebui' (templates/openwebui.yaml.j2, version" \
        in result.stderr
    listed = run(project, monkeypatch, "templates")
    assert "openwebui  (project, templates/openwebui.yaml.j2, instead of the built-in one" in listed.stdout


def test_the_version_changes_with_the_template_text(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "templates").mkdir()
    own = project / "templates" / "openwebui.yaml.j2"
    own.write_text("monitors:\n  - {id: '{{ id }}', name: '{{ name }}', type: http, url: '{{ base_url }}'}\n")
    before = run(project, monkeypatch, "render").stdout.splitlines()[0]
    own.write_text(own.read_text().replace("type: http", "type: http, interval: 120"))
    after = run(project, monkeypatch, "render").stdout.splitlines()[0]
    assert before != after and before.split("version")[0] == after.split("version")[0]


def test_an_unknown_template_names_both_places_and_the_listing(project: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "monitors" / "chat.yaml").write_text("monitors:\n  - {template: nope}\n")
    result = run(project, monkeypatch, "lint")
    assert result.exit_code == 1
    assert "monitors/chat.yaml:2:16: KP005 no template 'nope' in templates or the built-in library " \
           "(`kumaprov templates` lists them)" in result.stdout


def test_templates_lists_every_builtin_with_variables_and_defaults(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "templates")
    assert result.exit_code == 0, result.output
    blocks = {block.split()[0]: block for block in result.stdout.split("\n\n")}
    assert sorted(blocks) == TemplateSearch(tmp_path).names()
    openwebui = blocks["openwebui"].splitlines()
    assert openwebui[0].startswith("openwebui  (built-in, version ")
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in openwebui[2:]}
    assert rows["id"][0] == "required" and rows["api_key_env"][0] == "required"
    assert rows["health_interval"][0] == "default" and rows["health_interval"][1].startswith("60 ")
    gateway = {line.split()[0]: line for line in blocks["openai-gateway"].splitlines()[2:]}
    assert gateway["model"].split()[1] == "optional"  # `model is defined` in the template
    assert "env" not in rows  # the env() function is no variable


def test_templates_show_prints_the_template_to_copy(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = run(project, monkeypatch, "templates", "show", "openwebui")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == (BUILTIN / "openwebui.yaml.j2").read_text(encoding="utf-8")
    assert shown.stderr.startswith("# built-in template 'openwebui' (version ")
    (project / "templates").mkdir()
    (project / "templates" / "openwebui.yaml.j2").write_text("monitors: []\n")
    assert run(project, monkeypatch, "templates", "show", "openwebui").stdout == "monitors: []\n"
    builtin = run(project, monkeypatch, "templates", "show", "--builtin", "openwebui")
    assert builtin.stdout == (BUILTIN / "openwebui.yaml.j2").read_text(encoding="utf-8")


def test_templates_show_an_unknown_name_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(tmp_path, monkeypatch, "templates", "show", "openwebu")
    assert result.exit_code == 2
    assert "no template 'openwebu' (did you mean 'openwebui'?)" in result.stderr


def test_templates_lists_a_project_template_that_does_not_parse(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "broken.yaml.j2").write_text("monitors:\n{% if %}\n")
    result = run(tmp_path, monkeypatch, "templates")
    assert result.exit_code == 0, result.output
    assert "broken  (project, templates/broken.yaml.j2, version " in result.stdout
    assert "(does not parse: line 2: " in result.stdout


def test_a_project_file_cannot_borrow_the_builtin_trust_by_path(project: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`templates:` pointing at the package's own directory makes it the project's directory,
    with whatever rules bind project files, never the built-in library's trust."""
    (project / "kumaprov.yaml").write_text(f"templates: {json.dumps(str(BUILTIN.resolve()))}\n")
    result = run(project, monkeypatch, "render", "--verbose")
    assert "built-in template" not in result.stdout + result.stderr
    assert result.exit_code == 2 and "KP001" in result.stderr and "outside the project directory" in result.stderr


def test_a_project_file_cannot_read_the_builtin_samples_by_path(project: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's samples are read for the monitors a built-in template renders, and only for them."""
    shipped = BUILTIN.resolve() / "samples" / "openwebui" / "models.json"
    (project / "monitors" / "own.yaml").write_text(textwrap.dedent(f"""\
        monitors:
          - id: own
            name: Own
            type: json-query
            url: https://chat.example.com/api/models
            query: "$count(data[*]) > 0"
            expected_value: "true"
            samples:
              - {{file: {json.dumps(str(shipped))}, expect: up}}
        """))
    result = run(project, monkeypatch, "lint")
    assert result.exit_code == 1
    assert f"monitors/own.yaml:9:16: KP303 cannot read sample {shipped}: outside the project directory" \
        in result.stdout
    assert result.stdout.count("KP303") == 1  # the built-in instance in chat.yaml still reads its samples


def test_a_project_template_gets_no_samples_from_the_library(project: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of a built-in template in templates/ is the project's: its samples must be there too."""
    (project / "templates").mkdir()
    (project / "templates" / "openwebui.yaml.j2").write_text((BUILTIN / "openwebui.yaml.j2").read_text())
    result = run(project, monkeypatch, "lint")
    assert result.exit_code == 1
    assert "KP303 cannot read sample samples/openwebui/health.json: No such file or directory" in result.stdout
