"""Phase 2, Q K V Projection: the embeddings X, multiplied by W_Q, W_K, W_V, become Q, K and V."""

from __future__ import annotations

from manim import Create, FadeIn, FadeOut, LaggedStart, ReplacementTransform, Write

from scenes.base import PhaseScene


class QKVProjection(PhaseScene):
    slug = "qkv-projection"

    def storyboard(self):
        return [self.show_embeddings, self.show_weight_matrices, self.show_projections]

    def show_embeddings(self):
        x = self.stage.embeddings
        self.play(FadeIn(x.header), FadeIn(x[2]), FadeIn(x.labels), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(row) for row in x.grid), lag_ratio=0.3), run_time=1.0)

    def show_weight_matrices(self):
        qkv = self.stage.qkv
        self.play(
            FadeIn(qkv.labels),
            *(Create(panel.frame) for panel in self.stage.panels),
            *(Write(panel.header) for panel in self.stage.panels),
            run_time=1.2,
        )
        self.copies = [self.stage.embeddings.grid.copy() for _ in self.stage.panels]
        self.play(
            *(
                copy.animate.stretch_to_fit_width(panel.grid.width).move_to(panel.grid)
                for copy, panel in zip(self.copies, self.stage.panels, strict=True)
            ),
            run_time=1.2,
        )

    def show_projections(self):
        self.play(
            *(
                ReplacementTransform(copy, panel.grid)
                for copy, panel in zip(self.copies, self.stage.panels, strict=True)
            ),
            FadeOut(self.stage.embeddings),
            run_time=1.4,
        )
