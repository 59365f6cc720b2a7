"""Templates are bounded in time, memory, output and nesting (issue 15, item 6).

The single-template cases are in the bad-input corpus (template-*.yaml); these need
several templates, or a smaller limit to reach in a test.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kumaprov.definitions import templatenesting
from kumaprov.cli import main


def lint(root: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Result:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, ["lint", "--no-cache"])


def test_a_template_instantiating_itself_is_one_problem_not_18_kb(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    result = lint(tmp_path, monkeypatch, {"templates/self.yaml.j2": "monitors:\n  - template: self\n",
                                          "monitors/m.yaml": "monitors:\n  - template: self\n"})
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "templates/self.yaml.j2:2:15: KP004 template 'self' instantiates itself (self -> self) "
        "(used at monitors/m.yaml:2:5)",
        "1 file(s) checked: 1 error(s), 0 warning(s)",
    ]


def test_templates_nested_too_deep_stop_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    depth = templatenesting.MAX_DEPTH
    files = {f"templates/level{n}.yaml.j2": f"monitors:\n  - template: level{n + 1}\n" for n in range(depth + 2)}
    files["monitors/m.yaml"] = "monitors:\n  - template: level0\n"
    result = lint(tmp_path, monkeypatch, files)

    assert result.exit_code == 1
    [problem] = [line for line in result.stdout.splitlines() if "KP004" in line]
    chain = " -> ".join(f"level{n}" for n in range(depth + 1))
    assert problem.startswith(f"templates/level{depth - 1}.yaml.j2:2:15: KP004 templates nested more than "
                              f"{depth} deep ({chain})")
    assert problem.count("(used at ") == depth  # one per level, not one per recursion of Python


def test_a_fan_out_of_instances_stops_at_the_limit_with_one_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templatenesting, "MAX_INSTANCES", 50)
    result = lint(tmp_path, monkeypatch, {
        "templates/fan.yaml.j2": """\
            monitors:
            {% for i in range(20) %}  - {template: leaf, vars: {id: "{{ prefix }}-{{ i }}"}}
            {% endfor %}""",
        "templates/leaf.yaml.j2": 'monitors:\n  - {id: "{{ id }}", name: "{{ id }}", type: http, url: "https://x.test/"}\n',
        "monitors/m.yaml": "monitors:\n" + "".join(f"  - {{template: fan, vars: {{prefix: p{n}}}}}\n" for n in range(5)),
    })

    assert result.exit_code == 1
    limits = [line for line in result.stdout.splitlines() if "template instances" in line]
    assert limits == ["templates/fan.yaml.j2:9:16: KP004 more than 50 template instances in one run; the rest are "
                      "not expanded (used at monitors/m.yaml:4:5)"]


def test_a_template_that_ran_out_of_time_is_not_run_again_for_each_instance(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = lint(tmp_path, monkeypatch, {
        "templates/slow.yaml.j2": "monitors:\n{% for i in range(100000) %}{% for j in range(100000) %}"
                                  "{% endfor %}{% endfor %}\n",
        "monitors/m.yaml": "monitors:\n" + "  - template: slow\n" * 3,
    })
    assert result.exit_code == 1
    assert [line.split(" (used at ")[0] for line in result.stdout.splitlines()[:3]] == \
        ["templates/slow.yaml.j2:2:1: KP004 template rendering ran longer than 2 s"] * 3
