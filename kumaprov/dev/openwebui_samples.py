"""Record the openwebui template's sample responses from a real Open WebUI.

The requests are the template's own monitors (rendered from templates/openwebui.yaml.j2, sent
with kumaprov.probe as Uptime Kuma would send them); the provider behind Open WebUI is the
stand-in (kumaprov.dev.standin), switched into each situation a sample stands for. The
real-server test (tests/test_openwebui_real.py) records again and compares with the files.

    python -m kumaprov.dev.openwebui_samples            # rewrite templates/samples/openwebui/
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kumaprov.semantics import probe
from kumaprov.dev.openwebui import LocalOpenWebUI, start
from kumaprov.dev.standin import StandIn, start_standin
from kumaprov.errors import LocalServerError
from kumaprov.lint.run import lint
from kumaprov.model.monitors import HttpMonitor
from kumaprov.definitions.project import load_project

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
SAMPLES = TEMPLATES / "samples" / "openwebui"
KEY_ENV = "OPENWEBUI_API_KEY"
LEVELS = ("health", "models", "chat")
WRONG_KEY = "sk-" + "0" * 32  # the shape of an Open WebUI key, but not one it issued
# Fields that differ between two identical requests (a fresh completion id, the clock).
VOLATILE = frozenset({"id", "created"})

Response = tuple[int, str]


def render_levels(base_url: str, workdir: Path, **variables: Any) -> dict[str, HttpMonitor]:
    """The template's three monitors for `base_url`, by level, as lint yields them."""
    (workdir / "monitors").mkdir(parents=True, exist_ok=True)
    # A copy: kumaprov reads templates only from inside the project.
    shutil.copytree(TEMPLATES, workdir / "templates", dirs_exist_ok=True)
    instance = {"template": "openwebui", "vars": {
        "id": "owui", "name": "Open WebUI", "base_url": base_url, "api_key_env": KEY_ENV,
        "model": "llama3.1:8b", **variables}}
    (workdir / "monitors" / "openwebui.yaml").write_text(json.dumps({"monitors": [instance]}))
    project, problems = load_project(None, workdir)
    result = lint(project)
    # KP303 (a sample file cannot be read) is allowed: recording is how sample files come to be.
    problems = [*problems, *(problem for problem in result.problems if problem.code != "KP303")]
    if problems:
        raise LocalServerError(f"the openwebui template does not lint: {problems}")
    monitors = {d.id: d.monitor for d in result.definitions}
    levels = {}
    for level in LEVELS:
        monitor = monitors[f"owui-{level}"]
        assert isinstance(monitor, HttpMonitor)  # the template's three levels are HTTP monitors
        levels[level] = monitor
    return levels


def respond(monitor: HttpMonitor, api_key: str) -> Response:
    """What the server gets for `monitor` right now: the same method, URL, headers and body."""
    return probe.fetch(probe.request_for(monitor, {KEY_ENV: api_key}), monitor)


def record(owui: LocalOpenWebUI, provider: StandIn, levels: dict[str, HttpMonitor]) -> dict[str, Response]:
    """Every sample file's response, by file name; leaves the provider healthy."""
    def ask(level: str, key: str | None = None) -> Response:
        return respond(levels[level], owui.api_key if key is None else key)

    provider.set_mode(models="ok", chat="ok")
    recorded = {"health.json": ask("health"), "models.json": ask("models"),
                "unauthorized.json": ask("models", WRONG_KEY), "chat-healthy.json": ask("chat")}
    provider.set_mode(chat="no-word")
    recorded["chat-no-word.json"] = ask("chat")
    provider.set_mode(models="empty", chat="ok")
    recorded["models-empty.json"] = ask("models")  # the refreshed list, now empty
    recorded["chat-model-gone.json"] = ask("chat")  # Open WebUI no longer knows the model
    provider.set_mode(models="ok")
    ask("models")  # refresh Open WebUI's list again
    return recorded


def normalized(body: str) -> Any:
    """The JSON of `body` with volatile fields blanked, for comparing two recordings."""
    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: "..." if k in VOLATILE and not isinstance(v, (dict, list)) else walk(v)
                    for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value
    return walk(json.loads(body))


def write(recorded: dict[str, Response], directory: Path = SAMPLES) -> None:
    for name, (_, body) in sorted(recorded.items()):
        (directory / name).write_text(json.dumps(json.loads(body), indent=2, ensure_ascii=False) + "\n")


@contextmanager
def running(workdir: Path) -> Iterator[tuple[LocalOpenWebUI, StandIn]]:
    """The stand-in as provider and a real Open WebUI in front of it, stopped afterwards."""
    with start_standin() as provider, start(workdir / "openwebui", provider_url=f"{provider.url}/v1",
                                            provider_key=provider.api_key) as owui:
        yield owui, provider


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=SAMPLES, show_default=True)
def main(out: Path) -> None:
    """Start a real Open WebUI (installing it if needed), record the samples, write them to OUT."""
    with tempfile.TemporaryDirectory(prefix="owui-samples-") as tmp, running(Path(tmp)) as (owui, provider):
        recorded = record(owui, provider, render_levels(owui.url, Path(tmp)))
        out.mkdir(parents=True, exist_ok=True)
        write(recorded, out)
        for name, (status, _) in sorted(recorded.items()):
            click.echo(f"{status}  {out / name}")


if __name__ == "__main__":
    main(prog_name="python -m kumaprov.dev.openwebui_samples")
