"""Phase 3, Attention Scores: dot products of queries and keys fill a 5 by 5 grid, which becomes a heatmap.

Q, K and V first shrink to context size, making room for the grid. Two cells are
worked in full (the query and key rows highlighted, the four products and their
sum written under the grid); the rest fill row by row; then the grid takes its
viridis colours, the colour scale appears and the formula band names the grid: S = Q K^T.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Create, FadeIn, FadeOut, LaggedStart, ReplacementTransform, VGroup, Write

from scenes import builders, layout, palette
from scenes.base import PhaseScene

#: The worked pairs (query token, key token): "sat" looking at "cat", then "on" at "mat".
WORKED_PAIRS = ((2, 1), (3, 4))


class WorkingLine(VGroup):
    """A dot product worked under the grid: the products as ``terms``, then their ``sums`` below."""

    def __init__(self, terms: VGroup, sums: VGroup):
        super().__init__(terms, sums)
        self.terms, self.sums = terms, sums


class AttentionScores(PhaseScene):
    slug = "attention-scores"

    def storyboard(self):
        return [
            self.show_query_key_pair,
            self.show_second_pair,
            self.fill_remaining_cells,
            self.show_colour_scale,
        ]

    def setup(self):
        super().setup()
        self.filled: set[tuple[int, int]] = set()

    # -- Steps ---------------------------------------------------------------------

    def show_query_key_pair(self):
        self.play(*self.shrink_panels(), run_time=0.6)
        self.play(FadeIn(self.stage.heatmap_axes), FadeIn(self.stage.blank_cells), run_time=0.4)
        self.work_pair(*WORKED_PAIRS[0], pace=0.8)

    def show_second_pair(self):
        self.work_pair(*WORKED_PAIRS[1], pace=0.6)

    def fill_remaining_cells(self):
        cells = self.stage.plain_score_cells
        rest = [cell for (i, j), cell in self.indexed(cells) if (i, j) not in self.filled]
        self.play(LaggedStart(*(FadeIn(cell) for cell in rest), lag_ratio=0.12), run_time=2.2)
        self.remove(self.stage.blank_cells)

    def show_colour_scale(self):
        plain, coloured = self.stage.plain_score_cells, self.stage.score_cells
        self.play(
            *(ReplacementTransform(cell, coloured[i][j]) for (i, j), cell in self.indexed(plain)),
            FadeIn(self.stage.score_scale, shift=layout.ENTRY_SHIFT * DOWN),
            Write(self.stage.score_formula),
            run_time=1.2,
        )

    # -- Helpers -----------------------------------------------------------------------

    @staticmethod
    def indexed(cells: builders.HeatmapCells):
        return [((i, j), cell) for i, row in enumerate(cells) for j, cell in enumerate(row)]

    def shrink_panels(self) -> list:
        """Q, K and V from subject size to context size, part by part, each number into its own place."""
        big, small = self.stage.qkv_subject, self.stage.qkv
        pairs = list(zip(big.labels, small.labels, strict=True))
        for a, b in zip(big.panels, small.panels, strict=True):
            pairs += [(a.frame, b.frame), (a.header, b.header)]
            pairs += list(zip(a.grid.numbers(), b.grid.numbers(), strict=True))
        return [ReplacementTransform(a, b) for a, b in pairs]

    def work_pair(self, i: int, j: int, pace: float) -> None:
        """Highlight q_i and k_j, write their products and sum under the grid, and fill cell (i, j)."""
        qkv = self.stage.qkv
        q_box = builders.surround(qkv.q.grid.rows[i], palette.QUERY)
        k_box = builders.surround(qkv.k.grid.rows[j], palette.KEY)
        target = self.stage.plain_score_cells[i][j]
        cell_box = builders.surround(target.square, palette.TEXT, buff=0)
        line = self.build_working_line(i, j)
        self.play(
            Create(q_box), Create(k_box), Create(cell_box), FadeIn(line.terms), run_time=0.6 * pace + 0.2
        )
        self.play(FadeIn(line.sums), run_time=0.5 * pace)
        self.play(FadeIn(target), run_time=0.5 * pace)
        self.play(FadeOut(VGroup(line, q_box, k_box, cell_box)), run_time=0.3)
        self.filled.add((i, j))

    def build_working_line(self, i: int, j: int) -> WorkingLine:
        """Two lines under the grid: ``q[sat] · k[cat] = 2.0×1.0 + ...`` and ``= 2.00 + ... = 2.00``."""
        ex = self.stage.ex
        q, k = ex.q[i], ex.k[j]
        products = q * k  # (d_k,): the terms of the dot product q_i . k_j
        head = builders.make_rich_text(
            f"q[{ex.tokens[i]}] · k[{ex.tokens[j]}] =",
            layout.NOTE_SIZE,
            palette.TEXT,
            {
                "q[": palette.QUERY,
                "k[": palette.KEY,
                f"{ex.tokens[i]}]": builders.token_color(i),
                f"{ex.tokens[j]}]": builders.token_color(j),
            },
        )
        terms = VGroup(head)
        for d in range(len(q)):
            pair = VGroup(
                builders.build_number(q[d], layout.SUBJECT_SIZE, palette.QUERY, layout.QKV_DECIMALS),
                builders.build_note("×", palette.MUTED),
                builders.build_number(k[d], layout.SUBJECT_SIZE, palette.KEY, layout.QKV_DECIMALS),
            ).arrange(RIGHT, buff=layout.WORD_BUFF * 2)
            terms.add(pair)
            if d < len(q) - 1:
                terms.add(builders.build_note("+", palette.MUTED))
        terms.arrange(RIGHT, buff=layout.TERM_BUFF)
        sums = VGroup(builders.build_note("=", palette.TEXT))
        for d, value in enumerate(products):
            sums.add(builders.build_number(value, layout.SUBJECT_SIZE, palette.TEXT))
            if d < len(products) - 1:
                sums.add(builders.build_note("+", palette.MUTED))
        sums.add(builders.build_note("=", palette.TEXT))
        sums.add(builders.build_number(float(np.sum(products)), layout.SUBJECT_SIZE, palette.TEXT))
        sums.arrange(RIGHT, buff=layout.TERM_BUFF)
        sums.next_to(terms, DOWN, buff=layout.LABEL_BUFF, aligned_edge=RIGHT)
        sums.align_to(terms[1], builders.LEFT)
        regions = self.stage.regions
        return WorkingLine(terms, sums).move_to(VGroup(regions.output, regions.formula))
