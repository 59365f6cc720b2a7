"""The entities identified by a name, and what they name. KP201: two maintenance windows with
one title, status pages with one slug, docker hosts with one name or proxies with one id; KP209:
a window or page naming a monitor id that no definition has, or a monitor naming a proxy that
the files do not define (or mark absent)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition, Entry
from kumaprov.problems import Problem
from kumaprov.suggest import did_you_mean

DUPLICATE = "KP201"
UNKNOWN_MONITOR = "KP209"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    # Ids as written, so one monitor failing the schema does not make references to it look wrong.
    ids = {str(entry.raw.get("id")) for entry in context.entries}
    windows = [(w, "title", f"maintenance window '{w.window.title}'", w.window.title) for w in context.maintenance]
    pages = [(p, "slug", f"status page '{p.page.slug}'", p.page.slug) for p in context.status_pages]
    hosts = [(h, "name", f"docker host '{h.host.name}'", h.host.name) for h in context.docker_hosts]
    proxies = [(p, "id", f"proxy '{p.proxy.id}'", p.proxy.id) for p in context.proxies]
    for entries in (windows, pages, hosts, proxies):
        first: dict[str, Entry] = {}
        for entry, key, what, name in entries:
            earlier = first.setdefault(name, entry)
            if earlier is not entry:
                yield Problem(entry.position_of(key), DUPLICATE,
                              f"duplicate {what} (first defined at {earlier.position_of(key)})")
    for window, *_ in windows:
        for index, monitor_id in enumerate(window.window.monitors):
            yield from _unknown(ids, monitor_id, window, ("monitors", index),
                                f"maintenance window '{window.window.title}' covers")
    for page, *_ in pages:
        for g, group in enumerate(page.page.groups or []):
            for index, monitor_id in enumerate(group.monitors):
                yield from _unknown(ids, monitor_id, page, ("groups", g, "monitors", index),
                                    f"status page '{page.page.slug}' shows")
    proxy_ids = {p.proxy.id for p in context.proxies if not p.proxy.absent}
    for definition in definitions:
        proxy = getattr(definition.monitor, "proxy", None)
        if proxy is not None and proxy not in proxy_ids:
            yield Problem(definition.position_of("proxy"), UNKNOWN_MONITOR,
                          f"no proxy '{proxy}' in the files{did_you_mean(proxy, proxy_ids)}", via=definition.via)


def _unknown(ids: set[str], monitor_id: str, entry: Entry, path: tuple[object, ...], what: str) -> Iterator[Problem]:
    if monitor_id not in ids:
        yield Problem(entry.position_of(*path), UNKNOWN_MONITOR,
                      f"{what} '{monitor_id}', which no monitor definition has{did_you_mean(monitor_id, ids)}")
