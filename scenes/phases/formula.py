"""Phase 6, Full Formula: Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V, each part tied to its step.

The output cards first step back to context size, three to a row, making room for the formula.
"""

from __future__ import annotations

from manim import Create, FadeIn, FadeOut, VGroup, Write

from scenes import builders, palette
from scenes.base import PhaseScene


class FullFormula(PhaseScene):
    slug = "full-formula"

    def storyboard(self):
        return [self.write_formula, self.tie_parts_to_steps]

    def write_formula(self):
        # out, then in: moved from two cards a row to three, the cards' paths would cross
        self.play(FadeOut(self.stage.output_subject), run_time=0.2)
        self.play(FadeIn(self.stage.output_cards), run_time=0.2)
        self.play(Write(self.stage.formula), run_time=1.5)

    def tie_parts_to_steps(self):
        stage = self.stage
        q, k, v = stage.panels
        heatmap = VGroup(stage.weight_cells, stage.row_sums)
        ties = (
            # Q K^T: the query and key panels that made the scores
            (VGroup(stage.formula_part("q"), stage.formula_part("k")), VGroup(q.frame, k.frame), palette.KEY),
            # / sqrt(d_k): the scaling of every score
            (stage.formula_part("sqrt"), VGroup(stage.weight_scale), palette.SCALE),
            # softmax(...): the rows of A, each summing to 1
            (VGroup(stage.formula_part("softmax"), stage.formula_part("close")), heatmap, palette.HIGHLIGHT),
            # ... V: the weighted sum of V's rows, the output cards
            (stage.formula_part("v"), VGroup(v.frame, stage.output_cards), palette.VALUE),
        )
        for part, target, hue in ties:
            boxes = VGroup(builders.surround(part, hue), builders.surround(target, hue))
            self.play(Create(boxes), run_time=0.5)
            self.play(FadeOut(boxes), run_time=0.4)
