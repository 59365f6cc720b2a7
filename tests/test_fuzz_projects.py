"""Whole project trees from hypothesis (monitor files, templates, samples) through lint:
no traceback, every run ends, and no secret the environment holds appears in any output."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumaprov.cli import main

CANARY = "canary-pw-Zr8Lq2Vn5Kx"
CANARY_KEY = "canary-key-Hd3Tw9Mb1Pc"
ENV = {"KUMA_PASSWORD": CANARY, "OPENWEBUI_API_KEY": CANARY_KEY, "KUMAPROV_NO_CACHE": "1"}
EXAMPLES = int(os.environ.get("KUMAPROV_FUZZ_EXAMPLES", "150"))

words = st.sampled_from(["a", "ok", "true", "HEALTHY", "data", "status", "${OPENWEBUI_API_KEY}", "${KUMA_PASSWORD}",
                         CANARY, f"Bearer {CANARY_KEY}", "$count(data[*]) > 0", "{{ id }}", "${", "$${x}",
                         "https://x.test/", "../samples/s.json", "/proc/self/environ", "*", "&a", "null"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 100_000), words, st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "name", "type", "url", "query"]), inner,
                                                 max_size=3)), max_leaves=8)
monitor_keys = st.sampled_from(["id", "name", "type", "url", "interval", "query", "expected_value", "keyword",
                                "headers", "body", "method", "samples", "parent", "notifications", "tags",
                                "operator", "hostname", "port", "timeout", "retries"])
types = st.sampled_from(["http", "keyword", "json-query", "port", "group", "push", "dns", "htp"])


VALID = {
    "http": {"url": "https://x.test/"},
    "keyword": {"url": "https://x.test/", "keyword": "HEALTHY"},
    "json-query": {"url": "https://x.test/", "query": "$string($)", "expected_value": "true"},
}


@st.composite
def monitors(draw: Any) -> dict[str, Any]:
    """Mostly valid monitors with a few keys changed: invalid ones stop at the first
    problems, valid ones reach every output (render, query results echoed by lint)."""
    monitor_type = draw(st.sampled_from(sorted(VALID)))
    monitor: dict[str, Any] = {"id": draw(st.sampled_from(["a", "b", "c-1"])), "name": draw(words),
                               "type": monitor_type, **VALID[monitor_type]}
    if draw(st.integers(0, 3)) == 0:
        monitor.update(draw(st.dictionaries(monitor_keys, values, min_size=1, max_size=2)))
    if draw(st.booleans()):
        expect = draw(st.sampled_from(["up", "down"]))
        monitor["samples"] = [draw(st.sampled_from([{"file": "../samples/s.json", "expect": expect},
                                                   {"body": draw(words), "expect": expect},
                                                   {"file": "/proc/self/environ", "expect": expect}]))]
    return monitor


instances = st.fixed_dictionaries({"template": st.sampled_from(["t", "missing", "../t"]),
                                   "vars": st.dictionaries(st.sampled_from(["id", "name", "n", "url"]), values,
                                                           max_size=3)})
template_lines = st.lists(st.sampled_from([
    "  - id: {{ id }}-x", "    name: {{ name | default('T') }}", "    type: json-query",
    "    url: https://x.test/{{ url | default('') }}", "    query: data", "    expected_value: \"1\"",
    "    headers: {Authorization: \"Bearer {{ env('OPENWEBUI_API_KEY') }}\"}", "{% for i in range(n | default(2)) %}",
    "{% endfor %}", "    samples: [{file: samples/s.json, expect: up}]", "  - {{ vars }}", "{{ id }",
]), max_size=8)
samples = st.one_of(st.sampled_from([json.dumps({"data": [1], "secret": CANARY}), CANARY_KEY, "not json", "",
                                     json.dumps({"data": 1.0}), "[" * 50]),
                    st.text(max_size=40))


@settings(max_examples=EXAMPLES, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.one_of(monitors(), monitors(), monitors(), instances), min_size=1, max_size=3,
                      unique_by=lambda item: str(item.get("id"))), template=template_lines, sample=samples,
       target=st.sampled_from([None, "1.23.17", "2.0.0-dev.0", "2.5.3"]))
def test_lint_of_any_project_ends_cleanly_and_leaks_nothing(items: list[dict[str, Any]], template: list[str],
                                                            sample: str, target: str | None) -> None:
    root = Path(tempfile.mkdtemp(prefix="kumaprov-fuzz-"))
    try:
        (root / "monitors").mkdir()
        (root / "templates" / "samples").mkdir(parents=True)
        (root / "samples").mkdir()
        (root / "monitors" / "m.yaml").write_text(yaml.safe_dump({"monitors": items}))
        (root / "templates" / "t.yaml.j2").write_text("monitors:\n" + "\n".join(template) + "\n")
        (root / "samples" / "s.json").write_text(sample)
        (root / "templates" / "samples" / "s.json").write_text(sample)
        if target:
            (root / "kumaprov.yaml").write_text(f"target: {target}\n")
        cwd = os.getcwd()
        os.chdir(root)
        try:
            results = [CliRunner().invoke(main, args, env=ENV)
                       for args in (["lint"], ["lint", "--output", "json"], ["render"])]
        finally:
            os.chdir(cwd)
    finally:
        shutil.rmtree(root)
    for result in results:
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        assert CANARY not in result.output and CANARY_KEY not in result.output
