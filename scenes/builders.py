"""Builders: each ``build_*`` returns a mobject drawn from numbers it is given.

Every number drawn comes from :func:`build_number`: a ``Text`` that keeps the float it
shows in ``.value``, so tests can walk a scene and compare with ``attention``. Grids
keep their array in ``.values``; the heatmap keeps which cell of each row is
outlined in ``.highlighted``. Sizes, fonts and buffers come from ``layout``,
colours from ``palette``.
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

from . import layout, palette
from .formats import format_number


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


def ink_for(fill: ManimColor) -> ManimColor:
    """Dark ink on bright fills, light ink on dark ones (relative luminance, sRGB)."""
    r, g, b = (c / 255 for c in fill.to_int_rgb())
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return color(palette.INK_ON_BRIGHT if luminance > 0.5 else palette.TEXT)


@functools.lru_cache(maxsize=2048)
def _prototype(text: str, font: str, size: float, weight: str) -> Text:
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
    return lighten(Text(text, font=font, font_size=size, color=color(hue), t2c=t2c))


def make_rich_text(text: str, size: float, hue: str, spans: dict[str, ManimColor | str]) -> Text:
    """A sans ``Text`` whose substrings ``spans`` take their own colours (cached like :func:`make_text`)."""
    items = tuple((part, c if isinstance(c, str) else c.to_hex()) for part, c in spans.items())
    return _rich_prototype(text, layout.FONT, float(size), hue, items).copy()


def build_number(value: float, font_size: float = layout.NUMBER_SIZE, fill: str = palette.TEXT) -> Text:
    """A number on screen: mono ``Text`` of :func:`format_number` that remembers ``.value``."""
    number = make_text(format_number(value), layout.MONO, font_size, fill)
    number.value = float(value)
    return number


def sit_on_baseline(text: Text, center, size: float) -> Text:
    """Place ``text`` so its baseline sits where a capitalised word centred at ``center`` would.

    Centring by bounding box lifts words without ascenders ("on"); these words have no descenders.
    """
    cap = Text("Th", font=layout.FONT, font_size=size).height
    text.shift((center[1] - cap / 2 - text.get_bottom()[1]) * UP)
    return text


def build_label(text: str, hue: ManimColor | str = palette.TEXT, size: float = layout.LABEL_SIZE) -> Text:
    """A short text label in the sans font."""
    return make_text(text, layout.FONT, size, hue)


def build_note(text: str, hue: str = palette.MUTED, size: float = layout.NOTE_SIZE) -> Text:
    """A line of explanation (working, annotations)."""
    return build_label(text, hue, size)


def build_title(text: str) -> Text:
    return make_text(text, layout.FONT, layout.TITLE_SIZE, palette.TEXT, weight="BOLD")


def build_token_boxes(tokens: Sequence[str]) -> VGroup:
    """One rounded box per token, each in its own hue; ``box.token`` and ``box.index`` say which."""
    boxes = VGroup()
    for index, token in enumerate(tokens):
        hue = token_color(index)
        word = make_text(token, layout.FONT, layout.TOKEN_SIZE, hue)
        frame = RoundedRectangle(
            corner_radius=0.08,
            width=max(1.1, word.width + 2 * layout.INNER_BUFF),
            height=word.height + 3 * layout.INNER_BUFF,
            stroke_color=hue,
            stroke_width=3,
            fill_color=hue,
            fill_opacity=0.12,
        )
        word.move_to(frame)
        box = VGroup(frame, sit_on_baseline(word, frame.get_center(), layout.TOKEN_SIZE))
        box.token, box.index = token, index
        boxes.add(box)
    return boxes.arrange(RIGHT, buff=layout.TOKEN_BUFF)


class NumberGrid(VGroup):
    """A matrix of numbers (:func:`build_number`) in fixed cells: ``rows[i][j]`` shows ``values[i, j]``."""

    def __init__(
        self,
        values: np.ndarray,
        column: float = layout.PANEL_COLUMN,
        pitch: float = layout.ROW_PITCH,
        font_size: float = layout.NUMBER_SIZE,
        fill: str = palette.TEXT,
    ):
        super().__init__()
        self.values = np.array(values, dtype=float)
        for i, row_values in enumerate(self.values):
            row = VGroup(*(build_number(v, font_size, fill) for v in row_values))
            for j, number in enumerate(row):
                number.move_to(j * column * RIGHT + i * pitch * DOWN)
            self.add(row)
        self.column, self.pitch = column, pitch

    @property
    def rows(self) -> VGroup:
        return VGroup(*self.submobjects)

    def cell_box(self, i: int, j: int | None = None) -> Rectangle:
        """An invisible rectangle covering cell (i, j), or the whole row i when ``j`` is None."""
        width = self.column * (self.values.shape[1] if j is None else 1)
        box = Rectangle(width=width, height=self.pitch, stroke_width=0)
        anchor = self[i] if j is None else self[i][j]
        return box.move_to(anchor) if j is not None else box.move_to(self[i]).match_x(self)


def build_row_labels(
    tokens: Sequence[str], pitch: float = layout.ROW_PITCH, size: float = layout.LABEL_SIZE
) -> VGroup:
    """Token names stacked with the matrix row pitch, right-aligned, each in its hue."""
    labels = VGroup()
    for i, token in enumerate(tokens):
        label = build_label(token, token_color(i), size)
        label.move_to(i * pitch * DOWN, RIGHT)
        sit_on_baseline(label, i * pitch * DOWN, size)
        label.token = token
        labels.add(label)
    return labels


def build_column_labels(tokens: Sequence[str], column: float, size: float = layout.LABEL_SIZE) -> VGroup:
    """Token names side by side with the matrix column width, each in its hue."""
    labels = VGroup()
    for j, token in enumerate(tokens):
        label = build_label(token, token_color(j), size).move_to(j * column * RIGHT)
        sit_on_baseline(label, j * column * RIGHT, size)
        label.token = token
        labels.add(label)
    return labels


def build_matrix_panel(header_tex: str, values: np.ndarray, hue: str, role: str) -> VGroup:
    """A Q, K or V panel: a MathTex header over a framed grid of numbers.

    The panel keeps ``.header``, ``.grid`` (a :class:`NumberGrid`), ``.frame`` and ``.role``.
    """
    grid = NumberGrid(values)
    frame = Rectangle(
        width=grid.column * grid.values.shape[1],
        height=grid.pitch * grid.values.shape[0],
        stroke_color=color(hue),
        stroke_width=2,
        fill_color=color(palette.PANEL_FILL),
        fill_opacity=1,
    ).move_to(grid)
    header = build_math(header_tex, hue, layout.HEADER_SIZE)
    header.next_to(frame, UP, buff=layout.LABEL_BUFF)
    panel = VGroup(frame, grid, header)
    panel.header, panel.grid, panel.frame, panel.role = header, grid, frame, role
    return panel


class HeatmapCells(VGroup):
    """A grid of coloured cells with their numbers: one state of the heatmap.

    Colours run through viridis from ``low`` (dark purple) to ``high`` (yellow);
    ``values`` is the array drawn, ``cells[i][j]`` a VGroup(square, Number).
    """

    def __init__(
        self,
        values: np.ndarray,
        low: float,
        high: float,
        colored: bool = True,
        width: float = layout.HEAT_CELL,
        height: float = layout.ROW_PITCH,
        font_size: float = layout.NUMBER_SIZE,
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
                cell = VGroup(square)
                if numbers:
                    ink = ink_for(fill) if colored else color(palette.TEXT)
                    cell.add(build_number(v, font_size).set_color(ink).move_to(square))
                cell.square = square
                cell.number = cell[1] if numbers else None
                row.add(cell)
            self.add(row)

    def cell(self, i: int, j: int) -> VGroup:
        return self[i][j]

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
                for row in self
                for cell in row
            )
        )


def build_max_outlines(cells: HeatmapCells) -> VGroup:
    """An outline around the largest cell of each row; ``.highlighted[i]`` is that column.

    Rows whose maximum is tied (within display rounding) get no outline: there
    is no single strongest key to point at.
    """
    outlines = VGroup()
    outlines.highlighted = []
    for i, row_values in enumerate(cells.values):
        j = int(np.argmax(row_values))
        tied = np.sum(np.isclose(row_values, row_values[j], atol=5e-3)) > 1
        outlines.highlighted.append(None if tied else j)
        if not tied:
            outline = Rectangle(
                width=cells.cell_width - 0.04,
                height=cells.cell_height - 0.04,
                stroke_color=color(palette.HIGHLIGHT),
                stroke_width=5,
            ).move_to(cells[i][j])
            outline.row, outline.column = i, j
            outlines.add(outline)
    return outlines


def build_colour_scale(low: float, high: float, caption: str, width: float, steps: int = 24) -> VGroup:
    """A horizontal viridis bar from ``low`` to ``high`` with its end values and a caption.

    Keeps ``.low`` and ``.high`` (the Numbers at its ends) for tests.
    """
    segment = width / steps
    bar = VGroup(
        *(
            Rectangle(
                width=segment,
                height=0.16,
                stroke_width=0,
                fill_color=viridis(s / (steps - 1)),
                fill_opacity=1,
            )
            for s in range(steps)
        )
    ).arrange(RIGHT, buff=0)
    low_number = build_number(low, layout.LABEL_SIZE - 2, palette.MUTED).next_to(
        bar, LEFT, buff=layout.LABEL_BUFF
    )
    high_number = build_number(high, layout.LABEL_SIZE - 2, palette.MUTED).next_to(
        bar, RIGHT, buff=layout.LABEL_BUFF
    )
    text = build_label(caption, palette.MUTED, layout.LABEL_SIZE - 2).next_to(bar, DOWN, buff=0.08)
    scale = VGroup(bar, low_number, high_number, text)
    scale.low, scale.high = low_number, high_number
    return scale


def build_row_sums(weights: np.ndarray, cells: HeatmapCells) -> VGroup:
    """``= 1.00`` right of each heatmap row: the row's sum, computed, not typed."""
    sums = VGroup()
    for i, total in enumerate(np.asarray(weights).sum(axis=1)):
        number = build_number(total, layout.NUMBER_SIZE, palette.MUTED)
        sigma = build_label("Σ", palette.MUTED, layout.LABEL_SIZE)
        entry = (
            VGroup(sigma, number).arrange(RIGHT, buff=0.06).next_to(cells[i], RIGHT, buff=layout.LABEL_BUFF)
        )
        sums.add(entry)
    return sums


def build_output_cards(tokens: Sequence[str], output: np.ndarray, region) -> VGroup:
    """One card per token: its name over its output vector. ``card.vector`` is a 1-row NumberGrid."""
    cards = VGroup()
    for i, token in enumerate(tokens):
        vector = NumberGrid(np.asarray(output)[i : i + 1], column=layout.CARD_COLUMN)
        name = build_label(token, token_color(i), layout.LABEL_SIZE)
        content = VGroup(name, vector).arrange(DOWN, buff=layout.LABEL_BUFF / 2)
        frame = RoundedRectangle(
            corner_radius=0.06,
            width=content.width + 2 * layout.INNER_BUFF,
            height=content.height + layout.INNER_BUFF,
            stroke_color=token_color(i),
            stroke_width=2,
            fill_color=color(palette.PANEL_FILL),
            fill_opacity=1,
        ).move_to(content)
        card = VGroup(frame, name, vector)
        card.frame, card.name, card.vector, card.token = frame, name, vector, token
        cards.add(card)
    cards.arrange(RIGHT, buff=layout.INNER_BUFF)
    if cards.width > region.width:
        cards.scale_to_fit_width(region.width)
    return cards


def surround(mobject, hue: str, buff: float = 0.04, width: float = 3) -> SurroundingRectangle:
    """A highlight rectangle around ``mobject`` in a palette colour."""
    return SurroundingRectangle(mobject, color=color(hue), buff=buff, stroke_width=width)


def build_math(tex: str, hue: str = palette.TEXT, size: float = layout.HEADER_SIZE) -> MathTex:
    """A short MathTex (each distinct string costs one LaTeX run: keep them few)."""
    return _math_prototype(tex, float(size)).copy().set_color(color(hue))


@functools.lru_cache(maxsize=64)
def _math_prototype(tex: str, size: float) -> MathTex:
    return lighten(MathTex(tex, font_size=size, color=color(palette.TEXT)))
