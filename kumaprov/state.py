"""Desired and live state in the planner's terms.

Desired: definitions mapped to Uptime Kuma fields for the server's line, with
environment references resolved (every missing variable reported at the place
that references it, before anything is written). Live: the server's monitor
list, with ownership read from the tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kumaprov import secrets
from kumaprov.checks.secrets import strings
from kumaprov.loader import Definition
from kumaprov.mapping import kuma_fields
from kumaprov.model import DockerMonitor
from kumaprov.plan import Desired, Live
from kumaprov.problems import Problem
from kumaprov.versions import ServerLine

MISSING_VARIABLE = "KP403"
UNKNOWN_DOCKER_HOST = "KP404"


def missing_variables(definitions: Sequence[Definition], environ: Mapping[str, str]) -> list[Problem]:
    problems = []
    for definition in definitions:
        for path, text in strings(definition.raw, ()):
            for ref in secrets.references(text):
                if ref.name not in environ:
                    problems.append(Problem(definition.position_of(*path), MISSING_VARIABLE,
                                            f"environment variable {ref.name} is not set "
                                            f"(referenced by {'.'.join(map(str, path))})", via=definition.via))
    return list(dict.fromkeys(problems))


def desired_state(definitions: Sequence[Definition], line: ServerLine, environ: Mapping[str, str],
                  docker_hosts: Mapping[str, int]) -> tuple[list[Desired], list[Problem]]:
    problems = missing_variables(definitions, environ)
    if problems:
        return [], problems
    desired = []
    for definition in definitions:
        mapped = kuma_fields(definition.monitor, line, lambda text: secrets.resolve(text, environ))
        values = dict(mapped.values)
        if isinstance(definition.monitor, DockerMonitor):
            host = docker_hosts.get(definition.monitor.docker_host)
            if host is None:
                known = ", ".join(sorted(docker_hosts)) or "none"
                problems.append(Problem(definition.position_of("docker_host"), UNKNOWN_DOCKER_HOST,
                                        f"no docker host named '{definition.monitor.docker_host}' on the "
                                        f"server (known: {known})", via=definition.via))
                continue
            values["docker_host"] = host
        unresolved = {}
        if mapped.sensitive:
            written = kuma_fields(definition.monitor, line, resolve=lambda text: text).values
            unresolved = {key: written[key] for key in mapped.sensitive}
        desired.append(Desired(definition.id, values, mapped.sensitive, unresolved))
    return desired, problems


def live_state(monitors: Sequence[Mapping[str, Any]], owner_tag: str) -> list[Live]:
    return [Live(int(m["id"]), str(m.get("name", "")), owner_of(m, owner_tag), m) for m in monitors]


def owner_of(monitor: Mapping[str, Any], owner_tag: str) -> str | None:
    for tag in monitor.get("tags") or []:
        if tag.get("name") == owner_tag and tag.get("value"):
            return str(tag["value"])
    return None
