"""Repairs to the theme's HTML: three for accessibility, found by axe-core, and one for validity.

- Sphinx marks toctree captions ``role="heading"`` without the ``aria-level`` that
  role requires; they are section headings of the navigation, so level 2.
- Code blocks scroll sideways when lines are long; a scrollable region must be
  reachable by keyboard, so each ``<pre>`` gets ``tabindex="0"``.
- furo wraps each table (and display equation) in a container that copies all the
  wrapped node's attributes, its ``id`` included; an ``id`` must be unique in a page
  (the Nu HTML checker rejects duplicates, and anchors and ``aria-*`` references
  break), so :class:`RepairWrappers` leaves the id on the table alone.
- Tables scroll sideways inside furo's ``table-wrapper`` on a narrow screen (the
  scaling tables and the example's matrices at 390 px), so :class:`RepairWrappers`
  makes each wrapper a :class:`scrolling_region`: ``tabindex="0"`` and, being focusable,
  a name: ``role="region"`` labelled by the table's caption ("Table" if it has none).
  Display maths is MathML, which does not shrink to the column as an image did: a long
  formula scrolls sideways in its ``math-wrapper`` on a phone, so that wrapper is made a
  scrolling region too, labelled "Formula".

The first two repairs are to HTML the theme writes from its templates and Pygments, so
they are made to the page's HTML; the wrappers are nodes, repaired in the doctree.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from .languages import pick
from .math_text import plain_text

CAPTION = 'class="caption" role="heading"'
CODE = '<div class="highlight"><pre>'


def repair(html: str) -> str:
    """
    >>> repair('<p class="caption" role="heading">x</p><div class="highlight"><pre>y</pre></div>')
    '<p class="caption" role="heading" aria-level="2">x</p><div class="highlight"><pre tabindex="0">y</pre></div>'
    """
    html = html.replace(CAPTION, f'{CAPTION} aria-level="2"')
    return html.replace(CODE, '<div class="highlight"><pre tabindex="0">')


def repair_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in ("body", "toc", "furo_navigation_tree"):
        if isinstance(context.get(key), str):
            context[key] = repair(context[key])


#: The classes of furo's wrappers (``WrapTableAndMathInAContainerTransform``).
WRAPPERS = ("table-wrapper", "math-wrapper")
#: A scrolling region's name when its table has no caption, and a display formula's.
REGION_NAMES = {
    "en": {"table": "Table", "formula": "Formula"},
    "zh_TW": {"table": "表格", "formula": "公式"},
}


class scrolling_region(nodes.container):
    """furo's table wrapper, which scrolls sideways: focusable, and named by ``label``."""


def visit_scrolling_region_html(self, node: scrolling_region) -> None:
    attributes = {"tabindex": "0", "role": "region", "aria-label": node["label"]}
    self.body.append(self.starttag(node, "div", CLASS="docutils container", **attributes))


def depart_scrolling_region_html(self, node: scrolling_region) -> None:
    self.body.append("</div>\n")


class RepairWrappers(SphinxPostTransform):
    """furo's wrappers: drop the ids copied from what they wrap; make them scrolling regions."""

    formats = ("html",)
    default_priority = 510  # after furo's transform (500)

    def run(self, **kwargs) -> None:
        for wrapper in list(self.document.findall(nodes.container)):
            if not any(name in wrapper["classes"] for name in WRAPPERS):
                continue
            inner = {
                id_ for child in wrapper.children if isinstance(child, nodes.Element) for id_ in child["ids"]
            }
            wrapper["ids"] = [id_ for id_ in wrapper["ids"] if id_ not in inner]
            names = pick(REGION_NAMES, self.config.language)
            if "table-wrapper" in wrapper["classes"]:
                titles = [
                    title for table in wrapper.findall(nodes.table) for title in table.findall(nodes.title)
                ]
                label = plain_text(titles[0]).strip() if titles else names["table"]
            else:
                label = names["formula"]
            region = scrolling_region(label=label)
            region.update_all_atts(wrapper)
            region.extend(wrapper.children)
            wrapper.replace_self(region)
