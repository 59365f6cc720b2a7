"""Notification definitions: KP106 unknown provider, KP101 unknown setting, KP102 missing
required setting (duplicate ids are monitor_refs' KP201).

The provider catalogue comes from the client library (through the adapter), so a
misspelt `slackwebhookUrl` is caught before the server silently ignores it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.definitions.entries import Defined, Definition
from kumaprov.lint.context import LintContext
from kumaprov.problems import Problem
from kumaprov.suggest import did_you_mean

UNKNOWN_PROVIDER = "KP106"
UNKNOWN_SETTING = "KP101"
MISSING_SETTING = "KP102"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    if not context.of("notification"):
        return
    from kumaprov.server.client import notification_providers  # the library is slow to import; only when needed

    providers = notification_providers()
    for definition in context.of("notification"):
        yield from _check_settings(definition, providers)


def _check_settings(definition: Defined, providers: dict[str, dict[str, bool]]) -> Iterator[Problem]:
    notification = definition.value
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
