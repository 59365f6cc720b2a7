"""Definitions: the project file (and its environments, and its JSON Schema), YAML with positions, templating, the loader, the entries it
yields, pydantic errors as problems (validation), and the JSON Schema export.

May import: the root modules, model/, alerts/, kinds/ (the registry: each kind's file key and model).
Never lint/, server/, sync/, cli/."""
