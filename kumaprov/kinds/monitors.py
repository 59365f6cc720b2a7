"""Monitors: identified by the value of the project's ownership tag (the definition id).

Desired: each definition mapped to Uptime Kuma fields for the server's line (model.fields),
references to notifications, docker hosts and proxies checked and named as plans name them.
Live: the login-time monitor list. Their writes (tags travel apart) are in monitor_writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from kumaprov.kinds.base import Action, Applying, Desired, Kind, Live, Resolving, ServerRefs, Wanted, desired_from
from kumaprov.kinds.monitor_refs import as_reference
from kumaprov.kinds.monitor_writes import write
from kumaprov.kinds.proxies import proxy_address
from kumaprov.model.fields import kuma_fields
from kumaprov.model.monitors import DockerMonitor
from kumaprov.problems import Problem

UNKNOWN_DOCKER_HOST = "KP404"
UNKNOWN_NOTIFICATION = "KP405"


class Monitors(Kind):
    name = "monitor"
    label = "monitor(s)"
    identity = "owner"

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.monitors()

    def live(self, rows: Any, refs: ServerRefs, owner_tag: str) -> list[Live]:
        return [Live(int(m["id"]), str(m.get("name", "")), owner_of(m, owner_tag), m) for m in rows]

    def env_entries(self, sources: Any) -> list[Any]:
        return list(sources.definitions)

    def desired(self, resolving: Resolving) -> Wanted:
        """Nothing is resolved while a variable is missing here or in a notification."""
        wanted = Wanted()
        if resolving.missing.get(self.name) or resolving.missing.get("notification"):
            return wanted
        hosts = resolving.wanted["docker_host"]
        known_hosts = {h.name for h in resolving.live["docker_host"] if h.name not in hosts.absent} | \
            {h.id for h in hosts.desired}
        proxies = {p.proxy.id: proxy_address(p.proxy) for p in resolving.sources.proxies}
        names = _NotificationNames({n.id for n in resolving.sources.notifications}, resolving.live["notification"])
        for definition in resolving.sources.definitions:
            monitor = definition.monitor
            if isinstance(monitor, DockerMonitor) and monitor.docker_host not in known_hosts:
                known = ", ".join(sorted(known_hosts)) or "none"
                wanted.problems.append(Problem(definition.position_of("docker_host"), UNKNOWN_DOCKER_HOST,
                                               f"no docker host named '{monitor.docker_host}' in the files "
                                               f"or on the server (known: {known})", via=definition.via))
                continue
            desired = desired_from(definition.id, lambda resolve: kuma_fields(monitor, resolving.line, resolve),
                                   resolving.environ, self.name)
            values = dict(desired.fields)
            if "proxyId" in values:
                values["proxyId"] = proxies[values["proxyId"]]  # lint: every id is defined (KP209)
            if "notificationIDList" in values:
                values["notificationIDList"] = names.references(definition, wanted.problems)
            wanted.desired.append(Desired(desired.id, values, desired.sensitive, desired.unresolved, self.name))
        return wanted

    def as_reference(self, key: str, value: Any, refs: ServerRefs) -> Any:
        return as_reference(key, value, refs)

    def write(self, action: Action, applying: Applying) -> None:
        write(action, applying)


def owner_of(monitor: Mapping[str, Any], owner_tag: str) -> str | None:
    for tag in monitor.get("tags") or []:
        if tag.get("name") == owner_tag and tag.get("value"):
            return str(tag["value"])
    return None


class _NotificationNames:
    """Monitors name notifications by definition id, or by the name of one on the server."""

    def __init__(self, defined: Collection[str], live: Sequence[Live]) -> None:
        self.defined = defined
        self.unowned = Counter(n.name for n in live if n.owner is None)

    def references(self, definition: Any, problems: list[Problem]) -> tuple[str, ...]:
        refs = []
        for ref in definition.monitor.notifications or []:
            if ref in self.defined:
                refs.append(ref)
            elif self.unowned[ref] == 1:
                refs.append(f"name:{ref}")
            else:
                why = (f"{self.unowned[ref]} notifications on the server are named '{ref}'" if self.unowned[ref]
                       else f"no notification '{ref}' in the files or on the server")
                problems.append(Problem(definition.position_of("notifications"), UNKNOWN_NOTIFICATION, why,
                                        via=definition.via))
        return tuple(sorted(set(refs)))


MONITORS = Monitors()
