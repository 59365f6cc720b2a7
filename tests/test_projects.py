"""Projects without a server: the marker read and written, the project's name, and the plan
against another project's objects and old-style ones (collisions refused, legacy adopted only
when asked). The same on real servers: test_projects_server.py."""

from __future__ import annotations

from pathlib import Path

from kumaprov.definitions.project import load_project
from kumaprov.kinds.ownership import LEGACY, Owner, Whose, default_project
from kumaprov.sync.snapshot import needs, snapshot
from kumaprov.sync.state import plan_from
from tests.kindkit import LINE, OWNER_TAG, FakeClient, RecordingWriter, linted, where

FILES = """\
    monitors:
      - {id: api, name: API, type: http, url: "https://api.test/health"}
      - {id: web, name: Web, type: http, url: "https://web.test/health"}
"""


def test_the_marker_names_the_project_and_the_old_style_one_names_none() -> None:
    shop = Owner(OWNER_TAG, "shop")
    assert shop.marker("api") == "shop/api"
    assert shop.read("shop/api") == Whose("api")
    assert shop.read("payments/api") == Whose(foreign=("payments", "api"))
    assert shop.read("api") == Whose(foreign=(LEGACY, "api"))
    assert Owner(OWNER_TAG, "shop", adopt_legacy=True).read("api") == Whose("api", replaces="api")
    moving = Owner(OWNER_TAG, "shop", adopt_from=frozenset({"payments"}))
    assert moving.read("payments/api") == Whose("api", replaces="payments/api")
    assert moving.read("billing/api") == Whose(foreign=("billing", "api"))
    assert shop.read("") == shop.read(None) == Whose()


def test_the_default_project_is_the_directory_name(tmp_path: Path) -> None:
    for name, expected in (("Payments API", "payments-api"), ("shop", "shop"), ("..", "default"), ("Ü", "default")):
        (tmp_path / name).mkdir(exist_ok=True)
        assert default_project(tmp_path / name) == (expected if name != ".." else default_project(tmp_path.parent))
    assert load_project(None, tmp_path / "shop")[0].name == "shop"  # no project file at all


def test_project_keys_are_checked(tmp_path: Path) -> None:
    (tmp_path / "kumaprov.yaml").write_text("project: Payments Team\nadopt_legacy: yes please\n")
    project, problems = load_project(None, tmp_path)
    assert [(p.position.line, p.code) for p in problems] == [(1, "KP003"), (2, "KP003")]
    assert "project: expected a name of lowercase letters" in problems[0].message
    assert project.name == default_project(tmp_path) and not project.adopt_legacy


def monitor(kuma_id: int, name: str, marker: str | None, url: str) -> dict[str, object]:
    tags = [{"tag_id": 1, "monitor_id": kuma_id, "name": OWNER_TAG, "value": marker}] if marker else []
    return {"id": kuma_id, "name": name, "type": "http", "url": url, "interval": 60, "retryInterval": 60,
            "maxretries": 0, "resendInterval": 0, "upsideDown": False, "description": "", "method": "GET",
            "tags": tags, "accepted_statuscodes": ["200-299"], "notificationIDList": {}, "httpBodyEncoding": "json",
            "maxredirects": 10, "timeout": 48, "ignoreTls": False, "expiryNotification": False,
            # The HTTP fields 2.x releases list (kindkit's LINE is 2.5.3), at the server's defaults.
            "cacheBust": False, "ipFamily": None, "saveResponse": False, "saveErrorResponse": True,
            "responseMaxLength": 1024, "domainExpiryNotification": True}


def plan(tmp_path: Path, rows: list[dict[str, object]], owner: Owner) -> tuple[object, list[str]]:
    sources = linted(tmp_path, FILES)
    read = snapshot(FakeClient(monitors=rows), needs(sources))
    made, _, problems = plan_from(sources, read, {}, LINE, owner)
    return made, where(problems)


def test_another_projects_id_or_name_is_a_collision_at_the_definition(tmp_path: Path) -> None:
    theirs = [monitor(5, "API", "payments/api", "https://other.test"), monitor(6, "Web", "payments/site", "https://x")]
    made, problems = plan(tmp_path, theirs, Owner(OWNER_TAG, "shop"))
    assert problems == [
        "2:10: KP407 monitor 'api' belongs to project 'payments' (#5 'API'); sync neither takes it over nor "
        "makes a second one: give this one another id",
        "3:10: KP407 monitor name 'Web' belongs to project 'payments' (monitor 'site', #6); sync neither takes it "
        "over nor makes a second one: rename one of them"]
    assert not made.has_changes  # type: ignore[attr-defined]


def test_another_projects_objects_are_never_deleted_or_adopted(tmp_path: Path) -> None:
    rows = [monitor(5, "Old", "payments/old", "https://old.test"), monitor(7, "Handmade", None, "https://h.test")]
    made, problems = plan(tmp_path, rows, Owner(OWNER_TAG, "shop"))
    assert problems == []
    assert [c.desired.id for c in made.creates] == ["api", "web"]  # type: ignore[attr-defined]
    assert made.deletes == () and made.updates == ()  # type: ignore[attr-defined]


def test_old_style_markers_are_adopted_only_with_adopt_legacy(tmp_path: Path) -> None:
    rows = [monitor(5, "API", "api", "https://api.test/health"), monitor(6, "Gone", "gone", "https://gone.test")]
    _, problems = plan(tmp_path, rows, Owner(OWNER_TAG, "shop"))
    assert [p.split(" (#")[0] for p in problems] == [
        "2:10: KP407 monitor 'api' belongs to kumaprov before projects (old-style marker)"]
    assert "set `adopt_legacy: true` in kumaprov.yaml" in problems[0]

    made, problems = plan(tmp_path, rows, Owner(OWNER_TAG, "shop", adopt_legacy=True))
    assert problems == []
    (adopt,) = made.updates  # type: ignore[attr-defined]
    assert (adopt.desired.id, adopt.live.kuma_id, adopt.adopt, adopt.changes) == ("api", 5, True, ())
    # An old-style object the files no longer define is pruned, as the old kumaprov did.
    assert [d.live.kuma_id for d in made.deletes] == [6]  # type: ignore[attr-defined]

    from kumaprov.sync.apply import apply
    writer = RecordingWriter()
    assert apply(made, writer, Owner(OWNER_TAG, "shop", adopt_legacy=True), LINE).ok  # type: ignore[arg-type]
    assert [(name, data) for name, data in writer.calls if name.endswith("monitor_tag")] == [
        ("add_monitor_tag", (1, 101, "shop/web")),  # web is new
        ("add_monitor_tag", (1, 5, "shop/api")), ("delete_monitor_tag", (1, 5, "api"))]


def test_adopt_from_takes_over_what_the_files_define_and_leaves_the_rest(tmp_path: Path) -> None:
    rows = [monitor(5, "API", "payments/api", "https://api.test/health"),
            monitor(6, "Ledger", "payments/ledger", "https://ledger.test")]
    made, problems = plan(tmp_path, rows, Owner(OWNER_TAG, "shop", adopt_from=frozenset({"payments"})))
    assert problems == []
    assert [(u.desired.id, u.live.kuma_id, u.adopt) for u in made.updates] == [("api", 5, True)]  # type: ignore[attr-defined]
    assert [c.desired.id for c in made.creates] == ["web"]  # type: ignore[attr-defined]
    assert made.deletes == ()  # type: ignore[attr-defined]  # the ledger stays the payments project's
