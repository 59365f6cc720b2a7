"""The only module that talks to Uptime Kuma, and the only importer of uptime_kuma_api.

The library's convenience methods sleep while they wait for events (about
1.5 s per add). This adapter uses it for what it does well, the socket.io
connection, login and the event cache, and makes every write a single bare
socket call: one login per run, the login-time monitor list as the only read,
no sleeps on the write path.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Mapping
from typing import Any

import engineio.packet
import socketio.exceptions
from uptime_kuma_api import UptimeKumaApi, UptimeKumaException
from uptime_kuma_api.api import Event

from kumaprov.errors import ConnectionFailed, ServerError
from kumaprov.server.login import Credentials, Pending, check_login_answer

__all__ = ["Credentials", "KumaClient", "Unavailable", "create_admin", "notification_providers", "open_api"]

RETRY_DELAYS = (1.0, 2.0)  # seconds before the second and third connection attempts
# Lists the server pushes after login that the library has no event for (2.x releases).
EXTRA_LISTS = ("remoteBrowserList",)


class Unavailable(ConnectionFailed):
    """The server could not be reached or stopped answering (worth a retry)."""


class _Api(UptimeKumaApi):  # type: ignore[misc]  # the library ships no type hints
    """The library's client, noting the server's greeting.

    Every server sends `info` on each new connection. 2.5.3 registers its socket
    handlers only after an `await` in its connection handler, so an event sent the
    instant the socket connects (`needSetup`, `login`) can be dropped and then
    times out; its `info` is emitted just before the handlers exist, so once it has
    arrived every call is heard. The library drops that first `info` (it has no
    version), hence this hook; it is registered before the constructor connects,
    so the greeting cannot slip past it.
    """

    def __init__(self, url: str, timeout: float) -> None:
        self.greeted = threading.Event()
        self.pushed: dict[str, Any] = {}  # EXTRA_LISTS as last pushed
        super().__init__(url, timeout=timeout, wait_events=0)

    def connect(self) -> None:
        for name in EXTRA_LISTS:
            self.sio.on(name, lambda data, name=name: self.pushed.__setitem__(name, data))
        # engine.io's HTTP handshake otherwise waits its own 5 s per attempt, whatever the timeout says.
        self.sio.eio.request_timeout = self.timeout
        # A dropped connection is an error kumaprov reports. python-socketio would instead keep
        # reconnecting from a thread of its own, forever, after close() too, and later reach
        # whatever listens on the port next.
        self.sio.reconnection = False
        _in_order(self.sio.eio)
        super().connect()

    def _event_info(self, data: Any) -> None:
        self.greeted.set()
        super()._event_info(data)

    def wait_for_greeting(self) -> None:
        if not self.greeted.wait(self.timeout):
            raise Unavailable(f"Uptime Kuma at {self.url} sent no info after connecting")


def _in_order(eio: Any) -> None:
    """Handle each message on the socket's reading thread, in the order it came.

    engine.io hands every message to a thread of its own, so a call's small answer can be
    handled before a large list the server pushed just before it (its JSON still being
    decoded): `caught_up` and `fresh_monitors` would then read the list as it was before.
    The converge step after creates (sync/engine.py) could then miss a concurrent sync's copy.
    The library's handlers only store what came, so running them in turn holds nothing up.
    """
    receive = eio._receive_packet

    def receive_in_order(pkt: Any) -> None:
        if pkt.packet_type == engineio.packet.MESSAGE:
            eio._trigger_event("message", pkt.data, run_async=False)
        else:
            receive(pkt)

    eio._receive_packet = receive_in_order


def open_api(url: str, timeout: float = 10.0) -> UptimeKumaApi:
    """The library's client, connected and heard by the server; not logged in.

    For set-up steps the adapter does not offer (the local server's admin, 2FA in
    tests); the product itself goes through KumaClient.
    """
    try:
        api = _Api(url, timeout)
    except UptimeKumaException as exc:
        reason = f"no answer within {timeout:.3g} s" if "timed out" in str(exc).lower() else _short(exc)
        raise Unavailable(f"cannot reach Uptime Kuma at {url}: {reason}") from None
    try:
        api.wait_for_greeting()
    except BaseException:
        api.disconnect()
        raise
    return api


def _shared_names(listed: Any) -> set[str]:
    """The names more than one monitor of a pushed `monitorList` has."""
    if not isinstance(listed, Mapping):
        return set()
    counts = Counter(str(monitor.get("name")) for monitor in listed.values() if isinstance(monitor, Mapping))
    return {name for name, count in counts.items() if count > 1}


class KumaClient:
    """One logged-in session; close it (or use `with`) when done."""

    def __init__(self, api: UptimeKumaApi, url: str) -> None:
        self._api = api
        self.url = url
        self._send_lock = threading.Lock()
        self._token: str | None = None
        self._login: Pending | None = None
        self._names_listed_twice: frozenset[str] = frozenset()

    # -- session -------------------------------------------------------------

    @classmethod
    def connect(cls, url: str, credentials: Credentials, timeout: float = 15.0,
                retry_delays: tuple[float, ...] = RETRY_DELAYS) -> KumaClient:
        """Connect, log in once and wait for the login-time pushes, all within `timeout`.

        Transport failures (refused, dropped, timed out) are retried a bounded number
        of times while the timeout lasts; a refused login is not, as retrying it only
        feeds the rate limit. A server that accepts the connection and never answers
        fails once `timeout` is spent, not after every attempt's own wait.
        """
        deadline = time.monotonic() + timeout
        for delay in retry_delays:
            try:
                return cls._connect_once(url, credentials, timeout, deadline)
            except Unavailable:
                if time.monotonic() + delay >= deadline:
                    raise
                time.sleep(delay)
        return cls._connect_once(url, credentials, timeout, deadline)

    @classmethod
    def _connect_once(cls, url: str, credentials: Credentials, timeout: float, deadline: float) -> KumaClient:
        api = open_api(url, max(deadline - time.monotonic(), 0.001))
        client = cls(api, url)
        full_list = client._watch_full_monitor_list()
        try:
            client._log_in(credentials)
            client._wait_for_login(full_list, bool(credentials.token), deadline)
        except BaseException:
            client.close()
            raise
        api.timeout = api.sio.eio.request_timeout = timeout  # each later call waits the full timeout
        return client

    def _log_in(self, credentials: Credentials) -> None:
        if credentials.token:
            self._token = credentials.token
            self._login = self._send("loginByToken", credentials.token)
            return
        if not credentials.username or credentials.password is None:
            raise ConnectionFailed("no credentials: set KUMA_USERNAME and KUMA_PASSWORD, or KUMA_TOKEN")
        self._login = self._send("login", {"username": credentials.username, "password": credentials.password,
                                           "token": credentials.totp or ""})

    def _wait_for_login(self, full_list: threading.Event, with_token: bool, deadline: float) -> None:
        """Until the login-time lists have come, or the login was refused.

        The server pushes its lists only after a login succeeded, so they are the sign of
        it; its answer is read only if it comes first. 2.x answers after it has also pushed
        every monitor's heartbeats and stats, which nothing here reads: waiting for that took
        a third of a no-op at 300 monitors and outlasted the 15 s timeout at 2,000.
        """
        login = self._login
        assert login is not None
        while not (full_list.is_set() and self._api._event_data[Event.NOTIFICATION_LIST] is not None
                   and self._api._event_data[Event.INFO] is not None):
            if login.answered.is_set():
                self._take_login_answer(login.answer(), with_token)
            if time.monotonic() > deadline:
                waited = "sent no lists after login" if login.answered.is_set() else "did not answer the login"
                # The list is one message, built before it is sent: seconds per thousand monitors.
                raise Unavailable(f"Uptime Kuma at {self.url} {waited} in time (--timeout; an instance with "
                                  "thousands of monitors may need more)")
            time.sleep(0.005)

    def _take_login_answer(self, answer: Any, with_token: bool) -> None:
        check_login_answer(answer, with_token)
        if self._token is None and isinstance(answer, dict):
            self._token = answer.get("token")

    @property
    def token(self) -> str | None:
        """The session's JWT, for reuse as KUMA_TOKEN. A password login's answer carries it,
        which 2.x sends only after its heartbeat pushes: asking may wait for those."""
        login = self._login
        if self._token is None and login is not None:
            if not login.answered.wait(self._api.timeout):
                raise Unavailable(f"Uptime Kuma at {self.url} did not answer the login in time")
            self._take_login_answer(login.answer(), False)
        return self._token

    def _watch_full_monitor_list(self) -> threading.Event:
        """Set once the complete `monitorList` push has arrived.

        The library also fills its monitor cache from incremental
        `updateMonitorIntoList` events (2.x), so a cache that is merely not empty may
        hold one monitor someone else just edited: reading that as the whole list
        would make every other monitor look absent.
        """
        arrived = threading.Event()
        store = self._api._event_monitor_list

        def on_monitor_list(data: Any) -> None:
            store(data)
            shared = _shared_names(data)
            if shared:  # rebound, never changed in place: the main thread reads it
                self._names_listed_twice = self._names_listed_twice | shared
            arrived.set()

        self._api.sio.on(Event.MONITOR_LIST.value, on_monitor_list)
        return arrived

    def _wait_for(self, event: Event, timeout: float) -> None:
        """The server pushes these right after login; poll the library's cache, no fixed sleep."""
        deadline = time.monotonic() + timeout
        while self._api._event_data[event] is None:
            if time.monotonic() > deadline:
                raise Unavailable(f"Uptime Kuma at {self.url} sent no {event.value} after login")
            time.sleep(0.005)

    def _wait_for_extra(self, event: str) -> Any:
        deadline = time.monotonic() + self._api.timeout
        while event not in self._api.pushed:
            if time.monotonic() > deadline:
                raise Unavailable(f"Uptime Kuma at {self.url} sent no {event} after login")
            time.sleep(0.005)
        return self._api.pushed[event] or []

    def close(self) -> None:
        try:
            self._api.disconnect()
        except Exception:  # closing a dead connection must not mask the real error
            pass

    def __enter__(self) -> KumaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads (all from the login-time push) ---------------------------------

    @property
    def version(self) -> str:
        return str(self._api._event_data[Event.INFO]["version"])

    def monitors(self) -> list[dict[str, Any]]:
        # The library's socket thread updates this dict as 2.x servers push each monitor another
        # client (a concurrent sync) changes; copying it is one step under the GIL, iterating it
        # is not ("dictionary changed size during iteration", seen with two syncs at once).
        listed = dict(self._api._event_data[Event.MONITOR_LIST] or {})
        return [dict(monitor) for monitor in listed.values()]

    def names_listed_twice(self) -> frozenset[str]:
        """Names two monitors shared in some whole list the server pushed to this session.

        1.23 and the 2.0.0-dev build push the whole list, rebuilt, to every session of the
        user after each `add` and before answering it; lists built side by side can arrive
        out of order, so the newest to arrive may lack a monitor an earlier one showed.
        """
        return self._names_listed_twice

    def caught_up(self) -> None:
        """Returns once every push the server sent this session before now has arrived: one
        round trip, whose answer comes after them on this connection."""
        self._call("getTags")

    def fresh_monitors(self) -> list[dict[str, Any]]:
        """The whole monitor list as the server holds it now, on this connection.

        `getMonitorList` pushes the list to the user's sockets just before it answers, and one
        connection is handled in order (`_in_order`), so the list is taken as the answer is
        handled: a list built for another session's earlier write (1.23 and the dev build
        rebuild one per write, seconds each at hundreds of monitors) can still come after it.
        A new login would read the same list and also make the server send every monitor's
        heartbeats: about 1 s more at 200 monitors on 2.5.3.
        """
        pending = Pending(take=lambda: dict(self._api._event_data[Event.MONITOR_LIST] or {}))
        self._call("getMonitorList", None, pending)
        return [dict(monitor) for monitor in pending.taken.values()]

    def notifications(self) -> list[dict[str, Any]]:
        """Notification rows; `config` is the JSON text of everything the client saved."""
        return [dict(row) for row in self._api._event_data[Event.NOTIFICATION_LIST] or []]

    def listed(self, event: str) -> list[dict[str, Any]]:
        """A list the server pushes after login (`dockerHostList`, `maintenanceList` ...). Not
        waited for at connect (only the projects that name such objects read them), so waited
        for here: an empty read would look like "none"."""
        if event in EXTRA_LISTS:
            rows = self._wait_for_extra(event)
        else:
            pushed = Event(event)
            self._wait_for(pushed, self._api.timeout)
            rows = self._api._event_data[pushed] or []
        rows = list(rows.values() if isinstance(rows, dict) else rows)  # one step: see monitors()
        return [dict(row) for row in rows]

    def tags(self) -> list[dict[str, Any]]:
        return list(self._call("getTags")["tags"])

    def status_page_groups(self, slug: str) -> list[dict[str, Any]]:
        """The page's monitor groups, from the public endpoint (the socket lists only settings)."""
        return list(self.status_page(slug).get("publicGroupList") or [])

    def status_page(self, slug: str) -> dict[str, Any]:
        """The public endpoint's answer: the groups and the pinned incident(s). The server caches
        it per URL for 5 minutes and pinning an incident does not clear that cache, so each
        read asks a URL of its own (an unused query parameter)."""
        url = f"{self.url.rstrip('/')}/api/status-page/{urllib.parse.quote(slug)}?kumaprov={uuid.uuid4().hex}"
        try:
            with urllib.request.urlopen(url, timeout=self._api.timeout) as response:
                return dict(json.load(response))
        except (OSError, ValueError) as exc:
            raise ServerError(f"reading status page {slug}: {_short(exc)}") from None

    def heartbeats(self, kuma_id: int) -> list[dict[str, Any]]:
        """Heartbeats received as events this session (getMonitorBeats fails on 2.5.3 + SQLite)."""
        beats = self._api._event_data[Event.HEARTBEAT_LIST] or {}
        return list(beats.get(kuma_id, beats.get(str(kuma_id), [])))

    # -- writes: one bare socket call each ------------------------------------

    def add_monitor(self, payload: Mapping[str, Any]) -> int:
        return int(self._call("add", dict(payload))["monitorID"])

    def edit_monitor(self, payload: Mapping[str, Any]) -> None:
        self._call("editMonitor", dict(payload))

    def delete_monitor(self, kuma_id: int) -> None:
        self._call("deleteMonitor", kuma_id)

    def add_tag(self, name: str, color: str) -> int:
        return int(self._call("addTag", {"name": name, "color": color, "new": True})["tag"]["id"])

    def edit_tag(self, kuma_id: int, name: str, color: str) -> None:
        self._call("editTag", {"id": kuma_id, "name": name, "color": color})

    def add_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        self._call("addMonitorTag", (tag_id, kuma_id, value))

    def delete_monitor_tag(self, tag_id: int, kuma_id: int, value: str) -> None:
        """The server matches the value exactly; kumaprov stores "" rather than null."""
        self._call("deleteMonitorTag", (tag_id, kuma_id, value))

    def call(self, event: str, data: Any = None) -> Any:
        """Any other call: one bare socket call (`addDockerHost`, `getMonitorMaintenance` ...), and
        its answer. The kinds make their own calls; this adapter only carries them."""
        return self._call(event, data)

    def _call(self, event: str, data: Any = None, pending: Pending | None = None) -> Any:
        """One socket call and its answer. Safe from several threads at once (apply keeps a
        window of writes in flight): only the send is serialised, the waits overlap."""
        pending = self._send(event, data, pending)
        if not pending.answered.wait(self._api.timeout):
            raise ServerError(f"{event}: no answer from Uptime Kuma within {self._api.timeout:g} s")
        answer = pending.answer()
        if isinstance(answer, dict) and "ok" in answer:  # as the library's _call reads answers
            if not answer["ok"]:
                raise ServerError(f"{event}: {answer.get('msg')}")
            answer = {key: value for key, value in answer.items() if key != "ok"}
        return answer

    def _send(self, event: str, data: Any, pending: Pending | None = None) -> Pending:
        """Send one call; its answer comes to the returned `Pending`. The library's `sio.call`
        is documented as not thread safe for the send alone, hence the lock."""
        pending = pending or Pending()
        try:
            with self._send_lock:
                self._api.sio.emit(event, data, callback=pending.on_answer)
        except socketio.exceptions.SocketIOError as exc:
            # A dropped connection: the write may or may not have reached the server.
            raise ServerError(f"{event}: connection to Uptime Kuma lost ({type(exc).__name__})") from None
        return pending


def notification_providers() -> dict[str, dict[str, bool]]:
    """Each provider type's settings, and whether each is required (for offline lint)."""
    from uptime_kuma_api.notification_providers import notification_provider_options

    return {str(getattr(kind, "value", kind)): {name: bool(spec.get("required")) for name, spec in options.items()}
            for kind, options in notification_provider_options.items()}


def create_admin(url: str, username: str, password: str, timeout: float = 10.0) -> None:
    """Create the first admin user of a fresh server (the web UI's setup page); no-op if done."""
    api = open_api(url, timeout)
    try:
        if api.need_setup():
            api.setup(username, password)
    finally:
        api.disconnect()


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200]
