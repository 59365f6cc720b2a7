"""Docker hosts as code: the daemons that `docker` monitors watch, named in files.

A host is identified by its name, which is also how monitors name it (`docker_host`).
kumaprov creates and updates the hosts the files define, deletes one only when marked
`absent: true`, and leaves every other host alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

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
