"""The plan speaks the files' language: `retries`, not `maxretries`; notes where the plan alone
would mislead (a create that duplicates an unmanaged monitor's name, a change only a
template made). Offline for the names, against the real Uptime Kuma for the rest."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from kumaprov.kinds.changes import Change, Desired, Live, Plan, Update
from kumaprov.sync.report import plan_document, plan_markdown, plan_text
from kumaprov.sync.words import file_key
from tests.workspace import Workspace


def monitor(monitor_type: str) -> Desired:
    return Desired("api", {"type": monitor_type, "name": "API"})


@pytest.mark.parametrize(("monitor_type", "field", "key"), [
    ("json-query", "retryInterval", "retry_interval"),
    ("json-query", "maxretries", "retries"),
    ("json-query", "accepted_statuscodes", "accepted_status_codes"),
    ("json-query", "jsonPath", "query"),
    ("json-query", "jsonPathOperator", "operator"),
    ("http", "basic_auth_pass", "basic_auth.password"),
    ("http", "notificationIDList", "notifications"),
    ("dns", "dns_resolve_server", "resolver"),
    ("mqtt", "mqttTopic", "topic"),
    ("mongodb", "databaseQuery", "command"),
    ("http", "conditions", "conditions"),  # no file key: the server's name
])
def test_server_fields_are_named_as_the_files_name_them(monitor_type: str, field: str, key: str) -> None:
    assert file_key(monitor(monitor_type), field) == key


@pytest.mark.parametrize(("method", "field", "key"), [
    ("ntlm", "basic_auth_pass", "ntlm.password"),
    ("ntlm", "authDomain", "ntlm.domain"),
    ("ntlm", "authMethod", "ntlm"),
    ("oauth2-cc", "oauth_client_secret", "oauth2.client_secret"),
    ("oauth2-cc", "oauth_scopes", "oauth2.scopes"),
    ("mtls", "tlsKey", "mtls.key"),
    ("bearer", "authMethod", "bearer_token"),
    ("", "authMethod", "basic_auth"),  # no method: the basic fields, sent empty
])
def test_auth_fields_are_named_by_the_block_of_the_monitors_method(method: str, field: str, key: str) -> None:
    assert file_key(Desired("api", {"type": "http", "name": "API", "authMethod": method}), field) == key


def test_notification_settings_are_named_under_settings() -> None:
    slack = Desired("ops", {"name": "Ops", "type": "slack"}, kind="notification")
    assert file_key(slack, "isDefault") == "default"
    assert file_key(slack, "slackwebhookURL") == "settings.slackwebhookURL"


def test_text_and_markdown_show_file_keys_and_json_keeps_both() -> None:
    want = Desired("api", {"type": "json-query", "name": "API", "maxretries": 2, "jsonPath": "b"})
    live = Live(7, "API", "api", {"type": "json-query", "name": "API", "maxretries": 0, "jsonPath": "a"})
    plan = Plan(updates=(Update(want, live, (Change("maxretries", 0, 2), Change("jsonPath", "a", "b"))),))
    text = plan_text(plan)
    assert "    retries: 0 -> 2\n    query: \"a\" -> \"b\"" in text
    assert "maxretries" not in text and "jsonPath" not in text
    assert "`retries`, `query`" in plan_markdown(plan, {})
    (change,) = plan_document(plan, {})["changes"]
    assert [(c["field"], c["key"]) for c in change["changes"]] == [("maxretries", "retries"), ("jsonPath", "query")]


# -- against the server ------------------------------------------------------------------

QUERY_MONITOR = """\
    monitors:
      - id: models
        name: Models {tag}
        type: json-query
        url: http://127.0.0.1:9/api/models
        interval: 300
        retries: {retries}
        query: "{query}"
        expected_value: "true"
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Workspace:
    return Workspace(tmp_path / "project", kuma_env, monkeypatch)


def test_diff_shows_the_keys_users_write(ws: Workspace) -> None:
    ws.write(QUERY_MONITOR.format(tag=ws.owner_tag, retries=0, query="$count(data) > 0"))
    assert ws.run("sync").exit_code == 0
    ws.write(QUERY_MONITOR.format(tag=ws.owner_tag, retries=2, query="$count(data) > 1"))
    diff = ws.run("diff")
    assert diff.exit_code == 0, diff.output
    assert '    retries: 0 -> 2\n    query: "$count(data) > 0" -> "$count(data) > 1"\n' in diff.stdout
    assert "maxretries" not in diff.stdout and "jsonPath" not in diff.stdout
    document = json.loads(ws.run("diff", "--output", "json").stdout)
    (update,) = document["changes"]
    assert {(c["field"], c["key"]) for c in update["changes"]} == {("maxretries", "retries"), ("jsonPath", "query")}


def test_a_create_that_duplicates_an_unmanaged_name_says_so_and_suggests_adopt(
        ws: Workspace, tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    other = Workspace(tmp_path / "other", kuma_env, monkeypatch)  # made by someone else: unmanaged here
    other.write(QUERY_MONITOR.format(tag=ws.owner_tag, retries=0, query="$count(data) > 0"))
    assert other.run("sync").exit_code == 0
    kuma_id = other.managed()["models"]["id"]
    ws.write(QUERY_MONITOR.format(tag=ws.owner_tag, retries=0, query="$count(data) > 0"))
    diff = ws.run("diff")
    assert f"    # an unmanaged monitor is already called 'Models {ws.owner_tag}' (#{kuma_id}): this makes a " \
           "second one; `--adopt` takes it over instead\n" in diff.stdout
    assert json.loads(ws.run("diff", "--output", "json").stdout)["changes"][0]["notes"]
    adopt = ws.run("diff", "--adopt")
    assert f"~ adopt  models (#{kuma_id})" in adopt.stdout and "--adopt` takes it over" not in adopt.stdout


TEMPLATE = """\
monitors:
  - id: {{{{ id }}}}
    name: {{{{ name | tojson }}}}
    type: http
    url: {{{{ url | tojson }}}}
    interval: {interval}
"""


def test_a_change_only_the_template_made_names_the_template_instance(ws: Workspace) -> None:
    (ws.root / "templates").mkdir()
    template = ws.root / "templates" / "site.yaml.j2"
    template.write_text(TEMPLATE.format(interval=300))
    ws.write(f"""\
        monitors:
          - template: site
            vars: {{id: site, name: "Site {ws.owner_tag}", url: "http://127.0.0.1:9/"}}
    """)
    assert ws.run("sync").exit_code == 0
    template.write_text(TEMPLATE.format(interval=600))  # an upgraded template, no file edited
    diff = ws.run("diff")
    assert "    interval: 300 -> 600\n    retry_interval: 300 -> 600\n" \
           "    # every change comes from the project template 'site' (version " in diff.stdout
    assert "), instance at monitors/monitors.yaml:2:5\n" in diff.stdout
    # A change the monitor file's defaults make is the file's, not the template's.
    template.write_text(TEMPLATE.format(interval=300))
    ws.write(textwrap.dedent(f"""\
        defaults: {{retries: 3}}
        monitors:
          - template: site
            vars: {{id: site, name: "Site {ws.owner_tag}", url: "http://127.0.0.1:9/"}}
    """))
    own = ws.run("diff")
    assert "    retries: 0 -> 3\n" in own.stdout and "# every change comes from" not in own.stdout
