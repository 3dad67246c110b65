"""A content-addressed cache of rendered clips, keyed on everything that can change them.

A phase's key hashes: the source of its scene module and of every module it
imports from ``scenes`` and ``attention`` (followed transitively), its own entry
in the registry (title, timings, captions), the render pipeline's code, the
manim and PyAV versions, and the render settings. Editing one scene therefore
changes one key; editing prose changes none.

Entries are directories written under a temporary name and renamed into place,
so a render killed halfway never leaves a clip that a later build would serve.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import tempfile
import time
from functools import cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from .registry import Phase

#: Packages whose source counts towards a clip's key.
TRACKED_PACKAGES = ("scenes", "attention")
#: Modules of the render pipeline itself: they shape every clip's bytes.
PIPELINE_MODULES = ("scenes.worker", "scenes.video")
#: The registry counts through the phase's own entry, not its whole file.
REGISTRY_MODULE = "scenes.registry"
ENVIRONMENT_VARIABLE = "ATTENTION_RENDER_CACHE"


def default_cache_dir() -> Path:
    """``$ATTENTION_RENDER_CACHE``, else ``$XDG_CACHE_HOME/attention-explained/renders``."""
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return Path(os.environ[ENVIRONMENT_VARIABLE]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "attention-explained" / "renders"


def module_path(name: str) -> Path | None:
    """The source file of module ``name``, or None when it is not one of ours."""
    if name.partition(".")[0] not in TRACKED_PACKAGES:
        return None
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):  # `from module import name`: name is not a module
        return None
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin)


def _imported_names(path: Path, module: str) -> set[str]:
    """Absolute names of the modules that ``path`` imports (relative imports resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
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
    return names


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


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def tool_versions() -> dict[str, str]:
    """Versions of the libraries that turn scenes into bytes."""
    return {name: metadata.version(name) for name in ("manim", "av", "numpy", "manimpango", "pycairo")}


def phase_key(phase: Phase, settings: dict) -> str:
    """The cache key of one phase's clip under ``settings`` (e.g. ``{"quality": "medium"}``)."""
    sources = {}
    for name in (phase.module, *PIPELINE_MODULES):
        for module, path in module_closure(name).items():
            if module != REGISTRY_MODULE:
                sources[module] = _sha256_file(path)
    payload = {
        "phase": repr(phase),
        "sources": dict(sorted(sources.items())),
        "tools": tool_versions(),
        "settings": settings,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def combined_key(keys: list[str], settings: dict) -> str:
    """The key of a video made from clips with ``keys`` (the full-length video)."""
    payload = {
        "parts": keys,
        "settings": settings,
        "pipeline": _sha256_file(Path(__file__).with_name("video.py")),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class RenderCache:
    """Directories of finished renders, one per key, under ``root``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_cache_dir()

    def entry(self, stem: str, key: str) -> Path:
        """Where the finished render of ``stem`` under ``key`` lives (it may not exist yet)."""
        return self.root / f"{stem}-{key[:20]}"

    def lookup(self, stem: str, key: str) -> Path | None:
        """The finished entry, or None: only complete entries ever exist under their final name."""
        path = self.entry(stem, key)
        return path if (path / "complete.json").is_file() else None

    def staging(self, stem: str) -> Path:
        """A fresh private directory to render into before :meth:`commit`."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".tmp-{stem}-", dir=self.root))

    def commit(self, staging: Path, stem: str, key: str, record: dict) -> Path:
        """Mark ``staging`` complete and rename it into place atomically; return the entry."""
        (staging / "complete.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        final = self.entry(stem, key)
        try:
            os.replace(staging, final)
        except OSError:  # another build finished the same entry first: keep theirs
            shutil.rmtree(staging, ignore_errors=True)
        return final

    def discard_staging(self, older_than: float = 3600.0) -> int:
        """Remove leftovers of interrupted renders older than ``older_than`` seconds.

        Younger ones may belong to a build running right now. Returns how many went.
        """
        now = time.time()
        leftovers = [
            path
            for path in (self.root.glob(".tmp-*") if self.root.is_dir() else [])
            if now - path.stat().st_mtime > older_than
        ]
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)
        return len(leftovers)
