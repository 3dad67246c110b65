"""The picture a page shows for a cited PNG: the same frame in at most 256 colours, as lossless WebP.

A clip's poster and still are cited as PNGs (``clips.json``), byte for byte. The page loads a
lighter copy: the frame reduced to a palette of at most 256 colours (Pillow's octree, no
dithering) and packed as lossless WebP. The frames are flat colour and text, so colours move by a
level or two and the anti-aliased edges of glyphs a little more: a half to two thirds of the bytes
of a full-colour lossless WebP, and on a phone the poster (the page's largest paint) arrives
about 0.3 s sooner.
A frame the palette would visibly change (peak signal-to-noise below :data:`MIN_PSNR_DB`) is
packed in full colour instead.

Each copy records in its EXIF description the recipe and the digest of the PNG it was made
from, so a copy made by an older recipe or from another PNG is made again, and an unchanged
one is left alone (its mtime stays, as servers like).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np

from .files import has_ordinary_mode, temporary_beside

#: The palette's size: WebP packs up to 256 colours as indices, a quarter of the bytes of RGB.
PALETTE_COLOURS = 256
#: Below this peak signal-to-noise ratio a palette could be seen; the frame keeps every colour.
#: (The clip's own H.264 frames are at 32-35 dB against the same PNG; the palettes made here are 42-65 dB.)
MIN_PSNR_DB = 40.0
#: What a copy was made by; changing how copies are made must change this, so they are made again.
RECIPE = f"attention page image 2: palette of {PALETTE_COLOURS} (octree, no dither) if >= {MIN_PSNR_DB:g} dB"
#: The EXIF tag that holds the recipe and the source's digest (ImageDescription).
_DESCRIPTION_TAG = 0x010E


def psnr_db(original: np.ndarray, copy: np.ndarray) -> float:
    """Peak signal-to-noise ratio of ``copy`` against ``original`` (8-bit), in decibels; inf if equal.

    >>> a = np.zeros((2, 2, 3), dtype=np.uint8)
    >>> psnr_db(a, a)
    inf
    >>> round(psnr_db(a, a + 1), 1)
    48.1
    """
    error = np.mean((original.astype(np.float64) - copy.astype(np.float64)) ** 2)
    return float("inf") if error == 0 else float(10 * np.log10(255.0**2 / error))


def page_pixels(image):
    """``image`` in at most :data:`PALETTE_COLOURS` colours, or unchanged if that would show.

    A frame with see-through pixels keeps them, in full colour (the clips' frames are opaque).

    >>> from PIL import Image
    >>> flat = Image.new("RGB", (8, 8), (20, 30, 40))
    >>> page_pixels(flat).getcolors()
    [(64, (20, 30, 40))]
    """
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        with_alpha = image.convert("RGBA")
        if with_alpha.getchannel("A").getextrema() != (255, 255):
            return with_alpha
    rgb = image.convert("RGB")
    reduced = rgb.quantize(
        colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    ).convert("RGB")
    if psnr_db(np.asarray(rgb), np.asarray(reduced)) < MIN_PSNR_DB:
        return rgb
    return reduced


def _description(digest: str) -> str:
    return f"{RECIPE}; from sha256 {digest}"


def _recorded(destination: Path) -> str | None:
    """The recipe and source ``destination`` says it was made from; None if it is not a readable copy."""
    if not destination.is_file() or not has_ordinary_mode(destination):
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(destination) as image:
            recorded = image.getexif().get(_DESCRIPTION_TAG)
    except (OSError, UnidentifiedImageError, SyntaxError):  # a truncated or foreign file: make it again
        return None
    return recorded if isinstance(recorded, str) else None


def write_page_image(png: Path, destination: Path) -> bool:
    """Make the page's copy of ``png`` at ``destination`` unless it is current; returns whether it wrote.

    The PNG is read once: the pixels and the digest recorded with them are of the same bytes, even
    if another build replaces the PNG meanwhile. The copy is written beside ``destination`` and
    renamed over it, so a reader never meets half a file.
    """
    from PIL import Image

    data = png.read_bytes()
    description = _description(hashlib.sha256(data).hexdigest())
    if _recorded(destination) == description:
        return False
    with Image.open(io.BytesIO(data)) as image:
        pixels = page_pixels(image)
    exif = Image.Exif()
    exif[_DESCRIPTION_TAG] = description
    with temporary_beside(destination) as temporary:
        pixels.save(temporary, format="WEBP", lossless=True, method=6, exif=exif)
    return True
