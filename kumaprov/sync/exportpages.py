"""Export of maintenance windows and status pages: the inverse of maintenance.py and
statuspages.py, with monitors named by the definition ids the export gave them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kumaprov.kinds.maintenance import WEEKDAYS, MaintenanceDef
from kumaprov.model.monitors import Strict
from kumaprov.kinds.status_pages import StatusPageDef

_WEEKDAY_NAMES = {number: name for name, number in WEEKDAYS.items()}


def window(row: Mapping[str, Any], covered: Sequence[int], monitor_ids: Mapping[int, str]) -> dict[str, Any]:
    strategy = str(row.get("strategy") or "manual")
    dates = [d for d in row.get("dateRange") or [] if d]
    document: dict[str, Any] = {
        "title": row.get("title"), "description": row.get("description") or "", "strategy": strategy,
        "active": bool(row.get("active")), "timezone": row.get("timezoneOption"),
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
    return _without_defaults(document, MaintenanceDef, keep=("title",))


def page(row: Mapping[str, Any], groups: Sequence[Mapping[str, Any]], monitor_ids: Mapping[int, str]) -> dict[str, Any]:
    document = {
        "slug": row.get("slug"), "title": row.get("title"), "description": row.get("description") or "",
        "footer": row.get("footerText") or "", "custom_css": row.get("customCSS") or "",
        "show_tags": bool(row.get("showTags")), "show_powered_by": bool(row.get("showPoweredBy")),
        "show_certificate_expiry": bool(row.get("showCertificateExpiry")),
        "domains": sorted(row.get("domainNameList") or []),
        "groups": [{"name": group.get("name"), "monitors": [monitor_ids[int(m["id"])] for m in group.get("monitorList")
                                                            or [] if int(m["id"]) in monitor_ids]}
                   for group in groups],
    }
    return _without_defaults(document, StatusPageDef, keep=("slug", "title", "groups"))


def _minutes(text: str) -> str:
    """'2026-12-05 22:00:00' (as the server lists a date) -> '2026-12-05 22:00'."""
    return str(text).replace("T", " ")[:16]


def _clock(time: Mapping[str, Any]) -> str:
    return f"{int(time.get('hours') or 0):02d}:{int(time.get('minutes') or 0):02d}"


def _without_defaults(document: dict[str, Any], model: type[Strict], keep: tuple[str, ...]) -> dict[str, Any]:
    kept = {}
    for key, value in document.items():
        field = model.model_fields[key]
        if key in keep or (value is not None and value != field.get_default(call_default_factory=True)):
            kept[key] = value
    return kept
