"""The Open WebUI stand-in: endpoints, auth, modes, and switching modes over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import pytest

from kumaprov.dev.standin import DEFAULT_API_KEY, StandIn, start_standin


def call(
    standin: StandIn,
    path: str,
    body: Any = None,
    key: str | None = "",
    method: str | None = None,
    raw: bytes | None = None,
) -> tuple[int, Any]:
    """(status, parsed JSON) for one request; key "" means the stand-in's own key, None no header."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key or standin.api_key}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(standin.url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


CHAT = {"model": "llama3.1:8b", "messages": [{"role": "user", "content": "Reply with HEALTHY"}]}


def test_health_needs_no_auth(standin: StandIn) -> None:
    assert call(standin, "/health", key=None) == (200, {"status": True})


def test_models_lists_open_webui_models(standin: StandIn) -> None:
    status, payload = call(standin, "/api/models")
    assert status == 200
    ids = [model["id"] for model in payload["data"]]
    assert ids == ["llama3.1:8b", "gpt-4o-mini"]
    llama, gpt = payload["data"]
    assert llama["owned_by"] == "ollama" and llama["object"] == "model"
    assert llama["ollama"]["details"]["family"] == "llama"
    assert gpt["name"] == "GPT-4o mini" and gpt["owned_by"] == "openai"


@pytest.mark.parametrize(
    ("path", "body"), [("/api/models", None), ("/api/chat/completions", CHAT)]
)
@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_protected_endpoints_reject_missing_or_wrong_key(
    standin: StandIn, path: str, body: Any, key: str | None
) -> None:
    status, payload = call(standin, path, body, key=key)
    assert status == 401
    assert "detail" in payload


def test_non_bearer_scheme_is_rejected(standin: StandIn) -> None:
    request = urllib.request.Request(
        standin.url + "/api/models", headers={"Authorization": f"Basic {standin.api_key}"}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=5)
    assert err.value.code == 401


def test_api_key_comes_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENWEBUI_API_KEY", "sk-from-env")
    with start_standin() as server:
        assert server.api_key == "sk-from-env"
        assert call(server, "/api/models", key="sk-from-env")[0] == 200
        assert call(server, "/api/models", key=DEFAULT_API_KEY)[0] == 401


def test_explicit_api_key_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENWEBUI_API_KEY", "sk-from-env")
    with start_standin(api_key="sk-explicit") as server:
        assert call(server, "/api/models", key="sk-explicit")[0] == 200


def test_chat_completion_is_openai_shaped_and_healthy(standin: StandIn) -> None:
    status, payload = call(standin, "/api/chat/completions", CHAT)
    assert status == 200
    assert payload["object"] == "chat.completion"
    assert payload["model"] == "llama3.1:8b"
    assert payload["id"].startswith("chatcmpl-")
    assert isinstance(payload["created"], int)
    assert payload["choices"] == [
        {"index": 0, "message": {"role": "assistant", "content": "HEALTHY"}, "finish_reason": "stop"}
    ]
    assert payload["usage"]["total_tokens"] > 0


@pytest.mark.parametrize(
    "body",
    [
        {"messages": CHAT["messages"]},
        {"model": "llama3.1:8b"},
        {"model": "llama3.1:8b", "messages": []},
        {"model": "no-such-model", "messages": CHAT["messages"]},
        ["not", "an", "object"],
    ],
)
def test_chat_rejects_bad_requests(standin: StandIn, body: Any) -> None:
    assert call(standin, "/api/chat/completions", body)[0] == 400


def test_chat_rejects_invalid_json(standin: StandIn) -> None:
    assert call(standin, "/api/chat/completions", raw=b"{not json")[0] == 400


def test_models_empty_mode(standin: StandIn) -> None:
    standin.set_mode(models="empty")
    assert call(standin, "/api/models") == (200, {"data": []})
    # Chat is a separate switch and stays healthy.
    assert call(standin, "/api/chat/completions", CHAT)[1]["choices"][0]["message"]["content"] == "HEALTHY"


def test_chat_no_word_mode(standin: StandIn) -> None:
    standin.set_mode(chat="no-word")
    content = call(standin, "/api/chat/completions", CHAT)[1]["choices"][0]["message"]["content"]
    assert content and "HEALTHY" not in content.upper()
    assert len(call(standin, "/api/models")[1]["data"]) == 2


def test_modes_switch_back(standin: StandIn) -> None:
    standin.set_mode(models="empty", chat="no-word")
    standin.set_mode(models="ok", chat="ok")
    assert len(call(standin, "/api/models")[1]["data"]) == 2
    assert call(standin, "/api/chat/completions", CHAT)[1]["choices"][0]["message"]["content"] == "HEALTHY"


def test_set_mode_rejects_unknown_values(standin: StandIn) -> None:
    with pytest.raises(ValueError):
        standin.set_mode(models="broken")
    with pytest.raises(ValueError):
        standin.set_mode(chat="empty")
    assert standin.modes == {"models": "ok", "chat": "ok"}


def test_mode_switch_over_http(standin: StandIn) -> None:
    assert call(standin, "/_standin/mode", {"models": "empty"}, key=None) == (
        200,
        {"models": "empty", "chat": "ok"},
    )
    assert call(standin, "/api/models")[1] == {"data": []}
    assert call(standin, "/_standin/mode", {"chat": "no-word", "models": "ok"}, key=None)[0] == 200
    assert standin.modes == {"models": "ok", "chat": "no-word"}
    assert call(standin, "/_standin/mode", key=None, method="GET") == (200, standin.modes)


@pytest.mark.parametrize("body", [{"models": "nope"}, {"colour": "red"}, {}, "empty"])
def test_mode_switch_over_http_rejects_bad_input(standin: StandIn, body: Any) -> None:
    assert call(standin, "/_standin/mode", body, key=None)[0] == 400
    assert standin.modes == {"models": "ok", "chat": "ok"}


def test_requests_are_counted_per_path(standin: StandIn) -> None:
    call(standin, "/health", key=None)
    call(standin, "/health?probe=1", key=None)
    call(standin, "/api/models", key=None)  # rejected requests count too
    call(standin, "/api/chat/completions", CHAT)
    assert standin.request_count("/health") == 2
    assert standin.request_count("/api/models") == 1
    assert standin.request_count("/api/chat/completions") == 1
    assert standin.request_count("/never") == 0
    stats = call(standin, "/_standin/stats", key=None)[1]
    assert stats["requests"]["/health"] == 2
    assert stats["modes"] == {"models": "ok", "chat": "ok"}


def test_reset_restores_modes_and_counts(standin: StandIn) -> None:
    standin.set_mode(models="empty", chat="no-word")
    call(standin, "/health", key=None)
    standin.reset()
    assert standin.modes == {"models": "ok", "chat": "ok"}
    assert standin.requests == {}


def test_unknown_path_and_wrong_method(standin: StandIn) -> None:
    assert call(standin, "/nope", key=None)[0] == 404
    assert call(standin, "/health", {"x": 1}, key=None)[0] == 405
    assert call(standin, "/api/chat/completions", key="", method="GET")[0] == 405


def test_listens_on_loopback_only(standin: StandIn) -> None:
    assert standin.url.startswith("http://127.0.0.1:")
    assert standin._server.server_address[0] == "127.0.0.1"


def test_stop_closes_the_port() -> None:
    server = start_standin()
    url = server.url
    server.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/health", timeout=2)


def test_cli_serves_until_terminated() -> None:
    env = {**os.environ, "OPENWEBUI_API_KEY": "sk-cli"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kumaprov.dev.standin", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line.startswith("STANDIN_URL=http://127.0.0.1:")
        url = line.split("=", 1)[1]
        request = urllib.request.Request(url + "/api/models", headers={"Authorization": "Bearer sk-cli"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert len(json.loads(response.read())["data"]) == 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_as_an_openai_provider_it_lists_its_models_and_follows_the_modes(standin: StandIn) -> None:
    status, payload = call(standin, "/v1/models")
    assert status == 200 and payload["object"] == "list"
    assert [(m["id"], m["object"]) for m in payload["data"]] == [("llama3.1:8b", "model"), ("gpt-4o-mini", "model")]
    assert call(standin, "/v1/chat/completions", CHAT)[1]["choices"][0]["message"]["content"] == "HEALTHY"

    standin.set_mode(chat="no-word")
    assert call(standin, "/v1/chat/completions", CHAT)[1]["choices"][0]["message"]["content"] == "I am fine."

    standin.set_mode(models="empty")  # the models are gone: no list, and no completion either
    assert call(standin, "/v1/models")[1] == {"object": "list", "data": []}
    status, payload = call(standin, "/v1/chat/completions", CHAT)
    assert status == 404 and payload["error"]["code"] == "model_not_found"
    assert call(standin, "/v1/models", key="sk-wrong")[0] == 401
    assert call(standin, "/v1/chat/completions", CHAT, key="sk-wrong")[0] == 401
    assert standin.request_count("/v1/models") == 3
