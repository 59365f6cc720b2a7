"""Definitions: the project file, YAML with positions, templating, the loader, the entries it
yields, pydantic errors as problems (validation), and the JSON Schema export.

May import: the root modules, model/, alerts/, kinds/ (each kind's file model). Never lint/, server/, sync/, cli/."""
