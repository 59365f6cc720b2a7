"""Jinja's sandbox, with the arithmetic that makes huge values from small ones bounded.

The sandbox already blocks attribute tricks and bounds `range()`. What it lets through
is `'x' * 3000000000` (3 GB in one C call, folded at compile time) and `10 ** 10 ** 10`
(minutes of C arithmetic that no watchdog can interrupt). Intercepting these operators
also stops Jinja folding them at compile time, so the check runs where it can report.
The time and memory of the rest of a render are bounded by kumaprov.budget.

Compiling a template also records the variables it reads (`read_names`), so lint learns them
from the one parse and code generation that rendering needs anyway: jinja2.meta's
find_undeclared_variables parses the text again and runs the code generator a second time,
which cost as much as the compile itself.
"""

from __future__ import annotations

import math
from typing import Any

import jinja2.compiler
import jinja2.exceptions
import jinja2.runtime
import jinja2.sandbox

MAX_VALUE = 5_000_000  # characters or items: a template's whole output is bounded by as much
MAX_POWER_BITS = 100_000  # about 30,000 digits; no monitor needs a larger number


class _RecordingGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, also remembering each name the template looks up in its context:
    the same rule as jinja2.meta.TrackingCodeGenerator (loads that resolve, environment globals
    left out), applied while the code is written rather than in a pass of its own."""

    def __init__(self, environment: Any, name: str | None, filename: str | None, *args: Any) -> None:
        super().__init__(environment, name, filename, *args)
        self.undeclared: set[str] = set()

    def enter_frame(self, frame: jinja2.compiler.Frame) -> None:
        super().enter_frame(frame)
        for _, (action, param) in frame.symbols.loads.items():
            if action == "resolve" and param not in self.environment.globals:
                self.undeclared.add(param)

    def visit_Template(self, node: Any, frame: jinja2.compiler.Frame | None = None) -> None:
        super().visit_Template(node, frame)
        if self.name is not None:  # only recorded once the whole template compiled
            self.environment.read_names[self.name] = frozenset(self.undeclared)


class BoundedSandbox(jinja2.sandbox.SandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])
    code_generator_class = _RecordingGenerator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_names: dict[str, frozenset[str]] = {}  # template name -> the variables it reads

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
