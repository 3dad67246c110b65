"""The picture a page shows for a cited PNG (scenes.page_image): the same frame, lighter, never stale.

A phone reader waits for the poster (the page's largest paint); a reader who cites the clip gets
the PNG byte for byte. These check what each relies on: the page's copy looks the same as the
PNG, weighs about half a full-colour copy, and is made again whenever it is not the copy of
today's PNG by today's recipe, and only then.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from scenes.files import has_ordinary_mode
from scenes.page_image import write_page_image


def frame_like_a_clip(path, shade=(24, 26, 33)) -> None:
    """A 640x360 frame as the clips draw them: a flat background, coloured cells, anti-aliased digits."""
    image = Image.new("RGB", (640, 360), shade)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=22)
    colours = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
    for row in range(5):
        for column in range(5):
            x, y = 300 + 64 * column, 30 + 60 * row
            colour = colours[(row + 2 * column) % 5]
            draw.rectangle((x, y, x + 60, y + 56), fill=colour)
            ink = (0, 0, 0) if sum(colour) > 400 else (240, 240, 240)
            draw.text((x + 6, y + 16), f"0.{(row * 5 + column) * 3 % 97:02d}", font=font, fill=ink)
    draw.text((20, 20), "Transformer Self-Attention", font=font, fill=(230, 232, 236))
    draw.rounded_rectangle((20, 70, 120, 110), radius=8, outline=(230, 159, 0), width=3)
    draw.text((40, 78), "The", font=font, fill=(230, 159, 0))
    image.save(path, format="PNG")


def pixels(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(np.float64)


def full_colour_bytes(path) -> int:
    buffer = io.BytesIO()
    with Image.open(path) as image:
        image.save(buffer, format="WEBP", lossless=True, method=6)
    return len(buffer.getvalue())


def test_the_page_copy_of_a_clip_frame_looks_the_same_in_fewer_bytes(tmp_path):
    png, copy = tmp_path / "03.png", tmp_path / "03.webp"
    frame_like_a_clip(png)
    assert write_page_image(png, copy)
    original, shown = pixels(png), pixels(copy)
    assert shown.shape == original.shape
    error = np.abs(original - shown).max(axis=2)
    # Colours may move by a level or two, and glyph edges a little more: nothing a reader sees.
    assert np.mean((original - shown) ** 2) < 255**2 / 10**4  # better than 40 dB
    assert (error > 24).mean() < 0.005, "more than 0.5 % of the pixels visibly changed"
    assert copy.stat().st_size < 2 / 3 * full_colour_bytes(png)  # real frames: about half


def test_a_frame_that_a_palette_would_change_keeps_every_colour(tmp_path):
    png, copy = tmp_path / "photo.png", tmp_path / "photo.webp"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (120, 160, 3), dtype=np.uint8)).save(png)
    write_page_image(png, copy)
    assert np.array_equal(pixels(png), pixels(copy))


def test_the_copy_is_made_again_only_when_it_is_not_todays_copy_of_todays_png(tmp_path):
    png, copy = tmp_path / "04.png", tmp_path / "04.webp"
    frame_like_a_clip(png)
    # A copy made the old way (full colour, nothing recorded), as a warm build folder holds it.
    with Image.open(png) as image:
        image.save(copy, format="WEBP", lossless=True, method=6)
    old_bytes = copy.stat().st_size
    assert write_page_image(png, copy), "an old recipe's copy would be served stale"
    assert copy.stat().st_size < old_bytes

    made = copy.stat().st_mtime_ns
    assert not write_page_image(png, copy)
    assert copy.stat().st_mtime_ns == made, "an unchanged copy is left alone, mtime and all"

    frame_like_a_clip(png, shade=(250, 250, 250))  # the clip was rendered anew
    assert write_page_image(png, copy)
    assert np.abs(pixels(copy)[0, 0] - 250).max() <= 2, "the copy shows the new frame"


@pytest.mark.parametrize("damage", ["truncated", "private", "not an image"])
def test_a_damaged_or_unreadable_copy_is_made_again(tmp_path, damage):
    png, copy = tmp_path / "05.png", tmp_path / "05.webp"
    frame_like_a_clip(png)
    write_page_image(png, copy)
    if damage == "truncated":
        copy.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2])
    elif damage == "private":
        copy.chmod(0o600)
    else:
        copy.write_text("<html>not found</html>")
    assert write_page_image(png, copy)
    assert pixels(copy).shape == pixels(png).shape
    assert has_ordinary_mode(copy), "the web server can read it"


def test_a_frame_with_see_through_pixels_keeps_them(tmp_path):
    png, copy = tmp_path / "badge.png", tmp_path / "badge.webp"
    image = Image.new("RGBA", (40, 20), (200, 60, 60, 255))
    image.paste((0, 0, 0, 0), (0, 0, 20, 20))
    image.save(png)
    write_page_image(png, copy)
    with Image.open(copy) as shown:
        assert shown.mode == "RGBA" and shown.getpixel((5, 5))[3] == 0 and shown.getpixel((30, 5))[3] == 255
