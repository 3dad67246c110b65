"""The site's Sphinx machinery is one package whose modules import one another one way only."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "attention_site"


def package_imports(path: Path, modules: set[str]) -> set[str]:
    """The package's own modules that ``path`` imports (``__init__`` for names taken from the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            absolute = node.level == 0 and (node.module or "").split(".")[0] == PACKAGE.name
            if not (node.level == 1 or absolute):
                continue
            module = (node.module or "").removeprefix(PACKAGE.name).lstrip(".")
            if module:
                found.add(module.split(".")[0])
            else:
                found.update(alias.name if alias.name in modules else "__init__" for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == PACKAGE.name:
                    found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    return {path.stem: package_imports(path, modules) - {path.stem} for path in PACKAGE.glob("*.py")}


def test_package_imports_have_no_cycle():
    graph = import_graph()
    assert graph["__init__"] >= {"phase_clips", "clip_citation", "example_tables", "a11y"}
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError, naming the cycle
    assert not [module for module, imported in graph.items() if "__init__" in imported], (
        "a module imports the package that imports it"
    )
