"""Anchors for headings with maths: MyST's slug leaves the maths out, ours spells it.

MyST gives each heading a GitHub-style slug from the heading's text and code, skipping maths, so
"Why $\\sqrt{d_k}$ and not $d_k$?" was also reachable as ``#why--and-not-``: an anchor with holes
that the next heading "$X$ or $Y$" would collide with. This transform makes the slug of a heading
with maths the id docutils makes of the heading's whole English text, LaTeX included
(``why-sqrt-d-k-and-not-d-k``), which the section usually holds already, so no extra id is added,
and a translated page has the same anchors. The section's explicit labels are untouched.
"""

from __future__ import annotations

from docutils import nodes
from docutils.transforms import Transform
from myst_parser.slugs import unique_slug
from sphinx.application import Sphinx


def slug_of(title: nodes.title) -> str:
    """The id a heading's whole text makes, its maths as LaTeX.

    >>> from docutils import nodes
    >>> slug_of(nodes.title("", "", nodes.Text("Why "), nodes.math("", r"\\sqrt{d_k}"), nodes.Text("?")))
    'why-sqrt-d-k'
    """
    return nodes.make_id(title.astext())


class SlugsSpellTheirMaths(Transform):
    """Replace the slug of each section whose title has maths.

    Priority 15: after MyST's parse has made its slugs, before Sphinx puts a translated title in
    the English one's place (20), so a Chinese page's anchors are the English page's.
    """

    default_priority = 15

    def apply(self, **kwargs) -> None:
        slugs = getattr(self.document, "myst_slugs", None)
        if slugs is None:  # not a MyST page
            return
        for section in self.document.findall(nodes.section):
            old = section.get("slug")
            title = section.next_node(nodes.title)
            if not old or title is None or not any(title.findall(nodes.math)):
                continue
            entry = slugs.pop(old)
            spelt = slug_of(title)
            if not spelt:  # a title of maths alone, such as "$2$", has no words to make an anchor of
                del section["slug"]
                continue
            new = unique_slug(spelt, slugs)
            section["slug"] = new
            slugs[new] = entry


def setup(app: Sphinx) -> dict:
    app.add_transform(SlugsSpellTheirMaths)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
