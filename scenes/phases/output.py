"""Phase 5, Output Computation: each output row is the weighted sum of V's rows.

One row ("sat") is built in full: its weights are copied out of the heatmap
into a working line, and the rows of V flow into its output card. Then every
other row, and finally the output tokens' names.
"""

from __future__ import annotations

from manim import (
    DOWN,
    RIGHT,
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

#: The output row worked in full: "sat" (it attends most to "cat").
WORKED_ROW = 2


class OutputComputation(PhaseScene):
    slug = "output"

    def storyboard(self):
        return [self.show_weighted_row, self.show_all_rows, self.show_output_tokens]

    def show_weighted_row(self):
        stage, i = self.stage, WORKED_ROW
        cells, card, v = stage.weight_cells, stage.output_cards[WORKED_ROW], stage.qkv.v
        row_box = builders.surround(VGroup(*cells[i]), palette.TEXT, buff=0.02)
        v_box = builders.surround(v.frame, palette.VALUE, buff=0.04)
        line = self.build_weighted_sum(i)
        self.play(Create(row_box), Create(v_box), run_time=0.5)
        self.play(
            *(TransformFromCopy(cells[i][j].number, line.weights[j]) for j in range(stage.ex.n)),
            FadeIn(line.rest),
            run_time=1.0,
        )
        scaled_rows = [v.grid[j].copy() for j in range(stage.ex.n)]  # v_j, each flowing into the sum
        self.play(
            FadeIn(card.frame),
            *(row.animate.become(card.vector.copy()) for row in scaled_rows),
            FadeIn(card.vector),
            run_time=0.9,
        )
        self.remove(*scaled_rows)
        self.play(FadeOut(VGroup(row_box, v_box, line)), run_time=0.4)

    def show_all_rows(self):
        stage = self.stage
        others = [card for index, card in enumerate(stage.output_cards) if index != WORKED_ROW]
        self.play(
            LaggedStart(
                *(
                    LaggedStart(
                        FadeIn(card.frame),
                        ReplacementTransform(VGroup(*stage.weight_cells[index]).copy(), card.vector),
                        lag_ratio=0,
                    )
                    for index, card in enumerate(stage.output_cards)
                    if card in others
                ),
                lag_ratio=0.3,
            ),
            run_time=2.4,
        )

    def show_output_tokens(self):
        self.play(
            LaggedStart(
                *(FadeIn(card.name, shift=0.1 * RIGHT) for card in self.stage.output_cards), lag_ratio=0.2
            ),
            run_time=1.2,
        )

    def build_weighted_sum(self, i: int) -> VGroup:
        """``out(sat) = 0.13 v(The) + 0.36 v(cat) + ...``: the weights are Numbers from row i."""
        ex = self.stage.ex
        parts, weights, rest = VGroup(), VGroup(), VGroup()
        head = VGroup(
            builders.build_note("out(", palette.TEXT),
            builders.build_note(ex.tokens[i], builders.token_color(i)),
            builders.build_note(") =", palette.TEXT),
        ).arrange(RIGHT, buff=0.03)
        parts.add(head)
        rest.add(head)
        for j, weight in enumerate(ex.weights[i]):
            number = builders.build_number(weight, layout.NOTE_SIZE, palette.TEXT)
            term = VGroup(
                builders.build_note("v(", palette.VALUE),
                builders.build_note(ex.tokens[j], builders.token_color(j)),
                builders.build_note(")", palette.VALUE),
            ).arrange(RIGHT, buff=0.03)
            parts.add(VGroup(number, term).arrange(RIGHT, buff=0.08))
            weights.add(number)
            rest.add(term)
            if j < ex.n - 1:
                plus = builders.build_note("+", palette.MUTED)
                parts.add(plus)
                rest.add(plus)
        parts.arrange(RIGHT, buff=0.14)
        for term in parts:  # words sit on one baseline
            term.align_to(head, DOWN)
        region = self.stage.regions.formula
        if parts.width > region.width:
            parts.scale_to_fit_width(region.width)
        parts.move_to(region)
        parts.weights, parts.rest = weights, rest
        parts.region = "formula"
        return parts
