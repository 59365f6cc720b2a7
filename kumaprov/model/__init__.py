"""The monitor model: pydantic types per monitor type, the registry of types, and the field
mapping from readable keys to Uptime Kuma's fields.

May import: the root modules only (errors, problems, versions, secrets, suggest)."""
