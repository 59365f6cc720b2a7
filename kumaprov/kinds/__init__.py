"""One module per kind of server object (monitors, notifications, tags, docker hosts, proxies,
maintenance windows, status pages): each holds what kumaprov knows about that kind.

May import: the root modules, model/, server/. Never definitions/, lint/, sync/, cli/."""
