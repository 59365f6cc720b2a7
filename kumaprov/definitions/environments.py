"""`environments:` of the project file: the Uptime Kuma instances one repository describes
(prod, staging ...), each with its URL, the environment variables holding its credentials, its
server version, the template variables its monitors get and its own monitor defaults.

One environment is chosen per run (`--env`); lint checks each in turn. The credentials of an
environment are read from `<PREFIX>_KUMA_URL`, `<PREFIX>_KUMA_USERNAME`, `<PREFIX>_KUMA_PASSWORD`,
`<PREFIX>_KUMA_TOKEN`, `<PREFIX>_KUMA_TOTP` and `<PREFIX>_KUMA_TOTP_SECRET` only (never the plain
`KUMA_*` ones: a staging run must not reach prod by a missing variable); `secrets` reserves
every `*_KUMA_*` credential name, so no definition can read them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kumaprov import versions
from kumaprov.definitions import yamlpos
from kumaprov.problems import Problem
from kumaprov.secrets import CREDENTIAL_VARIABLES
from kumaprov.suggest import did_you_mean

KEYS = ("url", "credentials", "target", "vars", "defaults")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9_]{0,40}$")


@dataclass(frozen=True)
class Environment:
    name: str
    prefix: str  # of its credential variables: <prefix>_KUMA_URL ...
    url: str | None = None  # else <prefix>_KUMA_URL; --url wins over both
    target: str | None = None  # else the project's
    vars: Mapping[str, Any] = field(default_factory=dict)  # every template instance gets them (its own win)
    defaults: Any = None  # a LocatedMap of monitor keys over the project's defaults, or None

    def variable(self, credential: str) -> str:
        """The variable holding this environment's `credential` (KUMA_PASSWORD -> PROD_KUMA_PASSWORD)."""
        return f"{self.prefix}_{credential}"

    def connection_environ(self, environ: Mapping[str, str]) -> dict[str, str]:
        """The KUMA_* variables the connection reads, taken from this environment's own."""
        mapped = {name: environ[self.variable(name)] for name in CREDENTIAL_VARIABLES
                  if self.variable(name) in environ}
        if self.url and "KUMA_URL" not in mapped:
            mapped["KUMA_URL"] = self.url
        return mapped


def read(data: yamlpos.LocatedMap, problems: list[Problem]) -> tuple[Environment, ...]:
    """The `environments:` mapping, every problem at its key or value."""
    listed = data.get("environments")
    if listed is None:
        return ()
    if not isinstance(listed, yamlpos.LocatedMap) or not listed:
        problems.append(Problem(data.position_of_value("environments"), "KP003",
                                "environments: expected a mapping of environment names (prod, staging ...)"))
        return ()
    found = []
    for name, body in listed.items():
        where = listed.position_of_key(name)
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(Problem(where, "KP003", f"environments: {name!r} is not an environment name "
                                    "(lowercase letters, digits, '_' and '-', starting with a letter)"))
            continue
        if body is None:
            body = yamlpos.LocatedMap()
            body.pos, body.key_pos, body.value_pos = where, {}, {}
        if not isinstance(body, yamlpos.LocatedMap):
            problems.append(Problem(listed.position_of_value(name), "KP003", f"environments.{name}: expected a mapping"))
            continue
        found.append(_environment(name, body, problems))
    return tuple(found)


def _environment(name: str, body: yamlpos.LocatedMap, problems: list[Problem]) -> Environment:
    def bad(key: str, message: str) -> None:
        problems.append(Problem(body.position_of_value(key), "KP003", f"environments.{name}.{key}: {message}"))

    for key in body:
        if key not in KEYS:
            problems.append(Problem(body.position_of_key(key), "KP003",
                                    f"unknown key '{key}' in environments.{name}{did_you_mean(str(key), KEYS)}"))
    prefix = body.get("credentials", re.sub(r"[^A-Z0-9]+", "_", name.upper()))
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        bad("credentials", f"expected the prefix of its variables in capitals (PROD: PROD_KUMA_URL ...), got {prefix!r}")
        prefix = re.sub(r"[^A-Z0-9]+", "_", name.upper())
    url = body.get("url")
    if url is not None and not (isinstance(url, str) and re.match(r"^https?://\S+$", url)):
        bad("url", f"expected an http(s) URL, got {url!r}")
        url = None
    target = body.get("target")
    if target is not None:
        target = str(target)
        try:
            versions.target_line(target)
        except ValueError as exc:
            bad("target", str(exc))
            target = None
    variables = body.get("vars", {})
    if not isinstance(variables, dict):
        bad("vars", "expected a mapping of template variables")
        variables = {}
    defaults = body.get("defaults")
    if defaults is not None and not isinstance(defaults, yamlpos.LocatedMap):
        bad("defaults", "expected a mapping of monitor keys")
        defaults = None
    return Environment(name, prefix, url, target, dict(variables), defaults)


def layered(project_defaults: Any, environment_defaults: Any) -> Any:
    """The environment's defaults over the project's, each key keeping the position it was written at."""
    if not environment_defaults:
        return project_defaults
    merged = yamlpos.LocatedMap()
    merged.pos = environment_defaults.pos
    merged.key_pos, merged.value_pos = {}, {}
    for layer in (project_defaults, environment_defaults):
        if not isinstance(layer, yamlpos.LocatedMap):
            continue
        for key, value in layer.items():
            merged[key] = value
            merged.key_pos[key] = layer.position_of_key(key)
            merged.value_pos[key] = layer.position_of_value(key)
    return merged
