"""Phase 4, Scale & Softmax: scores divided by sqrt(d_k), then softmax row by row.

The note says why the division, and on which assumption: if q and k have independent
entries of mean 0 and variance 1, q · k has variance d_k, and the division brings it
back to 1, keeping softmax away from saturation, where its gradients become extremely small
(the paper's words; the toy's own scaled scores need not have variance 1). Each row of A then sums
to 1.00 and its largest weight is outlined. The note takes the output and formula bands, so phase 3's
S = Q K^T leaves before it comes, and A = softmax(Q K^T / sqrt(d_k)) takes its place once it goes.
"""

from __future__ import annotations

import math

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ReplacementTransform,
    Succession,
    VGroup,
)

from scenes import builders, layout, palette, screen_words
from scenes.base import PhaseScene


class ScaleSoftmax(PhaseScene):
    slug = "scale-softmax"

    def storyboard(self):
        return [self.show_scaling, self.show_softmax_rows, self.show_row_maxima]

    def show_scaling(self):
        stage = self.stage
        self.note = self.build_scaling_note()
        self.play(FadeOut(stage.score_formula), run_time=0.3)
        self.play(FadeIn(self.note, shift=layout.ENTRY_SHIFT * DOWN), run_time=0.5)
        self.play(
            *self.replace_cells(stage.score_cells, stage.scaled_cells),
            ReplacementTransform(stage.score_scale, stage.scaled_scale),
            run_time=1.0,
        )

    def show_softmax_rows(self):
        stage = self.stage
        self.play(
            LaggedStart(
                *(
                    LaggedStart(
                        *self.replace_cells(stage.scaled_cells, stage.weight_cells, row=i),
                        FadeIn(stage.row_sums[i]),
                        lag_ratio=0,
                    )
                    for i in range(stage.ex.n)
                ),
                lag_ratio=0.35,
            ),
            ReplacementTransform(stage.scaled_scale, stage.weight_scale),
            run_time=1.8,
        )

    def show_row_maxima(self):
        self.play(
            LaggedStart(*(Create(outline) for outline in self.stage.max_outlines), lag_ratio=0.25),
            # one after the other: the note and the formula share the formula band
            Succession(FadeOut(self.note, run_time=0.5), FadeIn(self.stage.weight_formula, run_time=0.7)),
            run_time=1.4,
        )

    # -- Helpers -------------------------------------------------------------------

    @staticmethod
    def replace_cells(old, new, row: int | None = None) -> list:
        rows = range(len(old)) if row is None else [row]
        return [ReplacementTransform(old[i][j], new[i][j]) for i in rows for j in range(len(old[i]))]

    def build_scaling_note(self) -> VGroup:
        """``÷ √d_k`` with d_k's value, and the reason with the assumption it rests on, under the grids."""
        d_k = self.stage.ex.d_k
        divide = builders.build_math(r"\div \sqrt{d_k}", palette.SCALE, layout.HEADER_SIZE)
        said = screen_words.words()
        value = VGroup(
            builders.build_note(said["scaling_lead"].format(d_k=d_k), palette.TEXT),
            builders.build_number(math.sqrt(d_k), layout.NOTE_SIZE, palette.SCALE, digits=0),
        ).arrange(RIGHT, buff=layout.TERM_BUFF)
        first = VGroup(divide, value).arrange(RIGHT, buff=layout.GROUP_BUFF)
        reason = VGroup(*(builders.build_note(line) for line in said["scaling_why"])).arrange(
            DOWN, buff=layout.WORD_BUFF * 2, aligned_edge=LEFT
        )
        note = VGroup(first, reason).arrange(DOWN, buff=layout.LABEL_BUFF)
        regions = self.stage.regions
        return note.move_to(VGroup(regions.output, regions.formula))
