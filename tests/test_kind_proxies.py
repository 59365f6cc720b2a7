"""The proxies kind without a server: read only when defined, called by address, the password
resolved for the server and kept as written for saved plans, writes, export."""

from __future__ import annotations

from pathlib import Path

from kumaprov.kinds.base import Applying, ServerRefs
from kumaprov.kinds.changes import Create, Update
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.proxies import PROXIES
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.kinds.monitor_writes import write as write_monitor
from kumaprov.sync.export import export
from tests.kindkit import FakeClient, LINE, OWNER, OWNER_TAG, RecordingWriter, linted, wanted_of

FILES = """\
    proxies:
      - {id: corp, host: proxy.internal, port: 3128, username: kuma, password: "${PROXY_PASSWORD}"}
      - {id: old, protocol: socks5, host: socks.internal, port: 1080, absent: true}
    monitors:
      - {id: api, name: API, type: http, url: "https://api.example.com/health", proxy: corp}
"""
ROW = {"id": 6, "protocol": "http", "host": "proxy.internal", "port": 3128, "auth": True, "username": "kuma",
       "password": "old-password", "active": True, "default": False, "createdDate": "2026-01-01 00:00:00"}
ENV = {"PROXY_PASSWORD": "s3cret-proxy-pw"}


def test_proxies_are_read_only_when_the_files_define_one(tmp_path: Path) -> None:
    client = FakeClient(lists={"proxyList": [ROW]})
    without = linted(tmp_path / "a", "monitors: []\n")
    assert PROXIES.needs(without) is False and PROXIES.read(client, PROXIES.needs(without)) == []
    assert client.calls == []
    assert PROXIES.read(client, PROXIES.needs(linted(tmp_path / "b", FILES))) == [ROW]
    assert client.calls == ["proxyList"]


def test_a_listed_proxy_is_called_by_its_address() -> None:
    (live,) = PROXIES.live([ROW], ServerRefs(), OWNER)
    assert (live.kuma_id, live.name, live.owner, live.kind) == (6, "http://proxy.internal:3128",
                                                                 "http://proxy.internal:3128", "proxy")


def test_desired_proxy_resolves_the_password_and_keeps_it_as_written(tmp_path: Path) -> None:
    wanted, problems = wanted_of(PROXIES, linted(tmp_path, FILES), environ=ENV)
    assert problems == []
    (corp,) = wanted.desired
    assert corp.id == "http://proxy.internal:3128"
    assert dict(corp.fields) == {"protocol": "http", "host": "proxy.internal", "port": 3128, "auth": True,
                                 "username": "kuma", "password": "s3cret-proxy-pw", "default": False}
    assert corp.sensitive == {"password"} and corp.unresolved == {"password": "${PROXY_PASSWORD}"}
    assert wanted.absent == ["socks5://socks.internal:1080"]


def test_an_unset_password_variable_is_a_problem_and_nothing_is_resolved(tmp_path: Path) -> None:
    wanted, problems = wanted_of(PROXIES, linted(tmp_path, FILES), environ={})
    assert [p.code for p in problems] == ["KP403"]
    assert wanted.desired == [] and wanted.absent == ["socks5://socks.internal:1080"]


def test_a_monitor_names_the_proxy_by_id_and_plans_by_address(tmp_path: Path) -> None:
    wanted, problems = wanted_of(MONITORS, linted(tmp_path, FILES), environ=ENV)
    assert problems == []
    assert wanted.desired[0].fields["proxyId"] == "http://proxy.internal:3128"


def test_only_the_password_differs_and_the_change_is_sensitive(tmp_path: Path) -> None:
    wanted, _ = wanted_of(PROXIES, linted(tmp_path, FILES), environ=ENV)
    (live,) = PROXIES.live([ROW], ServerRefs(), OWNER)
    changes = PROXIES.compare(wanted.desired[0], live, ServerRefs())
    assert [(c.field, c.sensitive) for c in changes] == [("password", True)]


def test_writes_save_the_proxy_and_the_monitor_gets_its_server_id(tmp_path: Path) -> None:
    wanted, _ = wanted_of(PROXIES, linted(tmp_path, FILES), environ=ENV)
    monitors, _ = wanted_of(MONITORS, linted(tmp_path, FILES), environ=ENV)
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {}, REFERENCE_FIELDS)
    PROXIES.write(Create(wanted.desired[0]), applying)
    write_monitor(Create(monitors.desired[0]), applying)
    (live,) = PROXIES.live([ROW], ServerRefs(), OWNER)
    PROXIES.write(Update(wanted.desired[0], live, ()), applying)
    assert writer.named("addProxy")[0] == (dict(wanted.desired[0].fields), None)
    assert writer.named("add_monitor")[0]["proxyId"] == 101
    assert writer.named("addProxy")[1] == ({**ROW, **wanted.desired[0].fields}, 6)


def test_export_names_each_proxy_and_leaves_its_password_out() -> None:
    monitor = {"id": 9, "name": "API", "type": "http", "url": "https://api.example.com/health", "proxyId": 6,
               "interval": 60, "retryInterval": 60, "maxretries": 0, "resendInterval": 0, "upsideDown": False,
               "timeout": 48, "method": "GET", "httpBodyEncoding": "json", "accepted_statuscodes": ["200-299"],
               "maxredirects": 10, "tags": [], "notificationIDList": {}}
    result = export({"proxy": [ROW], "monitor": [monitor]}, OWNER_TAG)
    assert result.document["proxies"] == [{"id": "proxy-proxy.internal", "host": "proxy.internal", "port": 3128,
                                           "username": "kuma", "password": "${KUMA_PROXY_PROXY_INTERNAL_PASSWORD}"}]
    assert result.document["monitors"][0]["proxy"] == "proxy-proxy.internal"
    assert "old-password" not in str(result.document)
    assert result.secrets == ["KUMA_PROXY_PROXY_INTERNAL_PASSWORD"]
