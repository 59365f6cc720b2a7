"""Monitor groups on the real server: parents by definition id, created before their
children, moved, and deleted children first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workspace import Workspace

NESTED = """\
    monitors:
      - {id: shop, name: Shop, type: group}
      - {id: shop-backend, name: Shop backend, type: group, parent: shop}
      - {id: web, name: Shop web, type: http, url: "http://127.0.0.1:9/", interval: 300, parent: shop}
      - {id: api, name: Shop API, type: http, url: "http://127.0.0.1:9/api", interval: 300, parent: shop-backend}
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Workspace:
    return Workspace(tmp_path, kuma_env, monkeypatch)


def test_nested_groups_are_created_parents_first_and_stay_in_sync(ws: Workspace) -> None:
    # Children listed before their groups: the plan still creates groups first.
    lines = NESTED.splitlines(keepends=True)
    ws.write(lines[0] + "".join(reversed(lines[1:])))
    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    assert sync.stderr.index("create shop\n") < sync.stderr.index("create shop-backend") < sync.stderr.index(
        "create api")

    live = ws.managed()
    assert live["shop"]["parent"] is None
    assert live["shop-backend"]["parent"] == live["shop"]["id"]
    assert live["web"]["parent"] == live["shop"]["id"]
    assert live["api"]["parent"] == live["shop-backend"]["id"]
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0


def test_moving_a_monitor_between_groups_is_an_update(ws: Workspace) -> None:
    ws.write(NESTED)
    assert ws.run("sync").exit_code == 0
    ws.write(NESTED.replace('"http://127.0.0.1:9/api", interval: 300, parent: shop-backend',
                            '"http://127.0.0.1:9/api", interval: 300, parent: shop'))
    diff = ws.run("diff")
    assert '    parent: "shop-backend" -> "shop"' in diff.stdout
    assert ws.run("sync").exit_code == 0
    live = ws.managed()
    assert live["api"]["parent"] == live["shop"]["id"]

    ws.write(NESTED.replace(", parent: shop-backend}", "}"))
    assert '    parent: "shop" -> null' in ws.run("diff").stdout
    assert ws.run("sync").exit_code == 0
    assert ws.managed()["api"]["parent"] is None


def test_removing_a_group_deletes_its_children_first(ws: Workspace) -> None:
    ws.write(NESTED + "      - {id: other, name: Other, type: http, url: 'http://127.0.0.1:9/o', interval: 300}\n")
    assert ws.run("sync").exit_code == 0
    ws.write("monitors:\n  - {id: other, name: Other, type: http, url: 'http://127.0.0.1:9/o', interval: 300}\n")
    sync = ws.run("sync", "--allow-mass-delete")
    assert sync.exit_code == 0, sync.output
    order = [line.split()[1] for line in sync.stderr.splitlines() if line.strip().startswith("delete")]
    assert order.index("api") < order.index("shop-backend") < order.index("shop")
    assert order.index("web") < order.index("shop")
    assert set(ws.managed()) == {"other"}
