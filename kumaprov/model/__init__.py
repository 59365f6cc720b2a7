"""The monitor model: pydantic types per monitor type (each with its table of readable keys ->
Uptime Kuma fields, the one table read both ways), the registry of types, and `fields` (what
is sent for a monitor: the tables plus the few computed fields).

May import: the root modules only (errors, problems, versions, secrets, suggest)."""
