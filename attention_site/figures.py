"""Figures drawn at build time from the package's numbers, and a block a reader can fold away.

- ``saturation-figure``: the share of saturated queries at each d_k of
  :func:`attention.scaling_demo`, unscaled against scaled, as an inline SVG whose
  colours are the theme's own CSS variables, so it follows light and dark mode.
  Builders other than HTML get the same numbers as a sentence.
- ``detail``: a ``<details>`` block with a summary line; other builders write its
  content as an ordinary container.

The figure's caption and the detail's summary are paragraphs with their source, so gettext
extracts them and a translated build shows them translated; the figure's own words follow
the build's language (:data:`WORDS`).
"""

from __future__ import annotations

import html

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

import attention
from scenes.formats import format_share

from .languages import pick
from .sources import NUMBER_FORMATS, NUMBERS, note_sources

#: The figure's geometry, in SVG user units (it scales to the column's width).
#: Narrow enough that its 15-unit text stays about 13 px high on a 390 px phone.
WIDTH, LABEL_WIDTH, BAR_WIDTH = 420, 92, 270
GROUP_HEADER, BAR_HEIGHT, BAR_GAP, GROUP_GAP, AXIS = 20, 20, 6, 14, 34
TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Each bar: its label's key in WORDS, the scaling_demo field it shows, its CSS class.
SERIES = (
    ("unscaled", "saturated_unscaled", "sat-bar-unscaled"),
    ("scaled", "saturated_scaled", "sat-bar-scaled"),
)
#: The figure's words, by the build's language.
WORDS = {
    "en": {
        "title": "Saturated queries by width, unscaled and scaled",
        "summary": "Share of saturated queries. {parts}.",
        "width": "d_k = {d_k}: ",
        "between_widths": "; ",
        "between_bars": ", ",
        "unscaled": "unscaled",
        "scaled": "scaled",
    },
    "zh_TW": {
        "title": "各寬度下飽和的查詢向量，不縮放與縮放後",
        "summary": "飽和查詢向量的比例。{parts}。",
        "width": "d_k = {d_k}：",
        "between_widths": "；",
        "between_bars": "，",
        "unscaled": "不縮放",
        "scaled": "縮放後",
    },
}


def saturation_summary(rows, language: str | None = None) -> str:
    """The figure's numbers as one sentence (its description, and its text in other builders).

    >>> saturation_summary(attention.scaling_demo())[:60]
    'Share of saturated queries. d_k = 4: unscaled 0%, scaled 0%;'
    >>> saturation_summary(attention.scaling_demo(), "zh_TW").split("；")[0]
    '飽和查詢向量的比例。d_k = 4：不縮放 0%，縮放後 0%'
    """
    said = pick(WORDS, language)
    parts = said["between_widths"].join(
        said["width"].format(d_k=row.d_k)
        + said["between_bars"].join(
            f"{said[name]} {format_share(getattr(row, field))}" for name, field, _ in SERIES
        )
        for row in rows
    )
    return said["summary"].format(parts=parts)


def saturation_svg(rows, language: str | None = None) -> str:
    """Horizontal bars: for each d_k, the share of saturated queries unscaled and scaled, each labelled."""
    said = pick(WORDS, language)
    group = GROUP_HEADER + 2 * BAR_HEIGHT + BAR_GAP + GROUP_GAP
    height = len(rows) * group + AXIS
    bottom = len(rows) * group
    parts = [
        f'<svg class="saturation-figure" viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="saturation-figure-title saturation-figure-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="saturation-figure-title">{html.escape(said["title"])}</title>',
        f'<desc id="saturation-figure-desc">{html.escape(saturation_summary(rows, language))}</desc>',
    ]
    for tick in TICKS:
        x = LABEL_WIDTH + tick * BAR_WIDTH
        parts.append(f'<line class="sat-grid" x1="{x:g}" y1="0" x2="{x:g}" y2="{bottom:g}"/>')
        parts.append(
            f'<text class="sat-axis" x="{x:g}" y="{bottom + 20:g}" text-anchor="middle">{format_share(tick)}</text>'
        )
    for index, row in enumerate(rows):
        top = index * group
        parts.append(f'<text class="sat-group" x="0" y="{top + 15:g}">dₖ = {row.d_k}</text>')
        for offset, (name, field, css) in enumerate(SERIES):
            share = float(getattr(row, field))
            y = top + GROUP_HEADER + offset * (BAR_HEIGHT + BAR_GAP)
            length = share * BAR_WIDTH
            parts.append(f'<text class="sat-label" x="10" y="{y + 15:g}">{html.escape(said[name])}</text>')
            parts.append(
                f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y:g}" width="{length:.1f}" height="{BAR_HEIGHT}"/>'
            )
            parts.append(
                f'<text class="sat-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15:g}">{format_share(share)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


class SaturationFigure(SphinxDirective):
    """``saturation-figure``: the saturated share at each width, unscaled against scaled, with a caption."""

    option_spec = {"caption": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        note_sources(self, NUMBERS, NUMBER_FORMATS)
        rows, language = attention.scaling_demo(), self.config.language
        # A container, not a figure: Sphinx numbers figures, and this site's figure numbers are clips'.
        figure = nodes.container(classes=["saturation-figure-wrapper"])
        figure += nodes.raw("", saturation_svg(rows, language), format="html")
        if "caption" in self.options:
            figure += translatable_paragraph(
                self, self.options["caption"], nodes.paragraph, "saturation-figure-caption"
            )
        elsewhere = addnodes.only(expr="not html")
        elsewhere += nodes.paragraph("", saturation_summary(rows, language), translatable=False)
        return [figure, elsewhere]


def translatable_paragraph(
    directive: SphinxDirective, text: str, kind: type[nodes.paragraph], css: str
) -> nodes.paragraph:
    """A paragraph of a directive's option or argument that gettext extracts (its source is known)."""
    text_nodes, _ = directive.state.inline_text(text, directive.lineno)
    paragraph = kind(text, "", *text_nodes, classes=[css])
    paragraph.source, paragraph.line = directive.get_source_info()
    return paragraph


class details_node(nodes.container):
    """A ``<details>`` block in HTML; a plain container for the other builders (found by MRO)."""


class details_summary(nodes.paragraph):
    """The first child of a :class:`details_node`: its ``<summary>`` in HTML, a paragraph elsewhere."""


def visit_details_html(translator, node: details_node) -> None:
    translator.body.append('<details class="detail-block">')


def depart_details_html(translator, node: details_node) -> None:
    translator.body.append("</div></details>\n")


def visit_summary_html(translator, node: details_summary) -> None:
    translator.body.append("<summary>")


def depart_summary_html(translator, node: details_summary) -> None:
    translator.body.append('</summary>\n<div class="detail-block-body">\n')


class Detail(SphinxDirective):
    """``detail SUMMARY``: the content folded under a summary line the reader can open."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = details_node()
        node += translatable_paragraph(self, self.arguments[0], details_summary, "detail-summary")
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]
