"""The maintenance windows kind without a server: the monitors a window covers, its fields by
strategy, equal however the server lists them, writes, export."""

from __future__ import annotations

from pathlib import Path

from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Create, Live, Update
from kumaprov.kinds.maintenance import MAINTENANCE
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.kinds.status_pages import STATUS_PAGES
from kumaprov.sync.export import export
from kumaprov.sync.plan import server_refs
from tests.kindkit import FakeClient, LINE, OWNER, OWNER_TAG, RecordingWriter, linted, marked, wanted_of

FILES = """\
    monitors:
      - {id: db, name: Database, type: port, hostname: db.internal, port: 5432}
    maintenance:
      - {title: Upgrade, strategy: recurring-weekday, weekdays: [wed, sun], time: {start: "02:00", end: "03:30"},
         start: "2026-01-01 00:00", timezone: UTC, monitors: [db]}
      - {title: Retired, absent: true}
"""
# As 2.0.0-dev.0 lists it (tests/snapshots): an end left out, times with seconds, a cron and
# duration of its own making, the monitors covered read apart.
ROW = {"id": 3, "title": "Upgrade", "description": "", "strategy": "recurring-weekday", "active": True,
       "intervalDay": 1, "dateRange": ["2026-01-01 00:00"], "timeRange": [
           {"hours": 2, "minutes": 0, "seconds": 0}, {"hours": 3, "minutes": 30, "seconds": 0}],
       "weekdays": [0, 3], "daysOfMonth": [], "timezoneOption": "UTC", "cron": "0 2 * * 0,3", "durationMinutes": 90,
       "status": "scheduled", "timezone": "UTC", "timezoneOffset": "+00:00"}
DB = {"id": 11, "name": "Database", "type": "port", "tags": [{"tag_id": 1, "name": OWNER_TAG, "value": marked("db")}]}


def live_windows(covered: list[int]) -> list[Live]:
    client = FakeClient(lists={"maintenanceList": [ROW]}, covered={3: covered})
    rows = MAINTENANCE.read(client, {"Upgrade"})
    return MAINTENANCE.live(rows, server_refs(MONITORS.live([DB], server_refs([]), OWNER)), OWNER)


def test_windows_are_read_only_when_named_and_cover_monitors_by_definition_id() -> None:
    client = FakeClient(lists={"maintenanceList": [ROW]}, covered={3: [11, 12]}, shown={3: [7]})
    assert MAINTENANCE.read(client, set()) == ([], {}, {}) and client.calls == []
    assert MAINTENANCE.read(client, {"Upgrade"}) == ([ROW], {3: [11, 12]}, {3: [7]})
    assert client.calls == ["maintenanceList", "getMonitorMaintenance(3)", "getMaintenanceStatusPage(3)"]
    (window,) = live_windows([11, 12])
    assert (window.kuma_id, window.name, window.owner) == (3, "Upgrade", "Upgrade")
    assert window.fields["monitors"] == ("#12", "db")  # a monitor kumaprov does not own keeps its server id


def test_desired_fields_follow_the_strategy_and_the_absent_titles(tmp_path: Path) -> None:
    wanted, problems = wanted_of(MAINTENANCE, linted(tmp_path, FILES))
    assert problems == [] and wanted.absent == ["Retired"]
    (upgrade,) = wanted.desired
    assert dict(upgrade.fields) == {
        "title": "Upgrade", "description": "", "strategy": "recurring-weekday", "active": True,
        "timezoneOption": "UTC", "monitors": ("db",), "dateRange": ["2026-01-01 00:00"],
        "timeRange": [{"hours": 2, "minutes": 0}, {"hours": 3, "minutes": 30}], "weekdays": [0, 3]}


def test_a_window_listed_as_the_files_want_it_is_unchanged(tmp_path: Path) -> None:
    wanted, _ = wanted_of(MAINTENANCE, linted(tmp_path, FILES))
    (window,) = live_windows([11])
    assert MAINTENANCE.compare(wanted.desired[0], window, server_refs([])) == ()
    (uncovered,) = live_windows([])
    assert "monitors" in [c.field for c in MAINTENANCE.compare(wanted.desired[0], uncovered, server_refs([]))]


def test_writes_add_the_window_then_set_its_monitors_by_server_id(tmp_path: Path) -> None:
    wanted, _ = wanted_of(MAINTENANCE, linted(tmp_path, FILES))
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {("monitor", "db"): 11}, REFERENCE_FIELDS)
    MAINTENANCE.write(Create(wanted.desired[0]), applying)
    (added,) = writer.named("addMaintenance")
    assert "monitors" not in added and added["intervalDay"] == 1 and added["weekdays"] == [0, 3]
    assert writer.named("addMonitorMaintenance") == [(101, [{"id": 11}])]
    (window,) = live_windows([])
    monitors_only = [c for c in MAINTENANCE.compare(wanted.desired[0], window, server_refs([])) if c.field == "monitors"]
    writer.calls.clear()
    MAINTENANCE.write(Update(wanted.desired[0], window, tuple(monitors_only)), applying)
    assert writer.calls == [("addMonitorMaintenance", (3, [{"id": 11}]))]  # no edit for the monitors alone


def test_export_writes_the_window_as_in_files() -> None:
    result = export({"maintenance": ([ROW], {3: [11, 12]}, {3: []}), "monitor": [
        {**DB, "hostname": "db.internal", "port": 5432, "interval": 60, "retryInterval": 60, "maxretries": 0,
         "resendInterval": 0, "upsideDown": False, "notificationIDList": {}}]}, OWNER_TAG)
    assert result.document["maintenance"] == [
        {"title": "Upgrade", "strategy": "recurring-weekday", "timezone": "UTC", "monitors": ["db"],
         "start": "2026-01-01 00:00", "time": {"start": "02:00", "end": "03:30"}, "weekdays": ["sun", "wed"]}]


PAGES = FILES + """\
      - {title: Freeze, timezone: UTC, monitors: [db], status_pages: [shop]}
    status_pages:
      - {slug: shop, title: Shop}
"""
PAGE_ROW = {"id": 7, "slug": "shop", "title": "Shop"}


def windows_shown_on(pages: list[int]) -> list[Live]:
    client = FakeClient(lists={"maintenanceList": [{**ROW, "id": 4, "title": "Freeze", "strategy": "manual"}],
                               "statusPageList": [PAGE_ROW]}, covered={4: [11]}, shown={4: pages})
    refs = server_refs([*MONITORS.live([DB], server_refs([]), OWNER),
                        *STATUS_PAGES.live(STATUS_PAGES.read(client, {"shop"}), server_refs([]), OWNER)])
    return MAINTENANCE.live(MAINTENANCE.read(client, {"Freeze"}), refs, OWNER)


def test_a_window_names_the_status_pages_showing_it_by_slug(tmp_path: Path) -> None:
    wanted, problems = wanted_of(MAINTENANCE, linted(tmp_path, PAGES))
    assert problems == []
    upgrade, freeze = wanted.desired
    assert "status_pages" not in upgrade.fields  # unset: the pages showing it are left as they are
    assert freeze.fields["status_pages"] == ("shop",)
    (shown,) = windows_shown_on([7])
    assert shown.fields["status_pages"] == ("shop",) and MAINTENANCE.compare(freeze, shown, server_refs([])) == ()
    (hidden,) = windows_shown_on([])
    changes = MAINTENANCE.compare(freeze, hidden, server_refs([]))
    assert [(c.field, c.old, c.new) for c in changes] == [("status_pages", (), ("shop",))]

    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {("monitor", "db"): 11, ("status_page", "shop"): 7}, REFERENCE_FIELDS)
    MAINTENANCE.write(Update(freeze, hidden, changes), applying)
    assert writer.calls == [("addMaintenanceStatusPage", (4, [{"id": 7}]))]  # the window itself unchanged
    writer.calls.clear()
    MAINTENANCE.write(Create(freeze), applying)
    (added,) = writer.named("addMaintenance")
    assert "status_pages" not in added
    assert writer.named("addMaintenanceStatusPage") == [(101, [{"id": 7}])]


def test_export_names_the_pages_showing_a_window_by_slug() -> None:
    row = {**ROW, "strategy": "manual", "title": "Freeze"}
    result = export({"maintenance": ([row], {3: []}, {3: [7, 8]}), "status_page": ([PAGE_ROW], {"shop": {}})},
                    OWNER)
    (window,) = result.document["maintenance"]
    assert window["status_pages"] == ["shop"]  # page 8 is not exported, so not named
