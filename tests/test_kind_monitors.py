"""The monitors kind without a server: ownership, desired fields with their references, equal
however the server lists them, the writes (tags apart), export."""

from __future__ import annotations

import json
from pathlib import Path

from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Create, Delete, Update
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.sync.export import export
from kumaprov.sync.plan import server_refs
from kumaprov.kinds.ownership import LEGACY, Owner
from tests.kindkit import PROJECT, FakeClient, LINE, OWNER, OWNER_TAG, RecordingWriter, linted, marked, wanted_of

FILES = """\
    monitors:
      - {id: shop, name: Shop, type: group}
      - id: api
        name: API
        type: http
        parent: shop
        url: https://api.test/health
        headers: {Authorization: "Bearer ${API_TOKEN}"}
        tags: [{name: env, value: prod}]
"""
ENV = {"API_TOKEN": "t0ken-for-tests"}
# As 2.0.0-dev.0 lists them (tests/snapshots): booleans, JSON text headers, ids for references.
GROUP = {"id": 1, "name": "Shop", "type": "group", "description": "", "interval": 60, "retryInterval": 60,
         "maxretries": 0, "resendInterval": 0, "upsideDown": False, "parent": None, "notificationIDList": {},
         "tags": [{"tag_id": 3, "monitor_id": 1, "name": OWNER_TAG, "value": marked("shop"), "color": "#2563EB"}]}
API = {"id": 2, "name": "API", "type": "http", "description": "", "interval": 60, "retryInterval": 60,
       "maxretries": 0, "resendInterval": 0, "upsideDown": 0, "parent": 1, "url": "https://api.test/health",
       "method": "GET", "headers": json.dumps({"Authorization": "Bearer t0ken-for-tests"}, indent=2), "body": "",
       "httpBodyEncoding": "json", "accepted_statuscodes": ["200-299"], "maxredirects": 10, "timeout": 48,
       "ignoreTls": 0, "expiryNotification": False, "authMethod": None, "basic_auth_user": None,
       "basic_auth_pass": None, "proxyId": None, "notificationIDList": {},
       # The HTTP fields 2.x releases list (the LINE is 2.5.3), at the server's defaults.
       "cacheBust": False, "ipFamily": None, "saveResponse": False, "saveErrorResponse": True,
       "responseMaxLength": 1024, "domainExpiryNotification": True,
       "tags": [{"tag_id": 3, "monitor_id": 2, "name": OWNER_TAG, "value": marked("api"), "color": "#2563EB"},
                {"tag_id": 4, "monitor_id": 2, "name": "env", "value": "prod", "color": "#059669"}]}


def live_monitors(*rows: dict) -> list:
    return MONITORS.live(MONITORS.read(FakeClient(monitors=rows or [GROUP, API]), True), server_refs([]), OWNER)


def test_ownership_is_the_value_of_the_projects_tag() -> None:
    assert [(m.kuma_id, m.owner) for m in live_monitors()] == [(1, "shop"), (2, "api")]
    assert MONITORS.live([API], server_refs([]), Owner("another-tag", PROJECT))[0].owner is None
    (theirs,) = MONITORS.live([API], server_refs([]), Owner(OWNER_TAG, "payments"))
    assert (theirs.owner, theirs.foreign) == (None, (PROJECT, "api"))


def test_an_old_style_marker_is_nobodys_until_the_project_adopts_legacy_markers() -> None:
    old = {**API, "tags": [{**API["tags"][0], "value": "api"}]}
    (seen,) = MONITORS.live([old], server_refs([]), OWNER)
    assert (seen.owner, seen.replaces, seen.foreign) == (None, None, (LEGACY, "api"))
    (adopted,) = MONITORS.live([old], server_refs([]), Owner(OWNER_TAG, PROJECT, adopt_legacy=True))
    assert (adopted.owner, adopted.replaces, adopted.foreign) == ("api", "api", None)


def test_desired_fields_name_other_objects_by_reference_and_mark_secrets(tmp_path: Path) -> None:
    wanted, problems = wanted_of(MONITORS, linted(tmp_path, FILES), environ=ENV)
    assert problems == []
    shop, api = wanted.desired
    assert api.fields["parent"] == "shop" and api.fields["tags"] == ("env=prod",)
    assert json.loads(api.fields["headers"]) == {"Authorization": "Bearer t0ken-for-tests"}
    assert api.sensitive == {"headers", "basic_auth_pass"}  # a password is one even when empty
    assert json.loads(api.unresolved["headers"]) == {"Authorization": "Bearer ${API_TOKEN}"}


def test_a_monitor_listed_as_the_files_want_it_is_unchanged(tmp_path: Path) -> None:
    wanted, _ = wanted_of(MONITORS, linted(tmp_path, FILES), environ=ENV)
    refs = server_refs(live_monitors(), OWNER_TAG)
    for want, live in zip(wanted.desired, live_monitors()):
        assert MONITORS.compare(want, live, refs) == ()
    moved = live_monitors(GROUP, {**API, "parent": None, "interval": 30})[1]
    assert [(c.field, c.old, c.new) for c in MONITORS.compare(wanted.desired[1], moved, refs)] == [
        ("interval", 30, 60), ("parent", None, "shop")]


def test_a_create_adds_the_monitor_then_its_ownership_tag_then_its_tags(tmp_path: Path) -> None:
    wanted, _ = wanted_of(MONITORS, linted(tmp_path, FILES), environ=ENV)
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {("tag", "env"): 4}, REFERENCE_FIELDS)
    for desired in wanted.desired:
        MONITORS.write(Create(desired), applying)
    assert [call for call, _ in writer.calls] == ["add_monitor", "add_monitor_tag", "add_monitor", "add_monitor_tag",
                                                  "add_monitor_tag"]
    added = writer.named("add_monitor")[1]
    assert added["parent"] == 101 and "tags" not in added and added["conditions"] == []
    assert writer.named("add_monitor_tag") == [(1, 101, "kp/shop"), (1, 102, "kp/api"), (4, 102, "prod")]


def test_an_update_edits_only_when_a_field_changed_and_retags_apart(tmp_path: Path) -> None:
    wanted, _ = wanted_of(MONITORS, linted(tmp_path, FILES), environ=ENV)
    api = wanted.desired[1]
    live = live_monitors(GROUP, {**API, "tags": [*API["tags"][:1], {**API["tags"][1], "value": "dev"}]})[1]
    changes = MONITORS.compare(api, live, server_refs(live_monitors(), OWNER_TAG))
    assert [c.field for c in changes] == ["tags"]
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {("tag", "env"): 4, ("monitor", "shop"): 1}, REFERENCE_FIELDS)
    MONITORS.write(Update(api, live, changes), applying)
    # The new value first: deleting the old one first could take the tag itself with it (2.0.0-dev.0).
    assert writer.calls == [("add_monitor_tag", (4, 2, "prod")), ("delete_monitor_tag", (4, 2, "dev"))]
    MONITORS.write(Delete(live), applying)
    assert writer.calls[-1] == ("delete_monitor", 2)


def test_export_writes_the_definition_back_with_secrets_as_references() -> None:
    # (A value no variable of this process holds: one that does is written as that variable.)
    result = export({"monitor": [GROUP, {**API, "authMethod": "basic", "basic_auth_user": "bot",
                                         "basic_auth_pass": "pw-on-the-server",
                                         "headers": '{"Authorization": "Bearer only-on-the-server"}'}]}, OWNER_TAG)
    shop, api = result.document["monitors"]
    assert shop == {"id": "shop", "name": "Shop", "type": "group"}
    assert api == {"id": "api", "name": "API", "type": "http", "url": "https://api.test/health",
                   "headers": {"Authorization": "Bearer ${KUMA_API_HEADERS_AUTHORIZATION}"},
                   "basic_auth": {"username": "bot", "password": "${KUMA_API_PASSWORD}"}, "parent": "shop",
                   "tags": [{"name": "env", "value": "prod"}]}
    assert result.secrets == ["KUMA_API_PASSWORD", "KUMA_API_HEADERS_AUTHORIZATION"]
