"""Reading files into definitions: positions, merge keys, defaults, templates.

The loader keeps, for every monitor, the located mapping it was built from,
so a problem found later can name the file, line and column of a key or a
value. These tests load small projects written into a temporary directory.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from kumaprov.definitions import loader
from kumaprov.definitions import yamlpos
from kumaprov.definitions.entries import Definition, Loaded
from kumaprov.definitions import fileguard
from kumaprov.problems import Position
from kumaprov.definitions.project import load_project


def load(root: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Loaded:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    monkeypatch.chdir(root)
    project, problems = load_project(None, root)
    assert problems == []
    return loader.load(project)


def by_id(loaded: Loaded) -> dict[str, Definition]:
    return {d.id: d for d in loaded.definitions}


def messages(loaded: Loaded) -> list[str]:
    return [p.text() for p in loaded.problems]


# ------------------------------------------------------------------ positions

WEB = """
    monitors:
      - id: web
        name: Web
        type: http
        url: https://www.example.com
        headers:
          Authorization: Bearer ${TOKEN}
        samples:
          - {body: ok, expect: up}
          - body: "fine"
            expect: up
    """


def test_positions_of_values_and_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web = by_id(load(tmp_path, {"monitors/web.yaml": WEB}, monkeypatch))["web"]

    def at(line: int, column: int) -> Position:
        return Position("monitors/web.yaml", line, column)

    assert web.position == at(2, 5)
    assert web.position_of("url") == at(5, 10)
    assert web.position_of_key("url") == at(5, 5)
    assert web.position_of("headers") == at(7, 7)
    assert web.position_of("headers", "Authorization") == at(7, 22)
    assert web.position_of_key("headers", "Authorization") == at(7, 7)
    assert web.position_of("samples", 0) == at(9, 9)
    assert web.position_of("samples", 1) == at(10, 9)
    assert web.position_of("samples", 1, "body") == at(10, 15)
    assert web.position_of("samples", 1, "expect") == at(11, 17)


def test_missing_paths_fall_back_to_the_nearest_ancestor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    web = by_id(load(tmp_path, {"monitors/web.yaml": WEB}, monkeypatch))["web"]

    assert web.position_of("timeout") == web.position  # a default: not written anywhere
    assert web.position_of("headers", "X-Missing") == web.position_of("headers")
    assert web.position_of("samples", 5) == web.position_of("samples")
    assert web.position_of_key("headers", "X-Missing") == web.position_of("headers")


def test_yamlpos_positions_in_flow_and_block_styles() -> None:
    data = yamlpos.load('a: {b: 1, "c": [x, {d: y}]}\ne: |\n  text\n', "f.yaml")

    assert data.position_of_key("a") == Position("f.yaml", 1, 1)
    assert data.position_of_value("a") == Position("f.yaml", 1, 4)
    assert data["a"].position_of_key("c") == Position("f.yaml", 1, 11)
    assert data["a"]["c"].item_pos == [Position("f.yaml", 1, 17), Position("f.yaml", 1, 20)]
    assert yamlpos.locate(data, ("a", "c", 1, "d")) == Position("f.yaml", 1, 24)
    assert yamlpos.locate_key(data, ("a", "c", 1, "d")) == Position("f.yaml", 1, 21)
    assert data.position_of_value("e") == Position("f.yaml", 2, 4)
    assert data["e"] == "text\n"


def test_yaml_errors_carry_positions() -> None:
    with pytest.raises(yamlpos.YamlError) as duplicate:
        yamlpos.load("a: 1\nb: 2\na: 3\n", "f.yaml")
    with pytest.raises(yamlpos.YamlError) as unclosed:
        yamlpos.load("a: [1, 2\nb: 3\n", "f.yaml")

    assert duplicate.value.message == "duplicate key 'a' (first defined at line 1)"
    assert duplicate.value.position == Position("f.yaml", 3, 1)
    assert unclosed.value.position.file == "f.yaml" and unclosed.value.position.line == 2


def test_yaml_scalars_are_typed_as_yaml_1_1() -> None:
    # What users type and what they get: the reason for KP103's "quote it" hint.
    data = yamlpos.load('a: yes\nb: "60"\nc: 1.0\nd: 0755\ne: ~\nf: 2.10\n', "f.yaml")

    assert data == {"a": True, "b": "60", "c": 1.0, "d": 493, "e": None, "f": 2.1}


# ------------------------------------------------------------------ merge keys


def test_merge_keys_fill_in_missing_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, {"monitors/web.yaml": """
        monitors:
          - &web
            id: www
            name: Website
            type: http
            url: https://www.example.com
            interval: 120
          - <<: *web
            id: shop
            name: Shop
            interval: 300
        """}, monkeypatch)
    shop = by_id(loaded)["shop"]

    assert loaded.problems == []
    assert (shop.monitor.url, shop.monitor.interval) == ("https://www.example.com", 300)
    # A merged value points where it is written: in the anchored mapping.
    assert shop.position_of("url") == Position("monitors/web.yaml", 6, 10)
    assert shop.position_of("interval") == Position("monitors/web.yaml", 11, 15)


def test_merge_of_several_mappings_earlier_wins() -> None:
    data = yamlpos.load("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n", "f.yaml")

    assert data["c"] == {"x": 1, "y": 1, "z": 3}
    assert data["c"].position_of_value("y") == Position("f.yaml", 1, 17)
    assert data["c"].position_of_value("z") == Position("f.yaml", 5, 6)


def test_merge_of_a_non_mapping_is_a_yaml_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, {"monitors/web.yaml": """
        monitors:
          - &hosts [a, b]
          - <<: *hosts
            id: web
        """}, monkeypatch)

    # Reported at the value that is not a mapping (the anchored list), not at the alias.
    assert messages(loaded) == ["monitors/web.yaml:2:5: KP002 YAML syntax error: '<<' merges only mappings"]


def test_problems_in_merged_keys_are_reported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, {"monitors/web.yaml": """
        monitors:
          - &web
            id: www
            name: Website
            type: http
            url: https://www.example.com
            interval: "120"
          - <<: *web
            id: shop
          - <<: *web
            id: blog
        """}, monkeypatch)

    assert messages(loaded) == ["monitors/web.yaml:7:15: KP103 interval: expected an integer, got string '120'; remove the quotes"]


# ------------------------------------------------------------------ defaults

LAYERED = {
    "kumaprov.yaml": """
        defaults:
          interval: 300
          retries: 1
          timeout: 20
          keyword: OK
        """,
    "monitors/a.yaml": """
        defaults:
          retries: 2
          hostname: fallback.internal
        monitors:
          - id: web
            name: Web
            type: http
            url: https://www.example.com
          - id: page
            name: Page
            type: keyword
            url: https://www.example.com
            retries: 5
          - id: gateway
            name: Gateway
            type: ping
            hostname: gateway.internal
          - id: db
            name: Database
            type: port
            port: 5432
        """,
    "monitors/b.yaml": """
        monitors:
          - id: other
            name: Other
            type: http
            url: https://other.example.com
        """,
}


def test_defaults_precedence_project_file_monitor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, LAYERED, monkeypatch)
    monitors = {d.id: d.monitor for d in loaded.definitions}

    assert loaded.problems == []
    assert monitors["web"].interval == 300  # project
    assert monitors["web"].retries == 2  # file over project
    assert monitors["page"].retries == 5  # monitor over file
    assert monitors["other"].retries == 1  # file defaults stay in their file
    assert monitors["gateway"].hostname == "gateway.internal"  # monitor over file
    assert monitors["db"].hostname == "fallback.internal"


def test_defaults_apply_only_to_types_that_accept_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, LAYERED, monkeypatch)
    raw = {d.id: d.raw for d in loaded.definitions}
    monitors = {d.id: d.monitor for d in loaded.definitions}

    assert monitors["page"].keyword == "OK"
    assert "keyword" not in raw["web"]  # http monitors have no keyword
    assert monitors["web"].timeout == 20
    assert "timeout" not in raw["gateway"] and "timeout" not in raw["db"]
    assert "hostname" not in raw["web"]


def test_defaulted_values_point_at_their_defaults_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    defs = by_id(load(tmp_path, LAYERED, monkeypatch))

    assert defs["web"].position_of("retries") == Position("monitors/a.yaml", 2, 12)
    assert defs["db"].position_of_key("hostname") == Position("monitors/a.yaml", 3, 3)
    interval = defs["web"].position_of("interval")
    assert Path(interval.file).name == "kumaprov.yaml"
    assert (interval.line, interval.column) == (2, 13)


def test_a_bad_default_is_reported_once_at_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, {"monitors/a.yaml": """
        defaults:
          interval: "60"
        monitors:
          - id: a
            name: A
            type: ping
            hostname: a.internal
          - id: b
            name: B
            type: ping
            hostname: b.internal
        """}, monkeypatch)

    assert messages(loaded) == ["monitors/a.yaml:2:13: KP103 interval: expected an integer, got string '60'; remove the quotes"]
    assert loaded.definitions == []


@pytest.mark.parametrize(("defaults", "message"), [
    ("defaults:\n  intervall: 60\n", "monitors/a.yaml:2:3: KP101 unknown key 'intervall' in defaults "
                                     "(did you mean 'interval'?)"),
    ("defaults:\n  name: Same for all\n", "monitors/a.yaml:2:3: KP101 'name' cannot be a default: "
                                          "id, name, type and samples belong to each monitor"),
    ("defaults:\n  id: shared\n", "monitors/a.yaml:2:3: KP101 'id' cannot be a default: "
                                  "id, name, type and samples belong to each monitor"),
    ("defaults: [interval]\n", "monitors/a.yaml:1:11: KP003 `defaults` must be a mapping"),
])
def test_invalid_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defaults: str, message: str) -> None:
    loaded = load(tmp_path, {"monitors/a.yaml": defaults + "monitors: []\n"}, monkeypatch)

    [reported] = messages(loaded)
    assert reported == message or reported.startswith(message + " (did you mean")


# ------------------------------------------------------------------ templates and sample paths

SITE_TEMPLATE = """
    monitors:
      - id: {{ id }}
        name: {{ id | tojson }}
        type: keyword
        url: https://{{ id }}.example.com
        keyword: {{ env("KEYWORD") }}
        samples:
          - {file: samples/home.html, expect: up}
    """


def test_sample_paths_of_templated_monitors_resolve_in_the_templates_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "templates" / "samples").mkdir(parents=True)
    (tmp_path / "templates" / "samples" / "home.html").write_text("welcome", encoding="utf-8")
    loaded = load(tmp_path, {
        "templates/site.yaml.j2": SITE_TEMPLATE,
        "monitors/sites.yaml": """
            monitors:
              - template: site
                vars: {id: shop}
              - id: direct
                name: Direct
                type: http
                url: https://www.example.com
            """,
        "monitors/team/more.yaml": """
            monitors:
              - id: nested
                name: Nested
                type: http
                url: https://www.example.com
                samples:
                  - {file: samples/home.html, expect: up}
            """,
    }, monkeypatch)
    defs = by_id(loaded)

    assert loaded.problems == []
    assert defs["shop"].base_dir == tmp_path / "templates"
    assert (defs["shop"].base_dir / defs["shop"].monitor.samples[0].file).is_file()
    assert defs["direct"].base_dir == tmp_path / "monitors"
    assert defs["nested"].base_dir == tmp_path / "monitors" / "team"


def test_templated_monitors_remember_where_they_were_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, {
        "templates/site.yaml.j2": SITE_TEMPLATE,
        "monitors/sites.yaml": """
            monitors:
              - template: site
                vars: {id: shop}
              - template: site
                vars: {id: blog}
            """,
    }, monkeypatch)
    defs = by_id(loaded)

    assert defs["shop"].via == (Position("monitors/sites.yaml", 2, 5),)
    assert defs["blog"].via == (Position("monitors/sites.yaml", 4, 5),)
    assert defs["blog"].position_of("url") == Position("templates/site.yaml.j2", 5, 10)
    # env("NAME") writes a reference, never a value.
    assert defs["blog"].monitor.keyword == "${KEYWORD}"


def test_template_errors_name_the_template_line_and_the_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, {
        "templates/site.yaml.j2": SITE_TEMPLATE,
        "templates/bad.yaml.j2": "monitors:\n  - id: {{ id\n",
        "templates/list.yaml.j2": "- id: {{ id }}\n",
        "monitors/sites.yaml": """
            monitors:
              - template: site
                vars: {name: shop}
              - template: bad
                vars: {id: x}
              - template: list
                vars: {id: y}
              - template: site
                vars: shop
            """,
    }, monkeypatch)

    assert messages(loaded) == [
        # the template reads `id`, not `name`: the misnamed variable is pointed out too
        "monitors/sites.yaml:3:12: KP007 warning: template 'site' has no variable 'name'",
        "templates/site.yaml.j2:2:1: KP004 template variable error: 'id' is undefined; pass it under `vars` "
        "(used at monitors/sites.yaml:2:5)",
        "templates/bad.yaml.j2:2:1: KP004 template syntax error: unexpected end of template, expected 'end of "
        "print statement'. (used at monitors/sites.yaml:4:5)",
        "templates/list.yaml.j2:1:1: KP003 a template must render a mapping with a `monitors:` list "
        "(used at monitors/sites.yaml:6:5)",
        "monitors/sites.yaml:9:11: KP003 `vars` must be a mapping",
    ]


# ------------------------------------------------------------------ files


def test_discovery_is_sorted_and_takes_only_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(tmp_path, {
        "monitors/b.yml": "monitors: []\n",
        "monitors/a.yaml": "monitors: []\n",
        "monitors/sub/c.yaml": "monitors: []\n",
        "monitors/notes.txt": "not yaml",
        "monitors/samples/body.json": "{}",
        "monitors/kumaprov.yaml": "target: nonsense\n",
    }, monkeypatch)

    assert [str(p.relative_to(tmp_path)) for p in loaded.files] == [
        "monitors/a.yaml", "monitors/b.yml", "monitors/sub/c.yaml"]
    assert loaded.problems == []


def test_an_unreadable_file_is_reported_and_the_others_still_load(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "monitors/a.yaml": "monitors: []\n",
        "monitors/b.yaml": WEB,
    }
    original = os.open

    def os_open(path: str, flags: int, *args: int) -> int:
        if path.endswith("a.yaml"):  # chmod 000 does not stop root, so simulate it
            raise PermissionError(13, "Permission denied", path)
        return original(path, flags, *args)

    monkeypatch.setattr(fileguard.os, "open", os_open)
    loaded = load(tmp_path, files, monkeypatch)

    assert messages(loaded) == ["monitors/a.yaml:1:1: KP001 cannot read file: Permission denied"]
    assert [d.id for d in loaded.definitions] == ["web"]


def test_entries_keep_monitors_that_fail_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Duplicate ids and secrets are checked on entries, so a typo does not hide them.
    loaded = load(tmp_path, {"monitors/a.yaml": """
        monitors:
          - id: good
            name: Good
            type: ping
            hostname: a.internal
          - id: typo
            name: Typo
            type: htpp
          - id: wrong
            name: Wrong
            type: ping
            hostname: b.internal
            intervall: 5
          - name: No type
        """}, monkeypatch)

    assert [d.id for d in loaded.definitions] == ["good"]
    assert [e.raw.get("id") for e in loaded.entries] == ["good", "typo", "wrong", None]
