"""The bad-input corpus: tiny projects, each broken in one way (tests/corpus/*.yaml).

For each: lint exits non-zero with the exact problem line (file:line:column, rule code,
message) and no traceback; sync against the real server refuses before its first write;
and at the end the server holds exactly what it held before the corpus ran.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kumaprov.cli import main
from kumaprov.dev.localkuma import LocalKuma
from kumaprov.server.client import Credentials, KumaClient

CORPUS = Path(__file__).with_name("corpus")
# Where each shorthand key of a case is written in its project.
SHORTHANDS = {"yaml": "monitors/m.yaml", "project": "kumaprov.yaml", "template": "templates/t.yaml.j2",
              "sample": "samples/s.json"}


def load_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            case["group"] = path.stem
            cases.append(case)
    return cases


CASES = load_cases()


def write_project(root: Path, case: dict[str, Any]) -> None:
    files = {SHORTHANDS[key]: case[key] for key in SHORTHANDS if key in case}
    files.update(case.get("files", {}))
    (root / "monitors").mkdir(parents=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict):  # {bytes: "..."}: content that is not text
            path.write_bytes(content["bytes"].encode("latin-1"))
        else:
            path.write_text(content, encoding="utf-8")


def run(root: Path, args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, args, env={"KUMAPROV_NO_CACHE": "1", **env})


@pytest.fixture(scope="module")
def server_before(kuma_server: LocalKuma, kuma_token: str) -> Iterator[list[dict[str, Any]]]:
    yield _server_contents({"KUMA_URL": kuma_server.url, "KUMA_TOKEN": kuma_token})


def _server_contents(env: dict[str, str]) -> list[dict[str, Any]]:
    with KumaClient.connect(env["KUMA_URL"], Credentials(token=env["KUMA_TOKEN"])) as client:
        return sorted([{"id": m["id"], "name": m["name"], "tags": m.get("tags")} for m in client.monitors()],
                      key=lambda m: m["id"])


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 130
    names = [case["case"] for case in CASES]
    assert len(set(names)) == len(names), "case names must be unique"


@pytest.mark.parametrize("case", CASES, ids=[f"{c['group']}/{c['case']}" for c in CASES])
def test_lint_names_the_place_and_sync_writes_nothing(case: dict[str, Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      kuma_env: dict[str, str],
                                                      server_before: list[dict[str, Any]]) -> None:
    root = tmp_path / "project"
    write_project(root, case)
    exit_code = case.get("exit", 1)
    only_a_server_can_tell = case.get("lint") == "clean"

    linted = run(root, ["lint"], {}, monkeypatch)
    assert linted.exception is None or isinstance(linted.exception, SystemExit), repr(linted.exception)
    assert "Traceback" not in linted.output
    assert linted.exit_code == (0 if only_a_server_can_tell else exit_code), linted.output
    # Problems in the files go to stdout; a broken project file stops before them, on stderr.
    if not only_a_server_can_tell:
        assert_shown(case["expect"], linted.stdout if exit_code == 1 else linted.stderr)

    synced = run(root, ["sync", "--timeout", "5"], kuma_env, monkeypatch)
    assert "Traceback" not in synced.output
    assert synced.exit_code == exit_code, synced.output
    if exit_code == 1:
        assert "nothing was written" in synced.stderr, synced.output
    if only_a_server_can_tell:
        assert_shown(case["expect"], synced.stderr)


def assert_shown(expected: str, output: str) -> None:
    assert any(line.startswith(expected) for line in output.splitlines()), \
        f"expected a line starting with {expected!r} in:\n{output}"


def test_no_case_wrote_to_the_server(kuma_env: dict[str, str], server_before: list[dict[str, Any]]) -> None:
    # Runs after the cases above (pytest keeps a module's order).
    assert _server_contents(kuma_env) == server_before


if __name__ == "__main__":  # pragma: no cover - authoring aid: print what lint says for each case
    import sys
    import tempfile

    for case in CASES:
        if len(sys.argv) > 1 and case["case"] not in sys.argv[1:]:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            write_project(Path(tmp), case)
            os.chdir(tmp)
            result = CliRunner().invoke(main, ["lint"], env={"KUMAPROV_NO_CACHE": "1"})
            shown = result.stdout if result.exit_code != 2 else result.stderr
            ok = any(line.startswith(case["expect"]) for line in shown.splitlines())
            print(f"{'ok  ' if ok else 'FAIL'} {case['case']} exit={result.exit_code}")
            if not ok:
                print("   want:", case["expect"])
                for line in shown.splitlines():
                    print("   got: ", line)
