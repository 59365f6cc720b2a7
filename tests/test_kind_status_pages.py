"""The status pages kind without a server: the groups read from the public endpoint, monitors
by definition id, a save that keeps what kumaprov does not manage, export."""

from __future__ import annotations

from pathlib import Path

from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Create, Live, Update
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.kinds.status_pages import STATUS_PAGES
from kumaprov.sync.export import export
from kumaprov.sync.plan import server_refs
from tests.kindkit import FakeClient, LINE, OWNER, OWNER_TAG, RecordingWriter, linted, marked, wanted_of

FILES = """\
    monitors:
      - {id: api, name: API, type: http, url: "https://api.test/"}
      - {id: db, name: Database, type: port, hostname: db.internal, port: 5432}
    status_pages:
      - slug: shop
        title: Shop
        description: How the shop is doing
        groups: [{name: API, monitors: [api]}, {name: Data, monitors: [db]}]
      - {slug: old, absent: true}
"""
# As 2.0.0-dev.0 lists a page (tests/snapshots), and its groups as /api/status-page/<slug> does.
ROW = {"id": 1, "slug": "shop", "title": "Shop", "description": "How the shop is doing", "footerText": None,
       "customCSS": "", "showTags": False, "showPoweredBy": True, "showCertificateExpiry": False, "domainNameList": [],
       "googleAnalyticsId": "G-123", "icon": "/upload/logo1.png", "published": True, "theme": "dark"}
GROUPS = [{"id": 1, "name": "API", "weight": 1, "monitorList": [{"id": 21, "name": "API", "type": "http"}]},
          {"id": 2, "name": "Data", "weight": 2, "monitorList": [{"id": 22, "name": "Database", "type": "port"},
                                                                 {"id": 30, "name": "Hand-made", "type": "ping"}]}]
MONITOR_ROWS = [{"id": 21, "name": "API", "tags": [{"tag_id": 1, "name": OWNER_TAG, "value": marked("api")}]},
                {"id": 22, "name": "Database", "tags": [{"tag_id": 1, "name": OWNER_TAG, "value": marked("db")}]}]


def live_pages() -> list[Live]:
    client = FakeClient(lists={"statusPageList": [ROW]}, groups={"shop": GROUPS})
    rows = STATUS_PAGES.read(client, {"shop"})
    assert client.calls == ["statusPageList", "status_page(shop)"]
    return STATUS_PAGES.live(rows, server_refs(MONITORS.live(MONITOR_ROWS, server_refs([]), OWNER)), OWNER)


def test_pages_are_read_only_when_named_with_their_groups_by_definition_id() -> None:
    client = FakeClient(lists={"statusPageList": [ROW]}, groups={"shop": GROUPS})
    assert STATUS_PAGES.read(client, set()) == ([], {}) and client.calls == []
    (page,) = live_pages()
    assert (page.kuma_id, page.name, page.owner) == (1, "shop", "shop")
    assert page.fields["groups"] == [["API", ["api"]], ["Data", ["db", "#30"]]]
    assert page.fields["footerText"] == ""  # listed as null


def test_desired_page_and_the_difference_a_hand_added_monitor_makes(tmp_path: Path) -> None:
    wanted, problems = wanted_of(STATUS_PAGES, linted(tmp_path, FILES))
    assert problems == [] and wanted.absent == ["old"]
    (shop,) = wanted.desired
    assert shop.fields["groups"] == [["API", ["api"]], ["Data", ["db"]]]
    changes = STATUS_PAGES.compare(shop, live_pages()[0], server_refs([]))
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("groups", [["API", ["api"]], ["Data", ["db", "#30"]]], [["API", ["api"]], ["Data", ["db"]]])]


def test_a_save_keeps_the_settings_kumaprov_does_not_manage(tmp_path: Path) -> None:
    wanted, _ = wanted_of(STATUS_PAGES, linted(tmp_path, FILES))
    (shop,) = wanted.desired
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {("monitor", "api"): 21, ("monitor", "db"): 22}, REFERENCE_FIELDS)
    (live,) = live_pages()
    STATUS_PAGES.write(Update(shop, live, STATUS_PAGES.compare(shop, live, server_refs([]))), applying)
    ((slug, config, icon, groups),) = writer.named("saveStatusPage")
    assert slug == "shop" and icon == "/upload/logo1.png"
    assert config["googleAnalyticsId"] == "G-123" and config["theme"] == "dark" and config["logo"] == icon
    assert groups == [{"name": "API", "monitorList": [{"id": 21}]}, {"name": "Data", "monitorList": [{"id": 22}]}]
    writer.calls.clear()
    STATUS_PAGES.write(Create(shop), applying)
    assert [call for call, _ in writer.calls] == ["addStatusPage", "getStatusPage", "saveStatusPage"]


def test_export_writes_the_page_with_the_export_monitor_ids() -> None:
    monitors = [{**row, "type": "http", "url": "https://api.test/", "interval": 60, "retryInterval": 60,
                 "maxretries": 0, "resendInterval": 0, "upsideDown": False, "notificationIDList": {}}
                for row in MONITOR_ROWS[:1]]
    result = export({"status_page": ([ROW], {"shop": {"publicGroupList": GROUPS}}), "monitor": monitors}, OWNER_TAG)
    assert result.document["status_pages"] == [
        {"slug": "shop", "title": "Shop", "description": "How the shop is doing",
         "groups": [{"name": "API", "monitors": ["api"]}, {"name": "Data", "monitors": []}]}]


INCIDENT = """\
    status_pages:
      - slug: shop
        title: Shop
        description: How the shop is doing
        incident: {title: Payments slow, content: "Card payments take **minutes**.", style: warning}
"""
PINNED = {"id": 5, "title": "Payments slow", "content": "Card payments take **minutes**.", "style": "warning",
          "pin": True, "active": True, "createdDate": "2026-12-01 10:00:00", "lastUpdatedDate": None}


def page_with(data: dict) -> Live:
    client = FakeClient(lists={"statusPageList": [ROW]}, pages={"shop": {"publicGroupList": GROUPS, **data}})
    (page,) = STATUS_PAGES.live(STATUS_PAGES.read(client, {"shop"}), server_refs([]), OWNER)
    return page


def test_the_pinned_incident_as_1_23_and_2x_list_it(tmp_path: Path) -> None:
    wanted, problems = wanted_of(STATUS_PAGES, linted(tmp_path, INCIDENT))
    assert problems == []
    (shop,) = wanted.desired
    assert shop.fields["incident"] == {"title": "Payments slow", "content": "Card payments take **minutes**.",
                                       "style": "warning"}
    for listed in ({"incident": PINNED}, {"incidents": [PINNED]}):  # 1.23, then 2.x releases
        assert STATUS_PAGES.compare(shop, page_with(listed), server_refs([])) == ()  # pinned already: no write
    older = {**PINNED, "id": 4, "title": "Maintenance"}
    (change,) = STATUS_PAGES.compare(shop, page_with({"incidents": [PINNED, older]}), server_refs([]))
    assert change.field == "incident" and isinstance(change.old, list)  # 2.x can pin several


def test_an_incident_is_edited_in_place_posted_or_unpinned_without_saving_the_page(tmp_path: Path) -> None:
    wanted, _ = wanted_of(STATUS_PAGES, linted(tmp_path, INCIDENT))
    (shop,) = wanted.desired
    applying = Applying(RecordingWriter(), OWNER, LINE, {}, REFERENCE_FIELDS)

    def writes(live: Live, want: object = shop) -> list:
        applying.writer = writer = RecordingWriter()
        STATUS_PAGES.write(Update(want, live, STATUS_PAGES.compare(want, live, server_refs([]))), applying)
        return writer.calls

    reworded = page_with({"incident": {**PINNED, "content": "Fixed soon."}})
    assert writes(reworded) == [("postIncident", ("shop", {"id": 5, **shop.fields["incident"]}))]
    assert writes(page_with({"incident": None})) == [("postIncident", ("shop", shop.fields["incident"]))]
    two = page_with({"incidents": [PINNED, {**PINNED, "id": 4}]})
    assert writes(two) == [("unpinIncident", "shop"), ("postIncident", ("shop", shop.fields["incident"]))]
    (plain,) = wanted_of(STATUS_PAGES, linted(tmp_path / "plain", FILES))[0].desired
    without = type(plain)(plain.id, {k: v for k, v in plain.fields.items() if k != "groups"}, kind=plain.kind)
    assert writes(page_with({"incident": PINNED}), without) == []  # unset: a pinned incident stays (by hand?)
    nulled = INCIDENT.replace(INCIDENT.splitlines()[-1], "        incident: null")
    (unpin,) = wanted_of(STATUS_PAGES, linted(tmp_path / "null", nulled))[0].desired
    assert writes(page_with({"incident": PINNED}), unpin) == [("unpinIncident", "shop")]


def test_export_writes_the_newest_pinned_incident() -> None:
    result = export({"status_page": ([ROW], {"shop": {"publicGroupList": [], "incidents": [PINNED]}})}, OWNER)
    (page,) = result.document["status_pages"]
    assert page["incident"] == {"title": "Payments slow", "content": "Card payments take **minutes**.",
                                "style": "warning"}


def test_a_saved_plan_editing_only_windows_lists_the_pages_for_their_ids() -> None:
    document = {"updates": [{"kind": "maintenance", "id": "Upgrade"}]}
    need = STATUS_PAGES.needs_for_saved(document)
    client = FakeClient(lists={"statusPageList": [ROW]}, groups={"shop": GROUPS})
    rows = STATUS_PAGES.read(client, need)
    assert rows == ([ROW], {}) and client.calls == ["statusPageList"]  # no page read beyond the list
    assert STATUS_PAGES.refs(STATUS_PAGES.live(rows, server_refs([]), OWNER)) == {1: "shop"}
    assert STATUS_PAGES.needs_for_saved({"updates": []}) == set()
