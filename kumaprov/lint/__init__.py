"""Offline lint: the run (`run.lint`), the result cache, problem reports, and `checks/`, one
rule per module in an explicit registry.

May import: the root modules, model/, semantics/, kinds/, definitions/. Never server/, sync/, cli/
(except that the notification check asks the adapter for provider settings, lazily)."""
