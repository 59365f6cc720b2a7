"""A status page's pinned incident (the message shown above its groups), for the status
pages kind: the model, the pinned incidents as the public endpoint lists them, the writes.

A page in the files owns its pinned incident: `incident:` pins one, and a page without it
has none (an incident taken out of the file is unpinned). Upstream status-page-socket-handler.js:
`postIncident(slug, {id?, title, content, style})` saves and pins (with an id: edits that
incident); `unpinIncident(slug)` unpins every pinned one. 1.23 unpins the others when it
pins and lists one `incident`; 2.x releases keep every pinned one and list `incidents`, newest
first. Neither clears the endpoint's cache, so the snapshot reads it past the cache
(server.client.status_page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from kumaprov.model.base import Strict

STYLES = ("info", "warning", "danger", "primary", "light", "dark")


class IncidentDef(Strict):
    """The pinned incident: a title, Markdown content and a colour."""

    title: str = Field(min_length=1, max_length=255)
    content: str = Field(min_length=1, description="Markdown.")
    style: Literal[STYLES] = Field("primary", description="The colour: info, warning, danger, primary, "  # type: ignore[valid-type]
                                                           "light or dark.")


def incident_fields(incident: IncidentDef | None) -> dict[str, str] | None:
    return None if incident is None else incident.model_dump()


def pinned(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The pinned incidents in the public endpoint's answer (1.23: `incident`; 2.x: `incidents`)."""
    if "incidents" in data:
        return [dict(i) for i in data.get("incidents") or [] if i.get("pin", True)]
    return [dict(data["incident"])] if data.get("incident") else []


def live_incident(incidents: Sequence[Mapping[str, Any]]) -> Any:
    """What is pinned, as `incident_fields` says it: None, one incident, or (2.x) the list."""
    shown = [{"title": i.get("title") or "", "content": i.get("content") or "", "style": i.get("style") or ""}
             for i in incidents]
    return None if not shown else shown[0] if len(shown) == 1 else shown


def write_incident(writer: Any, slug: str, wanted: Mapping[str, Any] | None,
                   incidents: Sequence[Mapping[str, Any]]) -> None:
    """Pin `wanted` (editing the one pinned incident in place, so it keeps its date) or unpin."""
    if wanted is None or len(incidents) > 1:
        writer.call("unpinIncident", slug)
    if wanted is None:
        return
    same = {"id": incidents[0]["id"]} if len(incidents) == 1 and incidents[0].get("id") is not None else {}
    writer.call("postIncident", (slug, {**same, **wanted}))


def export_incident(incidents: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The newest pinned incident, as files write it (the style left out when the default)."""
    if not incidents:
        return None
    newest = live_incident(incidents[:1])
    return {key: value for key, value in newest.items() if key != "style" or value != "primary"}
