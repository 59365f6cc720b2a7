"""Jinja templates that expand one short block of YAML into several monitors.

A template is `templates/<name>.yaml.j2`; it renders YAML with a top-level
`monitors:` list. Undefined variables are errors (StrictUndefined), and every
error names the template file and line as well as the file that used it.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.meta

from kumaprov import budget
from kumaprov.definitions.fileguard import FileGuard, Refused
from kumaprov.definitions.template_sandbox import BoundedSandbox

SUFFIX = ".yaml.j2"


class TemplateError(Exception):
    def __init__(self, message: str, file: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line


def env_reference(name: str) -> str:
    """`{{ env("API_KEY") }}` writes the reference `${API_KEY}` into the rendered YAML."""
    return "${" + str(name) + "}"


class TemplateUnreadable(jinja2.TemplateError):
    """A template (or a file it includes) the file guard refuses."""


class _GuardedLoader(jinja2.BaseLoader):
    """Templates read through the file guard, each once: inside the project, regular, bounded."""

    def __init__(self, directory: Path, guard: FileGuard) -> None:
        self.directory = directory
        self.guard = guard
        self._texts: dict[str, str | Refused] = {}

    def read(self, template: str) -> str:
        if template not in self._texts:
            path = os.path.join(self.directory, *jinja2.loaders.split_template_path(template))
            try:
                self._texts[template] = self.guard.read_text(path)
            except Refused as exc:
                self._texts[template] = exc
        text = self._texts[template]
        if isinstance(text, Refused):
            raise text
        return text

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = os.path.join(self.directory, *jinja2.loaders.split_template_path(template))
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        try:
            text = self.read(template)
        except Refused as exc:
            raise TemplateUnreadable(f"cannot read template {template}: {exc}") from None
        return text, path, lambda: True  # a run is short: a template never changes under it


class Templates:
    def __init__(self, directory: Path, guard: FileGuard | None = None) -> None:
        self.directory = directory
        self._loader = _GuardedLoader(directory, guard or FileGuard.of([directory]))
        # The sandbox bounds `range()` and blocks attribute tricks: a template is code,
        # and lint runs it on every commit.
        self._overran: dict[str, TemplateError] = {}
        self._env = BoundedSandbox(
            loader=self._loader,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )
        self._env.globals["env"] = env_reference
        self._variables: dict[str, frozenset[str]] = {}
        # `tojson` would otherwise report an undefined variable as "Object of type
        # StrictUndefined is not JSON serializable" instead of naming the variable.
        self._env.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": _undefined_is_an_error}

    def names(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.name.removesuffix(SUFFIX) for p in self.directory.glob("*" + SUFFIX))

    def path(self, name: str) -> Path:
        return self.directory / (name + SUFFIX)

    def exists(self, name: str) -> bool:
        path = self.path(name)
        return "/" not in name and "\\" not in name and (path.is_file() or path.is_symlink())

    def unreadable(self, name: str) -> str | None:
        """Why an existing template cannot be read (outside the project, not a file, too big)."""
        try:
            self._loader.read(name + SUFFIX)
        except Refused as exc:
            return str(exc)
        return None

    def source(self, name: str) -> str:
        """The template's text (`kumaprov templates show`, and its version)."""
        return self._env.loader.get_source(self._env, name + SUFFIX)[0]  # type: ignore[union-attr]

    def variables(self, name: str) -> frozenset[str]:
        """The variables a template reads (empty when it does not parse: render says why)."""
        if name not in self._variables:
            # Compiling records the variables (template_sandbox), and render() then finds the
            # template compiled in Jinja's cache: one parse and one code generation, not two.
            try:
                with budget.bounded(RENDER_SECONDS):
                    self._env.get_template(name + SUFFIX)
                self._variables[name] = self._env.read_names[name + SUFFIX]
                return self._variables[name]
            except budget.BudgetExceeded as exc:  # as below: no variables, and render reports it
                self._variables[name] = frozenset()
                self._overran[name] = _overrun(exc, str(self.path(name)), None)
                return self._variables[name]
            except Exception:
                pass  # a template that does not compile: the parse below meets it as it always did
            try:
                source = self._env.loader.get_source(self._env, name + SUFFIX)[0]  # type: ignore[union-attr]
                # Bounded too: finding the variables compiles, and compiling folds constants.
                with budget.bounded(RENDER_SECONDS):
                    found = jinja2.meta.find_undeclared_variables(self._env.parse(source))
                self._variables[name] = frozenset(found)
            except jinja2.TemplateError:
                self._variables[name] = frozenset()
            except budget.BudgetExceeded as exc:
                self._variables[name] = frozenset()
                self._overran[name] = _overrun(exc, str(self.path(name)), None)
        return self._variables[name]

    def render(self, name: str, variables: Mapping[str, Any]) -> str:
        """The rendered text, within RENDER_SECONDS, the memory budget and MAX_OUTPUT."""
        if name in self._overran:
            raise self._overran[name]  # a template that ran away once would again, per instance
        file = str(self.path(name))
        template: jinja2.Template | None = None
        try:
            with budget.bounded(RENDER_SECONDS):  # compiling too: Jinja folds constants then
                template = self._env.get_template(name + SUFFIX)
                return _bounded(template.generate(**variables))
        except budget.BudgetExceeded as exc:
            self._overran[name] = _overrun(exc, file, template)
            raise self._overran[name] from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", file, exc.lineno) from None
        except jinja2.UndefinedError as exc:
            message = f"template variable error: {exc.message}; pass it under `vars`"
            raise TemplateError(message, file, _template_line(exc, file)) from None
        except RecursionError:
            raise TemplateError("template recursion is too deep", file, None) from None
        except jinja2.TemplateNotFound as exc:  # an include or import of a template that is not there
            raise TemplateError(f"template error: no template '{exc.name}' in {self.directory.name}/ to include",
                                file, _template_line(exc, file)) from None
        except (TemplateOutputTooLarge, jinja2.exceptions.SecurityError) as exc:
            raise TemplateError(f"template error: {exc}", file, _template_line(exc, file)) from None
        except Exception as exc:  # a filter or test raising: still the user's template at fault
            raise TemplateError(f"template error: {exc or type(exc).__name__}", file,
                                _template_line(exc, file)) from None


MAX_OUTPUT = 5_000_000  # characters; a runaway loop must end as an error, not fill memory
RENDER_SECONDS = 2.0  # a template renders in well under a millisecond; nested range() loops do not


def _bounded(chunks: Iterator[str]) -> str:
    parts: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise TemplateOutputTooLarge(f"template output exceeds {MAX_OUTPUT:,} characters")
        parts.append(chunk)
    return "".join(parts)


class TemplateOutputTooLarge(Exception):
    pass


def _overrun(exc: budget.BudgetExceeded, file: str, template: jinja2.Template | None) -> TemplateError:
    what = (f"ran longer than {RENDER_SECONDS:g} s" if isinstance(exc, budget.TimeBudgetExceeded)
            else f"needs more than {budget.MEMORY_BUDGET // 2**20} MB of memory")
    # Jinja maps its own errors' frames to template lines; a bound is not its error, so map here.
    lines = [frame.lineno or 1 for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == file]
    line = template.get_corresponding_lineno(lines[-1]) if lines and template is not None else None
    return TemplateError(f"template rendering {what}", file, line)


def _undefined_is_an_error(value: Any) -> Any:
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _template_line(exc: BaseException, file: str) -> int | None:
    # Jinja rewrites tracebacks so that template frames carry the template's own file and line.
    lines = [frame.lineno or 1 for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == file]
    return lines[-1] if lines else None
