"""Phase 8, Outro: the four steps in one list, under the formula's reminder (back from phase 6)."""

from __future__ import annotations

from manim import DOWN, FadeIn, FadeOut, LaggedStart

from scenes import layout
from scenes.base import PhaseScene


class Outro(PhaseScene):
    slug = "outro"

    def storyboard(self):
        return [self.show_summary]

    def show_summary(self):
        stage = self.stage
        self.play(
            FadeOut(stage.heads),
            FadeOut(stage.multi_head_cards),
            FadeOut(stage.concat_note),
            run_time=0.6,
        )
        self.play(
            FadeIn(stage.formula),
            LaggedStart(
                *(FadeIn(line, shift=layout.ENTRY_SHIFT * DOWN) for line in stage.summary), lag_ratio=0.35
            ),
            run_time=2.2,
        )
