"""Remote browsers as code: the Playwright endpoints (browserless and the like) that
`real-browser` monitors run in, instead of the server's own Chromium (Uptime Kuma 2.x).

A remote browser is identified by its name, which is also how monitors name it
(`remote_browser: grid`). Its URL often holds a token: write it as `${VAR}`. kumaprov creates
and updates the remote browsers the files define, deletes one only when marked
`absent: true`, and leaves every other one alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field

from kumaprov import secrets
from kumaprov.kinds.base import Applying, Kind, NamedBy, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Live
from kumaprov.kinds.common import desired_from, save_whole
from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.ownership import Owner
from kumaprov.model.fields import KumaFields
from kumaprov.model.monitors import Strict
from kumaprov.versions import REMOTE_BROWSERS_SINCE as SINCE
from kumaprov.versions import at_least


class RemoteBrowserDef(Strict):
    name: str = Field(min_length=1, max_length=255,
                      description="Identity; what real-browser monitors' `remote_browser` names.")
    url: str = Field(min_length=1, description="The Playwright websocket endpoint, e.g. "
                                               "ws://browserless:3000/playwright?token=${BROWSER_TOKEN}.")
    absent: bool = Field(False, description="Delete the remote browser with this name from the server.")


def browser_fields(browser: RemoteBrowserDef) -> KumaFields:
    values = {"name": browser.name, "url": browser.url}
    return KumaFields(values, frozenset(key for key, value in values.items() if secrets.has_reference(value)))


class RemoteBrowsers(Kind):
    name = "remote_browser"
    label = "remote browser(s)"
    what = "remote browser"
    file_key = "remote_browsers"
    model = RemoteBrowserDef
    unique_key = "name"
    holds_secrets = True
    min_version = SINCE
    # Only the files may define one a monitor names: a typo is a lint error, not a sync failure.
    named_by = NamedBy("remote_browser", "remote_browser", "KP209", in_files=True)

    def needs(self, sources: Any) -> Any:
        return bool(self.defined(sources))

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        # A server without them never pushes the list: waiting for it would only time out.
        if not need or not at_least(client.version, SINCE):
            return []
        return client.listed("remoteBrowserList")  # type: ignore[no-any-return]

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        return [Live(int(row["id"]), str(row.get("name", "")), str(row.get("name", "")), dict(row), self.name)
                for row in rows if "id" in row]

    def desired(self, resolving: Resolving) -> Wanted:
        """The browsers to create or update (by name), and the names marked absent; nothing
        is resolved while a variable is missing (reported by the caller)."""
        browsers = [b.value for b in self.defined(resolving.sources)]
        wanted = Wanted(absent=[b.name for b in browsers if b.absent])
        if resolving.missing.get(self.name):
            return wanted
        for browser in (b for b in browsers if not b.absent):
            wanted.desired.append(desired_from(browser.name, browser_fields(browser), resolving.environ, self.name))
        return wanted

    def plan_names(self, resolving: Resolving) -> dict[str, str]:
        return {b.value.name: b.value.name for b in self.defined(resolving.sources) if not b.value.absent}

    def write(self, action: Action, applying: Applying) -> None:
        save_whole(action, applying, "addRemoteBrowser", "deleteRemoteBrowser")

    def export(self, rows: Any, exporting: Exporting) -> None:
        rows = exporting.with_references(rows)
        exporting.ids[self.name] = {int(row["id"]): str(row.get("name")) for row in rows if "id" in row}
        documents = [readable(row, exporting) for row in rows if "id" in row]
        if documents:
            exporting.document[self.file_key] = documents


def readable(row: Mapping[str, Any], exporting: Exporting) -> dict[str, Any]:
    """A listed browser as written in files; a URL carrying credentials (a token in its query,
    a password before the host) becomes a reference, as any secret the environment held has."""
    url = str(row.get("url") or "")
    if not secrets.has_reference(url) and _has_credentials(url):
        url = exporting.secret(str(row.get("name")), "url")
    return {"name": row.get("name"), "url": url}


def _has_credentials(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.password or parts.username or parts.query)


REMOTE_BROWSERS = RemoteBrowsers()
