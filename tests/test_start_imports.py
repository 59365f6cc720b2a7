"""What a command imports: a lint pays only for the machinery its project uses.

Start-up time is mostly imports (bench/start_bench.py measures it). Timings do not belong
in tests, so these check the cause instead: which modules a fresh `kumaprov` process has
loaded when the command is done. Jinja, JSONata, the alert models and the monitor types
other than HTTP (pydantic classes built at import) load only for a project that uses them;
the alert rule writers, the socket client and the sync engine never load for lint; the
click layer alone loads no pydantic at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Runs the real command line in a fresh interpreter, then writes the names of the loaded
# modules to the file named by the first argument.
HARNESS = textwrap.dedent("""
    import json, sys
    out, args = sys.argv[1], sys.argv[2:]
    from kumaprov.cli import main
    try:
        main(args)
    finally:
        with open(out, "w") as handle:
            json.dump(sorted(sys.modules), handle)
""")

# What a project of plain monitors never needs.
TEMPLATES = ("jinja2", "kumaprov.definitions.templating")
QUERIES = ("jsonata", "kumaprov.semantics.jsonquery", "kumaprov.budget")
ALERT_MODELS = ("kumaprov.alerts.spec",)
OTHER_MONITOR_TYPES = ("kumaprov.model.basic", "kumaprov.model.mapped")  # port, ping ..., and two dozen more
# What lint never needs: the rule builder, the server side, the writers of Prometheus files.
NEVER_FOR_LINT = ("kumaprov.alerts.rules", "kumaprov.alerts.rulefile", "kumaprov.alerts.scrape",
                  "uptime_kuma_api", "socketio", "kumaprov.server.client", "kumaprov.sync.engine")


def loaded_by(cwd: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = cwd / ".modules.json"
    environ = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "KUMAPROV_NO_CACHE": "1", **env}
    result = subprocess.run([sys.executable, "-c", HARNESS, str(out), *args], cwd=cwd, env=environ,
                            capture_output=True, text=True, timeout=120)
    return result, set(json.loads(out.read_text()))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def test_a_lint_of_plain_monitors_loads_no_templates_queries_alerts_or_client(tmp_path: Path) -> None:
    write(tmp_path, {"kumaprov.yaml": "target: 2.5.3\n", "monitors/web.yaml": """
        monitors:
          - id: web
            name: Web
            type: http
            url: https://example.com/health
          - id: shop
            name: Shop
            type: keyword
            url: https://shop.example.com/
            keyword: Welcome
    """})
    result, modules = loaded_by(tmp_path, "lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file(s) checked, no problems" in result.stdout
    assert "kumaprov.model.monitors" in modules  # it did validate the monitors
    unused = TEMPLATES + QUERIES + ALERT_MODELS + OTHER_MONITOR_TYPES + NEVER_FOR_LINT
    assert modules.isdisjoint(unused), sorted(modules & set(unused))


def test_what_a_project_uses_is_loaded_when_it_uses_it(tmp_path: Path) -> None:
    # The built-in openwebui template: Jinja, JSON queries with samples, and alerts.
    write(tmp_path, {"kumaprov.yaml": "target: 2.5.3\n", "monitors/llm.yaml": """
        monitors:
          - template: openwebui
            vars: {id: chat, name: Chat, base_url: "https://chat.example.com", api_key_env: CHAT_KEY, model: m}
    """})
    result, modules = loaded_by(tmp_path, "lint", CHAT_KEY="x")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file(s) checked, no problems" in result.stdout
    assert set(TEMPLATES + QUERIES + ALERT_MODELS) <= modules
    assert modules.isdisjoint(NEVER_FOR_LINT), sorted(modules & set(NEVER_FOR_LINT))


def test_a_bad_alert_is_still_found_with_the_models_loaded_on_demand(tmp_path: Path) -> None:
    write(tmp_path, {"monitors/web.yaml": """
        monitors:
          - id: web
            name: Web
            type: http
            url: https://example.com/health
            alerts:
              down: {for: 2 minutes}
    """})
    result, modules = loaded_by(tmp_path, "lint")
    assert result.returncode == 1
    assert "KP104" in result.stdout and "alerts.down.for" in result.stdout
    assert "kumaprov.alerts.spec" in modules


def test_the_click_layer_alone_loads_no_model(tmp_path: Path) -> None:
    result, modules = loaded_by(tmp_path, "--version")
    assert result.returncode == 0 and "kumaprov" in result.stdout
    assert "click" in modules
    assert not any(name == "pydantic" or name.startswith(("pydantic.", "kumaprov.model", "kumaprov.kinds.registry"))
                   for name in modules), sorted(m for m in modules if "pydantic" in m or "model" in m)
