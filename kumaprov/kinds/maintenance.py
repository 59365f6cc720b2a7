"""Maintenance windows as code: the model, and its mapping to what Uptime Kuma stores.

A window is identified by its title (the server has nowhere to keep an ownership
marker): kumaprov creates and updates the windows the files name, deletes one only
when the file says `absent: true`, and leaves every other window alone. The
monitors a window covers are named by definition id, the status pages that show it
(files only) by slug. The model and its fields are in maintenance_model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kumaprov.kinds.base import Applying, Kind, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Create, Delete, Desired, Live, Update
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.common import edited, without_defaults
from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.maintenance_model import (ADD_DEFAULTS, SAME_AS_SERVER, WEEKDAYS, MaintenanceDef,
                                             maintenance_fields)

# Each saved by a call of its own, which replaces the whole list.
_LINKS = ("monitors", "status_pages")


def covered(client: Any, kuma_id: int) -> list[int]:
    """The server ids of the monitors a window covers."""
    return [int(row["id"]) for row in client.call("getMonitorMaintenance", kuma_id)["monitors"]]


def shown_on(client: Any, kuma_id: int) -> list[int]:
    """The server ids of the status pages that show a window (the same call on 1.23 and 2.x)."""
    return [int(row["id"]) for row in client.call("getMaintenanceStatusPage", kuma_id)["statusPages"]]


def add_payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    payload = {**ADD_DEFAULTS, **fields}
    for link in _LINKS:
        payload.pop(link, None)
    return payload


def live_fields(listed: Mapping[str, Any], monitors: Sequence[str], pages: Sequence[str] = ()) -> dict[str, Any]:
    """A listed window in the terms of `maintenance_fields`; `monitors` as definition ids."""
    fields = dict(listed)
    # Dates not set are listed as null (a start) or left out (an end).
    fields["dateRange"] = [d for d in listed.get("dateRange") or [] if d]
    fields["timeRange"] = [{"hours": t.get("hours", 0), "minutes": t.get("minutes", 0)}
                           for t in listed.get("timeRange") or []]
    fields["monitors"] = tuple(sorted(monitors))
    fields["status_pages"] = tuple(sorted(pages))
    return fields


ALL = None  # a need: every window, with the monitors each covers (export)


class MaintenanceWindows(Kind):
    """Identified by title: the server has nowhere to keep an ownership marker."""

    name = "maintenance"
    label = "maintenance window(s)"
    what = "maintenance window"
    reads_refs = True  # the monitors a window covers are named by definition id
    file_key = "maintenance"
    model = MaintenanceDef
    unique_key = "title"

    def names_monitors(self, value: Any) -> Iterable[tuple[tuple[Any, ...], str, str]]:
        for index, monitor_id in enumerate(value.monitors):
            yield ("monitors", index), monitor_id, f"maintenance window '{value.title}' covers"

    def needs(self, sources: Any) -> Any:
        return {w.value.title for w in self.defined(sources)}

    def needs_for_saved(self, document: Any) -> Any:
        return edited(document, self.name)

    def needs_all(self) -> Any:
        return ALL

    def names_others(self, value: Any) -> Iterable[tuple[tuple[Any, ...], str, str, str]]:
        for index, slug in enumerate(value.status_pages or []):
            yield ("status_pages", index), "status_page", slug, f"maintenance window '{value.title}' is shown on"

    def read(self, client: Any, need: Any) -> tuple[list[dict[str, Any]], dict[int, list[int]], dict[int, list[int]]]:
        """The server's windows; the monitors covered and the pages showing them only for those
        named (`need`: titles)."""
        if need is not ALL and not need:
            return [], {}, {}
        rows = client.listed("maintenanceList")
        named = [int(row["id"]) for row in rows if need is ALL or row.get("title") in need]
        return rows, {kuma_id: covered(client, kuma_id) for kuma_id in named}, \
            {kuma_id: shown_on(client, kuma_id) for kuma_id in named}

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        """Windows as listed, with the monitors they cover as definition ids, or `#id` for a
        monitor kumaprov does not own."""
        listed, covered, shown = rows
        live = []
        for row in listed:
            kuma_id, title = int(row["id"]), str(row.get("title", ""))
            monitors = [refs.of("monitor").get(m, f"#{m}") for m in covered.get(kuma_id, ())]
            # The status pages kind comes first in the registry: its slugs are known here.
            pages = [refs.of("status_page").get(p, f"#{p}") for p in shown.get(kuma_id, ())]
            live.append(Live(kuma_id, title, title, live_fields(row, monitors, pages), self.name))
        return live

    def desired(self, resolving: Resolving) -> Wanted:
        windows = [w.value for w in self.defined(resolving.sources)]
        return Wanted([Desired(w.title, maintenance_fields(w), kind=self.name) for w in windows if not w.absent],
                      [w.title for w in windows if w.absent])

    def write(self, action: Action, applying: Applying) -> None:
        writer = applying.writer
        if isinstance(action, Delete):
            writer.call("deleteMaintenance", action.live.kuma_id)
            return
        fields = action.desired.fields
        if isinstance(action, Create):
            kuma_id = int(writer.call("addMaintenance", add_payload(fields))["maintenanceID"])
        else:
            kuma_id = action.live.kuma_id
            if any(change.field not in _LINKS for change in action.changes):
                # editMaintenance reads every field: send the window as listed, changed.
                changed = {change.field: change.new for change in action.changes}
                writer.call("editMaintenance", add_payload({**action.live.fields, **changed}))
        monitors_changed = any(change.field == "monitors" for change in action.changes) \
            if isinstance(action, Update) else bool(fields["monitors"])
        if monitors_changed:  # definition ids; lint made sure each is defined (KP209)
            # The whole list, replaced (the server deletes the old rows first).
            covered = [{"id": applying.kuma_ids[("monitor", ref)]} for ref in fields["monitors"]]
            writer.call("addMonitorMaintenance", (kuma_id, covered))
        pages_changed = any(change.field == "status_pages" for change in action.changes) \
            if isinstance(action, Update) else bool(fields.get("status_pages"))
        if pages_changed:  # slugs; lint made sure each page is in the files (KP209)
            pages = [{"id": applying.kuma_ids[("status_page", slug)]} for slug in fields["status_pages"]]
            writer.call("addMaintenanceStatusPage", (kuma_id, pages))


    def export(self, rows: Any, exporting: Exporting) -> None:
        windows, covered, shown = rows
        if windows:
            monitor_ids = exporting.ids.get("monitor", {})
            page_slugs = exporting.ids.get("status_page", {})
            exporting.document[str(self.file_key)] = [
                export_row(row, covered[int(row["id"])], monitor_ids,
                           [page_slugs[p] for p in shown.get(int(row["id"]), ()) if p in page_slugs])
                for row in windows]


MAINTENANCE = MaintenanceWindows()

_WEEKDAY_NAMES = {number: name for name, number in WEEKDAYS.items()}


def export_row(row: Mapping[str, Any], covered: Sequence[int], monitor_ids: Mapping[int, str],
               pages: Sequence[str] = ()) -> dict[str, Any]:
    """A listed window as written in files, with monitors named by the export's ids."""
    strategy = str(row.get("strategy") or "manual")
    dates = [d for d in row.get("dateRange") or [] if d]
    document: dict[str, Any] = {
        "title": row.get("title"), "description": row.get("description") or "", "strategy": strategy,
        "active": bool(row.get("active")),
        "timezone": None if row.get("timezoneOption") == SAME_AS_SERVER else row.get("timezoneOption"),
        "monitors": sorted(monitor_ids[m] for m in covered if m in monitor_ids),
        "status_pages": sorted(pages) or None,
    }
    if strategy != "manual":
        document.update(start=_minutes(dates[0]) if dates else None,
                        end=_minutes(dates[1]) if len(dates) > 1 else None)
    if strategy.startswith("recurring-"):
        start, end = (row.get("timeRange") or [{}, {}])[:2]
        document["time"] = {"start": _clock(start), "end": _clock(end)}
    if strategy == "recurring-weekday":
        document["weekdays"] = [_WEEKDAY_NAMES[int(day)] for day in sorted(row.get("weekdays") or [])]
    if strategy == "recurring-day-of-month":
        document["days_of_month"] = sorted(int(day) for day in row.get("daysOfMonth") or [] if str(day).isdigit())
    if strategy == "recurring-interval":
        document["interval_days"] = row.get("intervalDay")
    if strategy == "cron":
        document.update(cron=row.get("cron"), duration_minutes=row.get("durationMinutes"))
    return without_defaults(document, MaintenanceDef, keep=("title",))


def _minutes(text: str) -> str:
    """'2026-12-05 22:00:00' (as the server lists a date) -> '2026-12-05 22:00'."""
    return str(text).replace("T", " ")[:16]


def _clock(time: Mapping[str, Any]) -> str:
    return f"{int(time.get('hours') or 0):02d}:{int(time.get('minutes') or 0):02d}"
