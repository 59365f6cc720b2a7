"""Every kind, in apply order: what others use exists before them (tags, docker hosts,
proxies and notifications before the monitors that name them; maintenance windows and
status pages, which name monitors, after them). Deletes run in the reverse order."""

from __future__ import annotations

from kumaprov.kinds.base import Kind
from kumaprov.kinds.docker_hosts import DOCKER_HOSTS
from kumaprov.kinds.maintenance import MAINTENANCE
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.notifications import NOTIFICATIONS
from kumaprov.kinds.proxies import PROXIES
from kumaprov.kinds.status_pages import STATUS_PAGES
from kumaprov.kinds.tags import TAGS

KINDS: tuple[Kind, ...] = (
    TAGS,
    DOCKER_HOSTS,
    PROXIES,
    NOTIFICATIONS,
    MONITORS,
    MAINTENANCE,
    STATUS_PAGES,
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
