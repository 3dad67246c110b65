"""Files and folders written beside their destination and renamed into place, with ordinary modes.

``tempfile.mkstemp`` and ``mkdtemp`` make private files (0600) and folders (0700):
right for secrets, wrong for a clip that a web server must read. These helpers
create a uniquely named file or folder with the mode a plain ``open()`` or
``mkdir`` gives under the user's umask (0644 and 0755 under umask 022), so what is
renamed into a site or a cache is as readable as anything else the user writes.

>>> import os, pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with temporary_beside(folder / "clip.vtt") as partial:
...     _ = partial.write_text("WEBVTT\\n")
>>> sorted(p.name for p in folder.iterdir())
['clip.vtt']
>>> mask = os.umask(0); _ = os.umask(mask)
>>> oct((folder / "clip.vtt").stat().st_mode & 0o777) == oct(0o666 & ~mask)
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

#: How many unique names to try before giving up (a clash needs 2^64 bad luck).
ATTEMPTS = 100


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex: what the render cache records and a clip's key hashes.

    >>> import pathlib, tempfile
    >>> empty = pathlib.Path(tempfile.mkdtemp()) / "empty"
    >>> _ = empty.write_bytes(b"")
    >>> sha256_file(empty)[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ordinary_file_mode() -> int:
    """The mode ``open()`` gives a new file: 0666 minus the umask (read without changing it where the OS allows).

    >>> mask = os.umask(0o022); ordinary_file_mode() == 0o644; _ = os.umask(mask)
    True
    """
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it
    os.umask(mask)
    return 0o666 & ~mask


def has_ordinary_mode(path: Path) -> bool:
    """Whether ``path`` has the mode a plain write would give it now (not a private 0600 copy, say)."""
    return stat.S_IMODE(Path(path).stat().st_mode) == ordinary_file_mode()


def unique_file(folder: Path, prefix: str, suffix: str = "") -> Path:
    """Create an empty file ``folder/<prefix><random><suffix>`` that did not exist, mode 0666 minus the umask."""
    for _ in range(ATTEMPTS):
        path = Path(folder) / f"{prefix}{secrets.token_hex(8)}{suffix}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free name for {prefix}*{suffix} in {folder}")


def unique_folder(parent: Path, prefix: str) -> Path:
    """Create an empty folder ``parent/<prefix><random>`` that did not exist, mode 0777 minus the umask."""
    for _ in range(ATTEMPTS):
        path = Path(parent) / f"{prefix}{secrets.token_hex(8)}"
        try:
            path.mkdir(0o777)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free name for {prefix}* in {parent}")


@contextlib.contextmanager
def temporary_beside(destination: Path) -> Iterator[Path]:
    """A uniquely named temporary file next to ``destination``, renamed onto it on success, removed on any failure.

    Unique names let two builds publish into one folder at once; the rename is atomic,
    so a reader sees the old file or the new one, never a mix, and no temporary file
    outlives a failure (a full disk, an interrupt) to be deployed with the site.
    """
    temporary = unique_file(destination.parent, f".{destination.name}.", ".tmp")
    try:
        yield temporary
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
