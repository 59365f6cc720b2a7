"""The text of each file `kumaprov init` writes: pure functions of the choices made.

The workflow and the pre-commit hook install kumaprov with the same pip requirement, and run
the same three commands the README teaches (tests/test_gitops.py runs them from this text).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

SCHEMA_PATH = "schema/kumaprov.schema.json"
WORKFLOW_PATH = ".github/workflows/kumaprov.yml"
# kumaprov's own credentials, as repository secrets: a token, or a username and password.
SERVER_SECRETS = ("KUMA_URL", "KUMA_TOKEN", "KUMA_USERNAME", "KUMA_PASSWORD")


def project_file(target: str, variables: Sequence[str], project: str) -> str:
    listed = ", ".join(variables)
    return f"""\
# kumaprov project file. `kumaprov lint`, `kumaprov diff` and `kumaprov sync` read it.

# This project's name on the server: every object it creates records it, and other projects
# syncing to the same Uptime Kuma never touch them. Keep it when the repository moves.
project: {project}

# The Uptime Kuma version your server runs: lint checks queries, intervals and fields
# against it (diff and sync always use the version the server reports).
target: {json.dumps(target)}

# Monitor files: every .yaml below these directories.
monitors: [monitors]

# Templates: `template: NAME` uses templates/NAME.yaml.j2 when this repository has one,
# else the built-in template of that name (`kumaprov templates` lists them).
templates: templates

# The environment variables monitor files may read as ${{NAME}}: secrets stay out of the
# files, and a definition can read no other variable (names or glob patterns).
variables: [{listed}]
"""


def monitor_file(template: str, summary: str, variables: Mapping[str, Any]) -> str:
    instance = yaml.safe_dump([{"template": template, "vars": dict(variables)}], sort_keys=False,
                              allow_unicode=True, default_flow_style=False, width=100)
    body = "".join(f"  {line}\n" for line in instance.splitlines())
    about = f"# {template}: {summary}\n" if summary else ""
    return f"""\
# yaml-language-server: $schema=../{SCHEMA_PATH}
{about}# From the built-in template `{template}` (`kumaprov templates show {template}` prints it);
# add an instance per deployment, or plain monitors next to it.
monitors:
{body}"""


# kumaprov's hook, as .pre-commit-hooks.yaml in kumaprov's repository defines it (a test holds them equal).
HOOK = {"id": "kumaprov-lint", "name": "kumaprov lint", "entry": "kumaprov lint", "language": "python",
        "files": r"\.(ya?ml|j2)$", "exclude": r"^(\.pre-commit-config\.yaml|\.pre-commit-hooks\.yaml|\.github/.*)$",
        "pass_filenames": False}


def precommit_config(requirement: str) -> str:
    """kumaprov's hook as a local hook: pre-commit installs kumaprov with pip from `requirement`,
    so the hook lints with the same kumaprov the workflow installs."""
    local = {**HOOK, "additional_dependencies": [requirement]}
    local = {key: local[key] for key in ("id", "name", "entry", "language", "additional_dependencies", "files",
                                         "exclude", "pass_filenames")}
    text = yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}, sort_keys=False, width=200)
    return ("# `pre-commit install` once; then every commit that touches a monitor file, a template\n"
            "# or a sample runs `kumaprov lint` on the whole project.\n" + text)


def workflow(requirement: str, variables: Sequence[str]) -> str:
    secrets = [*SERVER_SECRETS, *variables]
    width = max(map(len, secrets))
    env = "".join(f"          {name}: ${{{{ secrets.{name} }}}}\n" for name in secrets)
    listed = "".join(f"#   {name:<{width}}  {_SECRET_HELP.get(name, 'read by the monitor files')}\n"
                     for name in secrets)
    setup = f"""\
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"
      - name: Install kumaprov
        run: python -m pip install "$KUMAPROV\""""
    return f"""\
# kumaprov: lint every change, show the plan in pull requests, sync the default branch.
#
# Repository secrets (Settings > Secrets and variables > Actions):
{listed}#
# Pull requests from forks get no secrets: they are linted, not diffed.
name: kumaprov

on:
  pull_request:
  push:
  workflow_dispatch:

permissions:
  contents: read

env:
  KUMAPROV: {json.dumps(requirement)}

jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
{setup}
      - name: Lint
        run: kumaprov lint --output github

  diff:
    if: github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository
    needs: lint
    runs-on: ubuntu-latest
    steps:
{setup}
      - name: Plan
        # Exit 2 means "changes": the plan is in the summary, and the check passes.
        run: |
          status=0
          kumaprov diff --output github --detailed-exitcode || status=$?
          if [ "$status" -eq 2 ]; then status=0; fi
          exit "$status"
        env:
{env}
  sync:
    if: github.event_name != 'pull_request' && github.ref_name == github.event.repository.default_branch
    needs: lint
    runs-on: ubuntu-latest
    # One sync at a time, never cancelled half-way.
    concurrency:
      group: kumaprov-sync
      cancel-in-progress: false
    steps:
{setup}
      - name: Sync
        run: kumaprov sync --output github
        env:
{env}"""


_SECRET_HELP = {
    "KUMA_URL": "your Uptime Kuma, e.g. https://kuma.example.com",
    "KUMA_TOKEN": "a login token, from `kumaprov token | gh secret set KUMA_TOKEN`; or set the two below",
    "KUMA_USERNAME": "the user kumaprov logs in as, when there is no token",
    "KUMA_PASSWORD": "its password",
}

GITIGNORE = """\
# kumaprov init
.venv/
__pycache__/
# Local secrets for `kumaprov diff`/`sync` (KUMA_*, API keys): never in git.
.env
"""
