"""Lint: load every file, validate the model, run the rules; all problems in one pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kumaprov import loader, versions
from kumaprov.checks import LintContext, run_checks
from kumaprov.loader import Definition, NotificationDefinition, TagDefinition
from kumaprov.problems import Problem
from kumaprov.project import Project


@dataclass(frozen=True)
class LintResult:
    definitions: list[Definition]
    notifications: list[NotificationDefinition]
    tags: list[TagDefinition]
    problems: list[Problem]
    files: list[Path]


def lint(project: Project, paths: Sequence[Path] | None = None, target: str | None = None) -> LintResult:
    """Lint against `target` (a server version), else the project's target, else every line."""
    loaded = loader.load(project, paths)
    lines = versions.lines_for(target or project.target)
    problems = loaded.problems + run_checks(loaded.definitions, LintContext(lines, loaded.entries, loaded.notifications, loaded.notification_entries, loaded.tags,
                                                                  project.owner_tag))
    problems.sort(key=Problem.sort_key)
    return LintResult(loaded.definitions, loaded.notifications, loaded.tags, problems, loaded.files)
