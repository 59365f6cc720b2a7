"""Tags on the real server: defined colours, tags with values on monitors, changed and
removed in calls of their own, and never confused with the ownership tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workspace import Workspace

FILES = """\
    tags:
      - {{name: env-{tag}, color: "#16A34A"}}
    monitors:
      - id: api
        name: API {tag}
        type: http
        url: http://127.0.0.1:9/
        interval: 300
        tags:
          - {{name: env-{tag}, value: prod}}
          - {{name: critical-{tag}}}
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Workspace:
    return Workspace(tmp_path, kuma_env, monkeypatch)


def monitor_tags(monitor: dict, owner_tag: str) -> set[tuple[str, str]]:
    return {(t["name"], t["value"] or "") for t in monitor["tags"] if t["name"] != owner_tag}


def test_tags_are_created_attached_changed_and_removed(ws: Workspace) -> None:
    t = ws.owner_tag
    ws.write(FILES.format(tag=t))
    diff = ws.run("diff")
    assert f"+ create tag env-{t}" in diff.stdout and f"+ create tag critical-{t}" in diff.stdout
    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    api = ws.managed()["api"]
    assert monitor_tags(api, t) == {(f"env-{t}", "prod"), (f"critical-{t}", "")}
    with ws.client() as client:
        colors = {tag["name"]: tag["color"] for tag in client.tags()}
    assert colors[f"env-{t}"] == "#16A34A" and colors[f"critical-{t}"] == "#6B7280"
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0

    ws.write(FILES.format(tag=t).replace("value: prod", "value: staging").replace(
        f"          - {{name: critical-{t}}}\n", "").replace("#16A34A", "#DC2626"))
    diff = ws.run("diff")
    assert f'    tags: ["critical-{t}", "env-{t}=prod"] -> ["env-{t}=staging"]' in diff.stdout
    assert f'~ update tag env-{t}' in diff.stdout
    synced = ws.run("sync")
    assert synced.exit_code == 0, synced.output
    after = ws.managed()["api"]
    assert monitor_tags(after, t) == {(f"env-{t}", "staging")}
    assert after["id"] == api["id"]
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0


def test_tags_added_by_hand_stay_when_the_file_does_not_manage_tags(ws: Workspace) -> None:
    t = ws.owner_tag
    ws.write(FILES.format(tag=t).split("        tags:")[0])
    synced = ws.run("sync")
    assert synced.exit_code == 0, synced.output
    api = ws.managed()["api"]
    with ws.client() as client:
        tag_id = client.add_tag(f"by-hand-{t}", "#000000")
        client.add_monitor_tag(tag_id, api["id"], "x")
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0
    assert monitor_tags(ws.managed()["api"], t) == {(f"by-hand-{t}", "x")}
