"""JSONata expressions compiled once, then evaluated thread-safely within a time budget.

This is the only module that drives jsonata-python's evaluator; importing it
applies :mod:`kumaprov.semantics.jsonata_fixes` first, so every evaluation sees the
jsonata-js behaviour Uptime Kuma has.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from jsonata import JException, Jsonata
from jsonata.utils import Utils

import kumaprov.semantics.jsonata_fixes  # noqa: F401  (applied on import, before any expression is compiled)
from kumaprov import budget
from kumaprov.semantics.deepjson import copy_tree
from kumaprov.semantics.jsonata_regex import bound_date_parsing, timed_regex_engine

__all__ = ["DEFAULT_TIMEOUT_MS", "MEMORY_BUDGET", "CompiledQuery", "EvaluationTimeout", "EvaluationTooLarge",
           "QuerySyntaxError", "compile_query"]

# Uptime Kuma itself has no limit; a lint run must not stall on a runaway
# recursive lambda, so evaluation past this budget is reported as DOWN.
DEFAULT_TIMEOUT_MS: Final = 2000
MEMORY_BUDGET: Final = budget.MEMORY_BUDGET


class QuerySyntaxError(ValueError):
    """A JSONata expression that does not parse.

    ``position`` is the 0-based offset of the offending token (or of the end
    of the expression), ``code`` the JSONata error code such as ``S0202``.
    """

    def __init__(self, message: str, position: int | None, code: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.code = code


class EvaluationTimeout(Exception):
    """The time budget is spent (Python loops and regex matching included)."""


class EvaluationTooLarge(Exception):
    """The evaluation needed more memory than MEMORY_BUDGET."""


class CompiledQuery:
    """A parsed JSONata expression, reusable across evaluations and threads."""

    def __init__(self, expr: str, engine: Any) -> None:
        self.expr = expr
        self._engine = engine
        # jsonata-python keeps per-evaluation state on the instance, so two
        # threads must not evaluate the same instance at once.
        self._lock = threading.Lock()

    @property
    def ast(self) -> Any:
        """The parsed expression tree, for analysis (see kumaprov.semantics.querynames)."""
        return self._engine.ast

    def evaluate(self, data: Any, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Any:
        """Evaluate on a value from :func:`kumaprov.semantics.jsjson.parse_body`; returns the raw jsonata result.

        The result uses jsonata-python's model: ``None`` is undefined and
        ``Utils.NULL_VALUE`` is null.  Raises whatever jsonata raises, and
        ``EvaluationTimeout`` when ``timeout_ms`` is exceeded.
        """
        with self._lock:
            deadline = time.monotonic() + timeout_ms / 1000.0
            try:
                with budget.bounded(timeout_ms / 1000.0):
                    # jsonata-python evaluates through the instance most recently
                    # *constructed* on this thread ($now, $eval read it); point it here.
                    Jsonata.CURRENT.jsonata = self._engine
                    return self._engine.evaluate(_to_jsonata_input(data), _time_budget(deadline))
            except budget.BudgetExceeded as exceeded:
                # Stopped anywhere inside the evaluator: its per-evaluation state
                # may be half-changed, so the next evaluation gets a fresh instance.
                self._engine = _engine(self.expr)
                if isinstance(exceeded, budget.MemoryBudgetExceeded):
                    raise EvaluationTooLarge() from None
                raise EvaluationTimeout() from None


def _time_budget(deadline: float) -> dict[str, Callable[..., None]]:
    # jsonata-python's own Timebox starts its clock when the expression is
    # compiled, which would expire cached queries; these hooks restart it for
    # every evaluation.  They run on entry/exit of each AST node; the budget's
    # watchdog covers the loops inside built-ins, between two nodes.
    def check(*_: Any) -> None:
        if time.monotonic() > deadline:
            raise budget.TimeBudgetExceeded()

    return {"__evaluate_entry": check, "__evaluate_exit": check}


def _to_jsonata_input(value: Any) -> Any:
    # jsonata-python reads a Python None as *undefined*; JSON null must be
    # its NULL_VALUE.  Copying also keeps cached parsed bodies safe from the
    # flags jsonata sets on lists it touches.
    try:
        return _copy(value)
    except RecursionError:  # a body nested deeper than Python recurses: V8 evaluates it
        return copy_tree(value, _null_value)


def _null_value(value: Any) -> Any:
    return Utils.NULL_VALUE if value is None else value


def _copy(value: Any) -> Any:
    if value is None:
        return Utils.NULL_VALUE
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value


@functools.lru_cache(maxsize=2048)
def compile_query(expr: str) -> CompiledQuery:
    """Parse ``expr`` once (cached by expression text); raises QuerySyntaxError."""
    try:
        engine = _engine(expr)
    except JException as err:
        raise QuerySyntaxError(str(err), _syntax_position(expr, err), err.error) from None
    except RecursionError:
        raise QuerySyntaxError("expression is nested too deeply", None, None) from None
    except Exception as err:  # jsonata-python bugs surface as TypeError etc.
        raise QuerySyntaxError(f"cannot parse expression: {err}", None, None) from None
    return CompiledQuery(expr, engine)


bound_date_parsing()


def _engine(expr: str) -> Any:
    engine = Jsonata(expr, timed_regex_engine)
    engine.set_output_convert_nulls(False)  # keep null and undefined apart
    engine.set_validate_input(False)  # input always comes from JSON.parse
    return engine


def _syntax_position(expr: str, err: JException) -> int | None:
    # JSONata reports the offset just past the offending token; point at its start.
    location = err.location
    if not isinstance(location, int) or location < 0:
        return None
    token = err.current
    if isinstance(token, str) and token != "(end)" and expr[max(0, location - len(token)) : location] == token:
        location -= len(token)
    return min(location, len(expr))
