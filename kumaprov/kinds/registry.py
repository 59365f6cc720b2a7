"""Every kind, in apply order: what others use exists before them (the kinds monitors name
before the monitors; the kinds that name monitors after them). Deletes run in the reverse
order. A new kind is a module in this package and its line here."""

from __future__ import annotations

from kumaprov.kinds.api_keys import API_KEYS
from kumaprov.kinds.base import Kind
from kumaprov.kinds.docker_hosts import DOCKER_HOSTS
from kumaprov.kinds.maintenance import MAINTENANCE
from kumaprov.kinds.monitor_refs import reference_fields
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.notifications import NOTIFICATIONS
from kumaprov.kinds.proxies import PROXIES
from kumaprov.kinds.remote_browsers import REMOTE_BROWSERS
from kumaprov.kinds.settings import SETTINGS
from kumaprov.kinds.status_pages import STATUS_PAGES
from kumaprov.kinds.tags import TAGS

KINDS: tuple[Kind, ...] = (
    TAGS,
    DOCKER_HOSTS,
    PROXIES,
    REMOTE_BROWSERS,
    NOTIFICATIONS,
    MONITORS,
    STATUS_PAGES,  # before the windows shown on them
    MAINTENANCE,
    API_KEYS,
    SETTINGS,  # last: `entryPage` may open a status page made just before
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
# The kinds whose entries the loader reads with the kind's model (monitors have a reader of
# their own: templates, defaults, one model per type).
ENTRY_KINDS: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind.model is not None)
# Monitor field -> the kind whose server id it holds.
REFERENCE_FIELDS: dict[str, str] = reference_fields(KINDS)
