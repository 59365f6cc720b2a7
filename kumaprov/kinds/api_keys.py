"""API keys as code: the keys Prometheus (or anything else) uses to scrape `/metrics`.

The server shows a key's secret once, in its answer to `addAPIKey`, and keeps only a hash:
kumaprov writes it to the file the definition names (`key_file`, mode 0600, relative to the
file that defines the key), and nowhere else: not in plans, diffs, JSON, logs or errors.
Prometheus reads it with `basic_auth: {password_file: ...}`.

A key is identified by its name (the server keeps nothing else a marker could live in):
kumaprov creates the keys the files define, turns them on and off (`active`), deletes one
only when marked `absent: true`, and leaves every other key alone. The server cannot change
a key's expiry: a new expiry is a replacement (a new key, its secret written to `key_file`,
then the old key deleted), and the plan says so.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from kumaprov.errors import ServerError
from kumaprov.kinds.base import Applying, Kind, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Change, Create, Delete, Desired, Live, Update
from kumaprov.kinds.compare import same_value
from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.ownership import Owner
from kumaprov.model.monitors import Strict
from kumaprov.secrets import REDACTOR

KEY_FILE = "keyFile"  # not a server field: where a new key's secret goes


class ApiKeyDef(Strict):
    name: str = Field(min_length=1, max_length=255, description="Identity of the key on the server.")
    key_file: str = Field(min_length=1, description=(
        "Where the key's secret is written when kumaprov creates it (mode 0600; relative to this file). "
        "Keep it out of git."))
    expires: datetime | date | None = Field(None, description="When the key stops working (server time); "
                                                              "unset: never. Changing it replaces the key.")
    active: bool = Field(True, description="Whether the key is accepted.")
    absent: bool = Field(False, description="Delete the key with this name from the server.")

    @field_validator("expires", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        if isinstance(value, str):  # a quoted date in YAML, or a JSON project
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"expected a date or date and time (2027-01-31 or 2027-01-31 12:00), "
                                 f"got {value!r}") from None
        return value


def sink_path(base_dir: Path, key_file: str) -> str:
    """The key file as plans show it and saved plans keep it: from the directory kumaprov runs
    in (the project's) when it is inside it, so a plan saved in one checkout applies in another."""
    path = os.path.normpath(base_dir / key_file)
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def server_time(value: Any) -> str | None:
    """An expiry as the web UI sends it and the server lists it: `YYYY-MM-DD HH:MM:SS`."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return f"{value.isoformat()} 00:00:00"
    try:
        return datetime.fromisoformat(str(value).replace("Z", "")).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return str(value)


class ApiKeys(Kind):
    name = "api_key"
    label = "API key(s)"
    what = "API key"
    file_key = "api_keys"
    model = ApiKeyDef
    unique_key = "name"
    unique_what = "API key name"

    def needs(self, sources: Any) -> Any:
        return bool(self.defined(sources))

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.listed("apiKeyList") if need else []

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        return [Live(int(row["id"]), str(row.get("name", "")), str(row.get("name", "")), dict(row), self.name)
                for row in rows if "id" in row]

    def desired(self, resolving: Resolving) -> Wanted:
        wanted = Wanted()
        for entry in self.defined(resolving.sources):
            key = entry.value
            if key.absent:
                wanted.absent.append(key.name)
                continue
            wanted.desired.append(Desired(key.name, {"name": key.name, "active": key.active,
                                                     "expires": server_time(key.expires),
                                                     KEY_FILE: sink_path(entry.base_dir, key.key_file)},
                                          kind=self.name))
        return wanted

    def compare(self, want: Desired, current: Live, refs: ServerRefs) -> tuple[Change, ...]:
        changes = []
        if not same_value("active", current.fields.get("active"), want.fields["active"]):
            changes.append(Change("active", bool(current.fields.get("active")), want.fields["active"]))
        old = server_time(current.fields.get("expires"))
        if old != want.fields["expires"]:
            # The new secret goes to the sink: the reviewer sees where.
            changes += [Change("expires", old, want.fields["expires"]), Change(KEY_FILE, None, want.fields[KEY_FILE])]
        return tuple(changes)

    def key_in_files(self, desired: Desired, field: str) -> str | None:
        return "key_file" if field == KEY_FILE else None

    def update_note(self, update: Update) -> str | None:
        if any(change.field == "expires" for change in update.changes):
            return (f"the server cannot change a key's expiry: this replaces the key (a new secret in "
                    f"{update.desired.fields.get(KEY_FILE)}, then the old key deleted)")
        return None

    def write(self, action: Action, applying: Applying) -> None:
        if isinstance(action, Delete):
            applying.writer.call("deleteAPIKey", action.live.kuma_id)
            return
        if isinstance(action, Create):
            applying.kuma_ids[(self.name, action.desired.id)] = _create(action.desired, applying)
            return
        changed = {change.field for change in action.changes}
        if "expires" in changed:
            fields = {"active": action.live.fields.get("active"), **action.desired.fields}
            applying.kuma_ids[(self.name, action.desired.id)] = _create(
                Desired(action.desired.id, fields, kind=self.name), applying)
            applying.writer.call("deleteAPIKey", action.live.kuma_id)
        elif "active" in changed:
            event = "enableAPIKey" if action.desired.fields["active"] else "disableAPIKey"
            applying.writer.call(event, action.live.kuma_id)

    def export(self, rows: Any, exporting: Exporting) -> None:
        """The keys by name; their secrets are nowhere to read, so each names a sink to fill
        should it ever be created again (a key file beside the export)."""
        documents = []
        for row in rows:
            document: dict[str, Any] = {"name": row.get("name"), "key_file": f"{exporting.unique(str(row.get('name')))}.key"}
            if expires := server_time(row.get("expires")):
                document["expires"] = datetime.fromisoformat(expires)
            if not row.get("active"):
                document["active"] = False
            documents.append(document)
        if documents:
            exporting.document[self.file_key] = documents


def _create(desired: Desired, applying: Applying) -> int:
    """Create the key and write its secret to the sink. The secret goes to a new file beside
    it first (mode 0600), renamed over the sink once written: a sink that cannot be written
    fails before the server makes a key whose secret would be lost, and a failed create
    leaves the key file as it was (a replaced key keeps working until its successor exists)."""
    sink = Path(str(desired.fields[KEY_FILE]))
    pending = sink.with_name(f".{sink.name}.new")
    try:
        sink.parent.mkdir(parents=True, exist_ok=True)
        pending.unlink(missing_ok=True)
        descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise ServerError(f"cannot write the key file {sink}: {exc.strerror}") from None
    written = False
    try:
        payload = {"name": desired.fields["name"], "expires": desired.fields.get("expires"),
                   "active": 1 if desired.fields.get("active", True) else 0}
        answer = applying.writer.call("addAPIKey", payload)
        secret = str(answer["key"])
        REDACTOR.add(secret)  # should it ever reach an output, it shows as (sensitive)
        os.write(descriptor, (secret + "\n").encode())
        written = True
        return int(answer["keyID"])
    finally:
        os.close(descriptor)
        if written:
            os.replace(pending, sink)
        else:
            pending.unlink(missing_ok=True)


API_KEYS = ApiKeys()
