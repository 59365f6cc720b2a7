"""Notification definitions: KP201 duplicate ids, KP106 unknown provider, KP101 unknown
setting, KP102 missing required setting.

The provider catalogue comes from the client library (through the adapter), so a
misspelt `slackwebhookUrl` is caught before the server silently ignores it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition, NotificationDefinition
from kumaprov.problems import Problem
from kumaprov.suggest import did_you_mean

DUPLICATE = "KP201"
UNKNOWN_PROVIDER = "KP106"
UNKNOWN_SETTING = "KP101"
MISSING_SETTING = "KP102"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    if not context.notifications:
        return
    from kumaprov.server.client import notification_providers  # the library is slow to import; only when needed

    providers = notification_providers()
    first: dict[str, NotificationDefinition] = {}
    for definition in context.notifications:
        earlier = first.setdefault(definition.id, definition)
        if earlier is not definition:
            yield Problem(definition.position_of("id"), DUPLICATE, f"duplicate notification id '{definition.id}' "
                          f"(first defined at {earlier.position_of('id')})")
        yield from _check_settings(definition, providers)


def _check_settings(definition: NotificationDefinition,
                    providers: dict[str, dict[str, bool]]) -> Iterator[Problem]:
    notification = definition.notification
    settings = providers.get(notification.type)
    if settings is None:
        yield Problem(definition.position_of("type"), UNKNOWN_PROVIDER,
                      f"unknown notification type '{notification.type}'{did_you_mean(notification.type, providers)}")
        return
    for key in notification.settings:
        if key not in settings:
            yield Problem(definition.position_of_key("settings", key), UNKNOWN_SETTING,
                          f"unknown setting '{key}' for a {notification.type} notification"
                          f"{did_you_mean(key, settings)}")
    for key, required in settings.items():
        if required and key not in notification.settings:
            yield Problem(definition.position_of("settings"), MISSING_SETTING,
                          f"missing required setting '{key}' for a {notification.type} notification")
