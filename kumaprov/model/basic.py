"""The core monitor types that make no HTTP request: port, ping, dns, push, group, docker.

Apart from monitors.py so that a project of HTTP monitors never defines them: a pydantic
class costs about a millisecond to define, deferred build or not. model.registry imports
this module the first time one of these types is looked up.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from kumaprov.model.monitors import DNS_RECORD_TYPES, MonitorBase


class PortMonitor(MonitorBase):
    type: Literal["port"]
    hostname: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)
    kuma_names: ClassVar[dict[str, str]] = {"hostname": "hostname", "port": "port"}


class PingMonitor(MonitorBase):
    type: Literal["ping"]
    hostname: str = Field(min_length=1)
    packet_size: int = Field(56, ge=1, le=65500)
    kuma_names: ClassVar[dict[str, str]] = {"hostname": "hostname", "packet_size": "packetSize"}


class DnsMonitor(MonitorBase):
    type: Literal["dns"]
    hostname: str = Field(min_length=1)
    resolver: str = Field("1.1.1.1", min_length=1, description="DNS server to ask.")
    record_type: Literal[DNS_RECORD_TYPES] = "A"  # type: ignore[valid-type]
    port: int = Field(53, ge=1, le=65535)
    kuma_names: ClassVar[dict[str, str]] = {"hostname": "hostname", "resolver": "dns_resolve_server",
                                            "record_type": "dns_resolve_type", "port": "port"}


class PushMonitor(MonitorBase):
    type: Literal["push"]
    push_token: str = Field(min_length=8, description="The token in the push URL; use ${ENV} for a secret.")
    kuma_names: ClassVar[dict[str, str]] = {"push_token": "pushToken"}
    secret_fields: ClassVar[frozenset[str]] = frozenset({"pushToken"})


class GroupMonitor(MonitorBase):
    type: Literal["group"]


class DockerMonitor(MonitorBase):
    type: Literal["docker"]
    container: str = Field(min_length=1, description="Container name or id.")
    docker_host: str = Field(min_length=1, description="Name of a docker host configured in Uptime Kuma.")
    # docker_host names a docker host (a reference: the kind says so, model.fields sends it).
    kuma_names: ClassVar[dict[str, str]] = {"container": "docker_container"}


BASIC_TYPES: dict[str, type[MonitorBase]] = {
    "port": PortMonitor,
    "ping": PingMonitor,
    "dns": DnsMonitor,
    "push": PushMonitor,
    "group": GroupMonitor,
    "docker": DockerMonitor,
}
