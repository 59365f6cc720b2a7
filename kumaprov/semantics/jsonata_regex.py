"""The regex engine for JSONata regex literals: the `regex` module, with the time budget.

Python's `re` runs a match in C without a look at the clock, so `/(a|aa)+$/` on a long
string stalls lint for hours and nothing in the process can stop it. The `regex` module
takes a timeout per call; each call gets what is left of the evaluation's budget
(kumaprov.budget), and running out is the same TimeBudgetExceeded as any other overrun.
Its default syntax (VERSION0) is `re`'s, which jsonata-python was written against.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from jsonata.regex_engine import RegexFlags

from kumaprov.budget import TimeBudgetExceeded, remaining


class TimedPattern:
    """A compiled `regex` pattern whose every match is bounded by the current budget.

    It has the methods jsonata-python asks of a pattern (search, finditer, sub, split).
    """

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled
        self.pattern = compiled.pattern
        self.groups = compiled.groups
        self.flags = compiled.flags

    def search(self, string: str, *args: Any) -> Any:
        return self._call(self._compiled.search, string, *args)

    def match(self, string: str, *args: Any) -> Any:
        return self._call(self._compiled.match, string, *args)

    def fullmatch(self, string: str, *args: Any) -> Any:
        return self._call(self._compiled.fullmatch, string, *args)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return str(self._call(self._compiled.sub, repl, string, count))

    def split(self, string: str, maxsplit: int = 0) -> list[str]:
        return list(self._call(self._compiled.split, string, maxsplit))

    def finditer(self, string: str, *args: Any) -> Iterator[Any]:
        # The timeout of a finditer covers the whole iteration, so it is taken once here.
        matches = self._call(self._compiled.finditer, string, *args)
        while True:
            try:
                yield next(matches)
            except StopIteration:
                return
            except TimeoutError:
                raise TimeBudgetExceeded() from None

    @staticmethod
    def _call(method: Any, *args: Any) -> Any:
        return _bounded_call(method, *args)


def _bounded_call(method: Any, *args: Any, **kwargs: Any) -> Any:
    left = remaining()
    if left is not None and left <= 0:
        raise TimeBudgetExceeded()  # a timeout of 0 would not stop `regex`
    try:
        return method(*args, timeout=left, **kwargs)
    except TimeoutError:
        raise TimeBudgetExceeded() from None


@functools.cache
def _regex() -> ModuleType:
    # Imported on first use: it costs about 90 ms, and most projects' queries have no regex.
    import regex

    module: ModuleType = regex
    return module


def timed_regex_engine(pattern: str, flags: RegexFlags) -> TimedPattern:
    """jsonata-python's RegexEngine: (pattern, flags) -> a compiled pattern."""
    native = 0
    if flags.case_insensitive:
        native |= _regex().IGNORECASE
    if flags.multiline:
        native |= _regex().MULTILINE
    return TimedPattern(_regex().compile(pattern, native))


class _TimedReModule:
    """What jsonata-python's date parsing asks of `re`, bounded: `$toMillis` builds a regex
    from the picture, and a picture of twenty `[Y]` parts backtracks for ever on digits."""

    IGNORECASE = re.IGNORECASE  # the same flag value in `regex`

    @staticmethod
    def compile(pattern: str, flags: int = 0) -> TimedPattern:
        return TimedPattern(_regex().compile(pattern, flags))

    @staticmethod
    def split(pattern: str, string: str, maxsplit: int = 0, flags: int = 0) -> list[str]:
        return list(_bounded_call(_regex().split, pattern, string, maxsplit, flags))

    @staticmethod
    def sub(pattern: Any, repl: Any, string: str, count: int = 0, flags: int = 0) -> str:
        if isinstance(pattern, TimedPattern):
            return pattern.sub(repl, string, count)
        return str(_bounded_call(_regex().sub, pattern, repl, string, count, flags))


def bound_date_parsing() -> None:
    import jsonata.datetimeutils

    jsonata.datetimeutils.re = _TimedReModule
