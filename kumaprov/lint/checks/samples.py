"""KP302: each sample gets the verdict it expects, on every target server line.
KP303: a sample file that cannot be read.

The verdict is predicted with the server's own semantics (design notes, section 3),
so a check that passes here passes on the server, and one that would silently
depend on the server version is caught.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext, sample_path
from kumaprov.definitions.entries import Definition
from kumaprov.model.monitors import HttpMonitor, JsonQueryMonitor, Sample
from kumaprov.definitions.fileguard import Refused
from kumaprov.problems import Problem
from kumaprov.versions import ServerLine

MISMATCH = "KP302"
UNREADABLE = "KP303"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for definition in definitions:
        monitor = definition.monitor
        if not isinstance(monitor, HttpMonitor) or not monitor.samples:
            continue
        if isinstance(monitor, JsonQueryMonitor) and not _query_parses(monitor.query):
            continue  # KP301 already reports it; every sample would only repeat it
        lines = _lines_running(monitor, context.lines)
        for index, sample in enumerate(monitor.samples):
            yield from _check_sample(definition, monitor, index, sample, lines, context)


def _check_sample(definition: Definition, monitor: HttpMonitor, index: int, sample: Sample,
                  lines: Sequence[ServerLine], context: LintContext) -> Iterator[Problem]:
    where = definition.position_of("samples", index)
    body = sample.body
    if sample.file is not None:
        try:
            body = context.samples.read(sample_path(definition.base_dir, sample.file), definition.builtin)
        except Refused as exc:
            yield Problem(definition.position_of("samples", index, "file"), UNREADABLE,
                          f"cannot read sample {sample.file}: {exc}", via=definition.via)
            return
    assert body is not None  # the model requires file or body
    from kumaprov.semantics.verdict import Check, predict_check  # JSONata loads only for a project with samples

    wrong = []
    check = Check.of(monitor)  # once, not once per server line
    for line in lines:
        verdict = predict_check(check, body, sample.status, line.json_semantics)
        if ("up" if verdict.up else "down") != sample.expect:
            wrong.append((line, verdict))
    if not wrong:
        return
    name = sample.file or "inline body"
    got = "UP" if wrong[0][1].up else "DOWN"
    if len(wrong) == len(lines):
        on = "Uptime Kuma" if len(lines) > 1 else lines[0].label
        reasons = {verdict.reason for _, verdict in wrong}
        detail = wrong[0][1].reason if len(reasons) == 1 else "; ".join(
            f"{line.version}: {verdict.reason}" for line, verdict in wrong)
        message = f"sample {name}: expected {sample.expect}, but {on} reports {got}: {detail}"
    else:
        message = f"sample {name}: expected {sample.expect}, but the verdict depends on the server version: " + \
            "; ".join(f"{line.label} reports {'UP' if v.up else 'DOWN'} ({v.reason})" for line, v in wrong) + \
            " (set `target` in kumaprov.yaml if you only run one version)"
    yield Problem(where, MISMATCH, message, via=definition.via)


def _lines_running(monitor: HttpMonitor, lines: Sequence[ServerLine]) -> list[ServerLine]:
    """The lines a monitor can run on: an operator other than '==' needs 2.x (KP305 says so)."""
    if isinstance(monitor, JsonQueryMonitor) and monitor.operator != "==":
        capable = [line for line in lines if line.json_operators]
        return capable
    return list(lines)


def _query_parses(query: str) -> bool:
    from kumaprov.semantics import jsonquery

    try:
        jsonquery.compile_query(query)
    except jsonquery.QuerySyntaxError:
        return False
    return True
