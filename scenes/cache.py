"""A content-addressed cache of rendered clips, keyed on everything that can change them.

A phase's key hashes: the source of its scene module and of every module it
imports from ``scenes`` and ``attention`` (followed transitively), its own entry
in the registry (title, timings, captions), the render pipeline's code, the
versions of every tool that draws or encodes pixels (manim, PyAV, Cairo, Pango,
TeX, dvisvgm, the fonts) and the render settings. Editing one scene therefore
changes one key; editing prose changes none. The render worker computes the key
again from the files it actually imported, so a clip is only ever stored under
the key of the source that produced it.

The cache owns its folder and proves it: creating a cache writes ``CACHEDIR.TAG``
(the Cache Directory Tagging standard, which backup tools honour too), and nothing
that deletes or moves entries runs in a folder without it. Inside, only folders
named like entries (``<stem>-<20 hex digits>``), staging folders and damaged
entries set aside are the cache's; anything else is left alone.

Entries are directories written under a temporary name and renamed into place,
so a render killed halfway never leaves a clip that a later build would serve.
Each entry's ``complete.json`` records the size and SHA-256 of its files; a
lookup checks them, so a damaged entry is moved aside and rendered again rather
than published.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from .files import temporary_beside, unique_folder
from .lifetime import lock_file
from .registry import FULL_POSTER_PHASE, Phase

#: Packages whose source counts towards a clip's key.
TRACKED_PACKAGES = ("scenes", "attention")
#: Modules of the render pipeline itself: they shape every clip's bytes.
PIPELINE_MODULES = ("scenes.worker", "scenes.video")
#: The registry and its translations count through the phase's own entry (a Chinese clip's is
#: the translated one), not their whole files, so a new Chinese caption re-renders no English
#: clip; the cache's own code decides where bytes are kept, never what they are.
UNKEYED_MODULES = ("scenes.registry", "scenes.translations", "scenes.cache")
ENVIRONMENT_VARIABLE = "ATTENTION_RENDER_CACHE"
#: Names inside the cache folder that are not finished entries.
STAGING_PREFIX = ".tmp-"
ASIDE_PREFIX = ".damaged-"
#: The file a staging folder's owner keeps locked while it lives (see :meth:`RenderCache.staging`).
OWNER_LOCK = ".owner.lock"
MANIFEST = "complete.json"
#: The Cache Directory Tagging standard (https://bford.info/cachedir/): a file of this name
#: whose first line is the signature marks the folder as a cache the program owns.
CACHEDIR_TAG = "CACHEDIR.TAG"
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
TAG_TEXT = (
    f"{TAG_SIGNATURE}\n"
    "# This file is a cache directory tag created by the render cache of attention-explained\n"
    "# (python -m scenes). Everything here can be rendered again; backup tools may skip it.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
#: How many hex digits of its key an entry's folder name keeps.
KEY_DIGITS = 20
_STEM = r"[0-9a-z]+(?:-[0-9a-z]+)*"  # a clip's stem: 03-attention-scores, 00-full
_ENTRY = rf"{_STEM}-[0-9a-f]{{{KEY_DIGITS}}}"
_UNIQUE = r"(?:[0-9a-f]{16}|[0-9a-z_]{8})"  # files.unique_folder's suffix, or tempfile's (older caches)
#: The exact names of what the cache makes in its folder; nothing else there is ever touched.
ENTRY_NAME = re.compile(_ENTRY)
STAGING_NAME = re.compile(rf"{re.escape(STAGING_PREFIX)}{_STEM}-{_UNIQUE}")
ASIDE_NAME = re.compile(rf"{re.escape(ASIDE_PREFIX)}{_ENTRY}-{_UNIQUE}")


class CacheError(RuntimeError):
    """The render cache folder could not be used; the message names it and the setting that moves it."""


class NotACache(CacheError):
    """The folder given as the render cache is not one (no CACHEDIR.TAG); nothing in it was touched."""


def is_entry_name(name: str) -> bool:
    """Whether ``name`` has the exact form of an entry's folder name.

    >>> is_entry_name("03-attention-scores-0123456789abcdef0123")
    True
    >>> is_entry_name(".git"), is_entry_name("notes"), is_entry_name("01-intro-0123")
    (False, False, False)
    """
    return ENTRY_NAME.fullmatch(name) is not None


def remove_folder(path: Path) -> list[OSError]:
    """Remove ``path`` and everything in it, as far as the OS allows; return every error met (none if it went)."""
    errors: list[OSError] = []

    def record(function, name, error) -> None:
        if isinstance(error, OSError):  # fd-based removal names only the base name: give the whole path
            errors.append(OSError(error.errno, error.strerror or str(error), str(name)))
        else:
            errors.append(OSError(str(error)))

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=record)
    else:
        shutil.rmtree(path, onerror=lambda function, name, info: record(function, name, info[1]))
    return errors


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


def _file_record(path: Path) -> dict:
    """Size and SHA-256 of one file, as ``complete.json`` keeps them."""
    return {"size": path.stat().st_size, "sha256": _sha256_file(path)}


def recorded_sha256(entry: Path, name: str) -> str:
    """The SHA-256 of file ``name`` as the entry's ``complete.json`` records it (checked by lookup)."""
    return str(json.loads((entry / MANIFEST).read_text(encoding="utf-8"))["files"][name]["sha256"])


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
                sources[module] = _sha256_file(path)
    payload = {
        "phase": repr(phase),
        "sources": dict(sorted(sources.items())),
        "tools": tool_versions(),
        "settings": settings,
    }
    data = data_files(phase)
    if data:  # a standalone clip's data (trained weights): new bytes, a new clip
        payload["data"] = {name: _sha256_file(path) for name, path in data.items()}
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
        "pipeline": _sha256_file(Path(__file__).with_name("video.py")),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class RenderCache:
    """Directories of finished renders, one per key, under ``root``."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else default_cache_dir()
        self._owned: dict[Path, int] = {}  # staging folder -> fd of its held owner lock

    # -- Errors that name the folder and how to move it -------------------------
    @contextlib.contextmanager
    def os_errors(self, doing: str) -> Iterator[None]:
        """Turn an ``OSError`` into a :class:`CacheError` that names the folder, ``doing`` and the fix."""
        try:
            yield
        except CacheError:
            raise
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            raise CacheError(
                f"render cache {self.root}: could not {doing}: {error.strerror or error}{where}. "
                f"Make that folder writable and free some space (python -m scenes cache prune removes "
                f"entries no current source needs), or point {ENVIRONMENT_VARIABLE} at another folder."
            ) from error

    def prepare(self) -> None:
        """Create (and tag) the cache folder and remove what killed builds left in it.

        A :class:`CacheError` if it cannot; a :class:`NotACache` if the folder exists,
        holds other things and is not a cache: a build never writes into, or cleans,
        a folder it does not own.
        """
        with self.os_errors("create the folder or clean it"):
            self.root.mkdir(parents=True, exist_ok=True)
            if not self.tagged():
                if any(self.root.iterdir()) and not self.made_before_the_tag():
                    raise NotACache(self._not_a_cache("render into it"))
                self.write_tag()
            self.discard_staging()

    # -- Ownership ------------------------------------------------------------------
    def tagged(self) -> bool:
        """Whether the folder holds a ``CACHEDIR.TAG`` that starts with the standard's signature."""
        try:
            with open(self.root / CACHEDIR_TAG, encoding="ascii", errors="replace") as tag:
                return tag.read(len(TAG_SIGNATURE)) == TAG_SIGNATURE
        except OSError:
            return False

    def write_tag(self) -> None:
        with temporary_beside(self.root / CACHEDIR_TAG) as partial:
            partial.write_text(TAG_TEXT, encoding="ascii")

    def made_before_the_tag(self) -> bool:
        """An untagged folder is a cache from before the tag when everything in it is the cache's own
        (entries, staging folders, damaged entries set aside) and at least one entry has its manifest."""
        children = list(self.root.iterdir())
        return (
            bool(children)
            and not self._foreign_tag()
            and not self.others()
            and any((entry / MANIFEST).is_file() for entry in self.entries())
        )

    def require_owned(self, log: Callable[[str], None] = lambda message: None) -> None:
        """Stop with :class:`NotACache` unless the folder is a render cache; tag a cache made before the tag once.

        Every command that deletes or moves entries calls this first, so a mistyped
        ``--cache`` (a repository, a home folder) touches nothing.
        """
        if not self.root.exists():
            raise NotACache(
                f"render cache {self.root}: there is no such folder. {self._where_the_cache_is()}"
            )
        if not self.root.is_dir():
            raise NotACache(
                f"render cache {self.root}: this is a file, not a folder. {self._where_the_cache_is()}"
            )
        if self.tagged():
            return
        if self.made_before_the_tag():
            self.write_tag()
            log(
                f"tagged    {self.root} with {CACHEDIR_TAG}: its entries show it is a render cache made before the tag"
            )
            return
        raise NotACache(self._not_a_cache("touch it"))

    def _foreign_tag(self) -> bool:
        """A ``CACHEDIR.TAG`` is there (a file or folder) but is not the standard's: someone else's."""
        tag = self.root / CACHEDIR_TAG
        return tag.exists() and not self.tagged()

    def _not_a_cache(self, doing: str) -> str:
        others = sorted(path.name for path in self.others())
        holds = (
            f"its {CACHEDIR_TAG} is not the standard's (its first line is not {TAG_SIGNATURE!r})"
            if self._foreign_tag()
            else f"it holds {len(others)} thing(s) that are not cache entries ({', '.join(others[:5])}"
            f"{', ...' if len(others) > 5 else ''})"
            if others
            else "none of its entries has a complete.json"
            if any(self.root.iterdir())
            else "it is empty"
        )
        return (
            f"{self.root} is not a render cache: it has no valid {CACHEDIR_TAG} and {holds}. "
            f"Nothing in it was touched; the render cache will not {doing}. {self._where_the_cache_is()}"
        )

    def _where_the_cache_is(self) -> str:
        return (
            f"Give --cache (or {ENVIRONMENT_VARIABLE}) the folder the build renders into "
            f"(by default {default_cache_dir()}), or a new or empty folder for a new cache."
        )

    def others(self) -> list[Path]:
        """What is in the folder but is not the cache's: neither an entry, a staging folder, a damaged
        entry set aside nor the tag. Nothing here ever deletes or moves these."""
        if not self.root.is_dir():
            return []
        return sorted(
            path for path in self.root.iterdir() if path.name != CACHEDIR_TAG and not self._is_ours(path)
        )

    @staticmethod
    def _is_ours(path: Path) -> bool:
        """A real folder (the cache never makes symlinks) with one of the cache's exact names."""
        return (
            not path.is_symlink()
            and path.is_dir()
            and any(pattern.fullmatch(path.name) for pattern in (ENTRY_NAME, STAGING_NAME, ASIDE_NAME))
        )

    # -- Entries ------------------------------------------------------------------
    def entry(self, stem: str, key: str) -> Path:
        """Where the finished render of ``stem`` under ``key`` lives (it may not exist yet)."""
        return self.root / f"{stem}-{key[:KEY_DIGITS]}"

    def problem(self, entry: Path) -> str | None:
        """What is wrong with ``entry`` (None if nothing): its manifest, or a file's size or SHA-256."""
        manifest_path = entry / MANIFEST
        if not manifest_path.is_file():
            return f"it has no {MANIFEST} (an incomplete or foreign folder)"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            files = manifest["files"]
            expected = {name: (int(f["size"]), str(f["sha256"])) for name, f in files.items()}
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError) as error:
            return f"its {MANIFEST} is unreadable or lists no files ({type(error).__name__}: {error})"
        if not expected:
            return f"its {MANIFEST} lists no files"
        outside = sorted(name for name in expected if Path(name).name != name or name in (".", ".."))
        if outside:
            return f"its {MANIFEST} lists {outside[0]!r}, which is not a file of the entry"
        for name, (size, digest) in sorted(expected.items()):
            path = entry / name
            if not path.is_file():
                return f"{name} is missing"
            actual = path.stat().st_size
            if actual != size:
                return f"{name} has {actual} bytes, {size} were stored"
            if _sha256_file(path) != digest:
                return f"{name} has the stored size but different bytes (SHA-256 mismatch)"
        return None

    def move_aside(self, entry: Path) -> Path | None:
        """Rename a damaged entry out of the way (``.damaged-*``); readers never see it again.

        None if it was gone already (another build moved it first).
        """
        with self.os_errors(f"move the damaged entry {entry.name} aside"):
            aside = unique_folder(self.root, f"{ASIDE_PREFIX}{entry.name}-")
            try:
                os.replace(entry, aside / entry.name)
            except FileNotFoundError:
                aside.rmdir()
                return None
        return aside

    def lookup(self, stem: str, key: str, log: Callable[[str], None] = lambda message: None) -> Path | None:
        """The finished, intact entry, or None.

        An entry whose files do not match its ``complete.json`` (truncated, changed,
        deleted) or that has none is a miss: it is moved aside and ``log`` says so.
        """
        path = self.entry(stem, key)
        if not path.exists():
            return None
        with self.os_errors(f"read the entry {path.name}"):
            try:
                problem = self.problem(path)
            except FileNotFoundError:  # moved aside by another build while this one read it
                return None
        if problem is None:
            return path
        aside = self.move_aside(path)
        where = f"moved it aside to {aside.name}" if aside else "another build moved it aside"
        log(f"cached {stem} is damaged: {problem}; {where} and rendering it again")
        return None

    def staging(self, stem: str) -> Path:
        """A fresh private directory to render into before :meth:`commit`.

        It holds a lock file that this process keeps locked, so a later build can tell
        a staging folder left by a killed build (lock free) from one in use.
        """
        with self.os_errors("create a staging folder"):
            self.root.mkdir(parents=True, exist_ok=True)
            path = unique_folder(self.root, f"{STAGING_PREFIX}{stem}-")
            fd = lock_file(path / OWNER_LOCK)
        if fd is not None:
            self._owned[path] = fd
        return path

    def release(self, staging: Path) -> None:
        """Drop the owner lock of ``staging`` (its lock file first, so no lock ever lands in an entry)."""
        (staging / OWNER_LOCK).unlink(missing_ok=True)
        fd = self._owned.pop(staging, None)
        if fd is not None:
            os.close(fd)

    def discard(self, staging: Path) -> None:
        """Remove a staging folder that will not be committed (a failed or rejected render)."""
        self.release(staging)
        shutil.rmtree(staging, ignore_errors=True)

    def commit(
        self,
        staging: Path,
        stem: str,
        key: str,
        record: dict,
        log: Callable[[str], None] = lambda message: None,
    ) -> Path:
        """Record the files of ``staging`` in ``complete.json`` and rename it into place; return the entry.

        If the entry exists already and is intact (another build finished the same
        key first), theirs is kept: same key, same bytes. If it exists but is damaged
        or incomplete, it is moved aside and replaced. Any other failure is a
        :class:`CacheError`.
        """
        final = self.entry(stem, key)
        with self.os_errors(f"finish the entry {final.name}"):
            files = {
                path.name: _file_record(path)
                for path in sorted(staging.iterdir())
                if path.is_file() and not path.name.startswith(".") and path.name != MANIFEST
            }
            manifest = {**record, "key": key, "files": files}
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            self.release(staging)
            for _ in range(3):
                try:
                    os.replace(staging, final)
                    return final
                except OSError as error:
                    if error.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not final.is_dir():
                        raise
                problem = self.problem(final)
                if problem is None:
                    shutil.rmtree(staging, ignore_errors=True)
                    return final
                aside = self.move_aside(final)
                log(f"replacing {final.name}: {problem} (moved aside to {aside.name if aside else '-'})")
        raise CacheError(
            f"could not put {final.name} in place in the render cache {self.root}: it kept reappearing."
        )

    # -- Housekeeping ---------------------------------------------------------------
    def stale_leftovers(self, older_than: float = 3600.0) -> list[Path]:
        """Staging folders of builds that are gone, and damaged entries moved aside.

        A staging folder is stale when no process holds its owner lock (its build was
        killed or crashed); one without a lock file counts only once older than
        ``older_than`` seconds.
        """
        if not self.root.is_dir():
            return []
        now = time.time()
        stale = []
        for path in self.root.iterdir():
            if path.is_symlink() or not path.is_dir():
                continue
            if ASIDE_NAME.fullmatch(path.name):
                stale.append(path)
            elif STAGING_NAME.fullmatch(path.name) and path not in self._owned:
                lock = path / OWNER_LOCK
                if lock.is_file():
                    fd = lock_file(lock)
                    if fd is not None:
                        os.close(fd)
                        stale.append(path)
                else:
                    with contextlib.suppress(OSError):
                        if now - path.stat().st_mtime > older_than:
                            stale.append(path)
        return stale

    def discard_staging(self, older_than: float = 3600.0) -> int:
        """Remove what :meth:`stale_leftovers` finds; return how many went (a build retries the rest next time)."""
        return sum(not remove_folder(path) for path in self.stale_leftovers(older_than))

    def entries(self) -> list[Path]:
        """Every finished (or damaged) entry: the folders named exactly like one (see :func:`is_entry_name`)."""
        if not self.root.is_dir():
            return []
        return sorted(
            path
            for path in self.root.iterdir()
            if is_entry_name(path.name) and path.is_dir() and not path.is_symlink()
        )
