"""Tables of the worked example, generated from ``attention.example()`` at build time.

``example-matrix NAME`` renders one array of the example (``x``, ``q``, ``k``,
``v``, ``w_q``, ``w_k``, ``w_v``, ``w_o``, ``scores``, ``scaled_scores``,
``weights``, ``output``, ``head_weights``, ``multi_head_output``) as a table with
token or feature labels. ``:mark-max:`` puts each row's largest value in bold;
``:head: N`` picks one head of ``head_weights``. Nothing is typed by hand, so the
prose, the tables and the clips cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

import attention
from scenes.formats import format_magnitude, format_number, format_share, row_maximum
from scenes.screen_words import feature_name

from .languages import language_of, pick
from .node_helpers import caption, table
from .sources import NUMBER_FORMATS, NUMBERS, SCREEN_WORDS, note_sources

#: For each array: what its rows and its columns are ("tokens" or "features").
AXES = {
    "x": ("tokens", "features"),
    "q": ("tokens", "features"),
    "k": ("tokens", "features"),
    "v": ("tokens", "features"),
    "output": ("tokens", "features"),
    "multi_head_output": ("tokens", "features"),
    "w_q": ("features", "features"),
    "w_k": ("features", "features"),
    "w_v": ("features", "features"),
    "w_o": ("features", "features"),
    "scores": ("tokens", "tokens"),
    "scaled_scores": ("tokens", "tokens"),
    "weights": ("tokens", "tokens"),
    "head_weights": ("tokens", "tokens"),
}


#: The tables' own words, by the build's language: the corner cell's axis names and the scaling table's
#: column headers (by the statistic they show). Tokens stay the example's English words.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "tokens": "token",
        "features": "feature",
        "std_unscaled": "std of q·k",
        "std_scaled": "std of q·k/√d_k",
        "max_weight_unscaled": "largest weight, unscaled (mean)",
        "max_weight_scaled": "largest weight, scaled (mean)",
        "saturated_unscaled": "saturated queries, unscaled",
        "saturated_scaled": "saturated queries, scaled",
        "median_score_gradient_unscaled": "median ‖∂p/∂s‖, unscaled",
        "median_score_gradient_scaled": "median ‖∂p/∂s‖, scaled",
    },
    "zh_TW": {
        "tokens": "token",
        "features": "特徵",
        "std_unscaled": "q·k 的標準差",
        "std_scaled": "q·k/√d_k 的標準差",
        "max_weight_unscaled": "最大權重，不縮放（平均）",
        "max_weight_scaled": "最大權重，縮放後（平均）",
        "saturated_unscaled": "飽和的查詢向量，不縮放",
        "saturated_scaled": "飽和的查詢向量，縮放後",
        "median_score_gradient_unscaled": "‖∂p/∂s‖ 的中位數，不縮放",
        "median_score_gradient_scaled": "‖∂p/∂s‖ 的中位數，縮放後",
    },
}


def labels(kind: str, example: attention.Example, language: str | None = None) -> list[str]:
    """A table's row or column labels: the example's tokens, or its features named in ``language``."""
    if kind == "tokens":
        return list(example.tokens)
    return [feature_name(feature, language_of(language).code) for feature in example.features]


def matrix(name: str, head: int | None = None) -> np.ndarray:
    """The array ``name`` of the example (one head of ``head_weights`` if ``head`` is given)."""
    example = attention.example()
    if name not in AXES:
        raise ValueError(f"unknown array {name!r}; choose one of {', '.join(sorted(AXES))}")
    values = getattr(example, name)
    if name == "head_weights":
        if head is None or not 0 <= head < example.n_heads:
            raise ValueError(f"head_weights needs :head: between 0 and {example.n_heads - 1}; got {head!r}")
        values = values[head]
    if name == "head_weights" or values.ndim == 2:
        return values
    raise ValueError(f"{name} is not a matrix")


class ExampleMatrix(SphinxDirective):
    required_arguments = 1
    option_spec = {
        "caption": directives.unchanged,
        "mark-max": directives.flag,
        "head": directives.nonnegative_int,
        "digits": directives.nonnegative_int,
    }

    def run(self) -> list[nodes.Node]:
        note_sources(self, NUMBERS, NUMBER_FORMATS, SCREEN_WORDS)
        name = self.arguments[0]
        try:
            values = matrix(name, self.options.get("head"))
        except ValueError as error:
            raise self.error(f"example-matrix: {error}") from None
        example = attention.example()
        row_kind, column_kind = AXES[name]
        language = self.config.language
        row_labels, column_labels = (
            labels(row_kind, example, language),
            labels(column_kind, example, language),
        )
        digits = self.options.get("digits", 2)
        mark = "mark-max" in self.options
        maxima = [row_maximum(row) for row in values] if mark else None  # None: a tied row, unmarked

        rows = []
        for i, row_label in enumerate(row_labels):
            cells: list[nodes.Node] = [nodes.strong("", row_label)]
            for j, value in enumerate(values[i]):
                text = format_number(float(value), digits)
                marked = maxima is not None and j == maxima[i]
                cells.append(nodes.strong("", text, classes=["row-max"]) if marked else nodes.Text(text))
            rows.append(cells)
        said = pick(WORDS, language)
        corner = f"{said[row_kind]} \\ {said[column_kind]}"
        headers = [nodes.Text(corner), *(nodes.Text(label) for label in column_labels)]
        classes = ["example-matrix", f"example-{name.replace('_', '-')}"]
        return [table(headers, rows, classes, title=caption(self))]


class ScalingTable(SphinxDirective):
    """``scaling-table``: :func:`attention.scaling_demo` as a table, unscaled against scaled.

    ``:measure: spread`` (the default) shows the scores' standard deviation and the
    largest weight; ``:measure: gradient`` the share of saturated queries and the
    median norm of dp/ds, s = q.k the raw score.
    """

    option_spec = {
        "caption": directives.unchanged,
        "measure": lambda argument: directives.choice(argument, ("spread", "gradient")),
    }
    #: Each measure's columns: the statistic (a field of a scaling_demo row, its header in WORDS) and its format.
    COLUMNS: dict[str, tuple[tuple[str, Callable[[float], str]], ...]] = {
        "spread": (
            ("std_unscaled", format_number),
            ("std_scaled", format_number),
            ("max_weight_unscaled", format_number),
            ("max_weight_scaled", format_number),
        ),
        "gradient": (
            ("saturated_unscaled", format_share),
            ("saturated_scaled", format_share),
            ("median_score_gradient_unscaled", format_magnitude),
            ("median_score_gradient_scaled", format_magnitude),
        ),
    }

    def run(self) -> list[nodes.Node]:
        note_sources(self, NUMBERS, NUMBER_FORMATS)
        columns = self.COLUMNS[self.options.get("measure", "spread")]
        said = pick(WORDS, self.config.language)
        headers = ("d_k", *(said[field] for field, _ in columns))
        body = [
            [nodes.Text(str(r.d_k)), *(nodes.Text(fmt(getattr(r, field))) for field, fmt in columns)]
            for r in attention.scaling_demo()
        ]
        return [table([nodes.Text(h) for h in headers], body, ["scaling-table"], title=caption(self))]
