"""Every page's description, for search results and link previews, from what the page already says.

A phase page is described by its clip's summary (the registry's, in the page's language), the
pages Sphinx writes itself (search, index) by the site's summary, and every other page by its
lead: the first paragraph of its body, with its maths written as text (√d_k, QKᵀ), cut after
the last whole sentence that fits in ``LIMIT`` columns.
The description becomes the page's ``<meta name="description">`` and its ``og:description``,
which sphinxext-opengraph writes with the page's other OpenGraph tags. Nothing is typed twice:
a page's description changes when its lead (or its clip's summary) does, in both languages.
"""

from __future__ import annotations

import html
import re
import unicodedata

from docutils import nodes
from sphinx.application import Sphinx

from scenes import registry

from .clip_words import clip_in, words_for
from .math_text import plain_text
from .state import clip_pages

LIMIT = 200  #: columns at most (a Chinese character is two): about what search results show


def lead(doctree: nodes.document) -> str:
    """The first paragraph that stands directly in the page's body (not a figure, list, note or table).

    A run-in heading that opens it (a bold "In short.") is left out: the sentences after it describe.
    """
    for paragraph in doctree.findall(nodes.paragraph):
        if isinstance(paragraph.parent, (nodes.section, nodes.document)):
            parts = [part for part in paragraph.children if part.astext().strip()]
            text = "".join(plain_text(part) for part in parts)
            if parts and isinstance(parts[0], nodes.strong):  # "**In short.** Text", "**簡而言之**。文字"
                heading = re.match(re.escape(parts[0].astext().rstrip(".。")) + r"[.。]", text.lstrip())
                text = text.lstrip()[heading.end() :] if heading else text
            return re.sub(r"\s+", " ", text).strip()
    return ""


def width(text: str) -> int:
    """Columns ``text`` takes in a search result: a Chinese character is two, a Latin one one.

    >>> width("d_k"), width("注意力")
    (3, 6)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def shorten(text: str, limit: int = LIMIT) -> str:
    """``text``'s whole sentences that fit in ``limit`` columns, or, when they fill less than a third
    of it, ``text`` cut at a word (a character in Chinese) with an ellipsis.

    >>> shorten("One is first. Two is longer. Three.", 30)
    'One is first. Two is longer.'
    >>> shorten("第一句話。第二句很長很長很長。", 16)
    '第一句話。'
    >>> shorten("Brief. A second sentence far too long to fit.", 30)
    'Brief. A second sentence far…'
    """
    if width(text) <= limit:
        return text
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)|[。！？]", text) if width(text[: m.end()]) <= limit]
    if ends and 3 * width(text[: ends[-1]]) >= limit:
        return text[: ends[-1]]
    cut = text
    while width(cut) > limit - 1:
        cut = cut[:-1]
    if " " in cut and not re.search(r"[\u3000-\u9fff]$", cut):
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:，；：、 ") + "…"


def describe(app: Sphinx, pagename: str, doctree: nodes.document | None) -> str:
    """The page's description: its clip's summary on a phase page, else its lead, shortened.

    Pages Sphinx makes itself (search, index) have no text of their own: the site's summary.
    """
    if doctree is None:
        return words_for(app.config.language)["full_summary"]
    for slug, (docname, _) in clip_pages(app.env).pages.items():
        if docname == pagename:
            return clip_in(registry.get_phase(slug), app.config.language).summary
    return shorten(lead(doctree))


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's ``<meta name="description">``, and its ``og:description`` for sphinxext-opengraph."""
    description = describe(app, pagename, doctree)
    if not description:
        return
    context["meta"] = {**(context.get("meta") or {}), "og:description": description}
    tag = f'<meta name="description" content="{html.escape(description)}">\n'
    context["metatags"] = context.get("metatags", "") + tag  # sphinxext-opengraph adds none of its own then
