"""Status pages against the real Uptime Kuma: created with their groups of monitors,
unchanged on the next sync, updated in place (settings and groups), deleted only when
marked absent, and pages the files do not name left alone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.workspace import Workspace

MONITORS = """\
    monitors:
      - {id: chat, name: "Chat {suffix}", type: http, url: "http://127.0.0.1:9/", interval: 3600}
      - {id: models, name: "Models {suffix}", type: http, url: "http://127.0.0.1:9/m", interval: 3600}
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, kuma_env, monkeypatch)


def page(ws: Workspace, slug: str) -> dict[str, Any] | None:
    """The page's settings and its groups as (name, [server monitor ids]), fresh from the server."""
    with ws.client() as client:
        rows = [row for row in client.listed("statusPageList") if row["slug"] == slug]
        if not rows:
            return None
        groups = [(g["name"], [m["id"] for m in g["monitorList"]]) for g in client.status_page_groups(slug)]
        return {**rows[0], "groups": groups}


def test_a_page_is_created_kept_updated_and_deleted_only_when_absent(ws: Workspace) -> None:
    slug = f"llm-{uuid.uuid4().hex[:6]}"
    other = f"by-hand-{uuid.uuid4().hex[:6]}"
    with ws.client() as client:
        client.call("addStatusPage", ("Made by hand", other))
    monitors = MONITORS.replace("{suffix}", slug)
    ws.write(monitors + f"""\
    status_pages:
      - slug: {slug}
        title: LLM stack
        description: Open WebUI and its models
        footer: Run by the platform team
        show_tags: true
        groups:
          - {{name: Chat, monitors: [chat]}}
          - {{name: Models, monitors: [models, chat]}}
""")
    assert f"+ create status_page {slug}" in ws.run("diff").stdout
    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    ids = {key: int(m["id"]) for key, m in ws.managed().items()}
    created = page(ws, slug)
    assert created is not None
    assert (created["title"], created["description"], created["footerText"]) == \
        ("LLM stack", "Open WebUI and its models", "Run by the platform team")
    assert created["showTags"] is True
    assert created["groups"] == [("Chat", [ids["chat"]]), ("Models", [ids["models"], ids["chat"]])]
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    # Settings and groups change in place, through a saved plan.
    ws.write(monitors + f"""\
    status_pages:
      - slug: {slug}
        title: LLM stack (prod)
        description: Open WebUI and its models
        footer: Run by the platform team
        show_tags: true
        groups:
          - {{name: Everything, monitors: [models]}}
""")
    planned = ws.run("diff", "--out", "plan.json")
    assert f"~ update status_page {slug}" in planned.stdout, planned.output
    applied = ws.run("sync", "--plan", "plan.json")
    assert applied.exit_code == 0, applied.output
    updated = page(ws, slug)
    assert updated is not None and updated["id"] == created["id"]
    assert updated["title"] == "LLM stack (prod)" and updated["groups"] == [("Everything", [ids["models"]])]
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0

    # Without `groups` the page's groups are left as they are.
    ws.write(monitors + f"""\
    status_pages:
      - {{slug: {slug}, title: LLM stack (prod), description: Open WebUI and its models,
         footer: Run by the platform team, show_tags: false}}
""")
    assert ws.run("sync").exit_code == 0
    kept = page(ws, slug)
    assert kept is not None and kept["showTags"] is False and kept["groups"] == [("Everything", [ids["models"]])]

    ws.write(monitors + f"""\
    status_pages:
      - {{slug: {slug}, absent: true}}
""")
    delete = ws.run("sync")
    assert delete.exit_code == 0, delete.output
    assert f"- delete status_page {slug}" in delete.stdout
    assert page(ws, slug) is None
    assert page(ws, other) is not None  # never named, never touched
