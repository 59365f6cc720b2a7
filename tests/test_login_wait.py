"""A login is done once the server's login-time lists have come, whether or not it has answered
yet: 2.x answers only after pushing every monitor's heartbeats, which kumaprov never reads.
A refused login sends no lists and is reported from its answer. The server here is a stand-in
for the library's socket; tests/test_login.py proves the same paths against real servers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from uptime_kuma_api.api import Event

from kumaprov.errors import ConnectionFailed
from kumaprov.server import client as adapter
from kumaprov.server.client import Credentials, KumaClient

MONITORS = {"1": {"id": 1, "name": "API", "tags": []}}


class _Socket:
    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.handlers: dict[str, Callable[[Any], None]] = {}
        self.eio = type("EngineIO", (), {"request_timeout": 0.0})()

    def on(self, event: str, handler: Callable[[Any], None]) -> None:
        self.handlers[event] = handler

    def emit(self, event: str, data: Any, callback: Callable[..., None]) -> None:
        self.api.sent.append(event)
        self.api.on_login(self.api, callback)


class FakeApi:
    """What KumaClient uses of the library's client; `on_login` plays the server."""

    def __init__(self, on_login: Callable[[FakeApi, Callable[..., None]], None]) -> None:
        self.on_login = on_login
        self.sio = _Socket(self)
        self.timeout = 2.0
        self.sent: list[str] = []
        self.pushed: dict[str, Any] = {}
        self._event_data: dict[Event, Any] = {event: None for event in Event}
        self.answer_later: Callable[[], None] = lambda: None

    def _event_monitor_list(self, data: Any) -> None:
        self._event_data[Event.MONITOR_LIST] = data

    def push_lists(self) -> None:
        self.sio.handlers[Event.MONITOR_LIST.value](MONITORS)
        self._event_data[Event.NOTIFICATION_LIST] = []
        self._event_data[Event.INFO] = {"version": "2.5.3"}

    def disconnect(self) -> None:
        pass


def serving(monkeypatch: pytest.MonkeyPatch, on_login: Callable[[FakeApi, Callable[..., None]], None]) -> FakeApi:
    api = FakeApi(on_login)
    monkeypatch.setattr(adapter, "open_api", lambda url, timeout: api)
    return api


def test_the_lists_without_an_answer_are_a_login(monkeypatch: pytest.MonkeyPatch) -> None:
    api = serving(monkeypatch, lambda api, answer: api.push_lists())  # the answer never comes
    with KumaClient.connect("http://kuma.test", Credentials(token="jwt"), timeout=2) as client:
        assert client.monitors() == [MONITORS["1"]]
        assert client.token == "jwt"
    assert api.sent == ["loginByToken"]


def test_a_refused_login_is_reported_from_its_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    serving(monkeypatch, lambda api, answer: answer({"ok": False, "msg": "authInvalidToken"}))
    with pytest.raises(ConnectionFailed, match=r"login with KUMA_TOKEN failed \(Invalid Token\.\)"):
        KumaClient.connect("http://kuma.test", Credentials(token="stale"), timeout=2)


def test_a_login_that_needs_a_second_factor_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    serving(monkeypatch, lambda api, answer: answer({"tokenRequired": True}))
    with pytest.raises(ConnectionFailed, match="two-factor authentication"):
        KumaClient.connect("http://kuma.test", Credentials("admin", "pw"), timeout=2)


def test_a_password_login_token_is_waited_for_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    answered = threading.Event()

    def lists_now_answer_later(api: FakeApi, answer: Callable[..., None]) -> None:
        api.push_lists()
        api.answer_later = lambda: (answer({"ok": True, "token": "new-jwt"}), answered.set())

    api = serving(monkeypatch, lists_now_answer_later)
    with KumaClient.connect("http://kuma.test", Credentials("admin", "pw"), timeout=2) as client:
        assert not answered.is_set()  # connected before the answer
        threading.Timer(0.05, api.answer_later).start()
        assert client.token == "new-jwt"


def test_no_lists_and_no_answer_fail_once_the_timeout_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    serving(monkeypatch, lambda api, answer: None)
    with pytest.raises(ConnectionFailed, match="did not answer the login in time"):
        KumaClient.connect("http://kuma.test", Credentials(token="jwt"), timeout=0.3, retry_delays=())


def test_a_name_two_monitors_shared_in_any_pushed_list_is_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1.23 and the dev build push the whole list after each add; two lists built side by side
    # can arrive newest first, so the last to arrive may lack the copy an earlier one showed.
    api = serving(monkeypatch, lambda api, answer: api.push_lists())
    with KumaClient.connect("http://kuma.test", Credentials(token="jwt"), timeout=2) as client:
        assert client.names_listed_twice() == frozenset()
        copy = {"id": 2, "name": "API", "tags": []}
        other = {"id": 3, "name": "Web", "tags": []}
        api.sio.handlers[Event.MONITOR_LIST.value]({**MONITORS, "2": copy, "3": other})
        api.sio.handlers[Event.MONITOR_LIST.value]({**MONITORS, "3": other})  # built earlier, came later
        assert [m["name"] for m in client.monitors()] == ["API", "Web"]
        assert client.names_listed_twice() == frozenset({"API"})
