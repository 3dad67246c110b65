"""Can a reader holding a phone upright read what each phase is about? Its still says so.

A still is measured as it is drawn: the subject composed from the stage, its
glyphs' heights converted to CSS pixels at the width a 390 px phone shows it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from manim import tempconfig
from PIL import Image
from test_legibility import PX_PER_UNIT, digit_heights, numbers_in, options, subject

from scenes import screen_words, stills
from scenes.registry import PHASES
from scenes.stage import Stage


@pytest.fixture(scope="module", params=["en", "zh_TW"])
def stage(request, tmp_path_factory):
    screen_words.use(request.param)
    with tempconfig(options(tmp_path_factory.mktemp("stills"))):
        yield Stage()
    screen_words.use("en")


def phone_digit_heights(numbers, still) -> list[float]:
    """CSS pixel heights of the digits of ``numbers`` when ``still`` is shown as wide as a phone shows it."""
    scale = stills.phone_px_per_unit(still)
    return [h / PX_PER_UNIT * scale for n in numbers for h in digit_heights(n)]


@pytest.mark.parametrize("number", [phase.number for phase in PHASES])
def test_a_still_fits_a_phone_and_every_digit_in_it_is_at_least_7_px(number, stage):
    still = stills.compose(stage, number)
    assert still.width <= stills.STILL_WIDTH + 1e-6
    heights = phone_digit_heights(numbers_in(still), still)
    assert min(heights, default=99) >= stills.MIN_PHONE_CONTEXT_DIGIT_PX, number


@pytest.mark.parametrize("number", [2, 3, 4, 5, 7])
def test_the_subject_digits_of_a_still_are_at_least_10_px_high_on_a_phone(number, stage):
    """The numbers the phase is about (its last frame's subject), as large as the still draws them."""
    still = stills.compose(stage, number)
    drawn = still.width / stills.SUBJECTS[number](stage).width  # below 1 where the subject was narrowed
    heights = [h * drawn for h in phone_digit_heights(subject(stage, number)[0], still)]
    assert min(heights) >= stills.MIN_PHONE_DIGIT_PX, (number, round(min(heights), 1))


def test_the_multi_head_still_shows_both_heads_weights_as_large_as_their_phase_does(stage):
    """Phase 7 is about the heads' weights first: its still shows all fifty at the size the phase
    explains them at, not the small heads of its last frame."""
    weights = numbers_in(*(head.cells for head in stage.heads_subject))
    still = stills.compose(stage, 7)
    missing = Counter(n.text for n in weights) - Counter(n.text for n in numbers_in(still))
    assert not missing and len(weights) == 50, missing
    drawn = still.width / stills.SUBJECTS[7](stage).width
    assert min(h * drawn for h in phone_digit_heights(weights, still)) >= stills.MIN_PHONE_DIGIT_PX


@pytest.mark.parametrize("number", [2, 3, 4, 5, 7])
def test_a_still_shows_the_numbers_its_phase_ends_on(number, stage):
    """The same values, none left out: the still is a rearrangement of the last frame's subject."""
    shown, _ = subject(stage, number)
    still = stills.compose(stage, number)
    missing = Counter(n.text for n in shown) - Counter(n.text for n in numbers_in(still))
    assert not missing, missing


def test_a_still_is_drawn_720_px_wide_on_the_clips_background(tmp_path):
    with tempconfig(options(tmp_path)):
        width, height = stills.save_still(4, tmp_path / "still.png")
    with Image.open(tmp_path / "still.png") as image:
        assert image.size == (width, height) == (stills.STILL_PIXEL_WIDTH, height)
        assert image.getpixel((0, 0)) == (0x14, 0x16, 0x1E)
        assert height > 300  # the heatmap, not a strip


def test_a_phase_without_a_still_is_refused_by_number(stage):
    with pytest.raises(ValueError, match="no still for phase 9; phases are 1 to 8"):
        stills.compose(stage, 9)
