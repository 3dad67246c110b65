"""The scenes' FastCamera draws exactly what manim's own Camera draws.

FastCamera replaces manim's per-curve Python loop with one vectorised test; it
must be a speed-up only. Each phase's final picture is drawn by both cameras at
low quality and compared pixel by pixel.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import Camera, tempconfig

from scenes import palette
from scenes.base import FastCamera
from scenes.builders import color
from scenes.stage import Stage


def draw(camera_class, mobjects) -> np.ndarray:
    camera = camera_class(background_color=color(palette.BACKGROUND))
    camera.capture_mobjects(mobjects)
    return np.array(camera.pixel_array)


@pytest.mark.parametrize("number", [2, 4, 6, 7, 8])
def test_fast_camera_draws_the_same_pixels(number):
    with tempconfig({"quality": "low_quality"}):
        pictures = Stage().picture_after(number)
        mobjects = [m for picture in pictures for m in picture.get_family()]
        reference = draw(Camera, mobjects)
        fast = draw(FastCamera, mobjects)
    assert reference.shape == fast.shape
    assert reference.any()
    assert np.array_equal(reference, fast), f"{int((reference != fast).any(axis=-1).sum())} pixels differ"
