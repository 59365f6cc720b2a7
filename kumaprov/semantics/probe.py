"""Run HTTP-family monitors once from this machine, judged by the same evaluator as lint.

A user can check a new monitor against the real endpoint before it reaches the
server. The request mirrors what Uptime Kuma sends: method, headers, body,
basic auth, timeout, redirects and TLS verification.
"""

from __future__ import annotations

import base64
import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kumaprov import secrets
from kumaprov.errors import UsageError
from kumaprov.semantics.jsonquery import Verdict
from kumaprov.model.monitors import HttpMonitor, MonitorBase
from kumaprov.suggest import did_you_mean
from kumaprov.semantics.verdict import predict
from kumaprov.versions import ServerLine

Fetch = Callable[[urllib.request.Request, HttpMonitor], tuple[int, str]]


@dataclass(frozen=True)
class ProbeResult:
    monitor_id: str
    status: int | None  # None when no HTTP answer came back
    seconds: float
    verdicts: tuple[tuple[ServerLine, Verdict], ...]  # one per server line checked

    @property
    def up(self) -> bool:
        return bool(self.verdicts) and all(verdict.up for _, verdict in self.verdicts)


def request_for(monitor: HttpMonitor, environ: Mapping[str, str]) -> urllib.request.Request:
    """The request Uptime Kuma would send; raises secrets.MissingVariables."""
    headers = secrets.resolve(dict(monitor.headers or {}), environ)
    body = secrets.resolve(monitor.body, environ)
    data: bytes | None = None
    if isinstance(body, (dict, list)):
        data = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        data = body.encode()
        if monitor.body_encoding == "json":
            headers.setdefault("Content-Type", "application/json")
    if monitor.basic_auth is not None:
        pair = secrets.resolve(f"{monitor.basic_auth.username}:{monitor.basic_auth.password}", environ)
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    if monitor.bearer_token is not None:
        headers["Authorization"] = "Bearer " + secrets.resolve(monitor.bearer_token, environ)
    headers.setdefault("User-Agent", "Uptime-Kuma (kumaprov probe)")
    return urllib.request.Request(secrets.resolve(monitor.url, environ), data=data, method=monitor.method,
                                  headers=headers)


def _redirects(limit: int) -> urllib.request.HTTPRedirectHandler:
    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = limit

        def redirect_request(self, *args: Any, **kwargs: Any) -> urllib.request.Request | None:
            # With no redirects allowed the 3xx itself is the answer, as on the server.
            return None if limit == 0 else super().redirect_request(*args, **kwargs)

    return Redirects()


def fetch(request: urllib.request.Request, monitor: HttpMonitor) -> tuple[int, str]:
    context = ssl._create_unverified_context() if monitor.ignore_tls else ssl.create_default_context()
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                         _redirects(monitor.max_redirects))
    try:
        with opener.open(request, timeout=monitor.effective_timeout) as response:
            return int(response.status), response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:  # 4xx/5xx still have a body the checks may read
        return int(error.code), error.read().decode("utf-8", errors="replace")


def probe(monitor: HttpMonitor, lines: tuple[ServerLine, ...], environ: Mapping[str, str],
          transport: Fetch = fetch) -> ProbeResult:
    request = request_for(monitor, environ)
    started = time.monotonic()
    try:
        status, body = transport(request, monitor)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        failed = Verdict(False, f"no response: {reason}", None)
        return ProbeResult(monitor.id, None, time.monotonic() - started,
                           tuple((line, failed) for line in lines))
    elapsed = time.monotonic() - started
    verdicts = tuple((line, predict(monitor, body, status, line.json_semantics)) for line in lines)
    return ProbeResult(monitor.id, status, elapsed, verdicts)


def run(monitors: Sequence[MonitorBase], ids: Sequence[str], lines: tuple[ServerLine, ...],
        environ: Mapping[str, str]) -> list[ProbeResult]:
    """Probe the named monitors, or every HTTP-family monitor when no id is given."""
    by_id = {m.id: m for m in monitors}
    for wanted in ids:
        if wanted not in by_id:
            raise UsageError(f"no monitor with id '{wanted}'{did_you_mean(wanted, by_id)}")
        if not isinstance(by_id[wanted], HttpMonitor):
            raise UsageError(f"{wanted} is a {by_id[wanted].type} monitor; only http, keyword and "
                             "json-query monitors can be probed")
        if method := unprobed_auth(by_id[wanted]):
            raise UsageError(f"{wanted} authenticates with {method}, which probe does not do (it sends basic "
                             "auth, a bearer token and headers); only the server can check it")
    # Without ids: every HTTP-family monitor probe can authenticate as the server does.
    chosen = [by_id[i] for i in ids] if ids else [m for m in by_id.values()
                                                  if isinstance(m, HttpMonitor) and not unprobed_auth(m)]
    results = []
    for monitor in chosen:
        assert isinstance(monitor, HttpMonitor)
        try:
            results.append(probe(monitor, lines, environ))
        except secrets.MissingVariables as exc:
            raise UsageError(f"{monitor.id}: environment variable(s) not set: {exc}") from None
    return results


def unprobed_auth(monitor: MonitorBase) -> str | None:
    """The auth block of `monitor` probe cannot send (a token exchange, NTLM, a client certificate)."""
    return next((key for key in ("oauth2", "ntlm", "mtls") if getattr(monitor, key, None) is not None), None)


def render(results: Sequence[ProbeResult], as_json: bool) -> str:
    if as_json:
        return json.dumps([{
            "id": r.monitor_id, "up": r.up, "status": r.status, "seconds": round(r.seconds, 3),
            "verdicts": [{"server": line.version, "up": v.up, "reason": v.reason, "returned": v.returned}
                         for line, v in r.verdicts],
        } for r in results], indent=2)
    lines = []
    for result in results:
        reasons = {verdict.reason for _, verdict in result.verdicts}
        status = f"HTTP {result.status}" if result.status is not None else "no answer"
        word = "UP" if result.up else "DOWN"
        if len(reasons) == 1:
            lines.append(f"{word:5} {result.monitor_id}: {status} in {result.seconds:.2f} s, {reasons.pop()}")
            continue
        lines.append(f"{word:5} {result.monitor_id}: {status} in {result.seconds:.2f} s, depends on the server:")
        lines += [f"        {line.label}: {'UP' if v.up else 'DOWN'}, {v.reason}" for line, v in result.verdicts]
    up = sum(r.up for r in results)
    lines.append(f"{up} of {len(results)} monitor(s) UP")
    return "\n".join(lines)
