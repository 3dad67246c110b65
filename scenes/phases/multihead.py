"""Phase 7, Multi-Head Note: two heads attend in parallel; their outputs are concatenated and mixed by W_O.

The heatmaps are ``example().head_weights`` (``attention.multi_head_attention``).
Head 2's rows for "cat" and "sat" are uniform, so no maximum is outlined there.
Each moment gives its subject the room. The single head leaves with its output
cards and the formula; the two heads' weights come alone, as large as the single
head's were. Then the heads shrink to context, with their outputs h_1 and h_2
beside them, and larger output cards take the room they leave: each holds its
token's h_1 and h_2 joined while the mixing formula ``concat(h_1, h_2) W_O`` is
written in the formula band, then the mixed outputs.
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
        self.play(
            *(FadeOut(m) for m in single_head),
            FadeOut(stage.output_cards),
            FadeOut(stage.formula),
            run_time=0.6,
        )
        heads = stage.heads_subject
        self.play(
            *(FadeIn(VGroup(head.title, head.axes)) for head in heads),
            *(LaggedStart(*(FadeIn(row) for row in head.cells), lag_ratio=0.25) for head in heads),
            run_time=1.4,
        )
        self.play(*(FadeIn(head.outlines) for head in heads), run_time=0.4)

    def show_concat_and_mix(self):
        stage = self.stage
        concat, mixed = stage.concat_cards, stage.multi_head_cards
        self.play(
            *(
                ReplacementTransform(a.heatmap, b.heatmap)
                for a, b in zip(stage.heads_subject, stage.heads, strict=True)
            ),
            run_time=0.6,
        )
        self.play(
            *(FadeIn(VGroup(head.out, head.out_name)) for head in stage.heads), FadeIn(concat), run_time=0.4
        )
        self.play(Write(stage.concat_note), run_time=0.6)
        self.play(ReplacementTransform(concat, mixed), run_time=0.6)
