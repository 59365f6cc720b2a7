"""Monitors: identified by the value of the project's ownership tag (the definition id).

Desired: each definition mapped to Uptime Kuma fields for the server's line (model.fields),
the objects it names (notifications, and those of every kind that says monitors name it,
`Kind.named_by`) checked and named as plans name them. Live: the login-time monitor list.
Their writes (tags travel apart) are in monitor_writes, their export in monitor_export.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from kumaprov.kinds.base import Applying, Kind, NamedBy, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Desired, Live, Update
from kumaprov.kinds.common import desired_from
from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.monitor_export import export_monitors
from kumaprov.kinds.monitor_refs import as_reference, whose
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.monitor_writes import write
from kumaprov.model.fields import kuma_fields, sendable
from kumaprov.model.http_auth import AUTH_METHODS, MTLS_FIELDS, NTLM_FIELDS, OAUTH_FIELDS
from kumaprov.model.monitors import COMMON_NAMES
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.problems import Problem

UNKNOWN_NOTIFICATION = "KP405"
# Server fields no table maps one to one, by the file key they come from (model.fields).
_COMPUTED = {"authMethod": "basic_auth", "basic_auth_user": "basic_auth.username",
             "basic_auth_pass": "basic_auth.password", "notificationIDList": "notifications", "parent": "parent",
             "tags": "tags", "name": "name", "type": "type", "bearer_token": "bearer_token",
             "oauth_scopes": "oauth2.scopes",
             **{kuma: f"oauth2.{key}" for key, kuma in OAUTH_FIELDS.items()},
             **{kuma: f"mtls.{key}" for key, kuma in MTLS_FIELDS.items()},
             **{kuma: f"ntlm.{key}" for key, kuma in NTLM_FIELDS.items() if key in ("domain", "workstation")}}
_AUTH_BLOCKS = {method: key for key, method in AUTH_METHODS.items()}
_NTLM_KEYS = {kuma: f"ntlm.{key}" for key, kuma in NTLM_FIELDS.items()}


class Monitors(Kind):
    name = "monitor"
    label = "monitor(s)"
    what = "monitor"
    identity = "owner"
    file_key = "monitors"  # read by the loader itself: templates, defaults, a model per type
    holds_secrets = True

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.monitors()  # type: ignore[no-any-return]

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        live = []
        for row in rows:
            marker = whose(row, owner)
            live.append(Live(int(row["id"]), str(row.get("name", "")), marker.mine, row, self.name, marker.replaces,
                             marker.foreign))
        return live

    def overlaps(self, action: Action) -> bool:
        # A tag change may delete a tag (2.0.0-dev.0 drops a tag no monitor uses any more)
        # that a neighbour's add of the same tag counts on: those go one at a time.
        return not (isinstance(action, Update) and any(change.field == "tags" for change in action.changes))

    def env_entries(self, sources: Any) -> list[Any]:
        return list(sources.definitions)

    def desired(self, resolving: Resolving) -> Wanted:
        """Nothing is resolved while a variable is missing here or in a notification."""
        wanted = Wanted()
        if resolving.missing.get(self.name) or resolving.missing.get("notification"):
            return wanted
        named = [(kind.named_by, kind.what, kind.plan_names(resolving))
                 for kind in resolving.kinds if kind.named_by is not None]
        names = _NotificationNames({n.value.id for n in resolving.sources.of("notification")},
                                   resolving.live["notification"])
        for definition in resolving.sources.definitions:
            unknown = list(_unknown_names(definition, named))
            if unknown:
                wanted.problems += unknown
                continue
            desired = desired_from(definition.id, kuma_fields(definition.monitor, resolving.line), resolving.environ,
                                   self.name, sendable)
            values = dict(desired.fields)
            for by, _, plan_names in named:
                if values.get(by.field) is not None:
                    values[by.field] = plan_names[values[by.field]]
            if "notificationIDList" in values:
                values["notificationIDList"] = names.references(definition, wanted.problems)
            wanted.desired.append(Desired(desired.id, values, desired.sensitive, desired.unresolved, self.name))
        return wanted

    def key_in_files(self, desired: Desired, field: str) -> str | None:
        """The type's table read backward; the fields model.fields computes by the key they come from
        (the auth fields by the block of the monitor's method: NTLM uses the basic-auth fields)."""
        model = MONITOR_TYPES.get(str(desired.fields.get("type", "")))
        table = model.names() if model is not None else COMMON_NAMES
        block = _AUTH_BLOCKS.get(str(desired.fields.get("authMethod")), "basic_auth")
        if field == "authMethod":
            return block
        if block == "ntlm" and field in NTLM_FIELDS.values():
            return _NTLM_KEYS[field]
        return {kuma: key for key, kuma in table.items()}.get(field) or _COMPUTED.get(field)

    def as_reference(self, key: str, value: Any, refs: ServerRefs) -> Any:
        return as_reference(key, value, refs)

    def write(self, action: Action, applying: Applying) -> None:
        write(action, applying)

    def export(self, rows: Any, exporting: Exporting) -> None:
        export_monitors(rows, exporting)


def _unknown_names(definition: Any, named: Sequence[tuple[NamedBy, str, Mapping[str, str]]]) -> Iterator[Problem]:
    """A problem for each object the monitor names that neither the files nor the server have."""
    for by, what, plan_names in named:
        value = getattr(definition.monitor, by.key, None)
        if value is not None and value not in plan_names:
            where = "the files" if by.in_files else "the files or on the server"
            known = ", ".join(sorted(plan_names)) or "none"
            yield Problem(definition.position_of(by.key), by.code,
                          f"no {what} named '{value}' in {where} (known: {known})", via=definition.via)


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
