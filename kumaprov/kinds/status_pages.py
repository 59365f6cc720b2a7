"""Status pages as code: the model, and its mapping to what Uptime Kuma stores.

A page is identified by its slug, which the server keeps unique. As with maintenance
windows, kumaprov creates and updates the pages the files name, deletes one only when
the file says `absent: true`, and leaves every other page alone.

`saveStatusPage` replaces the page's settings and its whole list of monitor groups
(upstream status-page-socket-handler.js, the same in 1.23 and 2.x); the groups are
read back from the public `/api/status-page/<slug>` endpoint, because the socket lists
only the settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from kumaprov.kinds.base import Applying, Kind, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Create, Delete, Desired, Live, Update
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.common import edited, without_defaults
from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.page_incidents import (IncidentDef, export_incident, incident_fields, live_incident, pinned,
                                           write_incident)
from kumaprov.model.monitors import Slug, Strict

# Upstream checkSlug: lowercase letters, digits and dashes.
PageSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
DEFAULT_ICON = "/icon.svg"


class PageGroup(Strict):
    name: str = Field(min_length=1, max_length=150)
    monitors: list[Slug] = Field(default_factory=list, description="Definition ids, in the order shown.")


class StatusPageDef(Strict):
    """A public status page: a title, text, and groups of monitors."""

    slug: PageSlug = Field(description="Identity and URL: /status/<slug>.")
    title: str = Field("", max_length=150, description="Required unless `absent`.")
    description: str = ""
    footer: str = Field("", description="Footer text (Markdown).")
    custom_css: str = ""
    show_tags: bool = False
    show_powered_by: bool = True
    show_certificate_expiry: bool = False
    domains: list[str] = Field(default_factory=list, description="Custom domain names that serve this page.")
    groups: list[PageGroup] | None = Field(
        None, description="Groups of monitors, in the order shown; unset leaves the page's groups as they are.")
    incident: IncidentDef | None = Field(
        None, description="The incident pinned on the page; null: none; unset: the page's incidents stay as they are.")
    absent: bool = Field(False, description="Delete the page with this slug from the server.")

    @model_validator(mode="after")
    def _titled(self) -> StatusPageDef:
        if not self.title and not self.absent:
            raise ValueError("a status page needs a title")
        return self


def page_fields(page: StatusPageDef) -> dict[str, Any]:
    """The settings kumaprov manages, in the server's names, and the groups as
    (name, (definition ids...)) pairs."""
    fields: dict[str, Any] = {
        "slug": page.slug, "title": page.title, "description": page.description, "footerText": page.footer,
        "customCSS": page.custom_css, "showTags": page.show_tags, "showPoweredBy": page.show_powered_by,
        "showCertificateExpiry": page.show_certificate_expiry, "domainNameList": sorted(set(page.domains)),
    }
    if page.groups is not None:
        fields["groups"] = [[group.name, list(group.monitors)] for group in page.groups]
    # Unset leaves the pinned incidents alone: one pinned by hand during an outage must survive
    # the next sync from CI. `incident: null` unpins.
    if "incident" in page.model_fields_set:
        fields["incident"] = incident_fields(page.incident)
    return fields


# Read from the public endpoint beside the settings; never part of the page's saved config.
_NOT_CONFIG = ("groups", "publicGroupList", "incident", "pinnedIncidents")


def live_fields(listed: Mapping[str, Any], data: Mapping[str, Any],
                monitor_refs: Mapping[int, str]) -> dict[str, Any]:
    """A listed page in the terms of `page_fields`; `data` as the public endpoint answers."""
    groups: Sequence[Mapping[str, Any]] = data.get("publicGroupList") or []
    fields = dict(listed)
    fields["domainNameList"] = sorted(listed.get("domainNameList") or [])
    for key in ("description", "footerText", "customCSS"):
        fields[key] = listed.get(key) or ""  # unset is listed as null
    fields["groups"] = [[str(group.get("name", "")),
                         [monitor_refs.get(int(m["id"]), f"#{m['id']}") for m in group.get("monitorList") or []]]
                        for group in groups]
    fields["publicGroupList"] = list(groups)  # with the server's ids, for a save that keeps them
    fields["pinnedIncidents"] = pinned(data)  # with their ids, to edit the pinned one in place
    fields["incident"] = live_incident(fields["pinnedIncidents"])
    return fields


def save_arguments(fields: Mapping[str, Any], live: Mapping[str, Any],
                   monitor_ids: Mapping[str, int]) -> tuple[str, dict[str, Any], str, list[dict[str, Any]]]:
    """(slug, config, icon, groups) for `saveStatusPage`: the page as listed with the
    managed settings changed, so settings kumaprov does not model are kept as they are.
    `fields` may hold only the changed settings (an update from a saved plan)."""
    config = {key: value for key, value in live.items() if key not in _NOT_CONFIG}
    config.update({key: value for key, value in fields.items() if key not in _NOT_CONFIG})
    icon = str(live.get("icon") or DEFAULT_ICON)
    config["logo"] = icon  # what the server stores as the icon (NOT NULL), whatever `icon` says
    if "groups" in fields:
        groups = [{"name": name, "monitorList": [{"id": monitor_ids[ref]} for ref in refs]}
                  for name, refs in fields["groups"]]
    else:  # the page's groups as they are, ids included
        groups = [{"id": g.get("id"), "name": g.get("name"), "monitorList": [{"id": m["id"]} for m in
                                                                            g.get("monitorList") or []]}
                  for g in live.get("publicGroupList") or []]
    return str(config["slug"]), config, icon, groups


ALL = None  # a need: every page, with its groups (export)
LISTED = "listed"  # a need: the pages' list only, for the ids of the pages windows are shown on


class StatusPages(Kind):
    """Identified by slug, which the server keeps unique."""

    name = "status_page"
    label = "status page(s)"
    what = "status page"
    reads_refs = True  # the monitors of a page's groups are named by definition id
    file_key = "status_pages"
    model = StatusPageDef
    unique_key = "slug"

    def names_monitors(self, value: Any) -> Iterable[tuple[tuple[Any, ...], str, str]]:
        for g, group in enumerate(value.groups or []):
            for index, monitor_id in enumerate(group.monitors):
                yield ("groups", g, "monitors", index), monitor_id, f"status page '{value.slug}' shows"

    def needs(self, sources: Any) -> Any:
        return {p.value.slug for p in self.defined(sources)}

    def needs_for_saved(self, document: Any) -> Any:
        slugs = edited(document, self.name)
        return slugs or (LISTED if edited(document, "maintenance") else slugs)

    def needs_all(self) -> Any:
        return ALL

    def read(self, client: Any, need: Any) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
        """The server's pages; the groups and incidents only for those named (`need`: slugs)."""
        if need is not ALL and not need:
            return [], {}
        rows = client.listed("statusPageList")
        if need == LISTED:
            return rows, {}
        return rows, {str(row["slug"]): client.status_page(str(row["slug"])) for row in rows
                      if need is ALL or row.get("slug") in need}

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        listed, data = rows
        return [Live(int(row["id"]), str(row["slug"]), str(row["slug"]),
                     live_fields(row, data.get(str(row["slug"]), {}), refs.of("monitor")), self.name)
                for row in listed]

    def desired(self, resolving: Resolving) -> Wanted:
        pages = [p.value for p in self.defined(resolving.sources)]
        return Wanted([Desired(p.slug, page_fields(p), kind=self.name) for p in pages if not p.absent],
                      [p.slug for p in pages if p.absent])

    def write(self, action: Action, applying: Applying) -> None:
        writer = applying.writer
        if isinstance(action, Delete):
            writer.call("deleteStatusPage", action.live.name)
            return
        fields = action.desired.fields
        if isinstance(action, Create):
            writer.call("addStatusPage", (fields["title"], fields["slug"]))
            # The new page's settings as the server made them (theme ...), to save on top of.
            live: Mapping[str, Any] = dict(writer.call("getStatusPage", fields["slug"])["config"])
            applying.kuma_ids[(self.name, action.desired.id)] = int(live["id"])  # windows shown on it need it
        else:
            live = action.live.fields
        changed = {change.field for change in action.changes} if isinstance(action, Update) else set(fields)
        if changed - {"incident"}:
            monitor_ids = {ref: kuma_id for (kind, ref), kuma_id in applying.kuma_ids.items() if kind == "monitor"}
            writer.call("saveStatusPage", save_arguments(fields, live, monitor_ids))
        if "incident" in changed and (fields.get("incident") is not None or live.get("pinnedIncidents")):
            slug = str(fields.get("slug") or live.get("slug"))
            write_incident(writer, slug, fields.get("incident"), live.get("pinnedIncidents") or [])


    def export(self, rows: Any, exporting: Exporting) -> None:
        pages, data = rows
        # Windows shown on a page name it by slug (the maintenance kind exports after this one).
        exporting.ids[self.name] = {int(row["id"]): str(row["slug"]) for row in pages}
        if pages:
            monitor_ids = exporting.ids.get("monitor", {})
            exporting.document[str(self.file_key)] = [export_row(row, data[str(row["slug"])], monitor_ids)
                                                      for row in pages]


STATUS_PAGES = StatusPages()


def export_row(row: Mapping[str, Any], data: Mapping[str, Any], monitor_ids: Mapping[int, str]) -> dict[str, Any]:
    """A listed page as written in files, with monitors named by the export's ids."""
    groups: Sequence[Mapping[str, Any]] = data.get("publicGroupList") or []
    document = {
        "slug": row.get("slug"), "title": row.get("title"), "description": row.get("description") or "",
        "footer": row.get("footerText") or "", "custom_css": row.get("customCSS") or "",
        "show_tags": bool(row.get("showTags")), "show_powered_by": bool(row.get("showPoweredBy")),
        "show_certificate_expiry": bool(row.get("showCertificateExpiry")),
        "domains": sorted(row.get("domainNameList") or []),
        "groups": [{"name": group.get("name"), "monitors": [monitor_ids[int(m["id"])] for m in group.get("monitorList")
                                                            or [] if int(m["id"]) in monitor_ids]}
                   for group in groups],
        "incident": export_incident(pinned(data)),
    }
    return without_defaults(document, StatusPageDef, keep=("slug", "title", "groups"))
