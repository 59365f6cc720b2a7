"""Lint rules: one small module each, run in the order of this explicit registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kumaprov.loader import Definition, Entry
from kumaprov.problems import Problem
from kumaprov.versions import ServerLine


@dataclass
class SampleFiles:
    """Sample bodies read once each: templated monitors share the same files."""

    _cache: dict[Path, str | OSError | UnicodeDecodeError] = field(default_factory=dict)

    def read(self, path: Path) -> str:
        key = path.resolve()
        if key not in self._cache:
            try:
                self._cache[key] = key.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self._cache[key] = exc
        result = self._cache[key]
        if isinstance(result, Exception):
            raise result
        return result


@dataclass(frozen=True)
class LintContext:
    lines: tuple[ServerLine, ...]  # the server versions the files must work on
    # Every monitor as written, including those that failed the schema: identity and
    # secrets are checked on these, so one typo does not hide a leaked token.
    entries: Sequence[Entry] = ()
    samples: SampleFiles = field(default_factory=SampleFiles)


Check = Callable[[Sequence[Definition], LintContext], Iterable[Problem]]


def registry() -> tuple[Check, ...]:
    # Imported here so that each rule module can import this package's types.
    from kumaprov.checks import bare_words, duplicate_ids, queries, samples, secrets, timing, versions

    return (
        duplicate_ids.check,
        versions.check,
        timing.check,
        secrets.check,
        queries.check,
        samples.check,
        bare_words.check,
    )


def run_checks(definitions: Sequence[Definition], context: LintContext) -> list[Problem]:
    problems: list[Problem] = []
    for check in registry():
        problems.extend(check(definitions, context))
    return problems
