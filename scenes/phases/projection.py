"""Phase 2, Q K V Projection: the embeddings X, multiplied by W_Q, W_K, W_V, become Q, K and V.

X comes first, alone and large, where Q will be. It then moves under the panels
at context size and is outlined while the panels' frames appear; the panels fill
row by row and X fades, so no number is drawn over another.
"""

from __future__ import annotations

from manim import Create, FadeIn, FadeOut, LaggedStart, ReplacementTransform, VGroup, Write

from scenes import builders, layout, palette
from scenes.base import PhaseScene


class QKVProjection(PhaseScene):
    slug = "qkv-projection"

    def storyboard(self):
        return [self.show_embeddings, self.show_weight_matrices, self.show_projections]

    def show_embeddings(self):
        x = self.stage.embeddings_subject
        self.play(FadeIn(x.header), FadeIn(x.features), FadeIn(self.stage.qkv_subject.labels), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(row) for row in x.grid.rows), lag_ratio=0.3), run_time=1.0)

    def show_weight_matrices(self):
        qkv, large, small = self.stage.qkv_subject, self.stage.embeddings_subject, self.stage.embeddings
        self.play(
            ReplacementTransform(large.grid, small.grid),
            ReplacementTransform(large.features, small.features),
            FadeOut(large.header),  # the corner's X fades rather than crossing the token labels
            FadeIn(small.header),
            FadeIn(small.labels),  # the large labels stay, for Q, K and V
            run_time=0.8,
        )
        # an inner buffer keeps the outline clear of the first and last columns' digits
        self.x_box = builders.surround(small.grid, palette.EMBEDDING, buff=layout.INNER_BUFF)
        self.play(
            Create(self.x_box),
            *(Create(panel.frame) for panel in qkv.panels),
            *(Write(panel.header) for panel in qkv.panels),
            run_time=1.2,
        )

    def show_projections(self):
        qkv = self.stage.qkv_subject
        self.play(
            LaggedStart(
                *(
                    FadeIn(VGroup(*(panel.grid.rows[i] for panel in qkv.panels)))
                    for i in range(self.stage.ex.n)
                ),
                lag_ratio=0.3,
            ),
            run_time=1.6,
        )
        self.play(FadeOut(self.stage.embeddings), FadeOut(self.x_box), run_time=0.8)
