"""The stage: every lasting mobject of the video, built from ``attention.example()`` in its layout place.

A phase starts from :meth:`Stage.picture_after` of the phase before it and must
end on its own picture, so clips join without a jump. Components are built
lazily (``functools.cached_property``): a scene pays only for what it shows.
Two Stage objects build identical mobjects, which is what makes the pictures
at phase boundaries the same in two separate renders.
"""

from __future__ import annotations

import itertools
from functools import cached_property

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, Mobject, VGroup

import attention

from . import builders, layout, palette

TITLE = "Transformer Self-Attention"

#: Glyph slices of the formula's single MathTex (one LaTeX run), checked by the tests.
FORMULA_TEX = r"\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\left(\frac{QK^{T}}{\sqrt{d_k}}\right)V"
FORMULA_GLYPHS = 35
FORMULA_PARTS = {
    "lhs": slice(0, 16),
    "softmax": slice(17, 25),  # the word and its opening parenthesis
    "close": slice(33, 34),
    "q": slice(25, 26),
    "k": slice(26, 28),  # K and its T
    "bar": slice(28, 29),
    "sqrt": slice(29, 33),
    "v": slice(34, 35),
}


class Stage:
    """The lasting mobjects of the video, in place, built on first use."""

    def __init__(self) -> None:
        self.ex = attention.example()
        self.regions = layout.build_regions()

    # -- Title and tokens ---------------------------------------------------

    @cached_property
    def title(self):
        title = builders.build_title(TITLE).move_to(self.regions.title)
        title.region = "title"
        return title

    @cached_property
    def tokens(self) -> VGroup:
        tokens = builders.build_token_boxes(self.ex.tokens).move_to(self.regions.tokens)
        tokens.region = "tokens"
        return tokens

    # -- Q, K, V panels ------------------------------------------------------

    @cached_property
    def qkv(self) -> VGroup:
        """Row labels and the Q, K, V panels: ``.labels``, ``.q``, ``.k``, ``.v`` (each a matrix panel)."""
        q = builders.build_matrix_panel(r"Q = X W_Q", self.ex.q, palette.QUERY, "query")
        k = builders.build_matrix_panel(r"K = X W_K", self.ex.k, palette.KEY, "key")
        v = builders.build_matrix_panel(r"V = X W_V", self.ex.v, palette.VALUE, "value")
        panels = VGroup(q, k, v)
        for left, right in itertools.pairwise(panels):  # frames side by side, tops aligned
            right.next_to(left, RIGHT, buff=layout.PANEL_BUFF)
            right.shift((left.frame.get_top() - right.frame.get_top())[1] * UP)
        labels = builders.build_row_labels(self.ex.tokens)
        labels.next_to(q.frame, LEFT, buff=layout.LABEL_BUFF).match_y(q.grid)
        block = VGroup(labels, panels).move_to(self.regions.qkv).align_to(self.regions.qkv, UP)
        block.labels, block.q, block.k, block.v = labels, q, k, v
        block.region = "qkv"
        return block

    @property
    def panels(self) -> tuple[VGroup, VGroup, VGroup]:
        return self.qkv.q, self.qkv.k, self.qkv.v

    @cached_property
    def embeddings(self) -> VGroup:
        """X with its feature names, in the heatmap's place (shown during the projection only)."""
        grid = builders.NumberGrid(self.ex.x, column=layout.HEAT_CELL)
        grid.align_to(self.qkv.q.grid, UP)
        features = builders.build_column_labels(self.ex.features, layout.HEAT_CELL, layout.LABEL_SIZE - 4)
        features.next_to(grid, UP, buff=layout.LABEL_BUFF).match_x(grid)
        header = builders.build_math("X", palette.EMBEDDING).next_to(features, UP, buff=layout.LABEL_BUFF)
        labels = builders.build_row_labels(self.ex.tokens).next_to(grid, LEFT, buff=2 * layout.LABEL_BUFF)
        labels.match_y(grid)
        block = VGroup(labels, grid, features, header)
        block.shift((self.heatmap_axes.get_center() - grid.get_center())[0] * RIGHT)
        block.grid, block.header, block.labels = grid, header, labels
        block.region = "heatmap"
        return block

    # -- Heatmap -------------------------------------------------------------

    def _place_cells(self, cells: builders.HeatmapCells) -> builders.HeatmapCells:
        return cells.move_to(self._heat_anchor, UL)

    @cached_property
    def _heat_anchor(self) -> Mobject:
        """The heatmap grid's box: top aligned with the Q panel's first row, centred in its region."""
        probe = builders.HeatmapCells(np.zeros((self.ex.n, self.ex.n)), 0, 1, numbers=False)
        sums_room = layout.HEAT_CELL * 1.25  # reserved right of the grid for the row sums
        probe.align_to(self.qkv.q.frame, UP).match_x(self.regions.heatmap)
        probe.shift((layout.LABEL_WIDTH - sums_room) / 2 * RIGHT)
        return probe

    @cached_property
    def heatmap_axes(self) -> VGroup:
        """Token labels on both axes: rows are queries, columns keys."""
        grid = self._heat_anchor
        rows = builders.build_row_labels(self.ex.tokens).next_to(grid, LEFT, buff=layout.LABEL_BUFF)
        rows.match_y(grid)
        columns = builders.build_column_labels(self.ex.tokens, layout.HEAT_CELL)
        columns.next_to(grid, UP, buff=layout.LABEL_BUFF).match_x(grid)
        axes = VGroup(rows, columns)
        axes.rows, axes.columns = rows, columns
        axes.region = "heatmap"
        return axes

    def _heatmap(self, values, low: float | None = None, **options) -> builders.HeatmapCells:
        """Cells of ``values`` in the heatmap's place, coloured from ``low`` (default: their minimum) to their maximum."""
        low = float(values.min()) if low is None else low
        cells = self._place_cells(builders.HeatmapCells(values, low, float(values.max()), **options))
        cells.region = "heatmap"
        return cells

    @cached_property
    def blank_cells(self) -> VGroup:
        cells = self._place_cells(builders.HeatmapCells(self.ex.scores, 0, 1, numbers=False)).empty()
        cells.region = "heatmap"
        return cells

    @cached_property
    def score_cells(self) -> builders.HeatmapCells:
        """Raw scores Q K^T, coloured from their minimum to their maximum."""
        return self._heatmap(self.ex.scores)

    @cached_property
    def plain_score_cells(self) -> builders.HeatmapCells:
        """Raw scores on neutral cells: the grid as it fills, before it becomes a heatmap."""
        return self._heatmap(self.ex.scores, colored=False)

    @cached_property
    def scaled_cells(self) -> builders.HeatmapCells:
        """Scores / sqrt(d_k): the same colours (a linear rescale), new numbers."""
        return self._heatmap(self.ex.scaled_scores)

    @cached_property
    def weight_cells(self) -> builders.HeatmapCells:
        """Softmax weights, coloured from 0 to the largest weight."""
        return self._heatmap(self.ex.weights, low=0.0)

    @cached_property
    def max_outlines(self) -> VGroup:
        outlines = builders.build_max_outlines(self.weight_cells)
        outlines.region = "heatmap"
        return outlines

    @cached_property
    def row_sums(self) -> VGroup:
        sums = builders.build_row_sums(self.ex.weights, self.weight_cells)
        sums.region = "heatmap"
        return sums

    def _scale(self, low: float, high: float, caption: str) -> VGroup:
        scale = builders.build_colour_scale(low, high, caption, width=layout.HEAT_CELL * 3)
        scale.next_to(self._heat_anchor, DOWN, buff=layout.LABEL_BUFF).match_x(self._heat_anchor)
        scale.region = "heatmap"
        return scale

    @cached_property
    def score_scale(self) -> VGroup:
        return self._scale(float(self.ex.scores.min()), float(self.ex.scores.max()), "score: low to high")

    @cached_property
    def scaled_scale(self) -> VGroup:
        s = self.ex.scaled_scores
        return self._scale(float(s.min()), float(s.max()), "scaled score")

    @cached_property
    def weight_scale(self) -> VGroup:
        return self._scale(0.0, float(self.ex.weights.max()), "attention weight")

    # -- Output, formula -------------------------------------------------------

    def _cards(self, values: np.ndarray) -> VGroup:
        cards = builders.build_output_cards(self.ex.tokens, values, self.regions.output)
        cards.move_to(self.regions.output)
        cards.region = "output"
        return cards

    @cached_property
    def output_cards(self) -> VGroup:
        """One card per token with its output row: weights @ V."""
        return self._cards(self.ex.output)

    @cached_property
    def formula(self):
        formula = builders.build_math(FORMULA_TEX, palette.TEXT, layout.FORMULA_SIZE)
        glyphs = formula[0]
        for part, hue in (
            ("q", palette.QUERY),
            ("k", palette.KEY),
            ("v", palette.VALUE),
            ("sqrt", palette.SCALE),
        ):
            glyphs[FORMULA_PARTS[part]].set_color(builders.color(hue))
        formula.move_to(self.regions.formula)
        formula.region = "formula"
        return formula

    def formula_part(self, name: str) -> VGroup:
        """The glyphs of one named part of the formula (see ``FORMULA_PARTS``)."""
        return self.formula[0][FORMULA_PARTS[name]]

    # -- Multi-head note ----------------------------------------------------------

    @cached_property
    def _multi_head_block(self) -> tuple[VGroup, VGroup]:
        """The heads side by side over the concat note, centred together in the middle band."""
        heads, note = self._build_heads(), self._build_concat_note()
        VGroup(heads, note).arrange(DOWN, buff=layout.REGION_BUFF).move_to(self.regions.middle)
        return heads, note

    @property
    def heads(self) -> VGroup:
        return self._multi_head_block[0]

    @property
    def concat_note(self) -> VGroup:
        return self._multi_head_block[1]

    def _build_heads(self) -> VGroup:
        """Two heads side by side: a small heatmap of each head's weights and that head's output."""
        heads = VGroup()
        high = float(self.ex.head_weights.max())
        for h in range(self.ex.n_heads):
            cells = builders.HeatmapCells(
                self.ex.head_weights[h],
                0.0,
                high,
                width=layout.SMALL_CELL * 1.25,
                height=layout.SMALL_CELL,
                font_size=layout.SMALL_NUMBER_SIZE,
            )
            outlines = builders.build_max_outlines(cells)
            rows = builders.build_row_labels(self.ex.tokens, layout.SMALL_CELL, layout.LABEL_SIZE - 3)
            rows.next_to(cells, LEFT, buff=layout.LABEL_BUFF).match_y(cells)
            columns = builders.build_column_labels(
                self.ex.tokens, layout.SMALL_CELL * 1.25, layout.LABEL_SIZE - 4
            )
            columns.next_to(cells, UP, buff=layout.LABEL_BUFF).match_x(cells)
            out = builders.NumberGrid(
                self.ex.head_outputs[h],
                column=layout.PANEL_COLUMN,
                pitch=layout.SMALL_CELL,
                font_size=layout.SMALL_NUMBER_SIZE + 1,
            )
            out.next_to(cells, RIGHT, buff=2 * layout.LABEL_BUFF)
            title = builders.build_label(f"head {h + 1}", palette.TEXT, layout.LABEL_SIZE + 2)
            title.next_to(VGroup(columns, out), UP, buff=layout.LABEL_BUFF)
            head = VGroup(title, rows, columns, cells, outlines, out)
            head.cells, head.outlines, head.out, head.title = cells, outlines, out, title
            heads.add(head)
        heads.arrange(RIGHT, buff=2 * layout.COLUMN_BUFF, aligned_edge=UP)
        heads.region = "middle"
        return heads

    def _build_concat_note(self) -> VGroup:
        """``concat(h_1, h_2) W_O`` and what it does, under the heads (placed with them)."""
        math = builders.build_math(r"\mathrm{concat}(h_1, h_2)\,W_O", palette.TEXT, layout.HEADER_SIZE)
        note = builders.build_note(
            f"mixes the {self.ex.n_heads} heads' outputs back into {self.ex.d_model} numbers per token"
        )
        group = VGroup(math, note).arrange(RIGHT, buff=layout.TOKEN_BUFF)
        group.region = "middle"
        return group

    @cached_property
    def concat_cards(self) -> VGroup:
        """The output cards holding the heads' outputs side by side (before W_O)."""
        return self._cards(np.concatenate(list(self.ex.head_outputs), axis=-1))

    @cached_property
    def multi_head_cards(self) -> VGroup:
        return self._cards(self.ex.multi_head_output)

    # -- Outro ------------------------------------------------------------------

    @cached_property
    def summary(self) -> VGroup:
        """The four steps, one line each, in the roles' colours."""
        steps = (
            ("1  Project", "each token's embedding X into Q, K, V", palette.QUERY),
            ("2  Score", "every query against every key: Q Kᵀ", palette.KEY),
            ("3  Scale and softmax", "divide by √dₖ, then each row sums to 1", palette.SCALE),
            ("4  Weighted sum", "of the rows of V: each token gathers context", palette.VALUE),
        )
        lines = VGroup()
        for head, rest, hue in steps:
            line = builders.make_rich_text(
                f"{head}    {rest}", layout.TOKEN_SIZE - 2, palette.TEXT, {head: hue}
            )
            lines.add(line)
        lines.arrange(DOWN, buff=layout.TOKEN_BUFF * 1.6, aligned_edge=LEFT).move_to(self.regions.middle)
        lines.region = "middle"
        return lines

    # -- Pictures at phase boundaries -------------------------------------------

    def picture_after(self, number: int) -> list[Mobject]:
        """The mobjects on screen when phase ``number`` ends (0: the empty frame before the intro)."""
        pictures = {
            0: lambda: [],
            1: lambda: [self.title, self.tokens],
            2: lambda: [*pictures[1](), self.qkv],
            3: lambda: [*pictures[2](), self.heatmap_axes, self.score_cells, self.score_scale],
            4: lambda: [
                *pictures[2](),
                self.heatmap_axes,
                self.weight_cells,
                self.weight_scale,
                self.row_sums,
                self.max_outlines,
            ],
            5: lambda: [*pictures[4](), self.output_cards],
            6: lambda: [*pictures[5](), self.formula],
            7: lambda: [*pictures[1](), self.heads, self.concat_note, self.multi_head_cards, self.formula],
            8: lambda: [*pictures[1](), self.summary, self.formula],
        }
        if number not in pictures:
            raise ValueError(f"no picture after phase {number}; phases are 0 (before the intro) to 8.")
        return pictures[number]()
