"""The site's state across pages and across build steps, typed, in two places.

- :class:`ClipPages`, a Sphinx domain: which page shows each phase's clip. Sphinx keeps
  it with the environment, forgets a page's entry when the page is read again and merges
  what parallel readers (``-j N``) found, as it does for ``sphinx.ext.duration``.
- :class:`SiteBuild`: what one build run published under ``_clips/``, for ``clips.json``.
  It lives for that run only (never pickled) and is handed to the handlers that need it.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from sphinx.domains import Domain
from sphinx.environment import BuildEnvironment

from scenes.clips import ClipManifest


class ClipPage(NamedTuple):
    """Where a phase's clip is shown: the page and the HTML id of the clip's figure."""

    docname: str
    anchor: str


class ClipPages(Domain):
    """``slug -> ClipPage`` for every ``phase-clip`` directive the site has."""

    name = "phase-clips"
    label = "Phase clips"
    initial_data = {"pages": {}}  # Sphinx deep-copies it per environment
    data_version = 1

    @property
    def pages(self) -> dict[str, ClipPage]:
        return self.data["pages"]

    def note_page(self, slug: str, page: ClipPage) -> None:
        self.pages[slug] = page

    def clear_doc(self, docname: str) -> None:
        for slug in [slug for slug, page in self.pages.items() if page.docname == docname]:
            del self.pages[slug]

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        self.pages.update(
            {slug: page for slug, page in otherdata["pages"].items() if page.docname in docnames}
        )


def clip_pages(env: BuildEnvironment) -> ClipPages:
    """The site's :class:`ClipPages` in ``env``."""
    return cast(ClipPages, env.get_domain(ClipPages.name))


@dataclass
class SiteBuild:
    """One build run's state outside the environment; ``published`` is None in fast or non-HTML builds."""

    published: ClipManifest | None = None  #: from :func:`scenes.clips.publish_clips`
    #: The pages whose clip was rendered anew, which this run asked Sphinx to write again.
    rewrite: list[str] = field(default_factory=list)
