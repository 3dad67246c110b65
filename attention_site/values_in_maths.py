"""The example's numbers inside formulas: ``$d_k = {{ d_k }}$`` typesets the 4 as part of the maths.

MyST fills ``{{ name }}`` in prose but leaves a formula's LaTeX as written, so a page had to write
``$d_k =$ {{ d_k }}``: the number set in the text's font, after a space, and free to start the
next line. This transform fills each ``{{ name }}`` inside inline and display maths from
``myst_substitutions`` (:mod:`attention_site.site_values`), after translation, so a Chinese
page's formula is filled the same way. The source and the catalogs keep the name. A name that is
not a substitution, or a value that cannot go inside maths, is a build error naming the page and
the name.
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


#: Characters that mean something to TeX in a value, with how a formula writes them as text.
_TEX_ESCAPES = {"%": r"\%", "#": r"\#", "&": r"\&", "_": r"\_"}
#: Characters a value may not bring into a formula: it would end the maths or be Markdown.
_NOT_IN_MATHS = ("$", "`")


def filled(latex: str, values: dict[str, str]) -> tuple[str, list[str]]:
    r"""``latex`` with each ``{{ name }}`` replaced by its value, and the problems, one line each.

    A value's ``%`` (say ``11%``) is escaped, so it is a percent sign and not a TeX comment that
    would drop the rest of the formula.

    >>> print(filled(r"\sqrt{d_k} = {{ sqrt_d_k }}", {"sqrt_d_k": "2"})[0])
    \sqrt{d_k} = 2
    >>> print(filled("p = {{ share }}", {"share": "11%"})[0])
    p = 11\%
    >>> filled("d = {{ nope }}", {})[1]
    ["{{ nope }} is not one of the site's values"]
    """
    problems: list[str] = []

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            problems.append(f"{{{{ {name} }}}} is not one of the site's values")
            return match.group(0)
        text = str(values[name])
        if any(mark in text for mark in _NOT_IN_MATHS):
            problems.append(f"{{{{ {name} }}}} is {text!r}, which cannot go inside maths")
            return match.group(0)
        return "".join(_TEX_ESCAPES.get(character, character) for character in text)

    return REFERENCE.sub(value, latex), problems


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
            text, problems = filled(latex, values)
            for problem in problems:
                logger.warning(
                    f"the formula {latex!r}: {problem}. Use a name from attention_site/site_values.py "
                    "(or add it there), write that value in prose, or, for LaTeX's own double braces, "
                    "write { {x} }",
                    location=formula,
                    type="attention",
                    subtype="maths_value",
                )
            formula[:] = [nodes.Text(text)]  # rawsource keeps the name: it is the catalog's message


def setup(app: Sphinx) -> dict:
    app.add_transform(ValuesInMaths)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
