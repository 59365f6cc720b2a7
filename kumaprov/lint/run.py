"""Lint: load every file, validate the model, run the rules; all problems in one pass."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from kumaprov import versions
from kumaprov.definitions.entries import Defined, Definition
from kumaprov.definitions.library import Origin, builtin_guard
from kumaprov.definitions.project import Project
from kumaprov.lint import parallel
from kumaprov.lint.checks import run_checks
from kumaprov.definitions.fileguard import guard_for
from kumaprov.lint.context import LintContext, SampleFiles
from kumaprov.problems import Position, Problem
from kumaprov.secrets import REDACTOR, references


@dataclass(frozen=True)
class LintResult:
    definitions: list[Definition]  # the monitors
    defined: Mapping[str, list[Defined]]  # every other kind's entries, by kind name
    problems: list[Problem]
    files: list[Path]
    inputs: list[Path]  # everything read: monitor and project files, templates, samples
    template_uses: list[tuple[Position, Origin]] = field(default_factory=list)  # instance -> template file

    def of(self, kind: str) -> list[Defined]:
        return list(self.defined.get(kind, ()))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The loader keeps tens of thousands of small objects alive, and the cyclic garbage
    collector walking them over and over was about 45 % of linting 1,000 monitors
    (bench/lint_bench.py). Nothing lint allocates needs collecting before it returns."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _referenced(context: LintContext) -> set[str]:
    """The variables the definitions reference: their values are masked in every output."""
    return {ref.name for entry in context.with_secrets() for _, text in context.strings_of(entry)
            if "${" in text for ref in references(text)}


def lint(project: Project, paths: Sequence[Path] | None = None, target: str | None = None, *,
         workers: int | None = None, parallel_from: int = parallel.MIN_BYTES) -> LintResult:
    """Lint against `target` (a server version), else the project's target, else every line.
    From `parallel_from` bytes of monitor files, `workers` processes (default: one per core)
    read them (lint/parallel.py); the result is the same either way."""
    with _collector_paused():
        return _lint(project, paths, target, workers, parallel_from)


def _lint(project: Project, paths: Sequence[Path] | None, target: str | None, workers: int | None,
          parallel_from: int) -> LintResult:
    guard = guard_for(project.root, paths or ())  # one rule for every file a definition names
    loaded = parallel.load(project, paths, guard, workers, parallel_from)
    lines = versions.lines_for(target or project.target)
    context = LintContext(lines, loaded.entries, project.owner_tag, SampleFiles(guard, builtin_guard()),
                          defined=loaded.defined, written=loaded.written, variables=project.variables)
    problems = loaded.problems + run_checks(loaded.definitions, context)
    if project.environment is not None:  # say whose problem it is: each environment is linted apart
        problems = [replace(problem, environment=project.environment.name) for problem in problems]
    REDACTOR.add_environment(os.environ, _referenced(context))
    problems.sort(key=Problem.sort_key)
    templates = [p for p in project.templates_dir.rglob("*") if p.is_file() and guard.contains(p)] \
        if project.templates_dir.is_dir() and guard.contains(project.templates_dir) else []
    # Built-in templates are read (and hashed) within the library's own bound; the cache hashes
    # the rest only inside the project: never a link out of it.
    used = [origin.path for _, origin in loaded.template_uses if origin.builtin]
    inputs = [p for p in [*loaded.files, *templates, *context.samples.paths(), *([project.file] if project.file else [])]
              if guard.contains(p)] + [*used, *context.samples.builtin_paths()]
    return LintResult(loaded.definitions, loaded.defined, problems, loaded.files, inputs, loaded.template_uses)


def lint_environments(project: Project, paths: Sequence[Path] | None = None, target: str | None = None, *,
                      workers: int | None = None) -> LintResult:
    """Lint each environment of the project in turn (each with its own target, defaults and
    template variables), every problem tagged with the environment it was found in: a problem
    in two environments is reported twice, once for each. One environment chosen, or none
    declared: the plain lint."""
    if not project.environments or project.environment is not None:
        return lint(project, paths, target, workers=workers)
    results = [(env.name, lint(project.select(env.name), paths, target, workers=workers))
               for env in project.environments]
    problems = [problem for _, result in results for problem in result.problems]
    problems.sort(key=Problem.sort_key)  # stable: the environments' order within one place
    first = results[0][1]
    return LintResult(first.definitions, first.defined, problems,
                      list(dict.fromkeys(path for _, result in results for path in result.files)),
                      list(dict.fromkeys(path for _, result in results for path in result.inputs)),
                      list(dict.fromkeys(use for _, result in results for use in result.template_uses)))
