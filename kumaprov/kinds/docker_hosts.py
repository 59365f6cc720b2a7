"""Docker hosts as code: the daemons that `docker` monitors watch, named in files.

A host is identified by its name, which is also how monitors name it (`docker_host`).
kumaprov creates and updates the hosts the files define, deletes one only when marked
`absent: true`, and leaves every other host alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from kumaprov.kinds.base import Action, Applying, Desired, Kind, Live, Resolving, ServerRefs, Wanted, save_whole
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

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.docker_hosts()

    def live(self, rows: Any, refs: ServerRefs, owner_tag: str) -> list[Live]:
        return [Live(int(row["id"]), str(row.get("name", "")), str(row.get("name", "")), dict(row), self.name)
                for row in rows if "id" in row]

    def desired(self, resolving: Resolving) -> Wanted:
        """The hosts to create or update (identified by name), and the names marked absent."""
        hosts = resolving.sources.docker_hosts
        return Wanted([Desired(h.host.name, host_fields(h.host), kind=self.name) for h in hosts if not h.host.absent],
                      [h.host.name for h in hosts if h.host.absent])

    def write(self, action: Action, applying: Applying) -> None:
        save_whole(action, applying, applying.writer.save_docker_host, applying.writer.delete_docker_host)


DOCKER_HOSTS = DockerHosts()
