"""Every monitor type kumaprov models, by the name Uptime Kuma gives it.

Only the HTTP types are defined at import. Those of model/basic.py (port, ping, dns, push,
group, docker) and of model/mapped.py (two dozen classes, a tenth of a small lint's start-up
to define) are imported the first time one of them is looked up or all are listed: a project
of HTTP and JSON-query monitors never pays for them. Their names are listed here so that
`type in MONITOR_TYPES` and did-you-mean need no import (tests/test_model.py checks the lists
against basic.BASIC_TYPES and mapped.OTHER_TYPES).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Union

from kumaprov.model.monitors import HttpMonitor, JsonQueryMonitor, KeywordMonitor, MonitorBase

if TYPE_CHECKING:
    from kumaprov.model.basic import DnsMonitor, DockerMonitor, GroupMonitor, PingMonitor, PortMonitor, PushMonitor
    from kumaprov.model.mapped import MappedMonitor

_HTTP_TYPES: dict[str, type[MonitorBase]] = {
    "http": HttpMonitor,
    "keyword": KeywordMonitor,
    "json-query": JsonQueryMonitor,
}
# basic.BASIC_TYPES' keys, in its order.
BASIC_TYPE_NAMES = ("port", "ping", "dns", "push", "group", "docker")
# mapped.OTHER_TYPES' keys, in its order.
OTHER_TYPE_NAMES = (
    "grpc-keyword", "real-browser", "steam", "gamedig", "mqtt", "kafka-producer", "sqlserver", "postgres", "mysql",
    "oracledb", "mongodb", "redis", "radius", "tailscale-ping", "snmp", "rabbitmq", "smtp", "manual",
    "websocket-upgrade", "globalping", "sip-options", "system-service", "ntp", "pm2",
)


def _basic_types() -> Mapping[str, type[MonitorBase]]:
    from kumaprov.model.basic import BASIC_TYPES

    return BASIC_TYPES


def _other_types() -> Mapping[str, type[MonitorBase]]:
    from kumaprov.model.mapped import OTHER_TYPES

    return OTHER_TYPES


class _MonitorTypes(Mapping[str, type[MonitorBase]]):
    """A read-only mapping of type name -> model that imports basic.py and mapped.py on first need."""

    def __init__(self) -> None:
        self._names = (*_HTTP_TYPES, *BASIC_TYPE_NAMES, *OTHER_TYPE_NAMES)
        self._known = frozenset(self._names)

    def __getitem__(self, name: str) -> type[MonitorBase]:
        if name in _HTTP_TYPES:
            return _HTTP_TYPES[name]
        if name in BASIC_TYPE_NAMES:
            return _basic_types()[name]
        if name in self._known:
            return _other_types()[name]
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:  # Mapping's would look the class up
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"MONITOR_TYPES({', '.join(self._names)})"


MONITOR_TYPES: Mapping[str, type[MonitorBase]] = _MonitorTypes()

Monitor = Union[  # noqa: UP007  (a string in `X | Y` is not allowed at run time)
    HttpMonitor, KeywordMonitor, JsonQueryMonitor, "PortMonitor", "PingMonitor",
    "DnsMonitor", "PushMonitor", "GroupMonitor", "DockerMonitor", "MappedMonitor",
]


@cache
def defaultable_keys() -> frozenset[str]:
    """Keys that may appear in `defaults:` blocks: anything some monitor type accepts,
    except identity, which must never be shared. (All types' fields: imports mapped.py.)"""
    return frozenset(name for cls in MONITOR_TYPES.values() for name in cls.model_fields) \
        - {"id", "name", "type", "samples"}


def __getattr__(name: str) -> Any:
    # DEFAULTABLE_KEYS as a constant for those that import it (the JSON Schema, tests),
    # computed only then; the loader calls defaultable_keys() when a file has defaults.
    if name == "DEFAULTABLE_KEYS":
        return defaultable_keys()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def fields_of(monitor_type: str) -> frozenset[str]:
    return frozenset(MONITOR_TYPES[monitor_type].model_fields)
