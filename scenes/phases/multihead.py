"""Phase 7, Multi-Head Note: two heads attend in parallel; their outputs are concatenated and mixed by W_O.

The small heatmaps are ``example().head_weights`` (``attention.multi_head_attention``).
Head 2's rows for "cat" and "sat" are uniform, so no maximum is outlined there.
The cards change in place (old values out, then the concatenated values in), so no
number is drawn over another.
"""

from __future__ import annotations

from manim import FadeIn, FadeOut, LaggedStart, ReplacementTransform, VGroup, Write

from scenes.base import PhaseScene


class MultiHeadNote(PhaseScene):
    slug = "multi-head"

    def storyboard(self):
        return [self.show_parallel_heads, self.show_concat_and_mix]

    def show_parallel_heads(self):
        stage = self.stage
        single_head = [
            stage.qkv,
            stage.heatmap_axes,
            stage.weight_cells,
            stage.weight_scale,
            stage.row_sums,
            stage.max_outlines,
        ]
        self.play(*(FadeOut(m) for m in single_head), run_time=0.6)
        heads = stage.heads
        self.play(
            *(FadeIn(VGroup(head.title, head.axes)) for head in heads),
            *(LaggedStart(*(FadeIn(row) for row in head.cells), lag_ratio=0.25) for head in heads),
            run_time=1.4,
        )
        self.play(
            *(FadeIn(head.outlines) for head in heads), *(FadeIn(head.out) for head in heads), run_time=0.6
        )

    def show_concat_and_mix(self):
        stage = self.stage
        old, concat, mixed = stage.output_cards, stage.concat_cards, stage.multi_head_cards
        self.play(
            *(FadeOut(card.values) for card in old),
            *(
                ReplacementTransform(VGroup(a.frame, a.name), VGroup(b.frame, b.name))
                for a, b in zip(old, concat, strict=True)
            ),
            run_time=0.3,
        )
        self.play(*(FadeIn(card.values) for card in concat), run_time=0.5)
        self.play(Write(stage.concat_note), ReplacementTransform(concat, mixed), run_time=0.9)
