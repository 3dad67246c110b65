"""Sphinx extension: a build leaves nothing running and nothing in the system's temporary folder.

- ``sphinx.ext.imgmath`` makes a temporary folder for every formula and never removes
  it. Here they all go into one folder per build, removed when the build finishes;
  the folders of builds that were killed are removed by the next build.
- ``sphinx-sitemap`` starts a ``multiprocessing`` manager process to collect page
  links; a build killed with ``kill -9`` left it running for good. Here the manager
  process ends with the build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import partial
from pathlib import Path

from sphinx.application import Sphinx

import attention
from scenes.lifetime import die_with_parent, lock_file

IMGMATH_PREFIX = "attention-imgmath-"
OWNER_LOCK = ".owner.lock"


class _TempfileIn:
    """The ``tempfile`` module, except that ``mkdtemp`` makes its folders inside ``folder``."""

    def __init__(self, folder: Path):
        self.mkdtemp = partial(tempfile.mkdtemp, dir=str(folder))

    def __getattr__(self, name: str):
        return getattr(tempfile, name)


def remove_stale_math_folders(parent: Path | None = None) -> list[Path]:
    """Remove the per-build math folders whose build is gone (their owner lock is free)."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    for folder in parent.glob(f"{IMGMATH_PREFIX}*"):
        fd = lock_file(folder / OWNER_LOCK) if folder.is_dir() else None
        if fd is not None:
            os.close(fd)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


#: Each running build's math folder and the descriptor of its held owner lock, by ``id(app)``.
_math_folders: dict[int, tuple[Path, int | None]] = {}


def contain_imgmath(app: Sphinx, config) -> None:
    if "sphinx.ext.imgmath" not in app.extensions:
        return
    import sphinx.ext.imgmath

    remove_stale_math_folders()
    folder = Path(tempfile.mkdtemp(prefix=IMGMATH_PREFIX))
    _math_folders[id(app)] = (folder, lock_file(folder / OWNER_LOCK))
    setattr(sphinx.ext.imgmath, "tempfile", _TempfileIn(folder))  # noqa: B010 (a module stands in for another)


def remove_math_folder(app: Sphinx, exception) -> None:
    folder, fd = _math_folders.pop(id(app), (None, None))
    if folder is None:
        return
    if fd is not None:
        os.close(fd)
    shutil.rmtree(folder, ignore_errors=True)


def _manager_that_dies_with_its_parent():
    from multiprocessing.managers import SyncManager

    manager = SyncManager()
    manager.start(die_with_parent, (os.getpid(),))
    return manager


def tie_sitemap_manager(app: Sphinx, config) -> None:
    if "sphinx_sitemap" not in app.extensions:
        return
    import sphinx_sitemap

    sphinx_sitemap.Manager = _manager_that_dies_with_its_parent


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", contain_imgmath)
    app.connect("config-inited", tie_sitemap_manager)
    app.connect("build-finished", remove_math_folder)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
