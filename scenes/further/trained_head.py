"""A Trained Head (standalone clip): one held-out sequence, then a previous-token head, then an induction head.

Storyboard, from the registry's cues:

1. The sequence appears under the title, its run and the repeat underlined.
2. Layer 0's previous-token head fills a heatmap; each row's largest weight is outlined.
3. The heatmap becomes layer 1's induction head; the outlines move to the stripe
   just after each token's earlier occurrence.
4. One row is followed: the token at the repeat's start, the key it looks at, and
   the token the model predicts.

Every number is the shipped tiny model's (:mod:`attention.tiny_model`) on the sequence
the page "A trained head" shows (:func:`attention.head_scores.shown_sequence`); the heads
are the ones whose scores give them their roles. The heatmap covers the positions up to
the end of the repeat, where the two heads do their work.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    ReplacementTransform,
    VGroup,
)

from attention.head_scores import HeadScores, head_name, head_scores, held_out, shown_sequence
from attention.induction_task import token_label
from attention.tiny_model import load, run
from scenes import builders, layout, palette, screen_words
from scenes.base import StandaloneScene

CELL = 0.29  #: a heatmap cell's side (26 px in the 720p frame)
AXIS_SIZE = 20  #: the heatmap's row and column letters
SEQUENCE_SIZE = 26  #: the sequence's letters under the title
SEQUENCE_PITCH = 0.5  #: distance between the sequence's letters
PANEL_LEFT = -0.4  #: x of the explanation panel's left edge; the heatmap ends GAP left of it
GAP = 0.6


class TrainedHeadFacts:
    """What the clip shows, computed from the package once per render."""

    def __init__(self) -> None:
        model = load()
        runs = shown_sequence()
        self.tokens = [int(t) for t in runs.tokens[0]]
        self.first, self.length = int(runs.first[0]), int(runs.length[0])
        self.second = self.first + self.length
        self.shown = self.second + self.length  # positions 0 .. end of the repeat
        out = run(model, runs.tokens)
        scores = head_scores(model, held_out())
        self.previous: HeadScores = max((s for s in scores if s.layer == 0), key=lambda s: s.previous_token)
        self.induction: HeadScores = max((s for s in scores if s.layer == 1), key=lambda s: s.induction)
        n = self.shown
        self.previous_weights = out.attention[0][0, self.previous.head, :n, :n]
        self.induction_weights = out.attention[1][0, self.induction.head, :n, :n]
        self.query = self.second  # the repeat's first position: the row the last cue follows
        self.key = self.query - self.length + 1
        self.prediction = int(out.logits[0, self.query].argmax())


class TrainedHead(StandaloneScene):
    slug = "trained-head"

    def storyboard(self):
        return [
            self.show_sequence,
            self.show_previous_token_head,
            self.show_induction_head,
            self.follow_one_row,
        ]

    @cached_property
    def facts(self) -> TrainedHeadFacts:
        return TrainedHeadFacts()

    # -- Cues -------------------------------------------------------------------------

    def show_sequence(self):
        self.play(FadeIn(self.title, shift=layout.ENTRY_SHIFT * DOWN), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(letter) for letter in self.sequence), lag_ratio=0.04), run_time=1.2)
        self.play(Create(self.sequence_spans), run_time=0.6)

    def show_previous_token_head(self):
        cells = self.previous_cells
        self.play(
            FadeIn(self.axes),
            FadeIn(self.heatmap_spans),
            FadeIn(self.scale),
            FadeIn(self.span_legend),
            run_time=0.6,
        )
        self.play(LaggedStart(*(FadeIn(row) for row in cells), lag_ratio=0.08), run_time=1.4)
        self.play(FadeIn(self.previous_panel, shift=layout.ENTRY_SHIFT * LEFT), run_time=0.5)
        self.play(LaggedStart(*(Create(o) for o in self.previous_outlines), lag_ratio=0.05), run_time=1.0)

    def show_induction_head(self):
        old, new = self.previous_cells, self.induction_cells
        self.play(
            FadeOut(self.previous_outlines),
            FadeOut(self.previous_panel),
            *(ReplacementTransform(old[i][j], new[i][j]) for i in range(len(old)) for j in range(i + 1)),
            run_time=1.4,
        )
        self.play(FadeIn(self.induction_panel, shift=layout.ENTRY_SHIFT * LEFT), run_time=0.5)
        self.play(LaggedStart(*(Create(o) for o in self.induction_outlines), lag_ratio=0.05), run_time=1.2)

    def follow_one_row(self):
        facts = self.facts
        row = builders.surround(VGroup(*self.induction_cells[facts.query][: facts.query + 1]), palette.QUERY)
        marks = VGroup(
            builders.surround(self.sequence[facts.query], palette.QUERY),
            builders.surround(self.sequence[facts.key], palette.KEY),
            builders.surround(self.sequence[facts.query + 1], palette.VALUE),
        )
        self.play(Create(row), Create(marks[0]), run_time=0.6)
        self.play(Create(marks[1]), FadeIn(self.worked_row[:2]), run_time=0.8)
        self.play(Create(marks[2]), FadeIn(self.worked_row[2]), run_time=0.6)

    # -- The picture --------------------------------------------------------------------

    @cached_property
    def title(self):
        return builders.build_title(screen_words.words()["th_title"]).move_to(self.stage.regions.title)

    @cached_property
    def sequence(self) -> VGroup:
        """The 25 tokens as letters, evenly spaced under the title (``<s>`` smaller, it is three glyphs)."""
        letters = VGroup()
        for position, token in enumerate(self.facts.tokens):
            label = token_label(token)
            size = SEQUENCE_SIZE if len(label) == 1 else SEQUENCE_SIZE * 0.62
            letter = builders.make_text(label, layout.MONO, size, palette.TEXT)
            letters.add(letter.move_to(position * SEQUENCE_PITCH * RIGHT))
        return letters.move_to(self.stage.regions.tokens)

    def _span_line(self, group, hue: str, offset) -> Line:
        return Line(
            group.get_corner(offset + LEFT),
            group.get_corner(offset + RIGHT),
            color=builders.color(hue),
            stroke_width=5,
        )

    @cached_property
    def sequence_spans(self) -> VGroup:
        facts = self.facts
        first = VGroup(*self.sequence[facts.first : facts.second])
        repeat = VGroup(*self.sequence[facts.second : facts.shown])
        under = 0.12 * DOWN
        return VGroup(
            self._span_line(first, palette.MUTED, DOWN).shift(under),
            self._span_line(repeat, palette.KEY, DOWN).shift(under),
        )

    @cached_property
    def span_legend(self) -> VGroup:
        """What the underlines and the heatmap's edge bars mean: the run (muted) and its repeat (key colour)."""
        items = VGroup()
        said = screen_words.words()
        for name, hue in ((said["th_run"], palette.MUTED), (said["th_repeat"], palette.KEY)):
            line = Line(ORIGIN, 0.4 * RIGHT, color=builders.color(hue), stroke_width=5)
            items.add(VGroup(line, builders.build_note(name, hue)).arrange(RIGHT, buff=0.1))
        items.arrange(RIGHT, buff=0.4)
        return items.next_to(self.scale, UP, aligned_edge=LEFT, buff=0.3)

    def _cells(self, weights: np.ndarray) -> builders.HeatmapCells:
        cells = builders.HeatmapCells(weights, 0.0, 1.0, width=CELL, height=CELL, numbers=False)
        for i, row in enumerate(cells):
            for j in range(i + 1, len(row)):  # the causal mask: nothing above the diagonal
                row[j].square.set_fill(builders.color(palette.BACKGROUND)).set_stroke(width=0)
        top = self.stage.regions.tokens.get_bottom()[1] - 0.5
        return cells.move_to(RIGHT * (PANEL_LEFT - GAP), aligned_edge=RIGHT).align_to(top * UP, UP)

    @cached_property
    def previous_cells(self) -> builders.HeatmapCells:
        return self._cells(self.facts.previous_weights)

    @cached_property
    def induction_cells(self) -> builders.HeatmapCells:
        return self._cells(self.facts.induction_weights)

    @cached_property
    def previous_outlines(self) -> builders.MaxOutlines:
        return builders.MaxOutlines(self.previous_cells)

    @cached_property
    def induction_outlines(self) -> builders.MaxOutlines:
        return builders.MaxOutlines(self.induction_cells)

    @cached_property
    def axes(self) -> VGroup:
        """The letters of the shown positions down the rows (queries) and across the columns (keys)."""
        cells = self.previous_cells
        rows, columns = VGroup(), VGroup()
        for position in range(self.facts.shown):
            label = token_label(self.facts.tokens[position])
            size = AXIS_SIZE if len(label) == 1 else AXIS_SIZE * 0.62
            rows.add(
                builders.make_text(label, layout.MONO, size, palette.MUTED).next_to(
                    cells[position][0], LEFT, buff=0.1
                )
            )
            columns.add(
                builders.make_text(label, layout.MONO, size, palette.MUTED).next_to(
                    cells[-1][position], UP, buff=0
                )
            )
        for label, cell in zip(columns, cells[0], strict=True):
            label.set_y(cells.get_top()[1] + 0.08 + label.height / 2).set_x(cell.get_x())
        return VGroup(rows, columns)

    @cached_property
    def heatmap_spans(self) -> VGroup:
        """Bars along the left and top edges: the first copy (muted) and the repeat (key colour)."""
        cells, facts = self.previous_cells, self.facts
        bars = VGroup()
        for start, end, hue in (
            (facts.first, facts.second, palette.MUTED),
            (facts.second, facts.shown, palette.KEY),
        ):
            top, bottom = cells[start][0].get_top()[1], cells[end - 1][0].get_bottom()[1]
            x = self.axes[0].get_left()[0] - 0.08
            bars.add(Line([x, top, 0], [x, bottom, 0], color=builders.color(hue), stroke_width=5))
            left, right = cells[0][start].get_left()[0], cells[0][end - 1].get_right()[0]
            y = self.axes[1].get_top()[1] + 0.08
            bars.add(Line([left, y, 0], [right, y, 0], color=builders.color(hue), stroke_width=5))
        return bars

    @cached_property
    def scale(self) -> builders.ColourScale:
        scale = builders.ColourScale(0.0, 1.0, screen_words.words()["th_scale"], width=3.0)
        return scale.move_to(RIGHT * PANEL_LEFT, aligned_edge=LEFT).align_to(self.previous_cells, DOWN)

    def _panel(self, head: HeadScores, kind: str, score: float) -> VGroup:
        """A head's panel: its name and role, where it sits, its score and two lines on what it does.

        ``kind`` is ``previous`` or ``induction``: it picks the panel's words in ``screen_words``.
        """
        said = screen_words.words()
        role = said["th_role"].format(name=head_name(head.layer, head.head), role=said[f"th_{kind}_role"])
        name = builders.build_label(role, palette.TEXT, layout.HEADER_SIZE)
        where = builders.build_note(said["th_where"].format(layer=head.layer, head=head.head))
        lines = said[f"th_{kind}_notes"]
        value = VGroup(
            builders.build_note(said[f"th_{kind}_score"], palette.TEXT),
            builders.build_number(score, layout.CARD_SIZE, palette.HIGHLIGHT),
        ).arrange(RIGHT, buff=layout.TERM_BUFF)
        notes = VGroup(*(builders.build_note(line) for line in lines)).arrange(
            DOWN, aligned_edge=LEFT, buff=0.08
        )
        panel = VGroup(name, where, value, notes).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        return panel.move_to(RIGHT * PANEL_LEFT, aligned_edge=LEFT).align_to(self.previous_cells, UP)

    @cached_property
    def previous_panel(self) -> VGroup:
        head = self.facts.previous
        return self._panel(head, "previous", head.previous_token)

    @cached_property
    def induction_panel(self) -> VGroup:
        head = self.facts.induction
        return self._panel(head, "induction", head.induction)

    @cached_property
    def worked_row(self) -> VGroup:
        """Three short lines under the induction panel: where row ``query`` looks and what comes next."""
        facts = self.facts
        query, key = token_label(facts.tokens[facts.query]), token_label(facts.tokens[facts.key])
        predicted, actual = token_label(facts.prediction), token_label(facts.tokens[facts.query + 1])
        said = screen_words.words()
        verdict = said["th_correct"] if predicted == actual else said["th_wrong"].format(actual=actual)
        lines = VGroup(
            builders.build_note(said["th_at"].format(position=facts.query, token=query), palette.QUERY),
            builders.build_note(
                said["th_looks"].format(position=facts.key, key=key, token=query), palette.KEY
            ),
            builders.build_note(
                said["th_predicts"].format(predicted=predicted, verdict=verdict), palette.VALUE
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        return lines.next_to(self.induction_panel, DOWN, aligned_edge=LEFT, buff=0.35)
