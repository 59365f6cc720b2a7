"""What the Open WebUI stand-in answers: its models (as Open WebUI and as an OpenAI-compatible
provider list them), its chat completions, which requests it refuses, and its switchable
modes with the request counts (shared by the server's handler threads)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from typing import Any

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

    def set_modes(self, body: Any) -> dict[str, str]:
        """`set_mode` from a control request's JSON body; ValueError says what is wrong."""
        if not isinstance(body, dict) or not body or not set(body) <= {"models", "chat"}:
            raise ValueError('expected a JSON object like {"models": "empty", "chat": "ok"}')
        return self.set_mode(models=body.get("models"), chat=body.get("chat"))

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


def chat_request_problem(body: Any) -> str | None:
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


def auth_problem(header: str, api_key: str) -> str | None:
    """Why Open WebUI would answer 401 to this Authorization header, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "Not authenticated"
    if token.strip() != api_key:
        return "Invalid API key"
    return None
