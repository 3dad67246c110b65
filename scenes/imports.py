"""Which of our modules a module imports, directly or not, read from their source without importing them.

The render cache keys a clip on these modules' source (:mod:`scenes.cache_key`); the site notes
them as a page's dependencies (:mod:`attention_site.sources`), so that an edit to any module a
directive's words or numbers come from reads the page again.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

#: Our packages: the only ones whose modules are followed (and, for the render cache, hashed).
TRACKED_PACKAGES = ("scenes", "attention")


def module_path(name: str) -> Path | None:
    """The source file of module ``name``, or None when it is not one of ours."""
    if name.partition(".")[0] not in TRACKED_PACKAGES:
        return None
    parent = name.rpartition(".")[0]
    if parent and not _is_package(
        parent
    ):  # `from .stage import Stage`: an attribute; finding it would import stage
        return None
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):  # `from module import name`: name is not a module
        return None
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin)


def _is_package(name: str) -> bool:
    """Whether ``name`` is a package (finding a package's spec imports only its parents' ``__init__``)."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.submodule_search_locations is not None


def _imported_names(path: Path, module: str) -> frozenset[str]:
    """Absolute names of the modules that ``path`` imports (relative imports resolved).

    The file is read every time, so an edit counts at once; parsing is remembered per source text
    (a build asks for the same few dozen modules' imports hundreds of times).
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return _names_imported_by(path.read_text(encoding="utf-8"), str(path), package)


@lru_cache(maxsize=512)
def _names_imported_by(source: str, filename: str, package: str) -> frozenset[str]:
    """What :func:`_imported_names` finds in ``source``, a module of ``package``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return frozenset(names)


def module_closure(root: str) -> dict[str, Path]:
    """``root`` and every module of ours it imports, directly or not, with their files.

    Parent packages count too (importing ``scenes.base`` runs ``scenes/__init__.py``).

    >>> sorted(module_closure("scenes.registry"))
    ['scenes', 'scenes.registry']
    """
    found: dict[str, Path] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = module_path(name)
        if path is None:
            continue
        found[name] = path
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        todo.extend(_imported_names(path, name))
    return found
