"""A maintenance window as files write it (the model) and in the fields Uptime Kuma stores.

Field semantics follow upstream `Maintenance.jsonToBean` / `toPublicJSON` (the same
in 1.23 and 2.x): dates go in `dateRange`, the daily window in `timeRange`,
weekdays as numbers with Sunday 0, `durationMinutes` only for cron windows. The
covered monitors and the status pages showing a window are saved by calls of their own.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from kumaprov.kinds.status_pages import PageSlug
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
    status_pages: list[PageSlug] | None = Field(
        None, description="Slugs of the status pages (in the files) that show it; unset leaves them as they are.")
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
    if window.status_pages is not None:
        fields["status_pages"] = tuple(sorted(set(window.status_pages)))
    return fields


# What `addMaintenance` needs beyond the managed fields (it reads each of these).
ADD_DEFAULTS: dict[str, Any] = {"dateRange": [], "timeRange": [_time("02:00"), _time("03:00")], "weekdays": [],
                                "daysOfMonth": [], "intervalDay": 1, "cron": "30 3 * * *", "durationMinutes": 60}
