"""Sphinx extension: each formula is typeset once per machine, not once per build.

``sphinx.ext.imgmath`` runs LaTeX and dvisvgm for every formula of every build: the site's
222 formulas took about 65 of a build's 75 seconds. imgmath names each image after the SHA-1 of
the complete LaTeX file it compiles (preamble and font size included) and skips both programs
when that image is already in the build's ``_images/math``. This extension keeps the images
in a cache: before imgmath draws a formula, the formula's image is copied in from the cache
when the cache has it; an image imgmath had to make is copied into the cache. Only the images
the pages use reach the site.

What else shapes an image names the cache's sub-folder: Sphinx's version, imgmath's settings
and the versions of ``latex`` and ``dvisvgm`` (or ``dvipng``), so a new TeX or a new Sphinx
typesets everything again. Nothing in the cache is ever deleted by a build; the folder
is safe to delete by hand at any time.

Setting (``conf.py``): ``math_cache``, a folder, "" for ``$ATTENTION_MATH_CACHE``, else
``$XDG_CACHE_HOME/attention-explained/math``; "off" typesets every formula in every build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from sphinx.application import Sphinx
from sphinx.util import logging

import attention

from .setting_errors import stop_on_setting

logger = logging.getLogger(__name__)

ENVIRONMENT_VARIABLE = "ATTENTION_MATH_CACHE"
OFF = "off"
CACHEDIR_TAG = "CACHEDIR.TAG"
TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by the maths cache of attention-explained\n"
    "# (typeset formulas, safe to delete). For information about cache directory tags, see\n"
    "#\thttps://bford.info/cachedir/\n"
)


#: imgmath's own ``render_math`` and ``generate_latex_macro``, kept the first time a build wraps them.
_UNCACHED: dict[str, Callable] = {}


class MathCacheError(Exception):
    """The maths cache's folder cannot be used; the message names the setting and the fix."""


def default_folder() -> Path:
    """``$XDG_CACHE_HOME/attention-explained/math`` (``~/.cache`` without XDG_CACHE_HOME)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "attention-explained" / "math"


def _tool_version(command: str) -> str | None:
    """The first line ``command --version`` prints, or None when it does not run."""
    try:
        result = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if result.returncode == 0 and lines else None


def fingerprint(config) -> str | None:
    """Sixteen hex digits naming what, besides the LaTeX source, shapes an image; None without the tools.

    >>> from types import SimpleNamespace
    >>> settings = dict(imgmath_image_format="svg", imgmath_latex="true", imgmath_latex_args=[],
    ...     imgmath_dvisvgm="true", imgmath_dvisvgm_args=[], imgmath_dvipng="true",
    ...     imgmath_dvipng_args=[], imgmath_use_preview=False, imgmath_font_size=14)
    >>> first = fingerprint(SimpleNamespace(**settings))
    >>> len(first), first == fingerprint(SimpleNamespace(**{**settings, "imgmath_font_size": 12}))
    (16, False)
    """
    import sphinx

    image_format = config.imgmath_image_format.lower()
    converter = "dvisvgm" if image_format == "svg" else "dvipng"
    tools = {
        "latex": _tool_version(config.imgmath_latex),
        converter: _tool_version(getattr(config, f"imgmath_{converter}")),
    }
    if None in tools.values():
        return None  # imgmath itself warns that it cannot typeset
    described = {
        "sphinx": sphinx.__version__,
        "tools": tools,
        "format": image_format,
        "settings": {
            name: getattr(config, name)
            for name in (
                "imgmath_latex_args",
                f"imgmath_{converter}_args",
                "imgmath_use_preview",
                "imgmath_font_size",
            )
        },
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]


def open_folder(root: Path) -> None:
    """Create the cache's folder with its tag, or check that an existing one is a maths cache."""
    problem = None
    try:
        if root.is_dir() and not (root / CACHEDIR_TAG).is_file() and any(root.iterdir()):
            problem = "it holds files and no CACHEDIR.TAG, so it is not a maths cache and is left alone"
        else:
            root.mkdir(parents=True, exist_ok=True)
            if not (root / CACHEDIR_TAG).is_file():
                _write_once(root / CACHEDIR_TAG, TAG_TEXT.encode())
    except OSError as error:
        problem = f"could not use it ({error.strerror or error})"
    if problem:
        raise MathCacheError(
            f"maths cache {root}: {problem}. Set math_cache ({ENVIRONMENT_VARIABLE}) to a new or "
            f"empty folder, or to {OFF!r} to typeset every formula in every build."
        )


def _write_once(target: Path, content: bytes | Path) -> None:
    """Put ``content`` (bytes, or a copy of a file) at ``target`` whole, or not at all (races are harmless)."""
    partial = target.with_name(f".tmp-{target.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        if isinstance(content, Path):
            shutil.copyfile(content, partial)
        else:
            partial.write_bytes(content)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


class MathCache:
    """The images of one toolchain (``folder``), brought into a build and kept from it."""

    def __init__(self, folder: Path):
        self.folder = folder

    def bring(self, image: Path) -> None:
        """Copy the cached image of this name to ``image`` when the build does not have it yet."""
        cached = self.folder / image.name
        if not image.is_file() and cached.is_file():
            image.parent.mkdir(parents=True, exist_ok=True)
            _write_once(image, cached)

    def keep(self, image: Path) -> None:
        """Copy an image imgmath made into the cache; a cache that cannot be written is only slower."""
        cached = self.folder / image.name
        if cached.is_file() or not image.is_file():
            return
        try:
            self.folder.mkdir(exist_ok=True)
            _write_once(cached, image)
        except OSError as error:
            logger.info(f"maths cache: could not keep {image.name} in {self.folder} ({error})")


def _cached(render_math, cache: MathCache):
    """imgmath's ``render_math``, bringing each image from ``cache`` and keeping what it makes."""
    from hashlib import sha1

    import sphinx.ext.imgmath as imgmath

    def render_math_cached(self, math: str, *, config):
        image_format = config.imgmath_image_format.lower()
        latex = imgmath.generate_latex_macro(image_format, math, config, self.builder.confdir)
        name = f"{sha1(latex.encode(), usedforsecurity=False).hexdigest()}.{image_format}"
        cache.bring(Path(self.builder.outdir) / self.builder.imagedir / "math" / name)
        path, depth = render_math(self, math, config=config)
        if path is not None:
            cache.keep(Path(path))
        return path, depth

    return render_math_cached


def _remembered(generate: Callable) -> Callable:
    """imgmath's ``generate_latex_macro``, remembered per formula and setting.

    imgmath makes a new Jinja environment, and compiles its LaTeX template again, for every call:
    twice a formula here (the cache's name, then imgmath's), about 1 s of a 12 s build. The text
    depends only on the arguments remembered. Where ``templates_path`` holds a template of
    the project's own, every call goes through, so an edited template counts at once.
    """

    @functools.lru_cache(maxsize=4096)
    def latex(image_format: str, math: str, font_size: int, preamble: str, use_preview: bool) -> str:
        settings = SimpleNamespace(
            imgmath_font_size=font_size,
            imgmath_latex_preamble=preamble,
            imgmath_use_preview=use_preview,
            templates_path=[],
        )
        return generate(image_format, math, settings, Path.cwd())

    def generate_latex_macro(image_format: str, math: str, config, confdir) -> str:
        template = "preview.tex" if config.imgmath_use_preview else "template.tex"
        own = [
            Path(confdir, folder, template + suffix)
            for folder in config.templates_path
            for suffix in (".jinja", "_t")
        ]
        if any(path.exists() for path in own):
            return generate(image_format, math, config, confdir)
        return latex(
            image_format,
            math,
            config.imgmath_font_size,
            config.imgmath_latex_preamble,
            bool(config.imgmath_use_preview),
        )

    return generate_latex_macro


def use_cache(app: Sphinx) -> None:
    """Route imgmath through the cache for this build (HTML builders, images in files)."""
    if "sphinx.ext.imgmath" not in app.extensions or app.builder.format != "html":
        return
    import sphinx.ext.imgmath as imgmath

    generate = _UNCACHED.setdefault("generate_latex_macro", imgmath.generate_latex_macro)
    imgmath.generate_latex_macro = _remembered(generate)
    uncached = _UNCACHED.setdefault("render_math", imgmath.render_math)
    imgmath.render_math = uncached  # each build decides afresh (one process may run several builds)
    setting = str(app.config.math_cache).strip() or os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if setting == OFF or app.config.imgmath_embed:
        return
    root = Path(setting).expanduser() if setting else default_folder()
    try:
        open_folder(root)
    except MathCacheError as error:
        stop_on_setting(str(error), "math_cache")
    toolchain = fingerprint(app.config)
    if toolchain is not None:
        imgmath.render_math = _cached(uncached, MathCache(root / toolchain))


def setup(app: Sphinx) -> dict:
    app.add_config_value("math_cache", "", "", types=frozenset({str}))
    app.connect("builder-inited", use_cache)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
