"""Jinja's sandbox, with the arithmetic that makes huge values from small ones bounded.

The sandbox already blocks attribute tricks and bounds `range()`. What it lets through
is `'x' * 3000000000` (3 GB in one C call, folded at compile time) and `10 ** 10 ** 10`
(minutes of C arithmetic that no watchdog can interrupt). Intercepting these operators
also stops Jinja folding them at compile time, so the check runs where it can report.
The time and memory of the rest of a render are bounded by kumaprov.budget.
"""

from __future__ import annotations

import math
from typing import Any

import jinja2.exceptions
import jinja2.runtime
import jinja2.sandbox

MAX_VALUE = 5_000_000  # characters or items: a template's whole output is bounded by as much
MAX_POWER_BITS = 100_000  # about 30,000 digits; no monitor needs a larger number


class BoundedSandbox(jinja2.sandbox.SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        return super().call_binop(context, operator, left, right)


def _check_repeat(left: Any, right: Any) -> None:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, (str, list, tuple)) and isinstance(times, int) and not isinstance(times, bool):
            size = len(sequence) * times
            if size > MAX_VALUE:
                raise jinja2.exceptions.SecurityError(
                    f"a repetition would make {size:,} characters or items (the limit is {MAX_VALUE:,})")


def _check_power(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1 and exponent > 0:
        if exponent * math.log2(abs(base)) > MAX_POWER_BITS:
            raise jinja2.exceptions.SecurityError(
                f"{base} ** {exponent} is too large a number for a template (over {MAX_POWER_BITS:,} bits)")
