"""Jinja templates that expand one short block of YAML into several monitors.

A template is `templates/<name>.yaml.j2`; it renders YAML with a top-level
`monitors:` list. Undefined variables are errors (StrictUndefined), and every
error names the template file and line as well as the file that used it.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.exceptions
import jinja2.meta
import jinja2.sandbox

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


class Templates:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        # The sandbox bounds `range()` and blocks attribute tricks: a template is code,
        # and lint runs it on every commit.
        self._env = jinja2.sandbox.SandboxedEnvironment(
            loader=jinja2.FileSystemLoader(str(directory)),
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
        return "/" not in name and "\\" not in name and self.path(name).is_file()

    def source(self, name: str) -> str:
        """The template's text (`kumaprov templates show`, and its version)."""
        return self._env.loader.get_source(self._env, name + SUFFIX)[0]  # type: ignore[union-attr]

    def variables(self, name: str) -> frozenset[str]:
        """The variables a template reads (empty when it does not parse: render says why)."""
        if name not in self._variables:
            try:
                source = self._env.loader.get_source(self._env, name + SUFFIX)[0]  # type: ignore[union-attr]
                self._variables[name] = frozenset(jinja2.meta.find_undeclared_variables(self._env.parse(source)))
            except jinja2.TemplateError:
                self._variables[name] = frozenset()
        return self._variables[name]

    def render(self, name: str, variables: Mapping[str, Any]) -> str:
        file = str(self.path(name))
        try:
            template = self._env.get_template(name + SUFFIX)
            return _bounded(template.generate(**variables))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}", file, exc.lineno) from None
        except jinja2.UndefinedError as exc:
            message = f"template variable error: {exc.message}; pass it under `vars`"
            raise TemplateError(message, file, _template_line(exc, file)) from None
        except RecursionError:
            raise TemplateError("template recursion is too deep", file, None) from None
        except (TemplateOutputTooLarge, jinja2.exceptions.SecurityError) as exc:
            raise TemplateError(f"template error: {exc}", file, _template_line(exc, file)) from None
        except Exception as exc:  # a filter or test raising: still the user's template at fault
            raise TemplateError(f"template error: {exc}", file, _template_line(exc, file)) from None


MAX_OUTPUT = 5_000_000  # characters; a runaway loop must end as an error, not fill memory


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


def _undefined_is_an_error(value: Any) -> Any:
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _template_line(exc: BaseException, file: str) -> int | None:
    # Jinja rewrites tracebacks so that template frames carry the template's own file and line.
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == file]
    return lines[-1] if lines else None
