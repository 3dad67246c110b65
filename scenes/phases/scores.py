"""Phase 3, Attention Scores: dot products of queries and keys fill a 5 by 5 grid, which becomes a heatmap.

Two cells are worked in full (the query and key rows highlighted, the four
products and their sum); the rest fill row by row; then the grid takes its
viridis colours and the colour scale appears.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ReplacementTransform,
    TransformFromCopy,
    VGroup,
)

from scenes import builders, layout, palette
from scenes.base import PhaseScene

#: The worked pairs (query token, key token): "sat" looking at "cat", then "on" at "mat".
WORKED_PAIRS = ((2, 1), (3, 4))


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
        self.filled: dict[tuple[int, int], VGroup] = {}

    # -- Steps ---------------------------------------------------------------------

    def show_query_key_pair(self):
        self.play(FadeIn(self.stage.heatmap_axes), FadeIn(self.stage.blank_cells), run_time=0.6)
        self.work_pair(*WORKED_PAIRS[0], pace=0.8)

    def show_second_pair(self):
        self.work_pair(*WORKED_PAIRS[1], pace=0.6)

    def fill_remaining_cells(self):
        cells = self.stage.plain_score_cells
        rest = [
            cells[i][j] for i in range(len(cells)) for j in range(len(cells[i])) if (i, j) not in self.filled
        ]
        self.play(LaggedStart(*(FadeIn(cell) for cell in rest), lag_ratio=0.12), run_time=2.2)
        self.remove(self.stage.blank_cells)

    def show_colour_scale(self):
        plain, coloured = self.stage.plain_score_cells, self.stage.score_cells
        self.play(
            *(
                ReplacementTransform(plain[i][j], coloured[i][j])
                for i in range(len(plain))
                for j in range(len(plain[i]))
            ),
            FadeIn(self.stage.score_scale, shift=0.1 * DOWN),
            run_time=1.2,
        )

    # -- Helpers -----------------------------------------------------------------------

    def work_pair(self, i: int, j: int, pace: float) -> None:
        """Highlight q_i and k_j, write their products and sum, and drop the sum into cell (i, j)."""
        q_panel, k_panel = self.stage.qkv.q, self.stage.qkv.k
        q_row, k_row = q_panel.grid[i], k_panel.grid[j]
        q_box = builders.surround(q_row, palette.QUERY)
        k_box = builders.surround(k_row, palette.KEY)
        cell_box = builders.surround(self.stage.plain_score_cells[i][j], palette.TEXT, buff=0)

        q, k = self.stage.ex.q[i], self.stage.ex.k[j]
        products = q * k  # (d_k,): the terms of the dot product q_i . k_j
        line = self.build_working_line(i, j, q, k, products)
        self.play(
            Create(q_box), Create(k_box), Create(cell_box), FadeIn(line.head), run_time=0.4 * pace + 0.2
        )
        self.play(
            *(TransformFromCopy(q_row[d], line.q_terms[d]) for d in range(len(q))),
            *(TransformFromCopy(k_row[d], line.k_terms[d]) for d in range(len(k))),
            FadeIn(line.signs),
            run_time=0.8 * pace,
        )
        self.play(FadeIn(line.products), FadeIn(line.total), run_time=0.5 * pace)
        target = self.stage.plain_score_cells[i][j]
        self.play(
            FadeIn(target.square),
            ReplacementTransform(line.total[-1].copy(), target.number),  # the cell's own number, untouched
            run_time=0.5 * pace,
        )
        self.bring_to_front(target.number)  # the replacement took the copy's place, under the square
        self.play(FadeOut(VGroup(line, q_box, k_box, cell_box)), run_time=0.3)
        self.filled[(i, j)] = target

    def build_working_line(self, i, j, q, k, products) -> VGroup:
        """``q_sat · k_cat = 2.00×1.00 + ... = 2.00 + ... = 2.00`` in the formula region."""
        tokens = self.stage.ex.tokens
        words = f"q[{tokens[i]}] · k[{tokens[j]}] ="
        head = builders.make_rich_text(
            words,
            layout.NOTE_SIZE,
            palette.TEXT,
            {
                "q[": palette.QUERY,
                "k[": palette.KEY,
                f"{tokens[i]}]": builders.token_color(i),
                f"{tokens[j]}]": builders.token_color(j),
            },
        )
        q_terms = VGroup(*(builders.build_number(value, layout.NOTE_SIZE, palette.QUERY) for value in q))
        k_terms = VGroup(*(builders.build_number(value, layout.NOTE_SIZE, palette.KEY) for value in k))
        pairs, signs = VGroup(), VGroup()
        for d in range(len(q)):
            times = builders.build_note("×", palette.MUTED)
            pairs.add(VGroup(q_terms[d], times, k_terms[d]).arrange(builders.RIGHT, buff=0.05))
            signs.add(times)
            if d < len(q) - 1:
                plus = builders.build_note("+", palette.MUTED)
                pairs.add(plus)
                signs.add(plus)
        pairs.arrange(builders.RIGHT, buff=0.12)
        products_group = VGroup(builders.build_note("=", palette.TEXT))
        for d, value in enumerate(products):
            products_group.add(builders.build_number(value, layout.NOTE_SIZE, palette.TEXT))
            if d < len(products) - 1:
                products_group.add(builders.build_note("+", palette.MUTED))
        products_group.arrange(builders.RIGHT, buff=0.12)
        total = VGroup(
            builders.build_note("=", palette.TEXT),
            builders.build_number(float(np.sum(products)), layout.NOTE_SIZE + 2, palette.TEXT),
        ).arrange(builders.RIGHT, buff=0.12)
        line = VGroup(head, pairs, products_group, total).arrange(builders.RIGHT, buff=0.18)
        region = self.stage.regions.formula
        if line.width > region.width:
            line.scale_to_fit_width(region.width)
        line.move_to(region)
        line.head, line.q_terms, line.k_terms, line.signs = head, q_terms, k_terms, signs
        line.products, line.total = products_group, total
        line.region = "formula"
        return line
