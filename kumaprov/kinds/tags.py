"""Tags: the labels monitors carry, matched by name and never deleted (other monitors and
people use them too). The ownership tag is the project's own and is not one of these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field

from kumaprov.kinds.base import Applying, Kind, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Create, Desired, Live, Update
from kumaprov.kinds.ownership import Owner
from kumaprov.model.monitors import Strict

DEFAULT_TAG_COLOR = "#6B7280"  # a tag monitors use that the files give no colour
SERVER_LIST = None  # a need: the server's own tag list, not the one read off the monitors


class TagDef(Strict):
    """A tag's look; tags that monitors use but no file defines get a neutral grey."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[^=]+$")
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$", description="Hex colour, e.g. '#2563EB'.")


class Tags(Kind):
    name = "tag"
    label = "tag(s)"
    what = "tag"
    identity = "shared-name"
    file_key = "tags"
    model = TagDef
    unique_key = "name"

    def needs(self, sources: Any) -> Any:
        return {tag.name for d in sources.definitions for tag in d.monitor.tags or []}

    def needs_for_saved(self, document: Any) -> Any:
        return SERVER_LIST

    def needs_all(self) -> Any:
        return set()  # export writes tags inside the monitors

    def read(self, client: Any, need: Any) -> list[Mapping[str, Any]]:
        """Tags from the monitor list; the server's own list only when a monitor names one that
        no monitor carries yet (`getTags` waits behind the server's after-login work)."""
        if need is SERVER_LIST:
            return client.tags()  # type: ignore[no-any-return]
        listed = {int(t["tag_id"]): {"id": t["tag_id"], "name": t["name"], "color": t.get("color")}
                  for m in client.monitors() for t in m.get("tags") or []}
        if need - {t["name"] for t in listed.values()}:
            return client.tags()  # type: ignore[no-any-return]
        return list(listed.values())

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        return [Live(int(row["id"]), str(row["name"]), str(row["name"]),
                     {"name": row["name"], "color": row.get("color")}, self.name) for row in rows]

    def desired(self, resolving: Resolving) -> Wanted:
        return Wanted(desired_tags([t.value for t in self.defined(resolving.sources)], resolving.sources.definitions,
                                   resolving.live.get(self.name, ())))

    def write(self, action: Action, applying: Applying) -> None:
        if isinstance(action, Create):
            fields = action.desired.fields
            applying.kuma_ids[(self.name, action.desired.id)] = applying.writer.add_tag(fields["name"], fields["color"])
        elif isinstance(action, Update):
            fields = action.desired.fields
            applying.writer.edit_tag(action.live.kuma_id, fields["name"], fields["color"])


def desired_tags(tags: Sequence[TagDef], definitions: Sequence[Any], live_tags: Sequence[Live]) -> list[Desired]:
    """The tags monitors use: with the colour the files define, else grey for a new one.

    Only used tags: the 2.0.0-dev.0 build deletes every tag no monitor carries whenever a
    monitor tag is removed, so a defined but unused tag would be re-created on every sync.
    """
    defined = {t.name: t.color for t in tags}
    used = {tag.name for d in definitions for tag in d.monitor.tags or []}
    missing = used - defined.keys() - {t.name for t in live_tags}
    colors = {**{name: DEFAULT_TAG_COLOR for name in missing},
              **{name: color for name, color in defined.items() if name in used}}
    return [Desired(name, {"name": name, "color": color}, kind="tag") for name, color in sorted(colors.items())]


TAGS = Tags()
