"""Docker hosts as code: the daemons that `docker` monitors watch, named in files.

A host is identified by its name, which is also how monitors name it (`docker_host`).
kumaprov creates and updates the hosts the files define, deletes one only when marked
`absent: true`, and leaves every other host alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from kumaprov.kinds.base import Applying, Kind, NamedBy, Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Action, Desired, Live
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.common import save_whole
from kumaprov.kinds.exporting import Exporting
from kumaprov.model.monitors import Strict


class DockerHostDef(Strict):
    name: str = Field(min_length=1, max_length=150, description="Identity; what monitors' `docker_host` names.")
    type: Literal["socket", "tcp"] = Field("socket", description="How Uptime Kuma reaches the daemon.")
    daemon: str = Field("/var/run/docker.sock", min_length=1,
                        description="The socket path, or the daemon's URL for tcp (e.g. tcp://docker:2375).")
    absent: bool = Field(False, description="Delete the host with this name from the server.")


def host_fields(host: DockerHostDef) -> dict[str, Any]:
    return {"name": host.name, "dockerType": host.type, "dockerDaemon": host.daemon}


def readable(row: Mapping[str, Any]) -> dict[str, Any]:
    """A listed host as written in files (for export), defaults left out."""
    document = {"name": row.get("name"), "type": row.get("dockerType"), "daemon": row.get("dockerDaemon")}
    fields = DockerHostDef.model_fields
    return {key: value for key, value in document.items() if key == "name" or value != fields[key].default}


class DockerHosts(Kind):
    name = "docker_host"
    label = "docker host(s)"
    what = "docker host"
    file_key = "docker_hosts"
    model = DockerHostDef
    unique_key = "name"
    # A host made by hand in the web UI may be named too: checked against the server, not lint.
    named_by = NamedBy("docker_host", "docker_host", "KP404")

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.listed("dockerHostList")  # type: ignore[no-any-return]

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        return [Live(int(row["id"]), str(row.get("name", "")), str(row.get("name", "")), dict(row), self.name)
                for row in rows if "id" in row]

    def desired(self, resolving: Resolving) -> Wanted:
        """The hosts to create or update (identified by name), and the names marked absent."""
        hosts = [h.value for h in self.defined(resolving.sources)]
        return Wanted([Desired(h.name, host_fields(h), kind=self.name) for h in hosts if not h.absent],
                      [h.name for h in hosts if h.absent])

    def plan_names(self, resolving: Resolving) -> dict[str, str]:
        """The hosts the files define and those on the server, less the ones marked absent."""
        hosts = [h.value for h in self.defined(resolving.sources)]
        absent = {h.name for h in hosts if h.absent}
        names = {h.name for h in resolving.live[self.name] if h.name not in absent} | \
            {h.name for h in hosts if not h.absent}
        return {name: name for name in names}

    def write(self, action: Action, applying: Applying) -> None:
        save_whole(action, applying, "addDockerHost", "deleteDockerHost")

    def export(self, rows: Any, exporting: Exporting) -> None:
        exporting.ids[self.name] = {int(row["id"]): str(row.get("name")) for row in rows if "id" in row}
        if rows:
            exporting.document[self.file_key] = [readable(row) for row in rows]


DOCKER_HOSTS = DockerHosts()
