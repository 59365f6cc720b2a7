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
    assert client.calls == ["statusPageList", "status_page_groups(shop)"]
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
    STATUS_PAGES.write(Update(shop, live_pages()[0], ()), applying)
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
    result = export({"status_page": ([ROW], {"shop": GROUPS}), "monitor": monitors}, OWNER_TAG)
    assert result.document["status_pages"] == [
        {"slug": "shop", "title": "Shop", "description": "How the shop is doing",
         "groups": [{"name": "API", "monitors": ["api"]}, {"name": "Data", "monitors": []}]}]
