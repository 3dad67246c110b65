"""Where things go: fonts, type sizes, buffers and the screen regions, named by role.

The frame is cut into bands stacked from the top with named buffers
(:func:`build_regions`): title, tokens, a middle band split into the Q/K/V
panels (left) and the heatmap (right), the output row, and the formula. While
the outputs are the subject (phase 5, before the formula comes) they take the
output and formula bands together (``lower``). Under
the formula, the bottom :data:`BOTTOM_BAND` of the frame stays empty: players
draw their controls there, and the last frame of a clip is also its poster.
Every phase places its mobjects inside these regions, so clips join without a
jump and nothing overlaps. No scene uses a literal position.

Type is sized for the page, not the frame: a clip is shown 736 px wide on a
laptop and 480 px in a narrow window. The numbers a phase is about (its
*subject*) get digits at least :data:`MIN_SUBJECT_DIGIT_PX` high in the 720p
frame (10 px on the page at 480 px); numbers that are context get at least
:data:`MIN_CONTEXT_DIGIT_PX`. So the subject gets the room: from phase 3 the
Q, K and V panels are context and narrow, and the heatmap takes the width.
In phase 2, Q, K and V take the middle band's whole width: X is the subject
while it is alone, then moves under the panels at context size, where it stays
while the panels fill. Phase 7 does the same with its two subjects: the heads'
weights first stand alone, as large as the single head's, then shrink to
context over the mixed outputs, which take the middle and output bands
(``upper``) while the mixing formula takes the formula band.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, LEFT, RIGHT, UP, Rectangle, VGroup, config

# -- What a reader needs (pixels in the 720p frame) --------------------------
MIN_SUBJECT_DIGIT_PX = 27  #: digits of the numbers a phase is about (10 px when shown 480 px wide)
MIN_NUMBER_GAP = 1.0  #: numbers side by side in a grid stand apart by at least this many characters
MIN_FORMULA_LETTER_PX = 20  #: the formula's Q, K and V (phase 6's subject), one line across the frame
MIN_CONTEXT_DIGIT_PX = 14  #: digits of numbers shown as context
MIN_INK_CONTRAST = 4.5  #: WCAG AA, ink on a coloured cell
BOTTOM_BAND = 0.12  #: share of the frame height, at the bottom, kept free of anything a reader needs
REFERENCE_HEIGHT_PX = 720  #: the frame height the pixel sizes above refer to

# -- Fonts -------------------------------------------------------------------
FONT = "DejaVu Sans"  #: labels, captions, titles
MONO = "DejaVu Sans Mono"  #: every number, so columns of digits line up
CJK_FONT = "Noto Sans CJK TC"  #: any text with Chinese in it (Debian's fonts-noto-cjk)

# -- Type sizes (DejaVu digits are 0.94 px high per point of font size at 720p) ---------
TITLE_SIZE = 30
TOKEN_SIZE = 24  #: the token boxes at the top
SUBJECT_SIZE = 30  #: numbers a phase is about: digits 27.3 px high
LABEL_SIZE = 30  #: token labels on the rows and columns of a subject grid (as large as its numbers)
CARD_SIZE = 24  #: the output cards as context (phase 6, three to a row), a score beside a note: digits
#: 22.7 px high
CONTEXT_SIZE = 16  #: numbers and labels that are context: digits about 15 px high
HEADER_SIZE = 26  #: MathTex panel headers such as Q = X W_Q
NOTE_SIZE = 20  #: working lines and notes
SUMMARY_SIZE = 28  #: the outro's four steps
CAPTION_SIZE = 16  #: the colour scale's caption and end values
FORMULA_SIZE = 32

# -- Buffers -----------------------------------------------------------------
EDGE_BUFF = 0.1  #: frame edge to the outermost regions
REGION_BUFF = 0.07  #: between stacked regions
COLUMN_BUFF = 0.1  #: between the Q/K/V region and the heatmap region
PANEL_BUFF = 0.12  #: between the Q, K and V panels
LABEL_BUFF = 0.1  #: a label and what it labels
INNER_BUFF = 0.1  #: inside boxes
TOKEN_BUFF = 0.25  #: between token boxes
CARD_BUFF = 0.12  #: between output cards, across and down
WORD_BUFF = 0.03  #: between the pieces of one word such as v(cat)
TERM_BUFF = 0.12  #: between the terms of a working line
GROUP_BUFF = 0.22  #: between the parts of a working line or note
SUM_BUFF = 0.06  #: between the Σ and its row sum
HEAD_BUFF = 0.5  #: between the two heads of the multi-head note
SUMMARY_BUFF = 0.32  #: between the lines of the summary
HIGHLIGHT_BUFF = 0.05  #: a highlight rectangle and what it surrounds
SCALE_BAR_HEIGHT = 0.14  #: the colour scale's bar
SCALE_CAPTION_BUFF = 0.06  #: the colour scale's bar and its caption
ENTRY_SHIFT = 0.12  #: how far things slide as they fade in

# -- Cells -------------------------------------------------------------------
ROW_PITCH = 0.56  #: height of a matrix row; panels and heatmap share it so their rows line up
SUBJECT_PITCH = 0.68  #: row height of Q, K, V and X while they are the subject (phase 2)
SUBJECT_COLUMN = 1.0  #: number column of Q, K, V and X while they are the subject: "3.0" at SUBJECT_SIZE
#: is 0.70 wide, so a character stands between numbers; the three panels span the middle band
CONTEXT_COLUMN = 0.5  #: number column of a Q/K/V panel once it is context: "3.0" and a space
EMBEDDING_COLUMN = 0.95  #: number column of X as context (under the panels), with room for its feature names
EMBEDDING_PITCH = 0.34  #: row height of X as context: its five rows and feature names fit the ``lower`` band
HEAT_CELL = 1.1  #: width of a heatmap cell (its height is ROW_PITCH): "0.41" at SUBJECT_SIZE is 0.95
CARD_COLUMN = 0.96  #: number column of an output card
CARD_NAME_WIDTH = 0.62  #: room for the token's name at the left of an output card ("mat" at CARD_SIZE)
CARD_NAME_BUFF = 0.13  #: between an output card's name and its numbers (right-aligned names)
CARDS_PER_ROW = 3  #: output cards per row (five cards take two rows)
SUBJECT_CARDS_PER_ROW = 2  #: output cards per row while they are the subject (three rows in ``lower``)
CARD_HEIGHT = 0.44  #: height of an output card
HEAD_CELL = 0.66  #: width of a cell in a head's heatmap once the heads are context ("0.07" at CONTEXT_SIZE)
HEAD_PITCH = 0.36  #: row height of a head's heatmap and output once the heads are context
HEAD_OUT_COLUMN = 0.68  #: number column of a head's output at CONTEXT_SIZE ("0.70" and a character)
SUMS_WIDTH = 0.78  #: width kept right of the heatmap for the row sums
OUTLINE_WIDTH = 4  #: stroke of the row-maximum outline (drawn on the cell's border, clear of its digits)
QKV_DECIMALS = 1  #: Q, K, V and X of the example are multiples of 0.1: one decimal is exact


@dataclass(frozen=True)
class HeadSize:
    """How large a head of the multi-head note is drawn: its heatmap cells (``cell`` wide, ``pitch``
    high), the weights and outputs at ``font_size``, the token labels at ``label_size``, its title at
    ``title_size``."""

    cell: float
    pitch: float
    font_size: float
    label_size: float
    title_size: float


#: The heads while their weights are explained: the single head's cells and type (phase 4).
SUBJECT_HEAD = HeadSize(HEAT_CELL, ROW_PITCH, SUBJECT_SIZE, LABEL_SIZE, HEADER_SIZE)
#: The heads once the mixed outputs are the subject: small, each with its output beside it.
CONTEXT_HEAD = HeadSize(HEAD_CELL, HEAD_PITCH, CONTEXT_SIZE, CONTEXT_SIZE, NOTE_SIZE)

# -- Region heights (the widths follow from the frame) ------------------------
TITLE_HEIGHT = 0.42
TOKENS_HEIGHT = 0.56
MIDDLE_HEIGHT = 3.8
OUTPUT_HEIGHT = 1.0
FORMULA_HEIGHT = 0.86
QKV_WIDTH = 6.76  #: the left part of the middle band (the context panels); the heatmap takes the rest


@dataclass(frozen=True)
class Regions:
    """The named rectangles of the layout (invisible; use them to place and to check)."""

    title: Rectangle
    tokens: Rectangle
    middle: Rectangle  #: the whole middle band (the outro uses it whole)
    qkv: Rectangle
    heatmap: Rectangle
    output: Rectangle
    formula: Rectangle
    lower: Rectangle  #: the output and formula bands together: the outputs while they are the subject
    upper: Rectangle  #: the middle and output bands together: phase 7's heads over its mixed outputs
    bottom: Rectangle  #: the band players draw their controls over: nothing a reader needs

    def named(self) -> dict[str, Rectangle]:
        """The regions that hold content, by name (``middle`` is the union of qkv and heatmap, ``lower``
        of output and formula, ``upper`` of middle and output)."""
        return {
            "title": self.title,
            "tokens": self.tokens,
            "qkv": self.qkv,
            "heatmap": self.heatmap,
            "middle": self.middle,
            "output": self.output,
            "formula": self.formula,
            "lower": self.lower,
            "upper": self.upper,
        }


def _band(height: float, width: float | None = None) -> Rectangle:
    width = config.frame_width - 2 * EDGE_BUFF if width is None else width
    return Rectangle(width=width, height=height, stroke_width=0, fill_opacity=0)


def _spanning(top: Rectangle, bottom: Rectangle) -> Rectangle:
    """A full-width band from ``top``'s top edge to ``bottom``'s bottom edge."""
    return _band(top.get_top()[1] - bottom.get_bottom()[1]).move_to(VGroup(top, bottom))


def units_per_px() -> float:
    """Manim units per pixel of the 720p frame: convert the pixel sizes above."""
    return config.frame_height / REFERENCE_HEIGHT_PX


def build_regions() -> Regions:
    """Stack the bands from the top of the frame; split the middle band into qkv | heatmap."""
    full = config.frame_width - 2 * EDGE_BUFF
    title, tokens, middle, output, formula = (
        _band(h) for h in (TITLE_HEIGHT, TOKENS_HEIGHT, MIDDLE_HEIGHT, OUTPUT_HEIGHT, FORMULA_HEIGHT)
    )
    VGroup(title, tokens, middle, output, formula).arrange(DOWN, buff=REGION_BUFF).to_edge(UP, buff=EDGE_BUFF)
    qkv = _band(MIDDLE_HEIGHT, QKV_WIDTH).move_to(middle, LEFT)
    heatmap = _band(MIDDLE_HEIGHT, full - QKV_WIDTH - COLUMN_BUFF).move_to(middle, RIGHT)
    lower, upper = _spanning(output, formula), _spanning(middle, output)
    bottom = _band(BOTTOM_BAND * config.frame_height, config.frame_width).to_edge(DOWN, buff=0)
    return Regions(title, tokens, middle, qkv, heatmap, output, formula, lower, upper, bottom)


def fits_inside(mobject, region, tolerance: float = 1e-3) -> bool:
    """True when ``mobject``'s bounding box lies inside ``region``'s."""
    return bool(
        mobject.get_left()[0] >= region.get_left()[0] - tolerance
        and mobject.get_right()[0] <= region.get_right()[0] + tolerance
        and mobject.get_bottom()[1] >= region.get_bottom()[1] - tolerance
        and mobject.get_top()[1] <= region.get_top()[1] + tolerance
    )
