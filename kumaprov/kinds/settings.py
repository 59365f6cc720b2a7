"""Instance settings as code: the keys of Uptime Kuma's Settings pages the files list, and
only those.

`settings:` in a monitor file is a mapping of the server's own setting names; the project's
settings may be spread over several files, each key written once. The server keeps its
settings as one dictionary that `setSettings` saves key by key, and acts on some keys being
absent from what it is sent (it logs everyone out when `disableAuth` is missing while auth is
off, resets Chromium when `chromeExecutable` differs, stops nscd ...). So a write sends the
whole dictionary as it was read, with the managed keys changed: every other setting keeps
its value. `disableAuth` cannot be managed: turning auth off needs the admin's current
password, which kumaprov never holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from kumaprov import secrets
from kumaprov.errors import ServerError
from kumaprov.kinds.base import Applying, Kind, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Live, Update
from kumaprov.kinds.common import desired_from
from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.ownership import Owner
from kumaprov.model.fields import KumaFields
from kumaprov.model.monitors import Strict

ID = "instance"  # the one object of this kind, as plans name it
SECRET_KEYS = frozenset({"steamAPIKey"})


class SettingsDef(Strict):
    """One key of `settings:` (the loader gives each key its own entry, so each keeps its line)."""

    primaryBaseURL: str | None = Field(None, pattern=r"^$|^https?://\S+$",
                                       description="The URL notifications link to; \"\" clears it.")
    keepDataPeriodDays: int | None = Field(None, ge=0, description="Days of heartbeats kept; 0 keeps them forever.")
    checkUpdate: bool | None = Field(None, description="Show when a new version is out.")
    checkBeta: bool | None = Field(None, description="Count beta releases as new versions.")
    searchEngineIndex: bool | None = Field(None, description="Let search engines index the status pages.")
    entryPage: str | None = Field(None, pattern=r"^(dashboard|statusPage-\S+)$",
                                  description="`dashboard`, or `statusPage-<slug>` to open a status page.")
    nscd: bool | None = Field(None, description="Cache DNS lookups with nscd (the Docker image).")
    tlsExpiryNotifyDays: list[Annotated[int, Field(ge=1)]] | None = Field(
        None, description="Days before a TLS certificate expires to notify, e.g. [7, 14, 21].")
    trustProxy: bool | None = Field(None, description="Trust X-Forwarded-* headers (behind a reverse proxy).")
    serverTimezone: str | None = Field(None, min_length=1, description="The server's time zone, e.g. Europe/Berlin.")
    chromeExecutable: str | None = Field(None, description="The Chromium real-browser monitors use; \"\" for the "
                                                           "bundled one.")
    steamAPIKey: str | None = Field(None, description="For steam monitors; use ${VAR}.")
    disableAuth: SkipJsonSchema[Any] = None

    @field_validator("disableAuth", mode="before")
    @classmethod
    def _refused(cls, value: Any) -> Any:
        raise ValueError("disableAuth cannot be managed by kumaprov: the server asks for the admin's current "
                         "password to change it; change it in the web UI (Settings > Security)")

    @property
    def key(self) -> str:
        """The setting this entry holds (each entry holds one)."""
        return next(iter(sorted(self.model_fields_set)), "")


# What the web UI shows for a key the server has never saved (src/pages/Settings.vue): a key
# at its default is left out of an export.
UI_DEFAULTS: Mapping[str, Any] = {
    "primaryBaseURL": "", "keepDataPeriodDays": 180, "checkUpdate": True, "checkBeta": False,
    "searchEngineIndex": False, "entryPage": "dashboard", "nscd": True, "tlsExpiryNotifyDays": [7, 14, 21],
    "trustProxy": False, "chromeExecutable": "", "steamAPIKey": ""}
MANAGED = tuple(key for key in SettingsDef.model_fields if key != "disableAuth")


class Settings(Kind):
    name = "settings"
    label = "settings"
    what = "setting"
    file_key = "settings"
    model = SettingsDef
    per_key = True
    unique_key = "key"
    holds_secrets = True

    def needs(self, sources: Any) -> Any:
        return bool(self.defined(sources))

    def needs_for_saved(self, document: Any) -> Any:
        return self.name in _kinds_in(document)

    def read(self, client: Any, need: Any) -> dict[str, Any] | None:
        return dict(client.call("getSettings")["data"]) if need else None

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        return [] if rows is None else [Live(0, ID, ID, dict(rows), self.name)]

    def desired(self, resolving: Resolving) -> Wanted:
        """One object: every key the files list, secrets resolved."""
        values: dict[str, Any] = {}
        for entry in self.defined(resolving.sources):
            values.update({key: getattr(entry.value, key) for key in entry.value.model_fields_set})
        if not values or resolving.missing.get(self.name):
            return Wanted()
        sensitive = {key for key, value in values.items() if key in SECRET_KEYS or secrets.has_reference(value)}
        return Wanted([desired_from(ID, KumaFields(values, frozenset(sensitive)), resolving.environ, self.name)])

    def write(self, action: Action, applying: Applying) -> None:
        """The whole dictionary as read, the managed keys changed (see the module's docstring).
        The second argument is the current password, asked only to turn auth off."""
        if not isinstance(action, Update):  # the snapshot reads them whenever the files list one
            raise ServerError(f"settings are only ever updated, not {type(action).__name__.lower()}d")
        managed = {key: value for key, value in action.desired.fields.items() if key in MANAGED}
        applying.writer.call("setSettings", ({**action.live.fields, **managed}, ""))

    def export(self, rows: Any, exporting: Exporting) -> None:
        """The managed keys whose value differs from what the web UI shows by default."""
        if not rows:
            return
        document: dict[str, Any] = {}
        for key in MANAGED:
            value = rows.get(key)
            if value is None or value == UI_DEFAULTS.get(key):
                continue
            document[key] = exporting.secret("settings", key) if key in SECRET_KEYS else value
        if document:
            exporting.document[self.file_key] = document


def _kinds_in(document: Any) -> set[str]:
    if not isinstance(document, dict):
        return set()
    return {str(item.get("kind")) for key in ("creates", "updates", "deletes")
            for item in document.get(key) or [] if isinstance(item, dict)}


SETTINGS = Settings()
