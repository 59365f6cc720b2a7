"""Desired and live state in the planner's terms.

Desired: definitions mapped to Uptime Kuma fields for the server's line, with
environment references resolved and references to notifications checked (every
problem reported at the place that causes it, before anything is written). Live:
what the server lists, with ownership read from the tag (monitors) or from the
saved configuration (notifications).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kumaprov import secrets
from kumaprov.kinds import maintenance
from kumaprov.kinds import status_pages as statuspages
from kumaprov.lint.checks.plaintext_secrets import strings
from kumaprov.kinds.docker_hosts import host_fields
from kumaprov.definitions.entries import (
    Definition, DockerHostDefinition, Entry, MaintenanceDefinition, NotificationDefinition, ProxyDefinition,
    StatusPageDefinition, TagDefinition,
)
from kumaprov.model.fields import (
    DEFAULT_TAG_COLOR, NOTIFICATION_ID_KEY, NOTIFICATION_OWNER_KEY, KumaFields, kuma_fields, notification_fields,
)
from kumaprov.model.monitors import DockerMonitor
from kumaprov.sync.plan import Desired, Live
from kumaprov.problems import Problem
from kumaprov.kinds.proxies import address, proxy_address, proxy_fields
from kumaprov.versions import ServerLine

MISSING_VARIABLE = "KP403"
UNKNOWN_DOCKER_HOST = "KP404"
UNKNOWN_NOTIFICATION = "KP405"


@dataclass
class DesiredState:
    monitors: list[Desired] = field(default_factory=list)
    notifications: list[Desired] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def missing_variables(entries: Sequence[Entry], environ: Mapping[str, str]) -> list[Problem]:
    problems = []
    for entry in entries:
        for path, text in strings(entry.raw, ()):
            for ref in secrets.references(text):
                if ref.name not in environ:
                    problems.append(Problem(entry.position_of(*path), MISSING_VARIABLE,
                                            f"environment variable {ref.name} is not set "
                                            f"(referenced by {'.'.join(map(str, path))})", via=entry.via))
    return list(dict.fromkeys(problems))


def desired_state(definitions: Sequence[Definition], notifications: Sequence[NotificationDefinition],
                  line: ServerLine, environ: Mapping[str, str], docker_hosts: Collection[str],
                  live_notifications: Sequence[Live], owner_tag: str,
                  proxies: Mapping[str, str] | None = None) -> DesiredState:
    """`proxies`: the address of each proxy id in the files, which monitors name."""
    state = DesiredState(problems=missing_variables([*notifications, *definitions], environ))
    if state.problems:
        return state

    def resolve(text: str) -> str:
        return secrets.resolve(text, environ)

    def as_written(text: str) -> str:
        return text

    for notification in notifications:
        written = notification.notification
        state.notifications.append(_desired(notification.id, notification_fields(written, owner_tag, resolve),
                                            lambda: notification_fields(written, owner_tag, as_written),
                                            "notification"))
    names = _NotificationNames({n.id for n in notifications}, live_notifications)
    for definition in definitions:
        mapped = kuma_fields(definition.monitor, line, resolve)
        values = dict(mapped.values)
        if isinstance(definition.monitor, DockerMonitor) and definition.monitor.docker_host not in docker_hosts:
            known = ", ".join(sorted(docker_hosts)) or "none"
            state.problems.append(Problem(definition.position_of("docker_host"), UNKNOWN_DOCKER_HOST,
                                          f"no docker host named '{definition.monitor.docker_host}' in the files "
                                          f"or on the server (known: {known})", via=definition.via))
            continue
        if "proxyId" in values:
            values["proxyId"] = (proxies or {})[values["proxyId"]]  # lint: every id is defined (KP209)
        if "notificationIDList" in values:
            values["notificationIDList"] = names.references(definition, state.problems)
        state.monitors.append(_desired(definition.id, KumaFields(values, mapped.sensitive),
                                       lambda: kuma_fields(definition.monitor, line, as_written), "monitor"))
    return state


def _desired(id_: str, mapped: KumaFields, written: Callable[[], KumaFields], kind: str) -> Desired:
    # A saved plan keeps sensitive values as written (${VAR}), never resolved.
    unresolved = {}
    if mapped.sensitive:
        as_written = written().values
        unresolved = {key: as_written[key] for key in mapped.sensitive}
    return Desired(id_, mapped.values, mapped.sensitive, unresolved, kind)


class _NotificationNames:
    """Monitors name notifications by definition id, or by the name of one on the server."""

    def __init__(self, defined: set[str], live: Sequence[Live]) -> None:
        self.defined = defined
        self.unowned = Counter(n.name for n in live if n.owner is None)

    def references(self, definition: Definition, problems: list[Problem]) -> tuple[str, ...]:
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


def desired_tags(tags: Sequence[TagDefinition], definitions: Sequence[Definition],
                 live_tags: Sequence[Live]) -> list[Desired]:
    """The tags monitors use: with the colour the files define, else grey for a new one.

    Only used tags: the 2.0.0-dev.0 build deletes every tag no monitor carries whenever a
    monitor tag is removed, so a defined but unused tag would be re-created on every sync.
    """
    defined = {t.tag.name: t.tag.color for t in tags}
    used = {tag.name for d in definitions for tag in d.monitor.tags or []}
    missing = used - defined.keys() - {t.name for t in live_tags}
    colors = {**{name: DEFAULT_TAG_COLOR for name in missing},
              **{name: color for name, color in defined.items() if name in used}}
    return [Desired(name, {"name": name, "color": color}, kind="tag") for name, color in sorted(colors.items())]


def live_tags(rows: Sequence[Mapping[str, Any]]) -> list[Live]:
    return [Live(int(row["id"]), str(row["name"]), str(row["name"]),
                 {"name": row["name"], "color": row.get("color")}, "tag") for row in rows]


def live_state(monitors: Sequence[Mapping[str, Any]], owner_tag: str) -> list[Live]:
    return [Live(int(m["id"]), str(m.get("name", "")), owner_of(m, owner_tag), m) for m in monitors]


def live_notifications(rows: Sequence[Mapping[str, Any]], owner_tag: str) -> list[Live]:
    """Notifications as listed; ours carry our owner tag and their id in the configuration
    (one whose configuration does not parse is simply not ours)."""
    live = []
    for row in rows:
        try:
            config = json.loads(row.get("config") or "{}")
        except ValueError:
            config = {}
        if not isinstance(config, dict):
            config = {}
        owner = config.get(NOTIFICATION_ID_KEY) if config.get(NOTIFICATION_OWNER_KEY) == owner_tag else None
        live.append(Live(int(row["id"]), str(row.get("name", "")), str(owner) if owner else None, config,
                         "notification"))
    return live


def owner_of(monitor: Mapping[str, Any], owner_tag: str) -> str | None:
    for tag in monitor.get("tags") or []:
        if tag.get("name") == owner_tag and tag.get("value"):
            return str(tag["value"])
    return None


def desired_maintenance(windows: Sequence[MaintenanceDefinition]) -> tuple[list[Desired], list[str]]:
    """The windows to create or update (identified by title), and the titles marked absent."""
    present = [Desired(w.window.title, maintenance.maintenance_fields(w.window), kind="maintenance")
               for w in windows if not w.window.absent]
    return present, [w.window.title for w in windows if w.window.absent]


def live_maintenance(rows: Sequence[Mapping[str, Any]], covered: Mapping[int, Sequence[int]],
                     monitor_refs: Mapping[int, str]) -> list[Live]:
    """Windows as listed, with the monitors they cover (`covered`: server ids, read only for
    the windows the files name) as definition ids, or `#id` for a monitor kumaprov does not own."""
    live = []
    for row in rows:
        kuma_id, title = int(row["id"]), str(row.get("title", ""))
        monitors = [monitor_refs.get(m, f"#{m}") for m in covered.get(kuma_id, ())]
        live.append(Live(kuma_id, title, title, maintenance.live_fields(row, monitors), "maintenance"))
    return live


def desired_pages(pages: Sequence[StatusPageDefinition]) -> tuple[list[Desired], list[str]]:
    """The status pages to create or update (identified by slug), and the slugs marked absent."""
    present = [Desired(p.page.slug, statuspages.page_fields(p.page), kind="status_page")
               for p in pages if not p.page.absent]
    return present, [p.page.slug for p in pages if p.page.absent]


def live_pages(rows: Sequence[Mapping[str, Any]], groups: Mapping[str, Sequence[Mapping[str, Any]]],
               monitor_refs: Mapping[int, str]) -> list[Live]:
    """Pages as listed, with their groups (`groups`: read only for the slugs the files name)."""
    return [Live(int(row["id"]), str(row["slug"]), str(row["slug"]),
                 statuspages.live_fields(row, groups.get(str(row["slug"]), ()), monitor_refs), "status_page")
            for row in rows]


def desired_hosts(hosts: Sequence[DockerHostDefinition]) -> tuple[list[Desired], list[str]]:
    """The docker hosts to create or update (identified by name), and the names marked absent."""
    present = [Desired(h.host.name, host_fields(h.host), kind="docker_host") for h in hosts if not h.host.absent]
    return present, [h.host.name for h in hosts if h.host.absent]


def live_hosts(rows: Sequence[Mapping[str, Any]]) -> list[Live]:
    return [Live(int(row["id"]), str(row.get("name", "")), str(row.get("name", "")), dict(row), "docker_host")
            for row in rows if "id" in row]


def desired_proxies(proxies: Sequence[ProxyDefinition], environ: Mapping[str, str]) -> tuple[list[Desired], list[str]]:
    """The proxies to create or update, called by their address, and the addresses marked absent.
    Passwords are resolved: check `missing_variables` first."""
    present = []
    for proxy in (p.proxy for p in proxies if not p.proxy.absent):
        written = proxy_fields(proxy)
        values = {key: secrets.resolve(value, environ) if isinstance(value, str) else value
                  for key, value in written.items()}
        sensitive = frozenset({"password"} if written["password"] else ())
        present.append(Desired(proxy_address(proxy), values, sensitive, {"password": written["password"]}, "proxy"))
    return present, [proxy_address(p.proxy) for p in proxies if p.proxy.absent]


def live_proxies(rows: Sequence[Mapping[str, Any]]) -> list[Live]:
    """Proxies as listed, each called by its address (Uptime Kuma gives them no name)."""
    return [Live(int(row["id"]), address(row.get("protocol"), row.get("host"), row.get("port")),
                 address(row.get("protocol"), row.get("host"), row.get("port")), dict(row), "proxy") for row in rows]
