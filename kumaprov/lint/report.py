"""Renderers for lint problems: text, json and GitHub annotations, chosen by name."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from kumaprov.problems import Problem, Severity
from kumaprov.secrets import REDACTOR

FORMAT_VERSION = 1


def _summary(problems: Sequence[Problem], files: int) -> str:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return f"{files} file(s) checked, no problems"
    return f"{files} file(s) checked: {errors} error(s), {warnings} warning(s)"


def problems_text(problems: Sequence[Problem], files: int) -> str:
    lines = [p.text() for p in problems]
    lines.append(_summary(problems, files))
    return "\n".join(lines)


def problems_json(problems: Sequence[Problem], files: int) -> str:
    document = {
        "version": FORMAT_VERSION,
        "files": files,
        "errors": sum(p.severity is Severity.ERROR for p in problems),
        "warnings": sum(p.severity is Severity.WARNING for p in problems),
        "problems": [
            {
                "file": p.position.file,
                "line": p.position.line,
                "column": p.position.column,
                "code": p.code,
                "severity": p.severity.value,
                "message": p.message,
                "via": [str(v) for v in p.via],
                **({"environment": p.environment} if p.environment is not None else {}),
            }
            for p in problems
        ],
    }
    return json.dumps(document, indent=2)


def github_escape(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def problems_github(problems: Sequence[Problem], files: int) -> str:
    lines = []
    for p in problems:
        level = "error" if p.severity is Severity.ERROR else "warning"
        via = "".join(f" (used at {v})" for v in p.via)
        props = (f"file={github_escape(p.position.file, property_value=True)},line={p.position.line},"
                 f"col={p.position.column},title={p.code}")
        lines.append(f"::{level} {props}::{github_escape(p.in_environment() + p.message + via)}")
    lines.append(_summary(problems, files))
    return "\n".join(lines)


PROBLEM_FORMATS: dict[str, Callable[[Sequence[Problem], int], str]] = {
    "text": problems_text,
    "json": problems_json,
    "github": problems_github,
}


def render_problems(output: str, problems: Sequence[Problem], files: int) -> str:
    return REDACTOR(PROBLEM_FORMATS[output](problems, files))
