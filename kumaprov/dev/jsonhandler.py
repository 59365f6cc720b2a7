"""A request handler that speaks JSON: answers, errors as `{"detail": ...}` (as FastAPI
servers such as Open WebUI do), bodies read as JSON, routes by path and method."""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

INVALID = object()  # marks a request body that was already answered with 400


class JsonHandler(BaseHTTPRequestHandler):
    """`self.server.quiet` (if set) silences the request log."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if not getattr(self.server, "quiet", False):
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

    def _json_body(self) -> Any:
        """The request's JSON body, or INVALID after a 400 has been sent."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            return json.loads(raw or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            self._error(HTTPStatus.BAD_REQUEST, "request body is not valid JSON")
            return INVALID

    def _dispatch(self, path: str, routes: Mapping[str, Any], other_method: set[str]) -> None:
        handler = routes.get(path)
        if handler is not None:
            handler()
        elif path in other_method:
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "Method Not Allowed")
        else:
            self._error(HTTPStatus.NOT_FOUND, "Not Found")
