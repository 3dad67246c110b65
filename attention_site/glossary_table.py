"""``glossary-table``: the site's terms, English beside Traditional Chinese, from :mod:`scenes.glossary`.

The table is the same in both languages but for its headers and the meaning column,
which follow the build's ``language`` (``zh_TW``: the Chinese meanings). The term
columns are the mapping itself, so a reader of either language can look a term up.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from scenes.glossary import TERMS

from .languages import pick
from .node_helpers import table
from .sources import GLOSSARY, note_sources

#: Headers of the table, by the build's language.
HEADERS = {
    "en": ("English", "繁體中文（臺灣）", "Meaning"),
    "zh_TW": ("英文", "繁體中文（臺灣）", "意思"),
}


class GlossaryTable(SphinxDirective):
    """Every term of :data:`scenes.glossary.TERMS`: English, zh-Hant and the meaning in the page's language."""

    def run(self) -> list[nodes.Node]:
        note_sources(self, GLOSSARY)
        headers = pick(HEADERS, self.config.language)
        rows = [
            [
                nodes.Text(term.english),
                nodes.Text(term.zh_hant),
                nodes.Text(pick({"en": term.meaning, "zh_TW": term.meaning_zh}, self.config.language)),
            ]
            for term in TERMS
        ]
        return [table([nodes.Text(h) for h in headers], rows, ["glossary-table"], widths=(22, 18, 60))]
