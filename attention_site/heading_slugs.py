"""Anchors for headings with maths: MyST's slug leaves the maths out, ours spells it.

MyST gives each heading a GitHub-style slug from the heading's text and code, skipping maths, so
"Why $\\sqrt{d_k}$ and not $d_k$?" was also reachable as ``#why--and-not-``: an anchor with holes
that the next heading "$X$ or $Y$" would collide with. Before MyST writes its slugs as ids, this
transform makes the slug of a heading with maths the id docutils makes of the heading's whole
text, LaTeX included (``why-sqrt-d-k-and-not-d-k``), which the section usually holds already, so
no extra id is added. The section's explicit labels are untouched.
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
    """Replace the slug of each section whose title has maths (before MyST's AddSlugIds, 700)."""

    default_priority = 690

    def apply(self, **kwargs) -> None:
        slugs = getattr(self.document, "myst_slugs", None)
        if slugs is None:  # not a MyST page
            return
        for section in self.document.findall(nodes.section):
            old = section.get("slug")
            title = section.next_node(nodes.title)
            if not old or title is None or not any(title.findall(nodes.math)):
                continue
            del slugs[old]
            new = unique_slug(slug_of(title), slugs)
            section["slug"] = new
            slugs[new] = (section.line, section["ids"][0], title.astext())


def setup(app: Sphinx) -> dict:
    app.add_transform(SlugsSpellTheirMaths)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
