"""Stills of each phase's subject, composed for a phone held upright.

A clip is 16:9 and its type is sized for a page 480 px wide or more: on a phone
held upright it is about 358 px wide, and its subject digits are about 7.6 px
high. So each phase also gets a *still*: the numbers or words it is about, as
the phase shows them (the same stage mobjects: values, colours, outlines),
rearranged into a picture at most :data:`STILL_WIDTH` units wide, so that
shown :data:`PHONE_WIDTH_PX` wide its subject digits stay at least
:data:`MIN_PHONE_DIGIT_PX` high. It is drawn by the same Cairo camera as the
clip, :data:`STILL_PIXEL_WIDTH` pixels wide: sharp on a phone's 2x screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, Camera, Mobject, VGroup

from . import builders, layout, palette
from .stage import Stage

STILL_WIDTH = 8.0  #: the widest a still's content may be, in manim units
STILL_MARGIN = 0.25  #: background around the content, in units
PHONE_WIDTH_PX = 358  #: CSS pixels a still is shown at on a 390 px phone held upright
MIN_PHONE_DIGIT_PX = 10  #: subject digits on that phone, in CSS pixels
MIN_PHONE_CONTEXT_DIGIT_PX = 7  #: any other digit (a colour scale's ends, a row's sum)
STILL_PIXEL_WIDTH = 720  #: the still's file is this many pixels wide: twice what a phone shows


def _copies(*mobjects: Mobject) -> list[Mobject]:
    return [mobject.copy() for mobject in mobjects]


def _stacked(*parts: Mobject, buff: float = 0.45, edge=LEFT) -> VGroup:
    return VGroup(*parts).arrange(DOWN, buff=buff, aligned_edge=edge)


def _intro(stage: Stage) -> VGroup:
    return _stacked(*_copies(stage.title, stage.tokens), buff=0.35, edge=UP)


def _projection(stage: Stage) -> VGroup:
    """Q and K side by side over V, as phase 2 ends; the token labels left of each row of panels."""
    block = stage.qkv_subject
    q, k, v = _copies(*block.panels)
    k.beside(q)
    rows = []
    for panels in (VGroup(q, k), VGroup(v)):
        labels = block.labels.copy().next_to(panels[0].frame, LEFT, buff=layout.LABEL_BUFF)
        rows.append(VGroup(labels.match_y(panels[0].grid), panels))
    return _stacked(*rows)


def _heatmap(stage: Stage, cells, scale, *extra: Mobject) -> VGroup:
    return VGroup(*_copies(stage.heatmap_axes, cells, *extra, scale))


def _named(heatmap: VGroup, formula: Mobject) -> VGroup:
    """The heatmap over the formula that names it, as the phase ends."""
    return _stacked(heatmap, formula.copy(), edge=ORIGIN)


def _scores(stage: Stage) -> VGroup:
    return _named(_heatmap(stage, stage.score_cells, stage.score_scale), stage.score_formula)


def _weights(stage: Stage) -> VGroup:
    heatmap = _heatmap(stage, stage.weight_cells, stage.weight_scale, stage.max_outlines, stage.row_sums)
    return _named(heatmap, stage.weight_formula)


def _outputs(stage: Stage) -> VGroup:
    """The five output cards one under another, at the size phase 5 ends with."""
    return _stacked(*_copies(*stage.output_subject), buff=layout.CARD_BUFF)


def _formula(stage: Stage) -> VGroup:
    return VGroup(*_copies(stage.formula))


def _multi_head(stage: Stage) -> VGroup:
    """The two heads one under the other (as large as phase 7 opens with them), then concat(h_1, h_2) W_O
    over the tokens' mixed outputs."""
    heads = _copies(*stage.heads_subject)
    cards = _stacked(*_copies(*stage.multi_head_cards), buff=layout.CARD_BUFF)
    mixing = stage.concat_note[0].copy()  # the maths only: the note's words are the page's
    return _stacked(*heads, _stacked(mixing, cards, buff=0.2), edge=RIGHT)


def _outro(stage: Stage) -> VGroup:
    """The four steps, each head over the rest of its line (one line each is too wide for a phone)."""
    steps = [
        _stacked(
            builders.build_label(head, hue, layout.SUMMARY_SIZE),
            builders.build_label(rest, palette.TEXT, layout.SUMMARY_SIZE),
            buff=0.12,
        )
        for head, rest, hue in stage.summary_steps
    ]
    return _stacked(*steps, buff=layout.SUMMARY_BUFF)


#: Each phase's subject, by phase number: what its still shows.
SUBJECTS: dict[int, Callable[[Stage], VGroup]] = {
    1: _intro,
    2: _projection,
    3: _scores,
    4: _weights,
    5: _outputs,
    6: _formula,
    7: _multi_head,
    8: _outro,
}


def compose(stage: Stage, number: int) -> VGroup:
    """Phase ``number``'s subject, arranged for a phone, no wider than :data:`STILL_WIDTH` units.

    A subject wider than that is scaled down to fit; the tests check its digits still read.
    """
    if number not in SUBJECTS:
        raise ValueError(f"no still for phase {number}; phases are 1 to {max(SUBJECTS)}.")
    subject = SUBJECTS[number](stage)
    if subject.width > STILL_WIDTH:
        subject.scale_to_fit_width(STILL_WIDTH)
    return subject.move_to([0, 0, 0])


def phone_px_per_unit(subject: Mobject) -> float:
    """CSS pixels per unit when the still of ``subject`` is shown :data:`PHONE_WIDTH_PX` wide."""
    return PHONE_WIDTH_PX / (subject.width + 2 * STILL_MARGIN)


def save_still(number: int, path: Path) -> tuple[int, int]:
    """Draw phase ``number``'s still (in the current manim config and language) to PNG ``path``.

    Returns its pixel size (width, height).
    """
    subject = compose(Stage(), number)
    width_units = subject.width + 2 * STILL_MARGIN
    height_units = subject.height + 2 * STILL_MARGIN
    size = (STILL_PIXEL_WIDTH, round(STILL_PIXEL_WIDTH * height_units / width_units))
    camera = Camera(
        pixel_width=size[0],
        pixel_height=size[1],
        frame_width=width_units,
        frame_height=height_units,
        background_color=builders.color(palette.BACKGROUND),
    )
    camera.capture_mobjects([subject])
    camera.get_image().convert("RGB").save(path, format="PNG", optimize=True)
    return size
