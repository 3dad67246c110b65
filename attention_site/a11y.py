"""Repairs to the theme's HTML: three for accessibility, found by axe-core, and one for validity.

- Sphinx marks toctree captions ``role="heading"`` without the ``aria-level`` that
  role requires; they are section headings of the navigation, so level 2.
- Code blocks scroll sideways when lines are long; a scrollable region must be
  reachable by keyboard, so each ``<pre>`` gets ``tabindex="0"``.
- Tables scroll sideways inside furo's ``table-wrapper`` on a narrow screen (the
  scaling tables and the example's matrices at 390 px), so each wrapper gets
  ``tabindex="0"`` and, being focusable, a name: ``role="region"`` labelled by the
  table's caption ("Table" if it has none).
- furo wraps each table (and display equation) in a container that copies all the
  wrapped node's attributes, its ``id`` included; an ``id`` must be unique in a page
  (the Nu HTML checker rejects duplicates, and anchors and ``aria-*`` references
  break), so :class:`UniqueWrapperIds` leaves the id on the table alone.
"""

from __future__ import annotations

import html as html_lib
import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

CAPTION = 'class="caption" role="heading"'
CODE = '<div class="highlight"><pre>'
#: furo's wrapper, the table inside it and the table's caption text, if any.
TABLE_WRAPPER = re.compile(
    r'(?P<open><div class="table-wrapper[^"]*"[^>]*)>(?P<table>\s*<table[^>]*>\s*'
    r'(?:<caption>.*?<span class="caption-text">(?P<caption>.*?)</span>)?)',
    re.DOTALL,
)
TAG = re.compile(r"<[^>]+>")


def _focusable_wrapper(match: re.Match) -> str:
    caption = html_lib.unescape(TAG.sub("", match["caption"] or "")).strip() or "Table"
    label = html_lib.escape(caption, quote=True)
    return f'{match["open"]} tabindex="0" role="region" aria-label="{label}">{match["table"]}'


def repair(html: str) -> str:
    """
    >>> repair('<p class="caption" role="heading">x</p><div class="highlight"><pre>y</pre></div>')
    '<p class="caption" role="heading" aria-level="2">x</p><div class="highlight"><pre tabindex="0">y</pre></div>'
    >>> repair('<div class="table-wrapper docutils container" id="t">'
    ...        '<table class="docutils"><caption><span class="caption-text">Scores &amp; "keys"</span>'
    ...        '</caption></table></div>').partition("<table")[0]
    '<div class="table-wrapper docutils container" id="t" tabindex="0" role="region" aria-label="Scores &amp; &quot;keys&quot;">'
    >>> repair('<div class="table-wrapper docutils container">\\n<table class="docutils">')
    '<div class="table-wrapper docutils container" tabindex="0" role="region" aria-label="Table">\\n<table class="docutils">'
    """
    html = html.replace(CAPTION, f'{CAPTION} aria-level="2"')
    html = html.replace(CODE, '<div class="highlight"><pre tabindex="0">')
    return TABLE_WRAPPER.sub(_focusable_wrapper, html)


def repair_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in ("body", "toc", "furo_navigation_tree"):
        if isinstance(context.get(key), str):
            context[key] = repair(context[key])


#: The classes of furo's wrappers (``WrapTableAndMathInAContainerTransform``).
WRAPPERS = ("table-wrapper", "math-wrapper")


class UniqueWrapperIds(SphinxPostTransform):
    """Take the ids furo's wrappers copied from the table or equation they wrap (which keeps them)."""

    formats = ("html",)
    default_priority = 510  # after furo's transform (500)

    def run(self, **kwargs) -> None:
        for wrapper in self.document.findall(nodes.container):
            if not any(name in wrapper["classes"] for name in WRAPPERS):
                continue
            inner = {
                id_ for child in wrapper.children if isinstance(child, nodes.Element) for id_ in child["ids"]
            }
            wrapper["ids"] = [id_ for id_ in wrapper["ids"] if id_ not in inner]
