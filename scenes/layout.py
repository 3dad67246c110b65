"""Where things go: fonts, font sizes, buffers and the screen regions, named by role.

The frame is cut into bands stacked from the top with named buffers
(:func:`build_regions`): title, tokens, a middle band split into the Q/K/V
panels (left) and the heatmap (right), the output row, and the formula at the
bottom. Every phase places its mobjects inside these regions, so clips join
without a jump and nothing overlaps. No scene uses a literal position.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, LEFT, MED_SMALL_BUFF, RIGHT, SMALL_BUFF, UP, Rectangle, VGroup, config

# -- Fonts -------------------------------------------------------------------
FONT = "DejaVu Sans"  #: labels, captions, titles
MONO = "DejaVu Sans Mono"  #: every number, so columns of digits line up

# -- Font sizes ------------------------------------------------------------
TITLE_SIZE = 38
TOKEN_SIZE = 26
HEADER_SIZE = 30  #: MathTex panel headers such as Q = X W_Q
LABEL_SIZE = 17  #: token labels on rows and columns
NUMBER_SIZE = 16  #: numbers in panels, heatmap cells and cards
NOTE_SIZE = 18  #: working lines and notes
FORMULA_SIZE = 40
SMALL_NUMBER_SIZE = 13  #: the multi-head heatmaps' numbers

# -- Buffers -----------------------------------------------------------------
EDGE_BUFF = 0.22  #: frame edge to the outermost regions
REGION_BUFF = 0.16  #: between stacked regions
COLUMN_BUFF = 0.35  #: between the Q/K/V region and the heatmap region
PANEL_BUFF = 0.22  #: between the Q, K and V panels
LABEL_BUFF = SMALL_BUFF  #: a label and what it labels
INNER_BUFF = SMALL_BUFF  #: inside boxes
TOKEN_BUFF = MED_SMALL_BUFF  #: between token boxes

# -- Cells -------------------------------------------------------------------
ROW_PITCH = 0.46  #: height of a matrix row; panels and heatmap share it so their rows line up
PANEL_COLUMN = 0.64  #: width of a number column in the Q/K/V panels
HEAT_CELL = 0.62  #: width of a heatmap cell (its height is ROW_PITCH)
CARD_COLUMN = 0.6  #: width of a number column in the output cards
SMALL_CELL = 0.42  #: side of a cell in the multi-head heatmaps
LABEL_WIDTH = 0.55  #: width kept for token labels left of a matrix

# -- Region heights (the widths follow from the frame) ------------------------
TITLE_HEIGHT = 0.55
TOKENS_HEIGHT = 0.62
MIDDLE_HEIGHT = 3.55
OUTPUT_HEIGHT = 0.82
FORMULA_HEIGHT = 1.12
QKV_WIDTH = 8.8  #: the left part of the middle band; the heatmap takes the rest


@dataclass(frozen=True)
class Regions:
    """The named rectangles of the layout (invisible; use them to place and to check)."""

    title: Rectangle
    tokens: Rectangle
    middle: Rectangle  #: the whole middle band (multi-head note and outro use it whole)
    qkv: Rectangle
    heatmap: Rectangle
    output: Rectangle
    formula: Rectangle

    def named(self) -> dict[str, Rectangle]:
        """The regions that hold content, by name (``middle`` is the union of qkv and heatmap)."""
        return {
            "title": self.title,
            "tokens": self.tokens,
            "qkv": self.qkv,
            "heatmap": self.heatmap,
            "middle": self.middle,
            "output": self.output,
            "formula": self.formula,
        }


def _band(height: float, width: float | None = None) -> Rectangle:
    width = config.frame_width - 2 * EDGE_BUFF if width is None else width
    return Rectangle(width=width, height=height, stroke_width=0, fill_opacity=0)


def build_regions() -> Regions:
    """Stack the bands from the top of the frame; split the middle band into qkv | heatmap."""
    full = config.frame_width - 2 * EDGE_BUFF
    title, tokens, middle, output, formula = (
        _band(h) for h in (TITLE_HEIGHT, TOKENS_HEIGHT, MIDDLE_HEIGHT, OUTPUT_HEIGHT, FORMULA_HEIGHT)
    )
    VGroup(title, tokens, middle, output, formula).arrange(DOWN, buff=REGION_BUFF).to_edge(UP, buff=EDGE_BUFF)
    qkv = _band(MIDDLE_HEIGHT, QKV_WIDTH).move_to(middle, LEFT)
    heatmap = _band(MIDDLE_HEIGHT, full - QKV_WIDTH - COLUMN_BUFF).move_to(middle, RIGHT)
    return Regions(title, tokens, middle, qkv, heatmap, output, formula)


def fits_inside(mobject, region, tolerance: float = 1e-3) -> bool:
    """True when ``mobject``'s bounding box lies inside ``region``'s."""
    return bool(
        mobject.get_left()[0] >= region.get_left()[0] - tolerance
        and mobject.get_right()[0] <= region.get_right()[0] + tolerance
        and mobject.get_bottom()[1] >= region.get_bottom()[1] - tolerance
        and mobject.get_top()[1] <= region.get_top()[1] + tolerance
    )
