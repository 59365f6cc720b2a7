"""The openwebui template's level 2 asks for the refreshed model list unless told not to.

Open WebUI 0.10.0 and later answer plain `/api/models` with the last non-empty list when the
provider has lost its models (measured on 0.12.4; see the template header), so the
default must be `?refresh=true`; `models_refresh: false` is the documented way back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_templates import render

REQUIRED = {"id": "ow", "name": "Open WebUI", "base_url": "https://chat.example.com",
            "api_key_env": "OWUI_API_KEY", "model": "llama3.1:8b"}


@pytest.mark.parametrize(("extra", "url"), [
    ({}, "https://chat.example.com/api/models?refresh=true"),
    ({"models_refresh": True}, "https://chat.example.com/api/models?refresh=true"),
    ({"models_refresh": False}, "https://chat.example.com/api/models"),
])
def test_models_url_follows_models_refresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: dict[str, Any], url: str
) -> None:
    monitors = render(tmp_path, monkeypatch, "openwebui", {**REQUIRED, **extra})

    assert monitors["ow-models"]["url"] == url
    assert monitors["ow-health"]["url"] == "https://chat.example.com/health"
    assert monitors["ow-chat"]["url"] == "https://chat.example.com/api/chat/completions"

