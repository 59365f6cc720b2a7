"""KP207: a monitor tag that takes the name of the ownership tag; KP208 (warning): a tag defined
but used by no monitor (Uptime Kuma deletes unused tags). A tag defined twice is monitor_refs' KP201."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.definitions.entries import Defined, Definition
from kumaprov.lint.context import LintContext
from kumaprov.problems import Problem, Severity

RESERVED = "KP207"
UNUSED = "KP208"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    first: dict[str, Defined] = {}
    for tag_definition in context.of("tag"):
        first.setdefault(tag_definition.value.name, tag_definition)
    # From the monitors as written: one invalid monitor must not make its tags look unused.
    # (`tags: 1` is the schema's KP103; here it is simply no tags.)
    written = [(entry, index, tag) for entry in context.entries
               for index, tag in enumerate(_listed(entry.raw.get("tags"))) if isinstance(tag, dict)]
    used = {tag.get("name") for _, _, tag in written}
    for name, tag_definition in first.items():
        if name not in used:
            yield Problem(tag_definition.position_of("name"), UNUSED,
                          f"no monitor uses the tag '{name}', so it is not created (Uptime Kuma 2.0.0-dev.0 "
                          "deletes tags no monitor carries)", Severity.WARNING)
    for entry, index, tag in written:
        if tag.get("name") == context.owner_tag:
            yield Problem(entry.position_of("tags", index, "name"), RESERVED,
                          f"the tag '{context.owner_tag}' marks the monitors kumaprov manages; choose another "
                          "name (or change `owner_tag` in kumaprov.yaml)", via=entry.via)


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else []
