"""Maths written as text, for the places that cannot draw it: descriptions and the search index.

The text is what a reader would type (√d_k, QKᵀ), not LaTeX.
"""

from __future__ import annotations

import re

from docutils import nodes

#: LaTeX the site's maths uses, as the text a reader would type; anything else is dropped with its braces.
_SYMBOLS = {
    r"\top": "ᵀ",
    r"\times": "×",
    r"\cdot": "·",
    r"\ldots": "…",
    r"\dots": "…",
    r"\le": "≤",
    r"\ge": "≥",
    r"\in": "∈",
    r"\to": "→",
    r"\infty": "∞",
    r"\partial": "∂",
    r"\sum": "Σ",
    r"\lVert": "‖",
    r"\rVert": "‖",
}


def math_text(latex: str) -> str:
    r"""Inline maths as plain text.

    >>> math_text(r"\sqrt{d_k}"), math_text(r"\operatorname{softmax}(QK^\top / \sqrt{d_k})")
    ('√d_k', 'softmax(QKᵀ / √d_k)')
    >>> math_text(r"(B, h, n, d_\text{head})"), math_text(r"n \times n")
    ('(B, h, n, d_head)', 'n × n')
    >>> math_text(r"\lVert \partial p / \partial z \rVert")  # no space inside a norm or after a ∂
    '‖∂p / ∂z‖'
    >>> math_text(r"\operatorname{Concat}(\operatorname{head}_1, \operatorname{head}_2)\, W_O")  # LaTeX's spacing: one space
    'Concat(head_1, head_2) W_O'
    """
    latex = re.sub(r" *\\[,:; ] *", " ", latex).replace("\\!", "")
    latex = re.sub(r"\\(lVert|partial)(?![A-Za-z])\s*", lambda m: "\\" + m[1] + "{}", latex)
    latex = re.sub(r"\s*\\rVert(?![A-Za-z])", r"\\rVert", latex)
    text = re.sub(r"\\(?:operatorname|text|mathrm|mathbf|mathit)\{([^{}]*)\}", r"\1", latex)
    text = re.sub(
        r"\\sqrt\{([^{}]*)\}", lambda m: "√" + (m[1] if re.fullmatch(r"\w+", m[1]) else f"({m[1]})"), text
    )
    for command, symbol in sorted(_SYMBOLS.items(), key=lambda item: -len(item[0])):
        text = re.sub(re.escape(command) + r"(?![A-Za-z])", symbol, text)
    text = text.replace("^ᵀ", "ᵀ").replace("^{ᵀ}", "ᵀ")
    text = re.sub(r"\\[A-Za-z]+\s*", "", text)  # what is left unnamed above: dropped, not shown raw
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).strip()


def latex_of(node: nodes.math) -> str:
    """An inline formula's LaTeX: its text, or where a heading's formula keeps it
    (:func:`.mathml.headings_searched_as_text`)."""
    return node.get("latex", node.astext())


def plain_text(node: nodes.Node) -> str:
    """A node's text as a reader sees it, its maths written as text.

    >>> from docutils import nodes
    >>> plain_text(nodes.paragraph("", "", nodes.Text("Scores "), nodes.math("", r"QK^\\top")))
    'Scores QKᵀ'
    """
    if isinstance(node, nodes.math):
        return math_text(latex_of(node))
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(plain_text(child) for child in node.children)
