"""Display maths that a translation changes, such as a ``\\text{...}`` gloss inside a formula.

Sphinx translates a display formula by parsing ``"::\\n\\n   <msgstr>"`` as reST, whose ``::``
starts a literal block. MyST reads those lines as a paragraph "::", so a translated formula
would come out as the text "::". This transform runs just before Sphinx's ``Locale``, puts the
catalog's formula in the node itself and marks the node done, so ``Locale`` leaves it. A formula
whose translation is empty or the same as its source is left to ``Locale`` as before.
"""

from __future__ import annotations

import gettext

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import Locale
from sphinx.util.i18n import docname_to_domain


def translated_source(source: str, msgstr: str) -> str | None:
    """The formula to typeset, or None where the catalog has no translation of it.

    >>> translated_source("x \\\\text{(row by row)}", "x \\\\text{（逐列）}")
    'x \\\\text{（逐列）}'
    >>> translated_source("x", "x") is None, translated_source("x", "") is None
    (True, True)
    """
    return msgstr if msgstr.strip() and msgstr != source else None


class TranslatedMathBlocks(SphinxTransform):
    """Put each display formula's translation into its node before ``Locale`` would mangle it."""

    default_priority = Locale.default_priority - 1

    def apply(self, **kwargs: object) -> None:
        if not self.config.language:
            return
        domain = docname_to_domain(self.env.current_document.docname, self.config.gettext_compact)
        # The page's compiled catalogs, first folder first, as Locale merges them. Read through
        # gettext's own cache, not sphinx.locale.init, which adds a fallback on every call.
        catalogs = [
            gettext.translation(domain, str(self.env.srcdir / folder), [self.config.language], fallback=True)
            for folder in self.config.locale_dirs
        ]
        for block in self.document.findall(nodes.math_block):
            source = block.rawsource or block.astext()
            found = (catalog.gettext(source) for catalog in catalogs)
            formula = translated_source(source, next((text for text in found if text != source), ""))
            if formula is None:
                continue
            block.rawsource = formula
            block[:] = [nodes.Text(formula)]  # in place: ids, labels and numbers stay with the node
            block["translatable"] = False  # Locale skips it
            block["translated"] = True  # and it counts as translated


def setup(app: Sphinx) -> dict:
    app.add_transform(TranslatedMathBlocks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
