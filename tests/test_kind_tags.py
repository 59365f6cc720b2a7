"""The tags kind without a server: where tags are read from, which are wanted, writes."""

from __future__ import annotations

from pathlib import Path

from kumaprov.kinds.base import Applying, ServerRefs
from kumaprov.kinds.changes import Create, Update
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.kinds.tags import DEFAULT_TAG_COLOR, SERVER_LIST, TAGS
from tests.kindkit import FakeClient, LINE, OWNER, OWNER_TAG, RecordingWriter, linted, marked, wanted_of

FILES = """\
    tags:
      - {name: env, color: "#2563EB"}
      - {name: unused, color: "#000000"}
    monitors:
      - {id: api, name: API, type: http, url: "https://api.test/", tags: [{name: env, value: prod}, {name: team}]}
"""
MONITOR = {"id": 4, "name": "API", "tags": [
    {"tag_id": 1, "monitor_id": 4, "name": OWNER_TAG, "value": marked("api"), "color": "#2563EB"},
    {"tag_id": 3, "monitor_id": 4, "name": "env", "value": "dev", "color": "#DC2626"}]}
SERVER_TAGS = [{"id": 1, "name": OWNER_TAG, "color": "#2563EB"}, {"id": 3, "name": "env", "color": "#DC2626"},
               {"id": 5, "name": "team", "color": "#059669"}]


def test_tags_come_from_the_monitor_list_unless_a_name_is_missing_there(tmp_path: Path) -> None:
    client = FakeClient(monitors=[MONITOR], tags=SERVER_TAGS)
    assert TAGS.read(client, {"env"}) == [{"id": 1, "name": OWNER_TAG, "color": "#2563EB"},
                                          {"id": 3, "name": "env", "color": "#DC2626"}]
    assert client.calls == ["monitors"]  # getTags waits behind the server's after-login work
    assert TAGS.read(client, TAGS.needs(linted(tmp_path, FILES))) == SERVER_TAGS  # "team" is on no monitor yet
    assert TAGS.read(client, SERVER_LIST) == SERVER_TAGS


def test_only_used_tags_are_wanted_with_the_files_colour_or_grey_when_new(tmp_path: Path) -> None:
    wanted, _ = wanted_of(TAGS, linted(tmp_path, FILES))
    assert [(d.id, d.fields["color"]) for d in wanted.desired] == [("env", "#2563EB"), ("team", DEFAULT_TAG_COLOR)]
    live = {"tag": TAGS.live(SERVER_TAGS, ServerRefs(), OWNER)}
    wanted, _ = wanted_of(TAGS, linted(tmp_path, FILES), live)
    assert [d.id for d in wanted.desired] == ["env"]  # a tag on the server keeps its colour unless the files set one


def test_a_colour_change_is_an_edit_and_a_new_tag_an_add(tmp_path: Path) -> None:
    wanted, _ = wanted_of(TAGS, linted(tmp_path, FILES))
    env, team = wanted.desired
    live_env = TAGS.live(SERVER_TAGS, ServerRefs(), OWNER)[1]
    assert [(c.field, c.old, c.new) for c in TAGS.compare(env, live_env, ServerRefs())] == [
        ("color", "#DC2626", "#2563EB")]
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {}, REFERENCE_FIELDS)
    TAGS.write(Create(team), applying)
    TAGS.write(Update(env, live_env, ()), applying)
    assert writer.calls == [("add_tag", ("team", DEFAULT_TAG_COLOR)), ("edit_tag", (3, "env", "#2563EB"))]
    assert applying.kuma_ids[("tag", "team")] == 101
