"""KP201: a tag defined twice; KP207: a monitor tag that takes the name of the ownership tag;
KP208 (warning): a tag defined but used by no monitor (Uptime Kuma deletes unused tags)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition, TagDefinition
from kumaprov.problems import Problem, Severity

DUPLICATE = "KP201"
RESERVED = "KP207"
UNUSED = "KP208"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    first: dict[str, TagDefinition] = {}
    for tag_definition in context.tags:
        earlier = first.setdefault(tag_definition.tag.name, tag_definition)
        if earlier is not tag_definition:
            yield Problem(tag_definition.position_of("name"), DUPLICATE, f"duplicate tag "
                          f"'{tag_definition.tag.name}' (first defined at {earlier.position_of('name')})")
    # From the monitors as written: one invalid monitor must not make its tags look unused.
    written = [(entry, index, tag) for entry in context.entries
               for index, tag in enumerate(entry.raw.get("tags") or []) if isinstance(tag, dict)]
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
