"""YAML alias bombs are bounded in every pass after parsing, not only while parsing
(issue 15, item 7). The corpus holds the billion laughs in a body, headers, vars and the
project's defaults; these check the counting itself."""

from __future__ import annotations

import pytest

from kumaprov.definitions import aliasbomb

from kumaprov.definitions import yamlpos
from kumaprov.lint.checks.plaintext_secrets import strings


def laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [" + ",".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_at_its_worst_key() -> None:
    document = yamlpos.load(laughs(9), "bomb.yaml")
    key, message = aliasbomb.problem(document) or (None, "")
    assert key == "a8"
    assert message.startswith("YAML aliases expand this document to 490,329,055 values from 91 written")


def test_a_large_file_without_aliases_is_not_a_bomb() -> None:
    plain = {"monitors": [{"id": f"m{n}", "name": f"M {n}", "tags": ["a", "b"]} for n in range(300_000)]}
    assert aliasbomb.problem(plain) is None  # 1.5 million values, each written


def test_aliases_reused_within_reason_are_fine() -> None:
    # A defaults block of 20 keys merged into 2,000 monitors: 40,000 values from a few thousand.
    text = "base: &base {" + ", ".join(f"k{n}: v" for n in range(20)) + "}\nmonitors:\n"
    text += "".join(f"  - {{<<: *base, id: m{n}}}\n" for n in range(2_000))
    assert aliasbomb.problem(yamlpos.load(text, "ok.yaml")) is None


def test_the_secrets_walk_sees_each_shared_value_once() -> None:
    document = yamlpos.load(laughs(9), "bomb.yaml")  # 387 million strings, were every copy walked
    assert len(list(strings(document, ()))) == 9


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "- &x [1]\n", '{"a":&x 1}', "&root [1]\n", "k: !!str &a v\n",
                                  "a: [&b 1, *b]\n", "a: {k: &b 1}\n"])
def test_every_way_to_write_an_anchor_is_seen(text: str) -> None:
    assert aliasbomb.may_alias(text)


@pytest.mark.parametrize("text", ["url: https://h/?a=1&b=2\n", "query: $count(data[*])\n", "body: 'x & y'\n"])
def test_text_without_an_anchor_skips_the_count(text: str) -> None:
    assert not aliasbomb.may_alias(text)
