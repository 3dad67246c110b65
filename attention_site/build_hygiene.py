"""Sphinx extension: a build leaves nothing running.

``sphinx-sitemap`` starts a ``multiprocessing`` manager process to collect page
links; a build killed with ``kill -9`` left it running for good. Here the manager
process ends with the build.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx

import attention
from scenes.lifetime import die_with_parent


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
    app.connect("config-inited", tie_sitemap_manager)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
