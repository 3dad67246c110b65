"""The render cache: finished renders kept under their keys, in a folder the cache owns and proves it owns.

What a key hashes is :mod:`scenes.cache_key`'s job; this module only keeps bytes.

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

import contextlib
import errno
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .files import sha256_file, temporary_beside, unique_folder
from .lifetime import lock_file

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


def _file_record(path: Path) -> dict:
    """Size and SHA-256 of one file, as ``complete.json`` keeps them."""
    return {"size": path.stat().st_size, "sha256": sha256_file(path)}


def recorded_sha256(entry: Path, name: str) -> str:
    """The SHA-256 of file ``name`` as the entry's ``complete.json`` records it (checked by lookup)."""
    return str(json.loads((entry / MANIFEST).read_text(encoding="utf-8"))["files"][name]["sha256"])


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
            if sha256_file(path) != digest:
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
