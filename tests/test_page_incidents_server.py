"""A status page's pinned incident and the maintenance windows it shows, against the real
Uptime Kuma (every version: 1.23 has both): pinned, unchanged on the next sync, edited in
place, left alone once the file drops it, unpinned by `incident: null`; a window shown on
pages, moved, hidden, deleted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, kuma_env, monkeypatch)


def pinned(ws: Workspace, slug: str) -> list[dict[str, Any]]:
    """The incidents pinned on the page, fresh from the server (past its 5-minute cache)."""
    with ws.client() as client:
        data = client.status_page(slug)
    if "incidents" in data:  # 2.x releases
        return list(data["incidents"])
    return [data["incident"]] if data.get("incident") else []


def synced(ws: Workspace, text: str, expect: str | None = None) -> None:
    """Sync `text`, then a diff plans nothing (the second run changes nothing)."""
    ws.write(text)
    result = ws.run("sync")
    assert result.exit_code == 0, result.output
    if expect is not None:
        assert expect in result.stdout, result.stdout
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def page_text(slug: str, incident: str = "") -> str:
    return f"""\
    status_pages:
      - slug: {slug}
        title: Shop
{incident}"""


def test_an_incident_is_pinned_kept_edited_in_place_and_unpinned(ws: Workspace) -> None:
    slug = f"inc-{uuid.uuid4().hex[:6]}"
    first = "        incident: {title: Payments slow, content: \"Card payments take **minutes**.\", style: warning}\n"
    synced(ws, page_text(slug, first), f"+ create status_page {slug}")
    (incident,) = pinned(ws, slug)
    assert (incident["title"], incident["content"], incident["style"]) == (
        "Payments slow", "Card payments take **minutes**.", "warning")

    second = "        incident: {title: Payments slow, content: Fixed by 14:00., style: info}\n"
    synced(ws, page_text(slug, second), f"~ update status_page {slug}")
    (edited,) = pinned(ws, slug)
    assert (edited["id"], edited["content"], edited["style"]) == (incident["id"], "Fixed by 14:00.", "info")

    synced(ws, page_text(slug))  # the file drops it: it stays (kumaprov cannot tell it from one pinned by hand)
    assert [i["id"] for i in pinned(ws, slug)] == [incident["id"]]
    synced(ws, page_text(slug, "        incident: null\n"), f"~ update status_page {slug}")
    assert pinned(ws, slug) == []
    synced(ws, page_text(slug, second))  # pinned again: a new incident
    (again,) = pinned(ws, slug)
    assert again["id"] != incident["id"]


def test_an_incident_pinned_by_hand_stays_until_the_file_sets_one(ws: Workspace) -> None:
    slug = f"inc-{uuid.uuid4().hex[:6]}"
    synced(ws, page_text(slug))
    with ws.client() as client:
        client.call("postIncident", (slug, {"title": "By hand", "content": "Posted in the web UI", "style": "danger"}))
    synced(ws, page_text(slug).replace("Shop", "Our shop"), f"~ update status_page {slug}")  # an edit of the page
    assert [i["title"] for i in pinned(ws, slug)] == ["By hand"]
    wanted = "        incident: {title: Planned work, content: Tonight 22:00 to 23:00.}\n"
    synced(ws, page_text(slug, wanted), f"~ update status_page {slug}")
    (incident,) = pinned(ws, slug)
    assert (incident["title"], incident["style"]) == ("Planned work", "primary")


WINDOWS = """\
    monitors:
      - {{id: db, name: "DB {slug}", type: port, hostname: 127.0.0.1, port: 9, interval: 3600}}
    status_pages:
      - {{slug: {slug}, title: Shop}}
      - {{slug: {slug}-ops, title: Ops}}
    maintenance:
      - {{title: "Upgrade {slug}", strategy: manual, monitors: [db]{pages}}}
"""


def shown_on(ws: Workspace, title: str) -> list[str]:
    """The slugs of the pages that show the window, fresh from the server."""
    with ws.client() as client:
        (window,) = [w for w in client.listed("maintenanceList") if w["title"] == title]
        slugs = {int(p["id"]): p["slug"] for p in client.listed("statusPageList")}
        shown = client.call("getMaintenanceStatusPage", int(window["id"]))["statusPages"]
    return sorted(slugs[int(p["id"])] for p in shown)


def test_a_window_is_shown_on_the_pages_the_file_lists(ws: Workspace) -> None:
    slug = f"mw-{uuid.uuid4().hex[:6]}"
    title = f"Upgrade {slug}"
    synced(ws, WINDOWS.format(slug=slug, pages=f", status_pages: [{slug}]"), f"+ create maintenance {title}")
    assert shown_on(ws, title) == [slug]

    synced(ws, WINDOWS.format(slug=slug, pages=f", status_pages: [{slug}-ops, {slug}]"), "~ update maintenance")
    assert shown_on(ws, title) == [slug, f"{slug}-ops"]

    synced(ws, WINDOWS.format(slug=slug, pages=""))  # unset: left as it is
    assert shown_on(ws, title) == [slug, f"{slug}-ops"]
    synced(ws, WINDOWS.format(slug=slug, pages=", status_pages: []"), "~ update maintenance")
    assert shown_on(ws, title) == []

    gone = WINDOWS.format(slug=slug, pages="").replace(", strategy: manual, monitors: [db]", ", absent: true")
    synced(ws, gone, f"- delete maintenance {title}")
