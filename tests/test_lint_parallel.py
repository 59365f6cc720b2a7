"""Reading a project's files in forked processes (lint/parallel.py) gives what one sequential
read gives: the same problems in the same order, the same definitions, the same report."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from kumaprov.definitions.project import load_project
from kumaprov.lint import parallel, report
from kumaprov.lint.run import LintResult, lint

REPO = Path(__file__).resolve().parents[1]

INSTANCE = """\
  - template: openwebui
    vars: {{id: owui-{f}-{i}, name: "OWUI {f}/{i}", base_url: "https://o{f}-{i}.test", api_key_env: K_{f}_{i},
           model: m{extra}}}
"""

# Problems in several files, of every origin: the YAML parser, the schema, templates (the
# same template line for every instance, told apart only by the instance: the order that
# the merge must keep), samples, secrets, and a duplicate id across two files.
BROKEN = {
    1: "  - {id: plain-1, name: P, type: htp, url: 'https://p.test'}\n",
    2: "  - {id: owui-0-0-health, name: Dup, type: http, url: 'https://d.test'}\n",
    3: "  - {id: plain-3, name: P, type: http, url: 'https://p.test', intervall: 60}\n",
    4: ("  - id: plain-4\n    name: P\n    type: json-query\n    url: https://p.test\n    query: status\n"
        "    expected_value: ok\n    headers: {Authorization: Bearer sk-abcdefghijklmnopqrstuvwx}\n"
        "    samples:\n      - {body: '{\"status\": \"ok\"}', expect: down}\n"),
    5: "  - template: openwebui\n    vars: {id: owui-5-x, name: X, base_url: 'https://x.test', model: m}\n",
    6: "  - {id: [broken\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    template = tmp_path / "templates" / "openwebui.yaml.j2"
    # Every instance's health check below the minimum interval: one template line, many instances.
    template.write_text(template.read_text().replace("health_interval | default(60)", "health_interval | default(5)"))
    # A bad project default is every file's problem, reported once whoever reads the files.
    (tmp_path / "kumaprov.yaml").write_text("defaults:\n  retries: 1\n  intervall: 60\n")
    (tmp_path / "monitors").mkdir()
    for f in range(8):
        parts = ["defaults: {resend_interval: 10, retrys: 2}\n" if f == 4 else "", "monitors:\n"]
        for i in range(4):
            extra = ", alerts: {chat: {down: {for: 3x}}}" if (f + i) % 3 == 0 else ""
            extra += ", modle: m" if (f, i) == (2, 1) else ""
            parts.append(INSTANCE.format(f=f, i=i, extra=extra))
        parts.append(BROKEN.get(f, ""))
        (tmp_path / "monitors" / f"team-{f}.yaml").write_text("".join(parts))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each forked reader's part came back (rather than being read again here)."""
    came_back: list[bool] = []
    collect = parallel._collect

    def recording(child: tuple[int, int]) -> tuple[bool, object]:
        ok, value = collect(child)
        came_back.append(ok)
        return ok, value

    monkeypatch.setattr(parallel, "_collect", recording)
    return came_back


def summary(result: LintResult) -> dict[str, Any]:
    return {
        "problems": result.problems,
        "json": report.render_problems("json", result.problems, len(result.files)),
        "text": report.render_problems("text", result.problems, len(result.files)),
        "definitions": [(d.id, d.position, d.via, d.raw, d.raw.key_pos, d.raw.value_pos, d.monitor)
                        for d in result.definitions],
        "files": result.files,
        "template_uses": result.template_uses,
        "inputs": sorted(map(str, result.inputs)),
    }


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_read_gives_the_sequential_result(project: Path, forks: list[bool], workers: int) -> None:
    loaded, _ = load_project(None, project)
    sequential = lint(loaded, workers=1)
    assert forks == []  # one worker: nothing forked
    assert sum(problem.position.file == "kumaprov.yaml" for problem in sequential.problems) == 1
    codes = {problem.code for problem in sequential.problems}
    assert {"KP002", "KP004", "KP007", "KP104", "KP105", "KP201", "KP302", "KP401"} <= codes
    assert len({problem.position.file for problem in sequential.problems}) >= 5

    forked = lint(loaded, workers=workers, parallel_from=0)
    assert forks == [True] * (workers - 1)  # every child's part came back and was used
    assert summary(forked) == summary(sequential)


def test_a_small_project_does_not_fork(project: Path, forks: list[bool]) -> None:
    loaded, _ = load_project(None, project)
    lint(loaded, workers=2)  # well under twice parallel.MIN_BYTES
    assert forks == []


def test_runs_are_consecutive_and_cover_every_file(tmp_path: Path) -> None:
    files = []
    for index, size in enumerate([10, 500, 20, 20, 400, 30, 10]):
        path = tmp_path / f"f{index}.yaml"
        path.write_text("x" * size)
        files.append(path)
    runs = parallel.split(files, 2, 0)
    assert len(runs) == 2 and [path for run in runs for path in run] == files
    assert parallel.split(files, 2, 10_000) == [files]  # too small to pay for a fork
    assert len(parallel.split(files, 8, 400)) == 2  # each run at least min_bytes (990 bytes in all)
    assert parallel.split(files[:1], 4, 0) == [files[:1]]
    assert len(parallel.split(files, 3, 0)) == 3


def test_a_failing_child_costs_only_speed() -> None:
    here = os.getpid()

    def only_here() -> str:
        if os.getpid() != here:
            raise RuntimeError("a child that fails")
        return "read here"

    assert parallel.in_children([lambda: "first", only_here]) == ["first", "read here"]
    # And a child that works does the work (its own process id comes back).
    pids = parallel.in_children([os.getpid, os.getpid, os.getpid])
    assert pids[0] == here and len({*pids}) == 3
