"""Phase 1, Intro: the title, then the five input tokens, each in its own hue."""

from __future__ import annotations

from manim import DOWN, FadeIn, LaggedStart, Write

from scenes import layout
from scenes.base import PhaseScene


class Intro(PhaseScene):
    slug = "intro"

    def storyboard(self):
        return [self.show_title, self.show_tokens]

    def show_title(self):
        self.play(Write(self.stage.title), run_time=1.2)

    def show_tokens(self):
        boxes = self.stage.tokens
        self.play(
            LaggedStart(*(FadeIn(box, shift=layout.ENTRY_SHIFT * DOWN) for box in boxes), lag_ratio=0.25),
            run_time=1.2,
        )
