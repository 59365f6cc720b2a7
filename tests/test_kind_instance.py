"""Settings, API keys and remote browsers without a server: what the files want, what is read
and when, what differs, the writes (an API key's secret only in its 0600 key file) and export."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from kumaprov.errors import ServerError
from kumaprov.kinds.api_keys import API_KEYS
from kumaprov.kinds.base import Applying, ServerRefs
from kumaprov.kinds.changes import Change, Create, Desired, Live, Plan, Update
from kumaprov.kinds.monitor_writes import write as write_monitor
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.kinds.remote_browsers import REMOTE_BROWSERS
from kumaprov.kinds.settings import SETTINGS
from kumaprov.sync.export import export
from kumaprov.sync.report import plan_text
from tests.kindkit import LINE, OWNER, FakeClient, RecordingWriter, linted, wanted_of

SERVER_SETTINGS = {"primaryBaseURL": "", "keepDataPeriodDays": 180, "checkUpdate": True, "disableAuth": False,
                   "nscd": True, "entryPage": "dashboard", "serverTimezone": "UTC", "steamAPIKey": "old-steam"}


class KeyWriter(RecordingWriter):
    """Answers `addAPIKey` as the server does: the secret, once."""

    def call(self, event: str, data: Any = None) -> Any:
        if event == "addAPIKey":
            new = self._new(event, data)
            return {"key": f"uk{new}_clear-secret-{new}", "keyID": new}
        return super().call(event, data)


# -- settings ---------------------------------------------------------------------------------

def test_settings_are_one_object_of_the_keys_the_files_list(tmp_path: Path) -> None:
    sources = linted(tmp_path, """\
        settings:
          primaryBaseURL: https://kuma.example.com
          checkUpdate: false
          steamAPIKey: "${STEAM_KEY}"
    """)
    assert [entry.value.key for entry in SETTINGS.defined(sources)] == ["primaryBaseURL", "checkUpdate",
                                                                        "steamAPIKey"]
    wanted, problems = wanted_of(SETTINGS, sources, environ={"STEAM_KEY": "steam-secret"})
    assert problems == []
    (desired,) = wanted.desired
    assert dict(desired.fields) == {"primaryBaseURL": "https://kuma.example.com", "checkUpdate": False,
                                    "steamAPIKey": "steam-secret"}
    assert desired.sensitive == {"steamAPIKey"} and desired.unresolved == {"steamAPIKey": "${STEAM_KEY}"}


def test_settings_are_read_only_when_listed_and_compare_only_the_listed_keys(tmp_path: Path) -> None:
    client = FakeClient()
    client.settings = dict(SERVER_SETTINGS)
    assert SETTINGS.read(client, SETTINGS.needs(linted(tmp_path / "a", "monitors: []\n"))) is None
    assert client.calls == []
    sources = linted(tmp_path / "b", "settings: {keepDataPeriodDays: 180, checkUpdate: false, trustProxy: false}\n")
    (live,) = SETTINGS.live(SETTINGS.read(client, SETTINGS.needs(sources)), ServerRefs(), OWNER)
    wanted, _ = wanted_of(SETTINGS, sources)
    changes = SETTINGS.compare(wanted.desired[0], live, ServerRefs())
    # trustProxy was never saved: false is a change (the server's own default is the web UI's)
    assert [(c.field, c.old, c.new) for c in changes] == [("checkUpdate", True, False), ("trustProxy", None, False)]


def test_a_settings_write_sends_everything_as_read_with_only_the_managed_keys_changed() -> None:
    live = SETTINGS.live(dict(SERVER_SETTINGS), ServerRefs(), OWNER)[0]
    # A saved plan's update also carries the object's name: never a setting of its own.
    desired = Desired("instance", {"name": "instance", "keepDataPeriodDays": 30}, kind="settings")
    writer = RecordingWriter()
    SETTINGS.write(Update(desired, live, ()), Applying(writer, OWNER, LINE, {}))
    assert writer.named("setSettings") == [({**SERVER_SETTINGS, "keepDataPeriodDays": 30}, "")]


def test_settings_export_the_keys_that_differ_from_the_web_ui_defaults() -> None:
    result = export({"settings": {**SERVER_SETTINGS, "keepDataPeriodDays": 30, "jwtSecret": "x"}}, OWNER)
    assert result.document["settings"] == {"keepDataPeriodDays": 30, "serverTimezone": "UTC",
                                           "steamAPIKey": "${KUMA_SETTINGS_STEAMAPIKEY}"}
    assert result.secrets == ["KUMA_SETTINGS_STEAMAPIKEY"] and "old-steam" not in str(result.document)


# -- API keys ---------------------------------------------------------------------------------

KEYS = """\
    api_keys:
      - {name: prometheus, key_file: ../secrets/prom.key, expires: 2099-01-31}
      - {name: ci, key_file: /run/ci.key, active: false}
      - {name: gone, key_file: gone.key, absent: true}
"""
ROW = {"id": 4, "name": "prometheus", "userID": 1, "createdDate": "2026-01-01 10:00:00", "active": 1,
       "expires": "2099-01-31 00:00:00", "status": "active"}


def test_api_keys_want_their_sink_beside_the_file_and_the_expiry_as_the_server_lists_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted, problems = wanted_of(API_KEYS, linted(tmp_path, KEYS))
    assert problems == [] and wanted.absent == ["gone"]
    prometheus, ci = wanted.desired
    assert dict(prometheus.fields) == {"name": "prometheus", "active": True, "expires": "2099-01-31 00:00:00",
                                       "keyFile": str(tmp_path / "secrets" / "prom.key")}
    assert dict(ci.fields) == {"name": "ci", "active": False, "expires": None, "keyFile": "/run/ci.key"}
    monkeypatch.chdir(tmp_path)  # run from the project: plans show the key file from there
    wanted, _ = wanted_of(API_KEYS, linted(tmp_path, KEYS))
    assert wanted.desired[0].fields["keyFile"] == "secrets/prom.key"


def test_an_api_key_as_listed_is_unchanged_and_a_new_expiry_is_a_replacement(tmp_path: Path) -> None:
    wanted, _ = wanted_of(API_KEYS, linted(tmp_path, KEYS))
    (live,) = API_KEYS.live([ROW], ServerRefs(), OWNER)
    assert API_KEYS.compare(wanted.desired[0], live, ServerRefs()) == ()
    (inactive,) = API_KEYS.live([{**ROW, "active": 0}], ServerRefs(), OWNER)
    assert [(c.field, c.old, c.new) for c in API_KEYS.compare(wanted.desired[0], inactive, ServerRefs())] == [
        ("active", False, True)]
    (later,) = API_KEYS.live([{**ROW, "expires": "2098-01-01 00:00:00"}], ServerRefs(), OWNER)
    changes = API_KEYS.compare(wanted.desired[0], later, ServerRefs())
    assert [c.field for c in changes] == ["expires", "keyFile"]
    note = API_KEYS.update_note(Update(wanted.desired[0], later, changes))
    assert note is not None and "replaces the key" in note and "prom.key" in note


def test_creating_a_key_writes_its_secret_to_the_key_file_only(tmp_path: Path) -> None:
    sink = tmp_path / "deep" / "prom.key"
    desired = Desired("prometheus", {"name": "prometheus", "active": True, "expires": None, "keyFile": str(sink)},
                      kind="api_key")
    writer = KeyWriter()
    applying = Applying(writer, OWNER, LINE, {})
    API_KEYS.write(Create(desired), applying)
    assert writer.named("addAPIKey") == [{"name": "prometheus", "expires": None, "active": 1}]
    assert sink.read_text() == "uk101_clear-secret-101\n"
    assert stat.S_IMODE(sink.stat().st_mode) == 0o600 and list(sink.parent.iterdir()) == [sink]
    assert applying.kuma_ids[("api_key", "prometheus")] == 101


def test_a_key_file_that_cannot_be_written_fails_before_the_key_is_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    desired = Desired("ci", {"name": "ci", "active": True, "expires": None, "keyFile": str(tmp_path / "file" / "k")},
                      kind="api_key")
    writer = KeyWriter()
    with pytest.raises(ServerError, match="cannot write the key file"):
        API_KEYS.write(Create(desired), Applying(writer, OWNER, LINE, {}))
    assert writer.calls == []


def test_a_replacement_makes_the_new_key_first_then_deletes_the_old_and_a_toggle_edits_in_place(
        tmp_path: Path) -> None:
    sink = tmp_path / "prom.key"
    sink.write_text("uk4_old\n")
    desired = Desired("prometheus", {"name": "prometheus", "active": True, "expires": "2100-01-01 00:00:00",
                                     "keyFile": str(sink)}, kind="api_key")
    (live,) = API_KEYS.live([ROW], ServerRefs(), OWNER)
    writer = KeyWriter()
    applying = Applying(writer, OWNER, LINE, {})
    API_KEYS.write(Update(desired, live, API_KEYS.compare(desired, live, ServerRefs())), applying)
    assert [call for call, _ in writer.calls] == ["addAPIKey", "deleteAPIKey"]
    assert writer.named("deleteAPIKey") == [4] and sink.read_text() == "uk101_clear-secret-101\n"
    toggled = Desired("prometheus", {**desired.fields, "active": False, "expires": "2099-01-31 00:00:00"},
                      kind="api_key")
    API_KEYS.write(Update(toggled, live, API_KEYS.compare(toggled, live, ServerRefs())), applying)
    assert writer.calls[-1] == ("disableAPIKey", 4)


def test_api_keys_export_with_a_key_file_each_and_no_secret() -> None:
    result = export({"api_key": [ROW, {**ROW, "id": 5, "name": "CI runner", "active": 0, "expires": None}]}, OWNER)
    documents = result.document["api_keys"]
    assert [d["name"] for d in documents] == ["prometheus", "CI runner"]
    assert documents[0]["key_file"] == "prometheus.key" and documents[1] == {
        "name": "CI runner", "key_file": "ci-runner.key", "active": False}
    assert str(documents[0]["expires"]) == "2099-01-31 00:00:00"


# -- remote browsers --------------------------------------------------------------------------

BROWSERS = """\
    remote_browsers:
      - {name: grid, url: "ws://browserless:3000/playwright?token=${BROWSER_TOKEN}"}
    monitors:
      - {id: page, name: Page, type: real-browser, url: "https://example.com/", remote_browser: grid}
"""
BROWSER_ROW = {"id": 3, "name": "grid", "url": "ws://browserless:3000/playwright?token=t0ken-value-123"}


def test_remote_browsers_are_not_read_from_a_server_without_them(tmp_path: Path) -> None:
    client = FakeClient(lists={"remoteBrowserList": [BROWSER_ROW]})
    client.version = "1.23.17"
    assert REMOTE_BROWSERS.read(client, True) == [] and client.calls == []
    client.version = "2.5.3"
    assert REMOTE_BROWSERS.read(client, REMOTE_BROWSERS.needs(linted(tmp_path, BROWSERS))) == [BROWSER_ROW]


def test_a_monitor_names_the_remote_browser_and_gets_its_server_id(tmp_path: Path) -> None:
    env = {"BROWSER_TOKEN": "t0ken-value-123"}
    browsers, problems = wanted_of(REMOTE_BROWSERS, linted(tmp_path, BROWSERS), environ=env)
    monitors, _ = wanted_of(MONITORS, linted(tmp_path, BROWSERS), environ=env)
    assert problems == [] and browsers.desired[0].sensitive == {"url"}
    assert monitors.desired[0].fields["remote_browser"] == "grid"
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {}, REFERENCE_FIELDS)

    writer.call = lambda event, data=None: {"id": writer._new(event, data)}  # type: ignore[method-assign]
    REMOTE_BROWSERS.write(Create(browsers.desired[0]), applying)
    write_monitor(Create(monitors.desired[0]), applying)
    assert writer.named("addRemoteBrowser") == [({"name": "grid", "url": BROWSER_ROW["url"]}, None)]
    assert writer.named("add_monitor")[0]["remote_browser"] == 101
    (live,) = REMOTE_BROWSERS.live([BROWSER_ROW], ServerRefs(), OWNER)
    assert REMOTE_BROWSERS.compare(browsers.desired[0], live, ServerRefs()) == ()


def test_remote_browsers_export_a_url_with_credentials_as_a_reference() -> None:
    monitor = {"id": 9, "name": "Page", "type": "real-browser", "url": "https://example.com/", "remote_browser": 3,
               "interval": 60, "retryInterval": 60, "maxretries": 0, "resendInterval": 0, "upsideDown": False,
               "tags": [], "notificationIDList": {}}
    plain = {"id": 4, "name": "local", "url": "ws://127.0.0.1:3000/"}
    # A token no environment holds (one that is held comes back as its own variable's reference).
    grid = {**BROWSER_ROW, "url": "ws://browserless:3000/playwright?token=never-in-the-environment"}
    result = export({"remote_browser": [grid, plain], "monitor": [monitor]}, OWNER)
    assert result.document["remote_browsers"] == [{"name": "grid", "url": "${KUMA_GRID_URL}"},
                                                  {"name": "local", "url": "ws://127.0.0.1:3000/"}]
    assert result.document["monitors"][0]["remote_browser"] == "grid"
    assert "never-in-the-environment" not in str(result.document)


def test_a_settings_update_is_shown_without_a_server_id(tmp_path: Path) -> None:
    desired = Desired("instance", {"name": "instance", "checkUpdate": False}, kind="settings")
    live = Live(0, "instance", "instance", {"checkUpdate": True}, "settings")
    text = plan_text(Plan(updates=[Update(desired, live, [Change("checkUpdate", True, False)])]))
    assert text.splitlines()[0] == '~ update settings instance "instance"'
    assert "    checkUpdate: true -> false" in text.splitlines()
