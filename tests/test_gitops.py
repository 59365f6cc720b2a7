"""kumaprov in a user's own repository, proven with the real tools.

The path of a user who never cloned kumaprov: the wheel is built from this checkout and
installed into a clean venv outside it; `kumaprov init` runs in an empty git repository;
there `kumaprov lint` passes, the real pre-commit installs the hook (kumaprov from the built
wheel) and runs it, actionlint checks the generated workflow, check-jsonschema validates the
files against the schema kumaprov prints, and the workflow's own `run:` steps (read from the
file, not copied into this test) lint, diff and sync against the local Uptime Kuma.

The wheel and the venv are built once per session (about half a minute, most of it pip).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from kumaprov import __version__
from kumaprov.dev.standin import StandIn
from kumaprov.server.client import Credentials, KumaClient
from kumaprov.scaffold.files import WORKFLOW_PATH
from kumaprov.kinds.monitor_refs import marked_id
from tests.test_e2e_openwebui import UP, next_beat

REPO = Path(__file__).resolve().parent.parent
DEV_BIN = Path(sys.executable).parent  # pre-commit, actionlint, shellcheck, check-jsonschema: the test extra
BUILD_INPUTS = ("pyproject.toml", "README.md", "kumaprov", "templates")
REQUIREMENT = f"kumaprov=={__version__}"  # what `pip install` gets, and what init writes
LEVELS = ("health", "models", "chat")


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would let a command see the checkout
    or a server: what a user's shell would have."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "OPENWEBUI_API_KEY")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("KUMA_")}
    return {**env, **extra}


def run(args: list[str | Path], cwd: Path, env: Mapping[str, str], check: bool = True,
        **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=dict(env), text=True, capture_output=True,
                            **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built by pip from a copy of the files a build reads (the checkout stays clean)."""
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist, source], source,
        clean_environment())
    (built,) = dist.glob("kumaprov-*.whl")
    return built


@dataclass(frozen=True)
class User:
    """A venv outside the checkout with kumaprov installed from the wheel, as `pip install` does."""

    venv: Path
    env: dict[str, str]  # PATH starts with the venv; pip finds the wheel as if on an index

    def kumaprov(self, cwd: Path, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        return run([self.venv / "bin" / "kumaprov", *args], cwd, {**self.env, **env}, check)


@pytest.fixture(scope="session")
def user(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> User:
    home = tmp_path_factory.mktemp("user")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", venv], home, clean_environment())
    env = clean_environment(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        PIP_FIND_LINKS=" ".join(filter(None, [str(wheel.parent), os.environ.get("PIP_FIND_LINKS")])),
    )
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", REQUIREMENT], home, env)
    return User(venv, env)


def git_repository(path: Path, user: User) -> Path:
    path.mkdir()
    run(["git", "init", "--quiet", "--initial-branch", "main"], path, user.env)
    return path


@pytest.fixture(scope="module")
def repository(user: User, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kumaprov init` in an empty git repository, everything added to the index."""
    repo = git_repository(tmp_path_factory.mktemp("gitops") / "repo", user)
    user.kumaprov(repo, "init")
    run(["git", "add", "--all"], repo, user.env)
    return repo


def test_the_wheel_carries_the_template_library_and_its_samples(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        shipped = {f"kumaprov/builtin/{p.relative_to(REPO / 'templates')}": p.read_bytes()
                   for p in (REPO / "templates").rglob("*") if p.is_file()}
        assert len(shipped) > 40 and any(name.endswith(".yaml.j2") for name in shipped)
        for name, content in shipped.items():
            assert archive.read(name) == content, name
        assert "kumaprov/builtin/samples/openwebui/models.json" in names
        assert not any(name.startswith(("tests/", "templates/")) for name in names)
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "kumaprov = kumaprov.cli:main" in archive.read(entry_points).decode()


def test_the_installed_kumaprov_reads_its_library_from_the_venv(user: User, tmp_path: Path) -> None:
    shown = run([user.venv / "bin" / "python", "-c", "import kumaprov.definitions.library as l; print(l.BUILTIN)"], tmp_path,
                user.env).stdout.strip()
    builtin = Path(shown)
    assert builtin.is_relative_to(user.venv) and builtin.is_dir() and not builtin.is_symlink()
    listed = user.kumaprov(tmp_path, "templates").stdout
    assert [line.split()[0] for line in listed.splitlines() if line and not line.startswith(" ")] == \
        sorted(p.name.removesuffix(".yaml.j2") for p in (REPO / "templates").glob("*.yaml.j2"))


def test_init_in_an_empty_repository_lints(user: User, repository: Path) -> None:
    tracked = run(["git", "ls-files"], repository, user.env).stdout.split()
    assert sorted(tracked) == sorted([".github/workflows/kumaprov.yml", ".gitignore", ".pre-commit-config.yaml",
                                      "kumaprov.yaml", "monitors/openwebui.yaml", "schema/kumaprov.schema.json"])
    linted = user.kumaprov(repository, "lint", "--verbose")
    assert linted.stdout.strip() == "1 file(s) checked, no problems"
    assert "monitors/openwebui.yaml:6:5: built-in template 'openwebui' (version" in linted.stderr


def test_pre_commit_runs_the_kumaprov_hook(user: User, repository: Path,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    env = {**user.env, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"]
    passed = run(pre_commit, repository, env, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^kumaprov lint\.+Passed$", passed.stdout, re.M), passed.stdout
    monitors = repository / "monitors" / "openwebui.yaml"
    good = monitors.read_text()
    try:
        broken = "  - {id: status, name: Status, type: http, url: 'https://x.example', intervall: 60}"
        monitors.write_text(good + broken + "\n")
        where = f"monitors/openwebui.yaml:{len(good.splitlines()) + 1}:{broken.index('intervall') + 1}"
        run(["git", "add", "--all"], repository, env)
        failed = run(pre_commit, repository, env, check=False)
        assert failed.returncode == 1, failed.stdout
        assert re.search(r"^kumaprov lint\.+Failed$", failed.stdout, re.M), failed.stdout
        assert f"{where}: KP101 unknown key 'intervall' for an http monitor (did you mean 'interval'?)" \
            in failed.stdout, failed.stdout
    finally:
        monitors.write_text(good)
        run(["git", "add", "--all"], repository, env)
    # The hook's kumaprov is the one the wheel holds, installed by pre-commit itself.
    hook_envs = list(Path(env["PRE_COMMIT_HOME"]).glob("repo*/py_env-*/bin/kumaprov"))
    assert len(hook_envs) == 1


def test_the_workflow_passes_actionlint(user: User, repository: Path, tmp_path: Path) -> None:
    env = {**user.env, "PATH": f"{DEV_BIN}{os.pathsep}{user.env['PATH']}"}  # shellcheck checks the run: scripts
    assert shutil.which("shellcheck", path=env["PATH"])
    checked = run([DEV_BIN / "actionlint", "-no-color"], repository, env, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text((repository / WORKFLOW_PATH).read_text().replace("needs: lint", "needs: lnit", 1))
    rejected = run([DEV_BIN / "actionlint", "-no-color", broken], repository, env, check=False)
    assert rejected.returncode == 1 and 'job "diff" needs job "lnit" which does not exist' in rejected.stdout


def test_check_jsonschema_validates_the_files_against_the_printed_schema(user: User, repository: Path,
                                                                        tmp_path: Path) -> None:
    printed = tmp_path / "printed.schema.json"
    printed.write_text(user.kumaprov(tmp_path, "schema").stdout)
    assert json.loads(printed.read_text()) == json.loads((repository / "schema/kumaprov.schema.json").read_text())
    examples = [repository / "monitors/openwebui.yaml", *sorted((REPO / "monitors").glob("*.yaml")),
                *sorted(p for p in (REPO / "examples").glob("*.yaml") if p.name != "kumaprov.yaml"),
                *sorted((REPO / "demo/monitors").glob("*.yaml"))]
    for schema in (printed, repository / "schema/kumaprov.schema.json"):  # and where the modeline points
        valid = run([DEV_BIN / "check-jsonschema", "--schemafile", schema, *examples], tmp_path, user.env,
                    check=False)
        assert valid.returncode == 0, valid.stdout + valid.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("monitors:\n  - {id: a, name: A, type: http, url: 'https://a.example', interval: sixty}\n")
    invalid = run([DEV_BIN / "check-jsonschema", "--schemafile", printed, broken], tmp_path, user.env, check=False)
    assert invalid.returncode == 1
    assert "$.monitors[0].interval: 'sixty' is not of type 'integer'" in invalid.stdout


# -- the workflow's own steps, run as a GitHub runner would ------------------------------

_SECRET = re.compile(r"^\$\{\{ secrets\.([A-Z0-9_]+) \}\}$")


@dataclass
class Runner:
    """Runs a job's `run:` steps from the workflow file with bash -eo pipefail, the workflow
    and step `env`, and repository secrets (an unset secret is empty, as on GitHub)."""

    repo: Path
    user: User
    secrets: dict[str, str]
    summary: Path

    def job(self, name: str) -> list[subprocess.CompletedProcess[str]]:
        workflow = yaml.safe_load((self.repo / WORKFLOW_PATH).read_text())
        results = []
        for step in workflow["jobs"][name]["steps"]:
            if "uses" in step:
                # checkout: the tests run in the repository; setup-python: the venv is Python 3.11.
                assert step["uses"] in ("actions/checkout@v5", "actions/setup-python@v6"), step
                assert step["uses"] != "actions/setup-python@v6" or step["with"]["python-version"] == "3.11"
                assert sys.version_info[:2] == (3, 11)
                continue
            assert "${{" not in step["run"], step["run"]  # expressions in scripts: not simulated
            env = {**self.user.env, **workflow.get("env", {}), "GITHUB_STEP_SUMMARY": str(self.summary)}
            for key, value in step.get("env", {}).items():
                secret = _SECRET.match(str(value))
                assert secret, value
                env[key] = self.secrets.get(secret.group(1), "")
            script = self.repo.parent / f"step-{uuid.uuid4().hex}.sh"
            script.write_text(step["run"])
            results.append(run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], self.repo, env,
                               check=False))
            if results[-1].returncode != 0:
                break
        return results


def test_the_workflow_lints_diffs_and_syncs_three_open_webui_monitors_up(
        user: User, tmp_path: Path, kuma_env: dict[str, str], kuma_version: str, standin: StandIn) -> None:
    repo = git_repository(tmp_path / "repo", user)
    user.kumaprov(repo, "init", "--target", kuma_version, "--var", f"base_url={standin.url}")
    # The one edit: an owner tag of its own, because other tests share this server.
    owner_tag = f"kp-{uuid.uuid4().hex[:8]}"
    with open(repo / "kumaprov.yaml", "a") as handle:
        handle.write(f"owner_tag: {owner_tag}\n")
    workflow = yaml.safe_load((repo / WORKFLOW_PATH).read_text())
    assert workflow["env"]["KUMAPROV"] == REQUIREMENT  # the workflow installs what the user installed
    secrets = {"KUMA_URL": kuma_env["KUMA_URL"], "KUMA_TOKEN": kuma_env["KUMA_TOKEN"],
               "OPENWEBUI_API_KEY": standin.api_key}
    runner = Runner(repo, user, secrets, tmp_path / "summary.md")
    server = {**secrets}

    lint = runner.job("lint")
    assert [r.returncode for r in lint] == [0, 0], lint[-1].stdout + lint[-1].stderr
    assert lint[-1].stdout.strip() == "1 file(s) checked, no problems"

    assert user.kumaprov(repo, "diff", "--detailed-exitcode", check=False, **server).returncode == 2
    (_, plan) = runner.job("diff")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    assert "3 to create" in runner.summary.read_text()

    with KumaClient.connect(kuma_env["KUMA_URL"], Credentials(token=kuma_env["KUMA_TOKEN"])) as watcher:
        (_, sync) = runner.job("sync")
        assert sync.returncode == 0, sync.stdout + sync.stderr
        with KumaClient.connect(kuma_env["KUMA_URL"], Credentials(token=kuma_env["KUMA_TOKEN"])) as reader:
            managed = {marked_id(m, owner_tag): m for m in reader.monitors() if marked_id(m, owner_tag)}
        assert sorted(managed) == sorted(f"openwebui-{level}" for level in LEVELS)
        for level in LEVELS:
            next_beat(watcher, managed[f"openwebui-{level}"]["id"], UP)

    runner.summary.write_text("")
    (_, again) = runner.job("diff")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes" in runner.summary.read_text() or "0 to create" in runner.summary.read_text()
    assert user.kumaprov(repo, "diff", "--detailed-exitcode", check=False, **server).returncode == 0

    # Leave the shared server as found: the files emptied, and sync with the mass-delete flag.
    (repo / "monitors" / "openwebui.yaml").write_text("monitors: []\n")
    user.kumaprov(repo, "sync", "--allow-mass-delete", **server)
