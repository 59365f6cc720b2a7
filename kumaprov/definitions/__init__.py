"""Definitions: the project file, YAML with positions, templating, the loader, the entries it
yields, schema validation as problems, the JSON Schema export, and rendering for `kumaprov render`.

May import: the root modules, model/, kinds/ (each kind's file model). Never lint/, server/, sync/, cli/."""
