"""The example's numbers inside formulas: ``$d_k = {{ d_k }}$`` typesets the 4 as part of the maths.

MyST fills ``{{ name }}`` in prose but leaves a formula's LaTeX as written, so a page had to write
``$d_k =$ {{ d_k }}``: the number set in the text's font, after a space, and free to start the
next line. This transform fills each ``{{ name }}`` inside inline and display maths from
``myst_substitutions`` (:mod:`attention_site.site_values`), after translation, so a Chinese
page's formula is filled the same way. The source and the catalogs keep the name. A name that is
not a substitution is a build error naming the page and the name.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import Locale
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: A MyST substitution reference, as prose writes it.
REFERENCE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


def filled(latex: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """``latex`` with each ``{{ name }}`` replaced by its value, and the names that have none.

    >>> filled(r"\\sqrt{d_k} = {{ sqrt_d_k }}", {"sqrt_d_k": "2"})
    ('\\\\sqrt{d_k} = 2', [])
    >>> filled("d = {{ nope }}", {})
    ('d = {{ nope }}', ['nope'])
    """
    unknown: list[str] = []

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            unknown.append(name)
            return match.group(0)
        return str(values[name])

    return REFERENCE.sub(value, latex), unknown


class ValuesInMaths(SphinxTransform):
    """Fill substitution references in every formula of the page, once it is translated."""

    default_priority = Locale.default_priority + 1

    def apply(self, **kwargs: object) -> None:
        values = self.config.myst_substitutions
        formulas = [*self.document.findall(nodes.math), *self.document.findall(nodes.math_block)]
        for formula in formulas:
            latex = formula.astext()
            if "{{" not in latex:
                continue
            text, unknown = filled(latex, values)
            for name in unknown:
                logger.warning(
                    f"the formula {latex!r} names {{{{ {name} }}}}, which is not one of the site's values: "
                    "use a name from attention_site/site_values.py or add it there",
                    location=formula,
                    type="attention",
                    subtype="maths_value",
                )
            formula[:] = [nodes.Text(text)]  # rawsource keeps the name: it is the catalog's message


def setup(app: Sphinx) -> dict:
    app.add_transform(ValuesInMaths)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
