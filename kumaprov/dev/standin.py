"""A tiny stand-in for the Open WebUI endpoints the demo monitors poll.

It answers like Open WebUI on /health, /api/models and /api/chat/completions,
and can be switched into failure modes at run time (from Python or over HTTP
from another process) so a test can watch Uptime Kuma notice the change:

- models: "ok" (two realistic models) | "empty" (`{"data": []}`)
- chat:   "ok" (answer contains HEALTHY) | "no-word" (a polite answer without it)

It also answers as the OpenAI-compatible provider behind a real Open WebUI
(`GET /v1/models`, `POST /v1/chat/completions`, same key and modes), so a test
can make a real Open WebUI's (or LiteLLM's) provider lose its models or its word.
A provider that lost its models also refuses completions for them (404, as OpenAI).

Control endpoints (no auth; the server only listens on 127.0.0.1):
`POST /_standin/mode` with e.g. `{"models": "empty"}`, `GET /_standin/stats`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from types import FrameType, TracebackType

import click

from kumaprov.dev.jsonhandler import INVALID, JsonHandler
from kumaprov.dev.standin_answers import (
    MODELS, PROVIDER_MODELS, StandInState, auth_problem, chat_completion, chat_request_problem,
)

HOST = "127.0.0.1"
DEFAULT_API_KEY = "sk-standin-0123456789abcdef"
API_KEY_ENV = "OPENWEBUI_API_KEY"


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung client must not keep the process alive

    def __init__(self, port: int, state: StandInState, quiet: bool) -> None:
        self.state = state
        self.quiet = quiet
        super().__init__((HOST, port), _Handler)


class _Handler(JsonHandler):
    server: _Server
    server_version = "uvicorn"  # what Open WebUI answers with
    sys_version = ""

    def _authorized(self) -> bool:
        """Open WebUI accepts `Authorization: Bearer <api key>`; answer 401 like it does otherwise."""
        problem = auth_problem(self.headers.get("Authorization", ""), self.server.state.api_key)
        if problem is not None:
            self._error(HTTPStatus.UNAUTHORIZED, problem)
        return problem is None

    # ---- routing -----------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = self._path()
        self.server.state.count(path)
        routes = {"/health": self._health, "/api/models": self._models, "/_standin/stats": self._stats,
                  "/_standin/mode": self._mode_get, "/v1/models": self._provider_models}
        self._dispatch(path, routes, {"/api/chat/completions", "/v1/chat/completions"})

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        path = self._path()
        self.server.state.count(path)
        routes = {"/api/chat/completions": self._chat, "/_standin/mode": self._mode_post,
                  "/v1/chat/completions": self._provider_chat}
        self._dispatch(path, routes, {"/health", "/api/models", "/_standin/stats", "/v1/models"})

    # ---- Open WebUI endpoints ----------------------------------------------

    def _health(self) -> None:
        self._send_json(HTTPStatus.OK, {"status": True})

    def _models(self) -> None:
        if not self._authorized():
            return
        empty = self.server.state.modes["models"] == "empty"
        self._send_json(HTTPStatus.OK, {"data": [] if empty else MODELS})

    def _chat(self) -> None:
        if not self._authorized():
            return
        body = self._json_body()
        if body is INVALID:
            return
        problem = chat_request_problem(body)
        if problem is not None:
            self._error(HTTPStatus.BAD_REQUEST, problem)
            return
        healthy = self.server.state.modes["chat"] == "ok"
        self._send_json(HTTPStatus.OK, chat_completion(body["model"], healthy))

    # ---- as an OpenAI-compatible provider (chat is the same handler) --------

    def _provider_models(self) -> None:
        if not self._authorized():
            return
        empty = self.server.state.modes["models"] == "empty"
        self._send_json(HTTPStatus.OK, {"object": "list", "data": [] if empty else PROVIDER_MODELS})

    def _provider_chat(self) -> None:
        if self.server.state.modes["models"] != "empty":
            self._chat()
        elif self._authorized():
            self._send_json(HTTPStatus.NOT_FOUND, {"error": {
                "message": "The model does not exist or you do not have access to it.",
                "type": "invalid_request_error", "param": None, "code": "model_not_found"}})

    # ---- control endpoints -------------------------------------------------

    def _stats(self) -> None:
        state = self.server.state
        self._send_json(HTTPStatus.OK, {"modes": state.modes, "requests": state.requests})

    def _mode_get(self) -> None:
        self._send_json(HTTPStatus.OK, self.server.state.modes)

    def _mode_post(self) -> None:
        body = self._json_body()
        if body is INVALID:
            return
        try:
            modes = self.server.state.set_modes(body)
        except ValueError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        self._send_json(HTTPStatus.OK, modes)


class StandIn:
    """A running stand-in server (in a daemon thread)."""

    def __init__(self, server: _Server, thread: threading.Thread | None) -> None:
        self._server = server
        self._thread = thread
        self.port = int(server.server_address[1])
        self.url = f"http://{HOST}:{self.port}"

    @property
    def api_key(self) -> str:
        return self._server.state.api_key

    @property
    def modes(self) -> dict[str, str]:
        return self._server.state.modes

    @property
    def requests(self) -> dict[str, int]:
        """Requests seen so far, per path (query strings dropped)."""
        return self._server.state.requests

    def request_count(self, path: str) -> int:
        return self._server.state.requests.get(path, 0)

    def set_mode(self, models: str | None = None, chat: str | None = None) -> dict[str, str]:
        return self._server.state.set_mode(models=models, chat=chat)

    def reset(self) -> None:
        """Back to healthy modes with zero counts (for a shared server between tests)."""
        self._server.state.reset()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> StandIn:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def resolve_api_key(api_key: str | None) -> str:
    return api_key or os.environ.get(API_KEY_ENV) or DEFAULT_API_KEY


def start_standin(port: int | None = None, api_key: str | None = None, quiet: bool = True) -> StandIn:
    """Serve on 127.0.0.1 (`port` None or 0 picks a free one) in a daemon thread."""
    server = _Server(port or 0, StandInState(resolve_api_key(api_key)), quiet)
    # A short poll interval makes stop() (shutdown) take milliseconds instead of 0.5 s per test.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="standin", daemon=True
    )
    thread.start()
    return StandIn(server, thread)


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command()
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option("--api-key", default=None, help=f"Default: ${API_KEY_ENV}, else a fixed test key.")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
def main(port: int, api_key: str | None, quiet: bool) -> None:
    """Serve the Open WebUI stand-in in the foreground until killed."""
    server = _Server(port, StandInState(resolve_api_key(api_key)), quiet)
    # SIGTERM (what `kill` and the demo send) should close the socket like Ctrl-C does.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    print(f"STANDIN_URL=http://{HOST}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("standin: stopped", file=sys.stderr)


if __name__ == "__main__":
    main(prog_name="python -m kumaprov.dev.standin")
