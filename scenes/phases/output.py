"""Phase 5, Output Computation: each output row is the weighted sum of V's rows, out = A V.

One row ("sat") is built in full: its row of A is outlined, the weighted sum is
written where the last card will be, and its output card appears. Then every
other row, and finally the output tokens' names. The outputs are the subject,
so their cards are large, two to a row, in the room the formula takes later.
Nothing moves across the frame, so no number is drawn over another.
"""

from __future__ import annotations

from manim import DOWN, RIGHT, Create, FadeIn, FadeOut, LaggedStart, VGroup

from scenes import builders, layout, palette
from scenes.base import PhaseScene

#: The output row worked in full: "sat" (it attends most to "cat").
WORKED_ROW = 2


class WeightedSum(VGroup):
    """``out(sat) = 0.13 v(The) + 0.36 v(cat) + ...``: the ``weights`` are Numbers from row i of A."""

    def __init__(self, ex, i: int):
        super().__init__()
        self.weights = VGroup()
        self.head = self._word("out", ex.tokens[i], builders.token_color(i), palette.TEXT, " =")
        self.add(self.head)
        for j, weight in enumerate(ex.weights[i]):
            number = builders.build_number(weight, layout.NOTE_SIZE, palette.TEXT)
            term = self._word("v", ex.tokens[j], builders.token_color(j), palette.VALUE)
            self.add(VGroup(number, term).arrange(RIGHT, buff=layout.TERM_BUFF / 2))
            self.weights.add(number)
            if j < ex.n - 1:
                self.add(builders.build_note("+", palette.MUTED))
        self.arrange(RIGHT, buff=layout.TERM_BUFF)
        for part in self:  # words sit on one baseline
            part.align_to(self.head, DOWN)

    @staticmethod
    def _word(name: str, token: str, token_hue, hue: str, tail: str = "") -> VGroup:
        """``name(token)`` with the token in its hue, e.g. ``v(cat)``."""
        return VGroup(
            builders.build_note(f"{name}(", hue),
            builders.build_note(token, token_hue),
            builders.build_note(f"){tail}", hue),
        ).arrange(RIGHT, buff=layout.WORD_BUFF)


class OutputComputation(PhaseScene):
    slug = "output"

    def storyboard(self):
        return [self.show_weighted_row, self.show_all_rows, self.show_output_tokens]

    def show_weighted_row(self):
        stage, i = self.stage, WORKED_ROW
        cards = stage.output_subject
        card = cards[i]
        row_box = builders.surround(VGroup(*stage.weight_cells[i]), palette.TEXT, buff=0)
        v_box = builders.surround(stage.qkv.v.frame, palette.VALUE)
        line = WeightedSum(stage.ex, i).move_to(cards[-1]).set_x(stage.regions.lower.get_x())
        # phase 4's formula leaves the band the outputs take until phase 6 writes the whole formula
        self.play(Create(row_box), Create(v_box), FadeOut(stage.weight_formula), run_time=0.5)
        self.play(FadeIn(line), run_time=0.9)
        self.play(FadeIn(card.frame), FadeIn(card.values), run_time=0.8)
        self.play(FadeOut(VGroup(row_box, v_box, line)), run_time=0.4)

    def show_all_rows(self):
        cards = [card for index, card in enumerate(self.stage.output_subject) if index != WORKED_ROW]
        self.play(
            LaggedStart(*(FadeIn(VGroup(card.frame, card.values)) for card in cards), lag_ratio=0.3),
            run_time=2.4,
        )

    def show_output_tokens(self):
        self.play(
            LaggedStart(
                *(FadeIn(card.name, shift=layout.ENTRY_SHIFT * RIGHT) for card in self.stage.output_subject),
                lag_ratio=0.2,
            ),
            run_time=1.2,
        )
