"""Offline lint: the run (`run.lint`), the context every rule gets, `checks/` (one rule per
module, in an explicit registry), the result cache, problem reports, and `render` (what
`kumaprov render` prints, secrets masked as lint flags them).

May import: the root modules, model/, alerts/, semantics/, kinds/, definitions/; server/ only lazily
(the notification rule asks the adapter for provider settings). Never sync/, cli/."""
