"""Maintenance windows as code: the model, and its mapping to what Uptime Kuma stores.

A window is identified by its title (the server has nowhere to keep an ownership
marker): kumaprov creates and updates the windows the files name, deletes one only
when the file says `absent: true`, and leaves every other window alone. The
monitors a window covers are named by definition id.

Field semantics follow upstream `Maintenance.jsonToBean` / `toPublicJSON` (the same
in 1.23 and 2.x): dates go in `dateRange`, the daily window in `timeRange`,
weekdays as numbers with Sunday 0, `durationMinutes` only for cron windows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from kumaprov.kinds.base import Applying, Kind, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Create, Delete, Desired, Live, Update
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.common import edited, without_defaults
from kumaprov.kinds.exporting import Exporting
from kumaprov.model.monitors import Slug, Strict

STRATEGIES = ("manual", "single", "recurring-interval", "recurring-weekday", "recurring-day-of-month", "cron")
# A window saved with no zone is listed with the server's own zone (2.0.0-dev.0: "UTC"), so
# leaving it unset would plan an edit on every sync; this one the server keeps as sent.
SAME_AS_SERVER = "SAME_AS_SERVER"
WEEKDAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

DateTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")]
TimeOfDay = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class DailyWindow(Strict):
    start: TimeOfDay = Field(description="HH:MM")
    end: TimeOfDay = Field(description="HH:MM")


class MaintenanceDef(Strict):
    """A maintenance window: monitors in it are shown as under maintenance, not DOWN."""

    title: str = Field(min_length=1, max_length=150, description="Identity: the window on the server with this title.")
    description: str = ""
    strategy: Literal[STRATEGIES] = "manual"  # type: ignore[valid-type]
    active: bool = True
    start: DateTime | None = Field(None, description="'YYYY-MM-DD HH:MM': when a single window starts, or "
                                                     "from when a recurring one applies.")
    end: DateTime | None = None
    time: DailyWindow | None = Field(None, description="The daily window of a recurring strategy.")
    weekdays: list[Literal[tuple(WEEKDAYS)]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="For recurring-weekday: mon, tue, ...")
    days_of_month: list[Annotated[int, Field(ge=1, le=31)]] = Field(
        default_factory=list, description="For recurring-day-of-month.")
    interval_days: int = Field(1, ge=1, le=3650, description="For recurring-interval.")
    cron: str | None = Field(None, description="For cron: when the window starts.")
    duration_minutes: int = Field(60, ge=1, description="For cron: how long the window lasts.")
    timezone: str | None = Field(None, description="An IANA zone, UTC, or SAME_AS_SERVER (the default).")
    monitors: list[Slug] = Field(default_factory=list, description="Definition ids of the monitors it covers.")
    absent: bool = Field(False, description="Delete the window with this title from the server.")

    @model_validator(mode="after")
    def _strategy_has_what_it_needs(self) -> MaintenanceDef:
        needs = {"single": ("start", "end"), "recurring-interval": ("time",), "recurring-weekday": ("time", "weekdays"),
                 "recurring-day-of-month": ("time", "days_of_month"), "cron": ("cron",)}
        missing = [key for key in needs.get(self.strategy, ()) if not getattr(self, key)]
        if missing and not self.absent:
            raise ValueError(f"a {self.strategy} window needs {' and '.join(missing)}")
        return self


def _time(text: str) -> dict[str, int]:
    hours, minutes = text.split(":")
    return {"hours": int(hours), "minutes": int(minutes)}


def maintenance_fields(window: MaintenanceDef) -> dict[str, Any]:
    """The fields kumaprov manages, in the server's names; only those the strategy uses."""
    fields: dict[str, Any] = {"title": window.title, "description": window.description,
                              "strategy": window.strategy, "active": window.active,
                              "timezoneOption": window.timezone or SAME_AS_SERVER,
                              "monitors": tuple(sorted(set(window.monitors)))}
    if window.strategy != "manual":
        fields["dateRange"] = [d for d in (window.start, window.end) if d]
    if window.strategy.startswith("recurring-") and window.time:
        fields["timeRange"] = [_time(window.time.start), _time(window.time.end)]
    if window.strategy == "recurring-weekday":
        fields["weekdays"] = sorted(WEEKDAYS[day] for day in set(window.weekdays))
    if window.strategy == "recurring-day-of-month":
        fields["daysOfMonth"] = sorted(set(window.days_of_month))
    if window.strategy == "recurring-interval":
        fields["intervalDay"] = window.interval_days
    if window.strategy == "cron":
        fields.update(cron=window.cron, durationMinutes=window.duration_minutes)
    return fields


# What `addMaintenance` needs beyond the managed fields (it reads each of these).
_ADD_DEFAULTS: dict[str, Any] = {"dateRange": [], "timeRange": [_time("02:00"), _time("03:00")], "weekdays": [],
                                 "daysOfMonth": [], "intervalDay": 1, "cron": "30 3 * * *", "durationMinutes": 60}


def covered(client: Any, kuma_id: int) -> list[int]:
    """The server ids of the monitors a window covers."""
    return [int(row["id"]) for row in client.call("getMonitorMaintenance", kuma_id)["monitors"]]


def add_payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    payload = {**_ADD_DEFAULTS, **fields}
    payload.pop("monitors", None)  # a call of its own
    return payload


def live_fields(listed: Mapping[str, Any], monitors: Sequence[str]) -> dict[str, Any]:
    """A listed window in the terms of `maintenance_fields`; `monitors` as definition ids."""
    fields = dict(listed)
    # Dates not set are listed as null (a start) or left out (an end).
    fields["dateRange"] = [d for d in listed.get("dateRange") or [] if d]
    fields["timeRange"] = [{"hours": t.get("hours", 0), "minutes": t.get("minutes", 0)}
                           for t in listed.get("timeRange") or []]
    fields["monitors"] = tuple(sorted(monitors))
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

    def read(self, client: Any, need: Any) -> tuple[list[dict[str, Any]], dict[int, list[int]]]:
        """The server's windows; the monitors covered only for those named (`need`: titles)."""
        if need is not ALL and not need:
            return [], {}
        rows = client.listed("maintenanceList")
        return rows, {int(row["id"]): covered(client, int(row["id"])) for row in rows
                      if need is ALL or row.get("title") in need}

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        """Windows as listed, with the monitors they cover as definition ids, or `#id` for a
        monitor kumaprov does not own."""
        listed, covered = rows
        live = []
        for row in listed:
            kuma_id, title = int(row["id"]), str(row.get("title", ""))
            monitors = [refs.of("monitor").get(m, f"#{m}") for m in covered.get(kuma_id, ())]
            live.append(Live(kuma_id, title, title, live_fields(row, monitors), self.name))
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
            if any(change.field != "monitors" for change in action.changes):
                # editMaintenance reads every field: send the window as listed, changed.
                changed = {change.field: change.new for change in action.changes}
                writer.call("editMaintenance", add_payload({**action.live.fields, **changed}))
        monitors_changed = any(change.field == "monitors" for change in action.changes) \
            if isinstance(action, Update) else bool(fields["monitors"])
        if monitors_changed:  # definition ids; lint made sure each is defined (KP209)
            # The whole list, replaced (the server deletes the old rows first).
            covered = [{"id": applying.kuma_ids[("monitor", ref)]} for ref in fields["monitors"]]
            writer.call("addMonitorMaintenance", (kuma_id, covered))


    def export(self, rows: Any, exporting: Exporting) -> None:
        windows, covered = rows
        if windows:
            monitor_ids = exporting.ids.get("monitor", {})
            exporting.document[str(self.file_key)] = [export_row(row, covered[int(row["id"])], monitor_ids)
                                                      for row in windows]


MAINTENANCE = MaintenanceWindows()

_WEEKDAY_NAMES = {number: name for name, number in WEEKDAYS.items()}


def export_row(row: Mapping[str, Any], covered: Sequence[int], monitor_ids: Mapping[int, str]) -> dict[str, Any]:
    """A listed window as written in files, with monitors named by the export's ids."""
    strategy = str(row.get("strategy") or "manual")
    dates = [d for d in row.get("dateRange") or [] if d]
    document: dict[str, Any] = {
        "title": row.get("title"), "description": row.get("description") or "", "strategy": strategy,
        "active": bool(row.get("active")),
        "timezone": None if row.get("timezoneOption") == SAME_AS_SERVER else row.get("timezoneOption"),
        "monitors": sorted(monitor_ids[m] for m in covered if m in monitor_ids),
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
