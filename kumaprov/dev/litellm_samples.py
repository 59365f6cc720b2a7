"""Record the openai-gateway template's LiteLLM /health samples from a real LiteLLM proxy.

LiteLLM runs with two model groups in front of the stand-in provider: `gpt-4o-mini` (one
deployment) and `llama3.1:8b` (the provider, and a second deployment at a closed port). The
requests are the template's own `-backends` monitor, rendered and sent like Uptime Kuma would.
Two edits keep the files stable and free of this machine's details: the provider's and the dead
deployment's addresses become http://provider-a:8000/v1 and http://provider-b:8000/v1, and the
Python stack trace LiteLLM appends to an error after "\\nstack trace:" is cut.

    python -m kumaprov.dev.litellm_samples      # rewrite templates/samples/openai-gateway/*litellm*
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
from kumaprov.dev.litellm import LocalLiteLLM, start
from kumaprov.dev.localkuma import free_port
from kumaprov.dev.openwebui_samples import TEMPLATES
from kumaprov.dev.standin import StandIn, start_standin
from kumaprov.errors import LocalServerError
from kumaprov.lint.run import lint
from kumaprov.model.monitors import HttpMonitor
from kumaprov.definitions.project import load_project

SAMPLES = TEMPLATES / "samples" / "openai-gateway"
KEY_ENV = "GATEWAY_API_KEY"
WRONG_KEY = "sk-" + "0" * 32
MODEL, GROUP = "gpt-4o-mini", "llama3.1:8b"  # one deployment; two, one of them dead
Response = tuple[int, str]


def render_gateway(base_url: str, workdir: Path, **variables: Any) -> dict[str, HttpMonitor]:
    """The template's monitors for `base_url` (with /v1), LiteLLM's included, by id suffix."""
    (workdir / "monitors").mkdir(parents=True, exist_ok=True)
    # A copy: kumaprov reads templates only from inside the project.
    shutil.copytree(TEMPLATES, workdir / "templates", dirs_exist_ok=True)
    instance = {"template": "openai-gateway", "vars": {
        "id": "gw", "name": "Gateway", "base_url": base_url, "api_key_env": KEY_ENV, "model": MODEL,
        "litellm_health": True, **variables}}
    (workdir / "monitors" / "gateway.yaml").write_text(json.dumps({"monitors": [instance]}))
    project, problems = load_project(None, workdir)
    result = lint(project)
    # KP303 (a sample file cannot be read) is allowed: recording is how sample files come to be.
    problems = [*problems, *(problem for problem in result.problems if problem.code != "KP303")]
    if problems:
        raise LocalServerError(f"the openai-gateway template does not lint: {problems}")
    monitors: dict[str, HttpMonitor] = {}
    for definition in result.definitions:
        assert isinstance(definition.monitor, HttpMonitor)  # every monitor of the template is HTTP
        monitors[definition.id.removeprefix("gw-")] = definition.monitor
    return monitors


def respond(monitor: HttpMonitor, key: str, url: str | None = None) -> Response:
    """What the server gets for `monitor` (or for it sent to another `url`) right now."""
    if url is not None:
        monitor = monitor.model_copy(update={"url": url})
    return probe.fetch(probe.request_for(monitor, {KEY_ENV: key}), monitor)


def scrubbed(body: str, addresses: dict[str, str]) -> str:
    """`body` with the local addresses replaced and stack traces cut (see the module doc)."""
    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            for real, shown in addresses.items():
                value = value.replace(real, shown)
            return value.split("\nstack trace:")[0]
        return value
    return json.dumps(walk(json.loads(body)), indent=2) + "\n"


def record(proxy: LocalLiteLLM, provider: StandIn, backends: HttpMonitor) -> dict[str, Response]:
    """The LiteLLM sample files' responses, by file name; leaves the provider healthy."""
    group_url = backends.url.replace(f"model={MODEL}", f"model={GROUP.replace(':', '%3A')}")
    provider.set_mode(models="ok", chat="ok")
    recorded = {"health-litellm.json": respond(backends, proxy.master_key),
                "health-litellm-one-down.json": respond(backends, proxy.master_key, group_url),
                "key-without-db-litellm.json": respond(backends, WRONG_KEY)}
    provider.set_mode(models="empty")
    recorded["health-litellm-none.json"] = respond(backends, proxy.master_key)
    provider.set_mode(models="ok")
    return recorded


@contextmanager
def running(workdir: Path) -> Iterator[tuple[LocalLiteLLM, StandIn, dict[str, str]]]:
    """The stand-in, LiteLLM in front of it, and the addresses to scrub from recordings."""
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    with start_standin() as provider:
        live = f"{provider.url}/v1"
        deployments = [(MODEL, live), (GROUP, live), (GROUP, dead)]
        with start(workdir / "litellm", deployments, provider.api_key) as proxy:
            yield proxy, provider, {live: "http://provider-a:8000/v1", dead: "http://provider-b:8000/v1"}


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=SAMPLES, show_default=True)
def main(out: Path) -> None:
    """Start a real LiteLLM proxy (installing it if needed), record, write the files to OUT."""
    with tempfile.TemporaryDirectory(prefix="litellm-samples-") as tmp, running(Path(tmp)) as (proxy, provider, addresses):
        monitors = render_gateway(proxy.url + "/v1", Path(tmp))
        for name, (status, body) in sorted(record(proxy, provider, monitors["backends"]).items()):
            (out / name).write_text(scrubbed(body, addresses))
            click.echo(f"{status}  {out / name}")


if __name__ == "__main__":
    main(prog_name="python -m kumaprov.dev.litellm_samples")
