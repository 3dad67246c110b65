"""What a clip's cache key hashes: everything that can change its bytes, and nothing else.

A phase's key hashes: the source of its scene module and of every module it
imports from ``scenes`` and ``attention`` (followed transitively), its own entry
in the registry (title, timings, captions), the render pipeline's code, the
versions of every tool that draws or encodes pixels (manim, PyAV, Cairo, Pango,
TeX, dvisvgm, the fonts) and the render settings. Editing one scene therefore
changes one key; editing prose changes none. The render worker computes the key
again from the files it actually imported, so a clip is only ever stored under
the key of the source that produced it.

Where finished renders are kept under their keys is :mod:`scenes.cache`'s job.
"""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
from functools import cache
from importlib import metadata
from pathlib import Path

from .files import sha256_file
from .imports import module_closure, module_path
from .registry import FULL_POSTER_PHASE, Phase

#: Modules of the render pipeline itself: they shape every clip's bytes.
PIPELINE_MODULES = ("scenes.worker", "scenes.video")
#: The registry and its translations count through the phase's own entry (a Chinese clip's is
#: the translated one), not their whole files, so a new Chinese caption re-renders no English
#: clip; the cache's own code decides where bytes are kept, and the import walker what is hashed,
#: never what the bytes are.
UNKEYED_MODULES = (
    "scenes.registry",
    "scenes.translations",
    "scenes.cache",
    "scenes.cache_key",
    "scenes.imports",
)


def _first_line(*command: str) -> str:
    """The first line a tool prints (its version), or ``"missing"``; never raises."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return "missing"
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0].strip() if lines else "missing"


#: The names in ``scenes/layout.py`` that hold a font family the clips are set in.
FONT_NAMES = ("FONT", "MONO", "CJK_FONT")


def clip_fonts() -> dict[str, str]:
    """``name -> family`` of the fonts the clips are set in, read from ``scenes/layout.py`` without importing manim.

    >>> clip_fonts()["CJK_FONT"]
    'Noto Sans CJK TC'
    """
    path = module_path("scenes.layout")
    if path is None:
        return {}
    families = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in FONT_NAMES
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            families[node.targets[0].id] = node.value.value
    return families


def _font_version(family: str) -> str:
    """The file fontconfig picks for ``family``, its version and size: what Pango will draw with."""
    found = _first_line("fc-match", "--format=%{file}|%{fontversion}", family)
    path = Path(found.partition("|")[0])
    return f"{found}|{path.stat().st_size}" if path.is_file() else found


@cache
def tool_versions() -> dict[str, str]:
    """Versions of every tool that turns scenes into pixels and bytes, read once per process.

    Python packages by their metadata; Cairo and Pango by the libraries actually
    loaded; TeX, dvisvgm (maths) and the fonts (fontconfig's choice for each
    family the clips name) by asking them. A tool that is missing counts as
    ``"missing"``, so installing it changes the key.
    """
    versions = {
        name: metadata.version(name) for name in ("manim", "av", "numpy", "manimpango", "pycairo", "pillow")
    }
    try:
        import cairo

        versions["cairo"] = cairo.cairo_version_string()
    except ImportError:
        versions["cairo"] = "missing"
    try:
        import manimpango

        versions["pango"] = manimpango.pango_version()
    except ImportError:
        versions["pango"] = "missing"
    versions["latex"] = _first_line("latex", "--version")
    versions["dvisvgm"] = _first_line("dvisvgm", "--version")
    for family in clip_fonts().values():
        versions[f"font {family}"] = _font_version(family)
    return versions


def phase_key(phase: Phase, settings: dict) -> str:
    """The cache key of one phase's clip under ``settings`` (e.g. ``{"quality": "medium"}``).

    Sources are found as this process would import them (modules already imported
    count by the file they came from), so the render worker, calling this after
    importing the scene, hashes exactly what it renders.
    """
    sources = {}
    for name in (phase.module, *PIPELINE_MODULES):
        for module, path in module_closure(name).items():
            if module not in UNKEYED_MODULES:
                sources[module] = sha256_file(path)
    payload = {
        "phase": repr(phase),
        "sources": dict(sorted(sources.items())),
        "tools": tool_versions(),
        "settings": settings,
    }
    data = data_files(phase)
    if data:  # a standalone clip's data (trained weights): new bytes, a new clip
        payload["data"] = {name: sha256_file(path) for name, path in data.items()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def clip_key(phase: Phase, quality: str, language: str = "en") -> str:
    """The cache key of ``phase``'s clip at ``quality`` drawn in ``language``: the one way every caller keys a clip.

    The clip's words in that language enter through the translated phase and the language through the
    settings, so an English clip's key is the one it always had.
    """
    from .translations import in_language
    from .worker import settings_for

    return phase_key(in_language(phase, language), settings_for(quality, language))


def data_files(phase: Phase) -> dict[str, Path]:
    """``name -> file`` of the data a clip's scene draws from (``StandaloneClip.data``), checked to exist.

    Names are relative to the folder that holds the ``scenes`` and ``attention`` packages.
    """
    root = Path(__file__).resolve().parent.parent
    files = {name: root / name for name in getattr(phase, "data", ())}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"{phase.name} draws from {', '.join(missing)}, which is missing: reinstall the package, "
            "or retrain the weights with `nox -s train -- --output attention/data/tiny_model.npz`."
        )
    return files


def source_files(phase: Phase) -> dict[str, str]:
    """``module -> file`` of every module the phase's key hashes (for messages about what was imported)."""
    modules = {
        module: str(path)
        for name in (phase.module, *PIPELINE_MODULES)
        for module, path in module_closure(name).items()
        if module not in UNKEYED_MODULES
    }
    return modules | {name: str(path) for name, path in data_files(phase).items()}


def full_video_key(keys: list[str], settings: dict) -> str:
    """The key of the full-length video joined from phase clips with ``keys`` under ``settings``.

    The one place this key is computed: the render looks the video up under it and
    ``cache prune`` keeps the entry it names. The poster's phase enters the key, so
    changing it never serves a full video with a stale poster.
    """
    payload = {
        "parts": keys,
        "settings": {**settings, "poster": FULL_POSTER_PHASE},
        "pipeline": sha256_file(Path(__file__).with_name("video.py")),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
