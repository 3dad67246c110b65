"""Builders and typed scene parts: each returns a mobject drawn from numbers it is given.

Every number drawn comes from :func:`build_number`: a ``Text`` that keeps the float it
shows in ``.value`` (and its decimals in ``.digits``), so tests can walk a scene and
compare with ``attention``. The parts of the picture are small ``VGroup`` classes with
named children (``MatrixPanel.grid``, ``HeatmapCell.number``, ``OutputCard.values``),
so a scene never reaches into a group by index. Sizes, fonts and buffers come from
``layout``, colours from ``palette``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    ManimColor,
    MathTex,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    Text,
    VGroup,
    interpolate_color,
)

from . import layout, palette, screen_words
from .formats import format_number, row_maximum


def color(hex_string: str) -> ManimColor:
    """A palette hex string as a ManimColor."""
    return ManimColor(hex_string)


def lighten(mobject):
    """Drop each glyph's parsed SVG path (``path_obj``), used only while building its points.

    manim copies mobjects for every Transform; deep-copying those svgelements
    objects made a copy of one number cost ~6 ms instead of ~0.6 ms.
    """
    for part in mobject.get_family():
        if hasattr(part, "path_obj"):
            part.path_obj = None
    return mobject


def token_color(index: int) -> ManimColor:
    """The hue of token ``index``, used for its box and its labels everywhere."""
    return color(palette.TOKEN_HUES[index % len(palette.TOKEN_HUES)])


def viridis(t: float) -> ManimColor:
    """Viridis at ``t`` in [0, 1], interpolated linearly between the palette's anchor stops."""
    stops = palette.VIRIDIS
    position = float(np.clip(t, 0.0, 1.0)) * (len(stops) - 1)
    low = min(int(position), len(stops) - 2)
    return interpolate_color(color(stops[low]), color(stops[low + 1]), position - low)


# -- Contrast (WCAG 2) -----------------------------------------------------------


def contrast_ratio(a: ManimColor | str, b: ManimColor | str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21 (:func:`scenes.palette.contrast_ratio` on their hex).

    >>> round(contrast_ratio(color("#000000"), "#FFFFFF"), 1)
    21.0
    """
    return palette.contrast_ratio(*(c if isinstance(c, str) else c.to_hex() for c in (a, b)))


def ink_for(fill: ManimColor) -> ManimColor:
    """The ink, dark or light, with the higher contrast against ``fill`` (:func:`scenes.palette.ink_on`)."""
    return color(palette.ink_on(fill.to_hex()))


# -- Text -------------------------------------------------------------------------


class MissingFont(RuntimeError):
    """A font the clips name is not installed (Pango would silently draw another, or boxes)."""


@functools.cache
def require_font(family: str) -> str:
    """``family``, if Pango can find it; otherwise :class:`MissingFont` naming the package that has it."""
    import manimpango

    if family not in manimpango.list_fonts():
        raise MissingFont(
            f"the font {family!r} is not installed, and Pango would draw the clip's Chinese in another font "
            "or as boxes. Install Debian's fonts-noto-cjk (`nox -s docs` does it as root), then render again."
        )
    return family


def font_for(text: str, font: str) -> str:
    """The font to set ``text`` in: the sans ``font`` unless the text holds Chinese (then the CJK font)."""
    if font == layout.FONT and screen_words.has_chinese(text):
        return require_font(layout.CJK_FONT)
    return font


@functools.lru_cache(maxsize=2048)
def _prototype(text: str, font: str, size: float, weight: str) -> Text:
    font = font_for(text, font)
    return lighten(Text(text, font=font, font_size=size, weight=weight, color=color(palette.TEXT)))


def make_text(text: str, font: str, size: float, hue: ManimColor | str, weight: str = "NORMAL") -> Text:
    """A ``Text``, copied from a cached prototype: Pango and SVG parsing run once per distinct string."""
    return (
        _prototype(text, font, float(size), weight)
        .copy()
        .set_color(color(hue) if isinstance(hue, str) else hue)
    )


@functools.lru_cache(maxsize=256)
def _rich_prototype(text: str, font: str, size: float, hue: str, spans: tuple[tuple[str, str], ...]) -> Text:
    t2c = {part: color(span_hue) for part, span_hue in spans}
    return lighten(Text(text, font=font_for(text, font), font_size=size, color=color(hue), t2c=t2c))


def make_rich_text(text: str, size: float, hue: str, spans: dict[str, ManimColor | str]) -> Text:
    """A sans ``Text`` whose substrings ``spans`` take their own colours (cached like :func:`make_text`)."""
    items = tuple((part, c if isinstance(c, str) else c.to_hex()) for part, c in spans.items())
    return _rich_prototype(text, layout.FONT, float(size), hue, items).copy()


def build_number(
    value: float, font_size: float = layout.SUBJECT_SIZE, fill: str = palette.TEXT, digits: int = 2
) -> Text:
    """A number on screen: mono ``Text`` of :func:`format_number` that remembers ``.value`` and ``.digits``."""
    number = make_text(format_number(value, digits), layout.MONO, font_size, fill)
    number.value, number.digits = float(value), digits
    return number


DESCENDERS = frozenset("gjpqyQ,;()[]{}|@")  #: Latin glyphs that reach below the baseline


def baseline(text: Text) -> float:
    """Where ``text``'s baseline is: the lowest bottom of its glyphs that do not descend.

    ``Text`` keeps one glyph per non-space character; a word of descenders only ("gy"), or text
    whose glyphs do not match its characters, falls back to its bottom.
    """
    characters = [c for c in text.text if not c.isspace()]
    if len(characters) != len(text.submobjects):
        return float(text.get_bottom()[1])
    glyphs = zip(characters, text.submobjects, strict=True)
    bottoms = [g.get_bottom()[1] for c, g in glyphs if c not in DESCENDERS]
    return float(min(bottoms)) if bottoms else float(text.get_bottom()[1])


def sit_on_baseline(text: Text, center, size: float) -> Text:
    """Place ``text`` so its baseline sits where a capitalised word centred at ``center`` would.

    Centring by bounding box lifts words without ascenders ("on") and words with descenders ("place").
    """
    cap = _prototype("Th", layout.FONT, float(size), "NORMAL").height
    text.shift((center[1] - cap / 2 - baseline(text)) * UP)
    return text


def build_label(text: str, hue: ManimColor | str = palette.TEXT, size: float = layout.LABEL_SIZE) -> Text:
    """A short text label in the sans font."""
    return make_text(text, layout.FONT, size, hue)


def build_note(text: str, hue: str = palette.MUTED, size: float = layout.NOTE_SIZE) -> Text:
    """A line of explanation (working, annotations)."""
    return build_label(text, hue, size)


def build_title(text: str) -> Text:
    return make_text(text, layout.FONT, layout.TITLE_SIZE, palette.TEXT, weight="BOLD")


def build_math(tex: str, hue: str = palette.TEXT, size: float = layout.HEADER_SIZE) -> MathTex:
    """A short MathTex (each distinct string costs one LaTeX run: keep them few)."""
    return _math_prototype(tex, float(size)).copy().set_color(color(hue))


@functools.lru_cache(maxsize=64)
def _math_prototype(tex: str, size: float) -> MathTex:
    return lighten(MathTex(tex, font_size=size, color=color(palette.TEXT)))


def surround(
    mobject, hue: str, buff: float = layout.HIGHLIGHT_BUFF, width: float = 3
) -> SurroundingRectangle:
    """A highlight rectangle around ``mobject`` in a palette colour."""
    return SurroundingRectangle(mobject, color=color(hue), buff=buff, stroke_width=width)


# -- Tokens ---------------------------------------------------------------------------


class TokenBox(VGroup):
    """One input token: a rounded ``frame`` in the token's hue around its ``word``."""

    def __init__(self, token: str, index: int):
        super().__init__()
        hue = token_color(index)
        self.token, self.index = token, index
        self.word = make_text(token, layout.FONT, layout.TOKEN_SIZE, hue)
        self.frame = RoundedRectangle(
            corner_radius=0.08,
            width=max(1.1, self.word.width + 2 * layout.INNER_BUFF),
            height=self.word.height + 3 * layout.INNER_BUFF,
            stroke_color=hue,
            stroke_width=3,
            fill_color=hue,
            fill_opacity=0.12,
        )
        self.word.move_to(self.frame)
        sit_on_baseline(self.word, self.frame.get_center(), layout.TOKEN_SIZE)
        self.add(self.frame, self.word)


def build_token_boxes(tokens: Sequence[str]) -> VGroup:
    """One :class:`TokenBox` per token, side by side."""
    return VGroup(*(TokenBox(token, i) for i, token in enumerate(tokens))).arrange(
        RIGHT, buff=layout.TOKEN_BUFF
    )


class TokenLabels(VGroup):
    """Token names in their hues, stacked down rows (``down``) or side by side across columns."""

    def __init__(
        self, tokens: Sequence[str], pitch: float, size: float = layout.LABEL_SIZE, down: bool = True
    ):
        super().__init__()
        self.tokens = tuple(tokens)
        for i, token in enumerate(tokens):
            label = build_label(token, token_color(i), size)
            anchor = i * pitch * (DOWN if down else RIGHT)
            label.move_to(anchor, RIGHT if down else np.zeros(3))  # rows right-aligned, columns centred
            sit_on_baseline(label, anchor, size)
            self.add(label)


def build_row_labels(tokens: Sequence[str], pitch: float = layout.ROW_PITCH, size: float = layout.LABEL_SIZE):
    """Token names stacked with the matrix row pitch, right-aligned, each in its hue."""
    return TokenLabels(tokens, pitch, size, down=True)


def build_column_labels(tokens: Sequence[str], column: float, size: float = layout.LABEL_SIZE):
    """Token names side by side with the matrix column width, each in its hue."""
    return TokenLabels(tokens, column, size, down=False)


# -- Matrices ---------------------------------------------------------------------------


class NumberGrid(VGroup):
    """A matrix of numbers (:func:`build_number`) in fixed cells: ``rows[i][j]`` shows ``values[i, j]``."""

    def __init__(
        self,
        values: np.ndarray,
        column: float,
        pitch: float = layout.ROW_PITCH,
        font_size: float = layout.SUBJECT_SIZE,
        fill: str = palette.TEXT,
        digits: int = 2,
    ):
        super().__init__()
        self.values = np.array(values, dtype=float)
        self.column, self.pitch = column, pitch
        for i, row_values in enumerate(self.values):
            row = VGroup(*(build_number(v, font_size, fill, digits) for v in row_values))
            for j, number in enumerate(row):
                number.move_to(j * column * RIGHT + i * pitch * DOWN)
            self.add(row)

    @property
    def rows(self) -> list[VGroup]:
        return list(self.submobjects)

    def numbers(self) -> list[Text]:
        return [number for row in self.submobjects for number in row]


class MatrixPanel(VGroup):
    """A Q, K or V panel: a MathTex ``header`` over a ``frame`` holding a :class:`NumberGrid` ``grid``."""

    def __init__(
        self,
        header_tex: str,
        values: np.ndarray,
        hue: str,
        role: str,
        column: float,
        font_size: float,
        pitch: float = layout.ROW_PITCH,
        digits: int = layout.QKV_DECIMALS,
    ):
        super().__init__()
        self.role = role
        self.grid = NumberGrid(values, column=column, pitch=pitch, font_size=font_size, digits=digits)
        rows, columns = self.grid.values.shape
        self.frame = Rectangle(
            width=column * columns,
            height=self.grid.pitch * rows,
            stroke_color=color(hue),
            stroke_width=2,
            fill_color=color(palette.PANEL_FILL),
            fill_opacity=1,
        )
        corners = (self.grid[0][0].get_center(), self.grid[-1][-1].get_center())
        self.frame.move_to((corners[0] + corners[1]) / 2)  # centred on the cells, not on the digits' ink
        self.header = build_math(header_tex, hue, layout.HEADER_SIZE)
        self.header.next_to(self.frame, UP, buff=layout.LABEL_BUFF)
        self.add(self.frame, self.grid, self.header)

    def beside(self, left: MatrixPanel) -> MatrixPanel:
        """Move this panel right of ``left``, frame tops level, so their rows line up."""
        self.next_to(left, RIGHT, buff=layout.PANEL_BUFF)
        return self.shift((left.frame.get_top() - self.frame.get_top())[1] * UP)


class QKVBlock(VGroup):
    """Row ``labels`` and the ``q``, ``k`` and ``v`` :class:`MatrixPanel` s, frames side by side."""

    def __init__(
        self, ex, column: float, font_size: float, label_size: float, pitch: float = layout.ROW_PITCH
    ):
        super().__init__()
        self.q = MatrixPanel(r"Q = X W_Q", ex.q, palette.QUERY, "query", column, font_size, pitch)
        self.k = MatrixPanel(r"K = X W_K", ex.k, palette.KEY, "key", column, font_size, pitch)
        self.v = MatrixPanel(r"V = X W_V", ex.v, palette.VALUE, "value", column, font_size, pitch)
        self.k.beside(self.q)
        self.v.beside(self.k)
        self.labels = build_row_labels(ex.tokens, pitch, label_size)
        self.labels.next_to(self.q.frame, LEFT, buff=layout.LABEL_BUFF).match_y(self.q.grid)
        self.add(self.labels, self.q, self.k, self.v)

    @property
    def panels(self) -> tuple[MatrixPanel, MatrixPanel, MatrixPanel]:
        return self.q, self.k, self.v


class EmbeddingBlock(VGroup):
    """X as a table: the ``grid``, token ``labels`` on its rows, feature names (``features``) over its
    columns, and the ``header`` X in the corner above the labels.

    The labels stand where a :class:`QKVBlock`'s do when the two share a column and pitch, so X can
    stand where Q will be, under the same token labels.
    """

    def __init__(
        self, ex, column: float, font_size: float, pitch: float, feature_size: float = layout.CAPTION_SIZE
    ):
        super().__init__()
        self.grid = NumberGrid(
            ex.x, column=column, pitch=pitch, font_size=font_size, digits=layout.QKV_DECIMALS
        )
        names = [screen_words.feature_name(feature) for feature in ex.features]
        self.features = build_column_labels(names, column, feature_size)
        for label in self.features:
            label.set_color(color(palette.MUTED))
        # twice a label's distance: room for an outline round the grid (phase 2 draws one) under the names
        self.features.next_to(self.grid, UP, buff=2 * layout.LABEL_BUFF).match_x(self.grid)
        self.labels = build_row_labels(ex.tokens, pitch, font_size)
        cells_left = self.grid[0][0].get_x() - column / 2  # where a panel's frame would start
        self.labels.match_y(self.grid).shift(
            (cells_left - layout.LABEL_BUFF - self.labels.get_right()[0]) * RIGHT
        )
        self.header = build_math("X", palette.EMBEDDING).move_to(self.labels).match_y(self.features)
        self.add(self.labels, self.grid, self.features, self.header)


# -- Heatmap -----------------------------------------------------------------------------


class HeatmapCell(VGroup):
    """One cell of a heatmap: its coloured ``square`` and, unless blank, its ``number``."""

    def __init__(self, square: Rectangle, number: Text | None):
        super().__init__(square, *([number] if number is not None else []))
        self.square, self.number = square, number

    @property
    def ink_contrast(self) -> float:
        """Contrast of the number's ink against the cell's fill (WCAG ratio)."""
        if self.number is None:
            raise ValueError("an empty cell has no ink to measure")
        return contrast_ratio(self.number.get_fill_color(), self.square.get_fill_color())


class HeatmapCells(VGroup):
    """A grid of :class:`HeatmapCell` s: one state of the heatmap; ``self[i][j]`` shows ``values[i, j]``.

    Colours run through viridis from ``low`` (dark purple) to ``high`` (yellow), each number
    in the ink (black or white) that contrasts most with its cell.
    """

    def __init__(
        self,
        values: np.ndarray,
        low: float,
        high: float,
        colored: bool = True,
        width: float = layout.HEAT_CELL,
        height: float = layout.ROW_PITCH,
        font_size: float = layout.SUBJECT_SIZE,
        numbers: bool = True,
    ):
        super().__init__()
        self.values = np.array(values, dtype=float)
        self.low, self.high = low, high
        self.cell_width, self.cell_height = width, height
        for i, row_values in enumerate(self.values):
            row = VGroup()
            for j, v in enumerate(row_values):
                fill = viridis((v - low) / (high - low)) if colored else color(palette.PANEL_FILL)
                square = Rectangle(
                    width=width,
                    height=height,
                    stroke_color=color(palette.BACKGROUND if colored else palette.PANEL_STROKE),
                    stroke_width=1.5,
                    fill_color=fill,
                    fill_opacity=1,
                ).move_to(j * width * RIGHT + i * height * DOWN)
                number = None
                if numbers:
                    ink = ink_for(fill) if colored else color(palette.TEXT)
                    number = build_number(v, font_size).set_color(ink).move_to(square)
                row.add(HeatmapCell(square, number))
            self.add(row)

    def cell(self, i: int, j: int) -> HeatmapCell:
        return self[i][j]

    def cells(self) -> list[HeatmapCell]:
        return [cell for row in self for cell in row]

    def empty(self) -> VGroup:
        """Blank squares covering the same cells: the heatmap before any score is known."""
        return VGroup(
            *(
                Rectangle(
                    width=self.cell_width,
                    height=self.cell_height,
                    stroke_color=color(palette.PANEL_STROKE),
                    stroke_width=1.5,
                    fill_color=color(palette.PANEL_FILL),
                    fill_opacity=1,
                ).move_to(cell)
                for cell in self.cells()
            )
        )


class MaxOutline(Rectangle):
    """The outline of row ``row``'s largest cell (column ``column``), drawn on the cell's border."""

    def __init__(self, cells: HeatmapCells, row: int, column: int):
        super().__init__(
            width=cells.cell_width,
            height=cells.cell_height,
            stroke_color=color(palette.HIGHLIGHT),
            stroke_width=layout.OUTLINE_WIDTH,
        )
        self.row, self.column = row, column
        self.move_to(cells[row][column].square)


class MaxOutlines(VGroup):
    """A :class:`MaxOutline` around the largest cell of each row; ``highlighted[i]`` is that column.

    Rows whose maximum is tied (within display rounding) get no outline: there
    is no single strongest key to point at.
    """

    def __init__(self, cells: HeatmapCells):
        super().__init__()
        self.highlighted: list[int | None] = []
        for i, row_values in enumerate(cells.values):
            j = row_maximum(row_values)
            self.highlighted.append(j)
            if j is not None:
                self.add(MaxOutline(cells, i, j))


class HeatmapAxes(VGroup):
    """Token labels on both axes of a heatmap: ``rows`` are queries, ``columns`` keys."""

    def __init__(
        self, tokens: Sequence[str], cells, size: float = layout.LABEL_SIZE, pitch=None, column=None
    ):
        super().__init__()
        self.rows = build_row_labels(tokens, pitch or layout.ROW_PITCH, size)
        self.rows.next_to(cells, LEFT, buff=layout.LABEL_BUFF).match_y(cells)
        self.columns = build_column_labels(tokens, column or layout.HEAT_CELL, size)
        self.columns.next_to(cells, UP, buff=layout.LABEL_BUFF).match_x(cells)
        self.add(self.rows, self.columns)


class ColourScale(VGroup):
    """A horizontal viridis ``bar`` from ``low`` to ``high`` (Numbers at its ends) over its ``caption``."""

    def __init__(self, low: float, high: float, caption: str, width: float, steps: int = 24):
        super().__init__()
        segment = width / steps
        self.bar = VGroup(
            *(
                Rectangle(
                    width=segment,
                    height=layout.SCALE_BAR_HEIGHT,
                    stroke_width=0,
                    fill_color=viridis(s / (steps - 1)),
                    fill_opacity=1,
                )
                for s in range(steps)
            )
        ).arrange(RIGHT, buff=0)
        self.low = build_number(low, layout.CAPTION_SIZE, palette.MUTED)
        self.low.next_to(self.bar, LEFT, buff=layout.LABEL_BUFF)
        self.high = build_number(high, layout.CAPTION_SIZE, palette.MUTED)
        self.high.next_to(self.bar, RIGHT, buff=layout.LABEL_BUFF)
        self.caption = build_label(caption, palette.MUTED, layout.CAPTION_SIZE)
        self.caption.next_to(self.bar, DOWN, buff=layout.SCALE_CAPTION_BUFF)
        self.add(self.bar, self.low, self.high, self.caption)


class RowSum(VGroup):
    """``Σ 1.00`` right of a heatmap row: the ``sigma`` and the row's sum as a ``number``."""

    def __init__(self, total: float):
        super().__init__()
        self.sigma = build_label("Σ", palette.MUTED, layout.CONTEXT_SIZE)
        self.number = build_number(total, layout.CONTEXT_SIZE, palette.MUTED)
        self.add(self.sigma, self.number)
        self.arrange(RIGHT, buff=layout.SUM_BUFF)


def build_row_sums(weights: np.ndarray, cells: HeatmapCells) -> VGroup:
    """A :class:`RowSum` right of each heatmap row: the sums computed, not typed."""
    sums = VGroup()
    for i, total in enumerate(np.asarray(weights).sum(axis=1)):
        sums.add(RowSum(total).next_to(cells[i], RIGHT, buff=layout.LABEL_BUFF))
    return sums


# -- Output cards --------------------------------------------------------------------------


class OutputCard(VGroup):
    """One token's output row: a ``frame`` in the token's hue, its ``name`` at the left, its ``values``.

    ``values`` is a one-row :class:`NumberGrid`; the name keeps its place even while hidden. The
    card's layout sizes are for :data:`layout.CARD_SIZE` and grow in proportion with its type.
    """

    def __init__(self, token: str, index: int, row: np.ndarray, font_size: float = layout.CARD_SIZE):
        super().__init__()
        self.token = token
        grow = font_size / layout.CARD_SIZE
        self.values = NumberGrid(
            np.asarray(row)[None, :], column=layout.CARD_COLUMN * grow, font_size=font_size
        )
        self.name = build_label(token, token_color(index), font_size)
        slot = Rectangle(width=layout.CARD_NAME_WIDTH * grow, height=self.values.height, stroke_width=0)
        slot.next_to(self.values, LEFT, buff=layout.CARD_NAME_BUFF * grow)
        self.name.move_to(slot, RIGHT)  # right-aligned, as row labels are: every name as far from its numbers
        sit_on_baseline(self.name, self.values.get_center(), font_size)
        content = VGroup(slot, self.values)
        self.frame = RoundedRectangle(
            corner_radius=0.06,
            width=content.width + 2 * layout.INNER_BUFF,
            height=layout.CARD_HEIGHT * grow,
            stroke_color=token_color(index),
            stroke_width=2,
            fill_color=color(palette.PANEL_FILL),
            fill_opacity=1,
        ).move_to(content)
        self.add(self.frame, self.name, self.values)


def build_output_cards(
    tokens: Sequence[str],
    output: np.ndarray,
    region,
    font_size: float = layout.CARD_SIZE,
    per_row: int = layout.CARDS_PER_ROW,
) -> VGroup:
    """One :class:`OutputCard` per token, ``per_row`` to a row, the rows centred in ``region``."""
    cards = VGroup(*(OutputCard(token, i, output[i], font_size) for i, token in enumerate(tokens)))
    rows = VGroup(
        *(VGroup(*cards[start : start + per_row]).arrange(RIGHT, buff=layout.CARD_BUFF)
          for start in range(0, len(cards), per_row))
    )  # fmt: skip
    rows.arrange(DOWN, buff=layout.CARD_BUFF).move_to(region)
    return cards


# -- Multi-head -------------------------------------------------------------------------------


class HeadPanel(VGroup):
    """One attention head: its ``title``, a heatmap of its weights (``cells``, ``outlines``, ``axes``)
    and, when ``output`` is given, the head's output ``out`` right of the heatmap, in the same type,
    under its name ``out_name`` (h_1, h_2: the names the mixing formula uses).

    ``size`` (:class:`layout.HeadSize`) sets the cells and the type; the title stands centred over
    the heatmap.
    """

    def __init__(
        self,
        number: int,
        tokens: Sequence[str],
        weights: np.ndarray,
        high: float,
        size: layout.HeadSize,
        output: np.ndarray | None = None,
    ):
        super().__init__()
        self.cells = HeatmapCells(
            weights, 0.0, high, width=size.cell, height=size.pitch, font_size=size.font_size
        )
        self.outlines = MaxOutlines(self.cells)
        self.axes = HeatmapAxes(tokens, self.cells, size.label_size, size.pitch, size.cell)
        title = screen_words.words()["head"].format(number=number)
        self.title = build_label(title, palette.TEXT, size.title_size)
        self.title.next_to(self.axes.columns, UP, buff=layout.LABEL_BUFF).match_x(self.cells)
        self.add(self.title, self.axes, self.cells, self.outlines)
        self.out: NumberGrid | None = None
        self.out_name: MathTex | None = None
        if output is not None:
            column = layout.HEAD_OUT_COLUMN * size.font_size / layout.CONTEXT_SIZE
            self.out = NumberGrid(output, column=column, pitch=size.pitch, font_size=size.font_size)
            self.out.next_to(self.cells, RIGHT, buff=2 * layout.LABEL_BUFF).match_y(self.cells)
            self.out_name = build_math(f"h_{number}", palette.TEXT, layout.HEADER_SIZE)
            self.out_name.match_x(self.out).align_to(self.axes.columns, DOWN)
            self.add(self.out, self.out_name)

    @property
    def heatmap(self) -> VGroup:
        """Title, axes, cells and outlines: the parts a head has at every size."""
        return VGroup(self.title, self.axes, self.cells, self.outlines)
