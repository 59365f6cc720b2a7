"""Every monitor type kumaprov models, by the name Uptime Kuma gives it."""

from __future__ import annotations

from kumaprov.model.monitors import (
    DnsMonitor, DockerMonitor, GroupMonitor, HttpMonitor, JsonQueryMonitor, KeywordMonitor, MonitorBase,
    PingMonitor, PortMonitor, PushMonitor,
)
from kumaprov.model.mapped import OTHER_TYPES, MappedMonitor

MONITOR_TYPES: dict[str, type[MonitorBase]] = {
    "http": HttpMonitor,
    "keyword": KeywordMonitor,
    "json-query": JsonQueryMonitor,
    "port": PortMonitor,
    "ping": PingMonitor,
    "dns": DnsMonitor,
    "push": PushMonitor,
    "group": GroupMonitor,
    "docker": DockerMonitor,
    **OTHER_TYPES,
}

Monitor = (
    HttpMonitor | KeywordMonitor | JsonQueryMonitor | PortMonitor | PingMonitor
    | DnsMonitor | PushMonitor | GroupMonitor | DockerMonitor | MappedMonitor
)

# Keys that may appear in `defaults:` blocks: anything some monitor type accepts,
# except identity, which must never be shared.
DEFAULTABLE_KEYS: frozenset[str] = frozenset(
    name for cls in MONITOR_TYPES.values() for name in cls.model_fields
) - {"id", "name", "type", "samples"}


def fields_of(monitor_type: str) -> frozenset[str]:
    return frozenset(MONITOR_TYPES[monitor_type].model_fields)
