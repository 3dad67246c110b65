"""Small docutils builders shared by the site's directives: tables, HTML-only nodes, HTML-aware nodes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def caption(directive: SphinxDirective) -> nodes.title | None:
    """A table directive's ``:caption:`` option as the table's title (None without the option).

    The title keeps the option as its source, which gettext offers translators as written: maths
    with its dollars (``$QK^\\top$``), so that a translation of it is read as maths again.
    """
    if "caption" not in directive.options:
        return None
    text = directive.options["caption"]
    return nodes.title(text, "", *directive.state.inline_text(text, directive.lineno)[0])


def table(
    headers: Sequence[nodes.Node],
    rows: Sequence[Sequence[nodes.Node]],
    classes: list[str],
    title: nodes.title | None = None,
    widths: Sequence[int] | None = None,
) -> nodes.table:
    """A docutils table: a header row, body rows of inline nodes, an optional title (its caption)."""
    result = nodes.table(classes=classes)
    if title is not None:
        result += title
    group = nodes.tgroup(cols=len(headers))
    result += group
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _row(headers)
    body = nodes.tbody()
    for cells in rows:
        body += _row(cells)
    group += head
    group += body
    return result


def _row(cells: Sequence[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        paragraph = nodes.paragraph()
        paragraph += cell
        entry += paragraph
        row += entry
    return row


def skip_node(translator, node) -> None:
    raise nodes.SkipNode


def html_only(visit: Callable) -> dict:
    """``app.add_node`` visitors: ``visit`` writes HTML; the other builders leave the node out."""
    return {
        "html": (visit, None),
        **{builder: (skip_node, None) for builder in ("latex", "text", "man", "texinfo")},
    }


class labelled_section(nodes.container):
    """An HTML ``<section>`` named by the element whose id is ``label_id``; a plain container elsewhere."""


class download_link(nodes.reference):
    """A link that downloads its target as ``filename`` in HTML; a plain reference elsewhere."""


def visit_labelled_section_html(translator, node: labelled_section) -> None:
    translator.body.append(translator.starttag(node, "section", "", **{"aria-labelledby": node["label_id"]}))


def depart_labelled_section_html(translator, node: labelled_section) -> None:
    translator.body.append("</section>")


def visit_download_link_html(translator, node: download_link) -> None:
    attributes = {"href": node["refuri"], "download": node["filename"]}
    translator.body.append(translator.starttag(node, "a", "", **attributes))


def depart_download_link_html(translator, node: download_link) -> None:
    translator.body.append("</a>")
