"""The stage: every lasting mobject of the video, built from ``attention.example()`` in its layout place.

A phase starts from :meth:`Stage.picture_after` of the phase before it and must
end on its own picture, so clips join without a jump. Components are built
lazily (``functools.cached_property``): a scene pays only for what it shows.
Two Stage objects build identical mobjects, which is what makes the pictures
at phase boundaries the same in two separate renders.

Q, K and V come in two sizes: large while they are the subject (phase 2), then
as context (from phase 3), making room for the heatmap. So do the outputs:
large while they are the subject (phase 5), then as context (from phase 6),
making room for the formula. Before the outputs, the formula band names what
the heatmap holds: S = Q K^T as phase 3 ends, A = softmax(Q K^T / sqrt(d_k)) as
phase 4 ends. X has two sizes within phase 2: large where Q will be while it is
alone, then small under the panels while they fill. The two heads
have two sizes within phase 7: large while their weights are explained, then
small over the mixed outputs, which are large.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, Mobject, VGroup

import attention

from . import builders, layout, palette, screen_words

#: The scores, QK^T, and the weights, softmax(QK^T / sqrt(d_k)): the formula's right-hand side but its V.
SCORES_RHS = "QK^{T}"
SOFTMAX_TEX = rf"\mathrm{{softmax}}\left(\frac{{{SCORES_RHS}}}{{\sqrt{{d_k}}}}\right)"
#: Glyph slices of the formula's single MathTex (one LaTeX run), checked by the tests.
FORMULA_TEX = rf"\mathrm{{Attention}}(Q,K,V)={SOFTMAX_TEX}V"
FORMULA_GLYPHS = 35
FORMULA_PARTS = {
    "lhs": slice(0, 16),
    "softmax": slice(17, 25),  # the word and its opening parenthesis
    "close": slice(33, 34),
    "q": slice(25, 26),
    "k": slice(26, 28),  # K and its T
    "bar": slice(28, 29),
    "sqrt": slice(29, 33),
    "v": slice(34, 35),
}
#: The formula so far, in the formula band as phases 3 and 4 end: what the heatmap holds, in the
#: letters the pages use (S, the scores; A, the weights), coloured as the full formula colours them.
#: Each is named by one letter and "=", 2 glyphs, before the formula's own glyphs for it.
SCORES_TEX = f"S={SCORES_RHS}"
WEIGHTS_TEX = f"A={SOFTMAX_TEX}"


def _moved(parts: tuple[str, ...], first: str) -> dict[str, slice]:
    """The formula's glyph slices of ``parts``, moved so that part ``first`` starts after ``S=`` or ``A=``."""
    shift = 2 - FORMULA_PARTS[first].start
    return {
        part: slice(FORMULA_PARTS[part].start + shift, FORMULA_PARTS[part].stop + shift) for part in parts
    }


SCORES_PARTS = _moved(("q", "k"), first="q")
WEIGHTS_PARTS = _moved(("q", "k", "sqrt"), first="softmax")
#: The hue of each coloured part, in every formula.
PART_HUES = {"q": palette.QUERY, "k": palette.KEY, "v": palette.VALUE, "sqrt": palette.SCALE}


class Stage:
    """The lasting mobjects of the video, in place, built on first use."""

    def __init__(self) -> None:
        self.ex = attention.example()
        self.regions = layout.build_regions()
        self._region_of: dict[int, str] = {}

    def _placed(self, mobject, region: str):
        """Record which layout region ``mobject`` belongs to (see :meth:`region_of`)."""
        self._region_of[id(mobject)] = region
        return mobject

    def region_of(self, mobject) -> str:
        """The name of the layout region a lasting mobject was placed in."""
        return self._region_of[id(mobject)]

    # -- Title and tokens ---------------------------------------------------

    @cached_property
    def title(self):
        title = builders.build_title(screen_words.words()["title"])
        return self._placed(title.move_to(self.regions.title), "title")

    @cached_property
    def tokens(self) -> VGroup:
        return self._placed(builders.build_token_boxes(self.ex.tokens).move_to(self.regions.tokens), "tokens")

    # -- Q, K, V panels ------------------------------------------------------

    @cached_property
    def qkv_subject(self) -> builders.QKVBlock:
        """Q, K and V large, as phase 2 ends: across the middle band, rows as tall as it allows."""
        block = builders.QKVBlock(
            self.ex, layout.SUBJECT_COLUMN, layout.SUBJECT_SIZE, layout.LABEL_SIZE, layout.SUBJECT_PITCH
        )
        block.move_to(self.regions.middle).align_to(self.regions.middle, UP)  # centred: equal margins
        return self._placed(block, "middle")

    @cached_property
    def qkv(self) -> builders.QKVBlock:
        """Q, K and V as context (from phase 3) in the qkv region, their rows level with the heatmap's:
        the frames' tops as low as the heatmap's column labels, which top the middle band, need."""
        block = builders.QKVBlock(self.ex, layout.CONTEXT_COLUMN, layout.CONTEXT_SIZE, layout.CONTEXT_SIZE)
        block.move_to(self.regions.qkv, LEFT)
        column_labels = builders.build_column_labels(self.ex.tokens, layout.HEAT_CELL)
        frame_top = self.regions.middle.get_top()[1] - column_labels.height - layout.LABEL_BUFF
        block.shift((frame_top - block.q.frame.get_top()[1]) * UP)
        return self._placed(block, "qkv")

    @property
    def panels(self) -> tuple[builders.MatrixPanel, builders.MatrixPanel, builders.MatrixPanel]:
        return self.qkv.panels

    @cached_property
    def embeddings_subject(self) -> builders.EmbeddingBlock:
        """X large, where Q will be, under the large panels' token labels (phase 2, while X is alone)."""
        block = builders.EmbeddingBlock(
            self.ex, layout.SUBJECT_COLUMN, layout.SUBJECT_SIZE, layout.SUBJECT_PITCH, layout.NOTE_SIZE
        )
        block.shift(self.qkv_subject.labels.get_center() - block.labels.get_center())
        return self._placed(block, "middle")

    @cached_property
    def embeddings(self) -> builders.EmbeddingBlock:
        """X as context, under the large panels, while they fill (phase 2 only)."""
        block = builders.EmbeddingBlock(
            self.ex, layout.EMBEDDING_COLUMN, layout.CONTEXT_SIZE, layout.EMBEDDING_PITCH
        )
        block.move_to(self.regions.lower, UP).align_to(self.qkv_subject, LEFT)  # under the token labels
        return self._placed(block, "lower")

    # -- Heatmap -------------------------------------------------------------

    def _place_cells(self, cells: builders.HeatmapCells) -> builders.HeatmapCells:
        return cells.move_to(self._heat_anchor, UL)

    @cached_property
    def _heat_anchor(self) -> Mobject:
        """The heatmap grid's box: rows level with the panels' rows, the row sums' room at its right."""
        probe = builders.HeatmapCells(np.zeros((self.ex.n, self.ex.n)), 0, 1, numbers=False)
        probe.align_to(self.qkv.q.frame, UP)
        probe.align_to(self.regions.heatmap, RIGHT).shift(layout.SUMS_WIDTH * LEFT)
        return probe

    @cached_property
    def heatmap_axes(self) -> builders.HeatmapAxes:
        """Token labels on both axes: rows are queries, columns keys."""
        return self._placed(builders.HeatmapAxes(self.ex.tokens, self._heat_anchor), "heatmap")

    def _heatmap(self, values, low: float | None = None, **options) -> builders.HeatmapCells:
        """Cells of ``values`` in the heatmap's place, coloured from ``low`` (default: their minimum) to their maximum."""
        low = float(values.min()) if low is None else low
        cells = self._place_cells(builders.HeatmapCells(values, low, float(values.max()), **options))
        return self._placed(cells, "heatmap")

    @cached_property
    def blank_cells(self) -> VGroup:
        cells = self._place_cells(builders.HeatmapCells(self.ex.scores, 0, 1, numbers=False)).empty()
        return self._placed(cells, "heatmap")

    @cached_property
    def score_cells(self) -> builders.HeatmapCells:
        """Raw scores Q K^T, coloured from their minimum to their maximum."""
        return self._heatmap(self.ex.scores)

    @cached_property
    def plain_score_cells(self) -> builders.HeatmapCells:
        """Raw scores on neutral cells: the grid as it fills, before it becomes a heatmap."""
        return self._heatmap(self.ex.scores, colored=False)

    @cached_property
    def scaled_cells(self) -> builders.HeatmapCells:
        """Scores / sqrt(d_k): the same colours (a linear rescale), new numbers."""
        return self._heatmap(self.ex.scaled_scores)

    @cached_property
    def weight_cells(self) -> builders.HeatmapCells:
        """Softmax weights (the attention matrix A), coloured from 0 to the largest weight."""
        return self._heatmap(self.ex.weights, low=0.0)

    @cached_property
    def max_outlines(self) -> builders.MaxOutlines:
        return self._placed(builders.MaxOutlines(self.weight_cells), "heatmap")

    @cached_property
    def row_sums(self) -> VGroup:
        return self._placed(builders.build_row_sums(self.ex.weights, self.weight_cells), "heatmap")

    def _scale(self, low: float, high: float, caption: str) -> builders.ColourScale:
        scale = builders.ColourScale(low, high, caption, width=layout.HEAT_CELL * 3)
        scale.next_to(self._heat_anchor, DOWN, buff=layout.LABEL_BUFF).match_x(self._heat_anchor)
        return self._placed(scale, "heatmap")

    @cached_property
    def score_scale(self) -> builders.ColourScale:
        caption = screen_words.words()["score_scale"]
        return self._scale(float(self.ex.scores.min()), float(self.ex.scores.max()), caption)

    @cached_property
    def scaled_scale(self) -> builders.ColourScale:
        s = self.ex.scaled_scores
        return self._scale(float(s.min()), float(s.max()), screen_words.words()["scaled_scale"])

    @cached_property
    def weight_scale(self) -> builders.ColourScale:
        return self._scale(0.0, float(self.ex.weights.max()), screen_words.words()["weight_scale"])

    # -- Output, formula -------------------------------------------------------

    def _cards(self, values: np.ndarray) -> VGroup:
        cards = builders.build_output_cards(self.ex.tokens, values, self.regions.output)
        return self._placed(cards, "output")

    @cached_property
    def output_subject(self) -> VGroup:
        """The outputs A @ V as phase 5 ends: one large :class:`~scenes.builders.OutputCard` per token,
        two to a row, in the output and formula bands (the formula comes in phase 6)."""
        cards = builders.build_output_cards(
            self.ex.tokens,
            self.ex.output,
            self.regions.lower,
            layout.SUBJECT_SIZE,
            layout.SUBJECT_CARDS_PER_ROW,
        )
        return self._placed(cards, "lower")

    @cached_property
    def output_cards(self) -> VGroup:
        """The outputs as context, from phase 6: three cards to a row in the output band."""
        return self._cards(self.ex.output)

    def _formula_band(self, tex: str, parts: dict[str, slice]):
        """``tex`` at formula size, its named ``parts`` in their hues, centred in the formula band."""
        formula = builders.build_math(tex, palette.TEXT, layout.FORMULA_SIZE)
        for part, glyphs in parts.items():
            formula[0][glyphs].set_color(builders.color(PART_HUES[part]))
        return self._placed(formula.move_to(self.regions.formula), "formula")

    @cached_property
    def score_formula(self):
        """``S = QK^T`` as phase 3 ends, under the scores it names."""
        return self._formula_band(SCORES_TEX, SCORES_PARTS)

    @cached_property
    def weight_formula(self):
        """``A = softmax(QK^T / sqrt(d_k))`` as phase 4 ends, under the weights it names."""
        return self._formula_band(WEIGHTS_TEX, WEIGHTS_PARTS)

    @cached_property
    def formula(self):
        return self._formula_band(FORMULA_TEX, {part: FORMULA_PARTS[part] for part in PART_HUES})

    def formula_part(self, name: str) -> VGroup:
        """The glyphs of one named part of the formula (see ``FORMULA_PARTS``)."""
        return self.formula[0][FORMULA_PARTS[name]]

    # -- Multi-head note ----------------------------------------------------------

    def _build_heads(self, size: layout.HeadSize, with_outputs: bool) -> VGroup:
        """One :class:`~scenes.builders.HeadPanel` per head at ``size``, side by side, on one colour
        scale (the largest weight of either head); with its output if asked."""
        high = float(self.ex.head_weights.max())
        heads = VGroup(
            *(
                builders.HeadPanel(
                    h + 1,
                    self.ex.tokens,
                    self.ex.head_weights[h],
                    high,
                    size,
                    output=self.ex.head_outputs[h] if with_outputs else None,
                )
                for h in range(self.ex.n_heads)
            )
        )
        return heads.arrange(RIGHT, buff=layout.HEAD_BUFF, aligned_edge=UP)

    @cached_property
    def heads_subject(self) -> VGroup:
        """The :class:`~scenes.builders.HeadPanel` s as phase 7 opens, side by side, alone in the middle
        and output bands: each head's weights as large as the single head's were (its outputs come
        later, as context)."""
        heads = self._build_heads(layout.SUBJECT_HEAD, with_outputs=False)
        return self._placed(heads.move_to(self.regions.upper), "upper")

    @cached_property
    def _multi_head_block(self) -> tuple[VGroup, VGroup]:
        """The heads as context over the mixed outputs (the subject), centred together in the middle
        and output bands; the mixing formula in the formula band."""
        heads = self._build_heads(layout.CONTEXT_HEAD, with_outputs=True)
        cards = builders.build_output_cards(
            self.ex.tokens,
            self.ex.multi_head_output,
            self.regions.upper,
            layout.SUBJECT_SIZE,
            layout.SUBJECT_CARDS_PER_ROW,
        )
        VGroup(heads, cards).arrange(DOWN, buff=layout.GROUP_BUFF).move_to(self.regions.upper)
        return self._placed(heads, "upper"), self._placed(cards, "upper")

    @property
    def heads(self) -> VGroup:
        """The :class:`~scenes.builders.HeadPanel` s as phase 7 ends: small, each with its output."""
        return self._multi_head_block[0]

    @cached_property
    def concat_note(self) -> VGroup:
        """``concat(h_1, h_2) W_O`` and what it does: the formula of phase 7, in the formula band."""
        math = builders.build_math(r"\mathrm{concat}(h_1, h_2)\,W_O", palette.TEXT, layout.FORMULA_SIZE)
        note = builders.build_note(
            screen_words.words()["concat_note"].format(heads=self.ex.n_heads, width=self.ex.d_model)
        )
        block = VGroup(math, note).arrange(RIGHT, buff=layout.TOKEN_BUFF).move_to(self.regions.formula)
        return self._placed(block, "formula")

    @cached_property
    def concat_cards(self) -> VGroup:
        """The output cards holding the heads' outputs side by side (before W_O), where the mixed
        outputs will stand."""
        values = np.concatenate(list(self.ex.head_outputs), axis=-1)
        cards = builders.build_output_cards(
            self.ex.tokens, values, self.regions.upper, layout.SUBJECT_SIZE, layout.SUBJECT_CARDS_PER_ROW
        )
        for card, mixed in zip(cards, self.multi_head_cards, strict=True):
            card.move_to(mixed)
        return self._placed(cards, "upper")

    @property
    def multi_head_cards(self) -> VGroup:
        """The mixed outputs as phase 7 ends: its subject, two cards to a row under the heads."""
        return self._multi_head_block[1]

    # -- Outro ------------------------------------------------------------------

    @property
    def summary_steps(self) -> list[tuple[str, str, str]]:
        """The outro's four steps: (head, rest, the head's hue), in the screen's language."""
        hues = (palette.QUERY, palette.KEY, palette.SCALE, palette.VALUE)
        steps = screen_words.words()["summary"]  # (head, rest) for each step
        return [(head, rest, hue) for (head, rest), hue in zip(steps, hues, strict=True)]

    @cached_property
    def summary(self) -> VGroup:
        """The four steps, one line each, in the roles' colours."""
        lines = VGroup(
            *(
                builders.make_rich_text(f"{head}    {rest}", layout.SUMMARY_SIZE, palette.TEXT, {head: hue})
                for head, rest, hue in self.summary_steps
            )
        )
        lines.arrange(DOWN, buff=layout.SUMMARY_BUFF, aligned_edge=LEFT).move_to(self.regions.middle)
        return self._placed(lines, "middle")

    # -- Pictures at phase boundaries -------------------------------------------

    def picture_after(self, number: int) -> list[Mobject]:
        """The mobjects on screen when phase ``number`` ends (0: the empty frame before the intro)."""

        def scores() -> list[Mobject]:
            return [*pictures[1](), self.qkv, self.heatmap_axes, self.score_cells, self.score_scale]

        def weights() -> list[Mobject]:
            heatmap = [
                self.heatmap_axes,
                self.weight_cells,
                self.weight_scale,
                self.row_sums,
                self.max_outlines,
            ]
            return [*pictures[1](), self.qkv, *heatmap]

        pictures: dict[int, Callable[[], list[Mobject]]] = {
            0: lambda: [],
            1: lambda: [self.title, self.tokens],
            2: lambda: [*pictures[1](), self.qkv_subject],
            3: lambda: [*scores(), self.score_formula],
            4: lambda: [*weights(), self.weight_formula],
            5: lambda: [*weights(), self.output_subject],
            6: lambda: [*weights(), self.output_cards, self.formula],
            7: lambda: [*pictures[1](), self.heads, self.multi_head_cards, self.concat_note],
            8: lambda: [*pictures[1](), self.summary, self.formula],
        }
        if number not in pictures:
            raise ValueError(f"no picture after phase {number}; phases are 0 (before the intro) to 8.")
        return pictures[number]()
