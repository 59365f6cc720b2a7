"""`kumaprov probe`: real requests to the Open WebUI stand-in, judged like lint judges samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kumaprov.cli import main
from kumaprov.dev.standin import StandIn
from kumaprov.errors import UsageError
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.semantics import probe
from kumaprov.versions import ALL_LINES

REPO = Path(__file__).resolve().parents[1]


def run_probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, standin: StandIn, *args: str,
              api_key: str | None = None) -> Result:
    (tmp_path / "monitors").mkdir(exist_ok=True)
    if not (tmp_path / "templates").exists():
        shutil.copytree(REPO / "templates", tmp_path / "templates")  # a link out would be refused
    (tmp_path / "monitors" / "owui.yaml").write_text(f"""\
monitors:
  - template: openwebui
    vars: {{id: owui, name: Open WebUI, base_url: "{standin.url}", api_key_env: OWUI_KEY, model: llama3.1:8b}}
  - {{id: plain, name: Plain, type: port, hostname: 127.0.0.1, port: 9}}
""")
    monkeypatch.chdir(tmp_path)
    env = {"OWUI_KEY": standin.api_key if api_key is None else api_key}
    return CliRunner().invoke(main, ["probe", *args], env=env, catch_exceptions=False)


def test_all_three_levels_are_up_against_a_healthy_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            standin: StandIn) -> None:
    result = run_probe(tmp_path, monkeypatch, standin)
    assert result.exit_code == 0, result.output
    assert "3 of 3 monitor(s) UP" in result.stdout
    assert standin.request_count("/api/chat/completions") == 1  # the POST really went out
    assert standin.api_key not in result.output


def test_failures_are_down_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           standin: StandIn) -> None:
    standin.set_mode(models="empty", chat="no-word")
    result = run_probe(tmp_path, monkeypatch, standin, "--json")
    assert result.exit_code == 1
    verdicts = {item["id"]: item for item in json.loads(result.stdout)}
    assert verdicts["owui-health"]["up"] is True
    assert verdicts["owui-models"]["up"] is False
    assert verdicts["owui-chat"]["up"] is False
    assert {v["returned"] for v in verdicts["owui-models"]["verdicts"]} == {"false"}


def test_a_wrong_key_is_down_by_status_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            standin: StandIn) -> None:
    result = run_probe(tmp_path, monkeypatch, standin, "owui-models", api_key="sk-wrong-key-123456")
    assert result.exit_code == 1
    assert "DOWN  owui-models: HTTP 401" in result.stdout
    assert "status 401 is not accepted (200-299)" in result.stdout


def test_unknown_and_unprobeable_ids_are_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     standin: StandIn) -> None:
    unknown = run_probe(tmp_path, monkeypatch, standin, "owui-model")
    assert unknown.exit_code == 2
    assert "no monitor with id 'owui-model' (did you mean 'owui-models'?)" in unknown.stderr
    port = run_probe(tmp_path, monkeypatch, standin, "plain")
    assert port.exit_code == 2 and "only http, keyword and json-query" in port.stderr


def test_a_bearer_token_is_sent_and_auth_probe_cannot_do_is_refused_by_name() -> None:
    http = MONITOR_TYPES["http"]
    bearer = http.model_validate({"id": "b", "name": "B", "type": "http", "url": "http://127.0.0.1:9/",
                                  "bearer_token": "${TOKEN}"})
    request = probe.request_for(bearer, {"TOKEN": "s3cret-token"})  # type: ignore[arg-type]
    assert request.get_header("Authorization") == "Bearer s3cret-token"
    oauth = http.model_validate({"id": "o", "name": "O", "type": "http", "url": "http://127.0.0.1:9/", "oauth2": {
        "token_url": "http://127.0.0.1:9/t", "client_id": "k", "client_secret": "${S}"}})
    with pytest.raises(UsageError, match="o authenticates with oauth2"):
        probe.run([bearer, oauth], ["o"], ALL_LINES, {})
    assert probe.unprobed_auth(oauth) == "oauth2" and probe.unprobed_auth(bearer) is None
