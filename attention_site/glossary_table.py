"""``glossary-table``: the site's terms, English beside Traditional Chinese, from :mod:`scenes.glossary`.

The table is the same in both languages but for its headers and the meaning column,
which follow the build's ``language`` (``zh_TW``: the Chinese meanings). The term
columns are the mapping itself, so a reader of either language can look a term up.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from scenes.glossary import TERMS

from .node_helpers import table

#: Headers of the table, by the build's language (anything but Chinese gets English).
HEADERS = {
    "en": ("English", "繁體中文（臺灣）", "Meaning"),
    "zh_TW": ("英文", "繁體中文（臺灣）", "意思"),
}


def is_chinese(language: str | None) -> bool:
    """Whether a build's ``language`` setting is the site's Traditional Chinese.

    >>> is_chinese("zh_TW"), is_chinese("en"), is_chinese(None)
    (True, False, False)
    """
    return language == "zh_TW"


class GlossaryTable(SphinxDirective):
    """Every term of :data:`scenes.glossary.TERMS`: English, zh-Hant and the meaning in the page's language."""

    def run(self) -> list[nodes.Node]:
        chinese = is_chinese(self.config.language)
        headers = HEADERS["zh_TW" if chinese else "en"]
        rows = [
            [
                nodes.Text(term.english),
                nodes.Text(term.zh_hant),
                nodes.Text(term.meaning_zh if chinese else term.meaning),
            ]
            for term in TERMS
        ]
        return [table([nodes.Text(h) for h in headers], rows, ["glossary-table"], widths=(22, 18, 60))]
