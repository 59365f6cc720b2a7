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

import json
import os
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import urlsplit

import click

HOST = "127.0.0.1"
DEFAULT_API_KEY = "sk-standin-0123456789abcdef"
API_KEY_ENV = "OPENWEBUI_API_KEY"

MODEL_MODES = ("ok", "empty")
CHAT_MODES = ("ok", "no-word")
HEALTHY_ANSWER = "HEALTHY"
UNHEALTHY_ANSWER = "I am fine."

MODELS: list[dict[str, Any]] = [
    {
        "id": "llama3.1:8b",
        "name": "llama3.1:8b",
        "object": "model",
        "created": 1732000000,
        "owned_by": "ollama",
        "ollama": {
            "name": "llama3.1:8b",
            "model": "llama3.1:8b",
            "modified_at": "2024-11-19T07:06:40.123456789Z",
            "size": 4920753328,
            "digest": "46e0c10c039e019119339687c3c1757cc81b9da49709a3b3924863ba87ca666e",
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": "llama",
                "families": ["llama"],
                "parameter_size": "8.0B",
                "quantization_level": "Q4_K_M",
            },
            "urls": [0],
        },
        "connection_type": "local",
        "tags": [],
        "actions": [],
        "filters": [],
    },
    {
        "id": "gpt-4o-mini",
        "name": "GPT-4o mini",
        "object": "model",
        "created": 1721172741,
        "owned_by": "openai",
        "openai": {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
        "urlIdx": 0,
        "connection_type": "external",
        "tags": [],
        "actions": [],
        "filters": [],
    },
]
MODEL_IDS = frozenset(model["id"] for model in MODELS)
# The same models as an OpenAI-compatible provider lists them (what Open WebUI reads).
PROVIDER_MODELS = [{"id": model["id"], "object": "model", "created": model["created"], "owned_by": model["owned_by"]}
                   for model in MODELS]

_INVALID = object()  # marks a request body that was already answered with 400


class StandInState:
    """Modes and request counts, shared by the handler threads."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self._lock = threading.Lock()
        self._modes = {"models": "ok", "chat": "ok"}
        self._requests: Counter[str] = Counter()

    @property
    def modes(self) -> dict[str, str]:
        with self._lock:
            return dict(self._modes)

    def set_mode(self, models: str | None = None, chat: str | None = None) -> dict[str, str]:
        """Switch modes; unknown values raise ValueError and change nothing."""
        if models is not None and models not in MODEL_MODES:
            raise ValueError(f"models mode must be one of {', '.join(MODEL_MODES)}, not {models!r}")
        if chat is not None and chat not in CHAT_MODES:
            raise ValueError(f"chat mode must be one of {', '.join(CHAT_MODES)}, not {chat!r}")
        with self._lock:
            if models is not None:
                self._modes["models"] = models
            if chat is not None:
                self._modes["chat"] = chat
            return dict(self._modes)

    def count(self, path: str) -> None:
        with self._lock:
            self._requests[path] += 1

    @property
    def requests(self) -> dict[str, int]:
        with self._lock:
            return dict(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._modes = {"models": "ok", "chat": "ok"}
            self._requests.clear()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung client must not keep the process alive

    def __init__(self, port: int, state: StandInState, quiet: bool) -> None:
        self.state = state
        self.quiet = quiet
        super().__init__((HOST, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "uvicorn"  # what Open WebUI answers with
    sys_version = ""

    # ---- plumbing ----------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, detail: str) -> None:
        self._send_json(status, {"detail": detail})

    def _path(self) -> str:
        return urlsplit(self.path).path

    def _authorized(self) -> bool:
        """Open WebUI accepts `Authorization: Bearer <api key>`; answer 401 like it does otherwise."""
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            self._error(HTTPStatus.UNAUTHORIZED, "Not authenticated")
            return False
        if token.strip() != self.server.state.api_key:
            self._error(HTTPStatus.UNAUTHORIZED, "Invalid API key")
            return False
        return True

    def _json_body(self) -> Any:
        """The request's JSON body, or _INVALID after a 400 has been sent."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            return json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            self._error(HTTPStatus.BAD_REQUEST, "request body is not valid JSON")
            return _INVALID

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

    def _dispatch(self, path: str, routes: Mapping[str, Any], other_method: set[str]) -> None:
        handler = routes.get(path)
        if handler is not None:
            handler()
        elif path in other_method:
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "Method Not Allowed")
        else:
            self._error(HTTPStatus.NOT_FOUND, "Not Found")

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
        if body is _INVALID:
            return
        problem = _chat_request_problem(body)
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
        if body is _INVALID:
            return
        if not isinstance(body, dict) or not body or not set(body) <= {"models", "chat"}:
            self._error(HTTPStatus.BAD_REQUEST, 'expected a JSON object like {"models": "empty", "chat": "ok"}')
            return
        try:
            modes = self.server.state.set_mode(models=body.get("models"), chat=body.get("chat"))
        except ValueError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
            return
        self._send_json(HTTPStatus.OK, modes)


def _chat_request_problem(body: Any) -> str | None:
    """Why a chat request is unacceptable, or None; mirrors what Open WebUI rejects."""
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return "field 'model' is required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "field 'messages' must be a non-empty list"
    if model not in MODEL_IDS:
        return "Model not found"
    return None


def chat_completion(model: str, healthy: bool) -> dict[str, Any]:
    """An OpenAI-shaped chat completion, as Open WebUI relays it."""
    content = HEALTHY_ANSWER if healthy else UNHEALTHY_ANSWER
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 24, "completion_tokens": 3, "total_tokens": 27},
    }


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
