"""Files a definition or project file names are read only from inside the project, only if
they are regular files, and only up to a size limit (issue 15, items 1 and 8).

The bad-input corpus holds the single-file cases (samples and monitor files linking out,
`monitors: /`, ...); these are the ones a corpus file cannot carry: FIFOs, a canary in
a real process environment, git work trees, command-line paths.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kumaprov.cli import main
from kumaprov.definitions.fileguard import FileGuard, Refused

CANARY = "canary-guard-5cV8pQ2nXe"
LEAKY = """\
monitors:
  - id: leak
    name: Leak
    type: json-query
    url: https://x.test/
    query: '$substringBefore($substringAfter($, "KUMA_PASSWORD="), "KUMA")'
    expected_value: x
    samples: [{{file: {sample}, expect: up}}]
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def lint(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`kumaprov lint` in a process of its own: its environment is the one /proc shows,
    and a read that blocks ends as a failed test instead of a stalled run."""
    env = {**os.environ, "KUMA_PASSWORD": CANARY, "KUMAPROV_LINT_CACHE": str(root / ".lint-cache")}
    return subprocess.run([sys.executable, "-m", "kumaprov", "lint", *args], cwd=root, env=env, text=True,
                          capture_output=True, timeout=timeout)


def lint_in_process(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(root)
    return CliRunner().invoke(main, ["lint", "--no-cache", *args])


def test_the_process_environment_is_never_a_sample(tmp_path: Path) -> None:
    # The control: the same query on a sample inside the project does cut the value out (the
    # output masks it: the second defence), so the refusal below is what keeps /proc unread.
    write(tmp_path, {"monitors/control.yaml": LEAKY.format(sample="inside.txt"),
                     "monitors/inside.txt": f"KUMA_URL=x\0KUMA_PASSWORD={CANARY}\0KUMA_USER=y"})
    control = lint(tmp_path)
    assert 'query returned "(sensitive)' in control.stdout and CANARY not in control.stdout

    write(tmp_path, {"monitors/control.yaml": LEAKY.format(sample="/proc/self/environ")})
    (tmp_path / "monitors/link.json").symlink_to("/proc/self/environ")
    write(tmp_path, {"monitors/linked.yaml": LEAKY.format(sample="link.json").replace("id: leak", "id: leak2")})
    result = lint(tmp_path)

    assert result.returncode == 1
    assert CANARY not in result.stdout + result.stderr
    assert "monitors/control.yaml:8:22: KP303 cannot read sample /proc/self/environ: outside the project" \
        in result.stdout
    assert "monitors/linked.yaml:8:22: KP303 cannot read sample link.json: outside the project directory " \
        "(a link to /proc/" in result.stdout


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    write(tmp_path, {"monitors/m.yaml": """\
        monitors:
          - {id: f, name: F, type: http, url: "https://x.test/", samples: [{file: pipe.json, expect: up}]}
        """})
    os.mkfifo(tmp_path / "monitors/pipe.json")
    os.mkfifo(tmp_path / "pipe.yaml")
    result = lint(tmp_path, "monitors", "pipe.yaml")  # with the cache on: it must not hash a FIFO either

    assert result.returncode == 1, result.stderr
    assert "monitors/m.yaml:2:75: KP303 cannot read sample pipe.json: a FIFO (named pipe), not a regular file" \
        in result.stdout
    assert "pipe.yaml:1:1: KP001 cannot read file: a FIFO (named pipe), not a regular file" in result.stdout


def test_a_sample_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"monitors/m.yaml": """\
        monitors:
          - {id: b, name: B, type: http, url: "https://x.test/", samples: [{file: big.json, expect: up}]}
        """})
    (tmp_path / "monitors/big.json").write_bytes(b" " * 10_000_001)
    result = lint_in_process(tmp_path, monkeypatch)

    assert result.exit_code == 1
    assert "monitors/m.yaml:2:75: KP303 cannot read sample big.json: larger than 10 MB" in result.stdout


def test_the_limit_is_counted_while_reading_not_taken_from_stat() -> None:
    # /proc files report size 0; so would a device. The guard must still stop at the limit.
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0
    guard = FileGuard.of(["/proc"])
    assert len(guard.read_bytes(status)) > 100
    with pytest.raises(Refused, match="larger than 100 bytes"):
        guard.read_bytes(status, limit=100)


def test_a_file_named_on_the_command_line_is_the_users_choice(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "elsewhere"
    write(outside, {"m.yaml": """\
        monitors:
          - {id: o, name: O, type: http, url: "https://x.test/", samples: [{file: ok.txt, expect: up}]}
        """, "ok.txt": "fine"})
    project = tmp_path / "project"
    (project / "monitors").mkdir(parents=True)
    (project / "monitors/link.yaml").symlink_to(outside / "m.yaml")
    (project / "linked-dir").symlink_to(outside)

    chosen = lint_in_process(project, monkeypatch, str(outside / "m.yaml"))
    assert chosen.exit_code == 0, chosen.output

    # Inside the project, a link out stays refused even when named on the command line,
    # and a directory link out is reported, not walked.
    linked = lint_in_process(project, monkeypatch, "monitors/link.yaml", "linked-dir")
    assert linked.exit_code == 1
    assert linked.stdout.splitlines()[:2] == [
        f"linked-dir:1:1: KP001 cannot read directory: outside the project directory (a link to {outside})",
        f"monitors/link.yaml:1:1: KP001 cannot read file: outside the project directory (a link to {outside}/m.yaml)",
    ]


@pytest.mark.parametrize("directory", ["monitors", "templates"])
def test_a_default_directory_linking_out_is_a_configuration_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directory: str) -> None:
    for name in ("monitors", "templates"):
        if name == directory:
            (tmp_path / name).symlink_to("/")
        else:
            (tmp_path / name).mkdir()
    result = lint_in_process(tmp_path, monkeypatch)

    assert result.exit_code == 2
    assert f"{directory}:1:1: KP001 {directory} '{directory}': outside the project directory (a link to /)" \
        in result.stderr


SHARED_TEMPLATE = """\
monitors:
  - {id: "{{ id }}", name: Shared, type: http, url: "https://x.test/", samples: [{file: ok.txt, expect: up}]}
"""


@pytest.mark.parametrize("in_git", [True, False], ids=["git-work-tree", "no-git"])
def test_a_project_in_a_subdirectory_may_share_the_repositorys_templates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool) -> None:
    # examples/kumaprov.yaml does this with `templates: ../templates`. The bounds are the git
    # work tree: a pull request cannot move them (git carries no `.git` path).
    if in_git:
        (tmp_path / ".git").mkdir()
    write(tmp_path, {"templates/shared.yaml.j2": SHARED_TEMPLATE, "templates/ok.txt": "fine",
                     "project/kumaprov.yaml": "templates: ../templates\n",
                     "project/monitors/m.yaml": "monitors: [{template: shared, vars: {id: s}}]\n"})
    result = lint_in_process(tmp_path / "project", monkeypatch)

    if in_git:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 2
        assert "kumaprov.yaml:1:12: KP001 templates '../templates': outside the project directory" in result.stderr


def test_nothing_under_git_is_read_or_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {".git/config": "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n",
                     ".git/hooks/x.yaml": "not: [a monitor file",
                     "kumaprov.yaml": "monitors: [.]\n",
                     "m.yaml": """\
                        monitors:
                          - {id: g, name: G, type: keyword, url: "https://x.test/", keyword: x,
                             samples: [{file: .git/config, expect: up}]}
                        """})
    result = lint_in_process(tmp_path, monkeypatch)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "m.yaml:3:23: KP303 cannot read sample .git/config: inside a .git directory, which holds the checkout's "
        "credentials",
        "1 file(s) checked: 1 error(s), 0 warning(s)",
    ]
