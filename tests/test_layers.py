"""The package's layers, as each folder's __init__.py declares them: no module imports (at
module level) from a folder its layer may not use. Imports inside functions are the
declared exceptions (lint asks the adapter for provider settings, cli loads the engine late)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "kumaprov"
ROOT = "(root)"  # errors, problems, versions, secrets, suggest, plaintext
ALLOWED = {
    ROOT: {ROOT},
    "model": {ROOT},
    "server": {ROOT},
    "semantics": {ROOT, "model"},
    "alerts": {ROOT, "model"},
    "kinds": {ROOT, "model"},
    "definitions": {ROOT, "model", "alerts", "kinds"},
    "lint": {ROOT, "model", "semantics", "alerts", "kinds", "definitions"},
    "sync": {ROOT, "model", "semantics", "alerts", "kinds", "definitions", "lint", "server"},
    "scaffold": {ROOT, "model", "semantics", "alerts", "kinds", "definitions", "lint"},
    "dev": {ROOT, "model", "semantics", "alerts", "kinds", "definitions", "lint", "server"},
    "cli": {ROOT, "model", "semantics", "alerts", "kinds", "definitions", "lint", "server", "sync", "scaffold"},
}


def _layer(module: str) -> str:
    """The folder a `kumaprov.x.y` module lives in (ROOT for the package's own modules)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else ROOT


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kumaprov":
            if node.module == "kumaprov":
                found |= {_layer(f"kumaprov.{alias.name}") for alias in node.names}
            else:
                found.add(_layer(node.module))
        elif isinstance(node, ast.Import):
            found |= {_layer(alias.name) for alias in node.names if alias.name.split(".")[0] == "kumaprov"}
    return found


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.name == "__main__.py" and len(relative.parts) == 1:
            continue  # the entry point runs the command line
        layer = relative.parts[0] if len(relative.parts) > 1 else ROOT
        for used in _imports(path) - ALLOWED[layer] - {layer}:
            wrong.append(f"{relative} ({layer}) imports {used}")
    assert wrong == []


def test_every_folder_is_declared() -> None:
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert folders == set(ALLOWED) - {ROOT}
