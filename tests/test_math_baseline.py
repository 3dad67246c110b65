"""Inline maths sits on the text's baseline at the text's size, in light and dark, on a laptop and a phone,
and the page gives each formula's size, so nothing moves when the images arrive.

Each formula is an SVG image that imgmath typesets with preview.sty, which measures how far the
formula reaches below its baseline (its depth); the image is lowered by that much. Read in
Chromium: where the line's baseline is (a zero-size inline box kept on the image's line), where
the image's bottom is, and the depth the SVG records. A parenthesis, whose depth TeX's fonts fix
at a quarter of an em, checks the recorded depths against TeX itself.
"""

from __future__ import annotations

import itertools
import re

import pytest
from conftest import ROOT, show_as

PAGES = ("phases/04-scale-softmax.html", "phases/05-output.html", "saturation.html", "shapes.html")
FONT_PT = int(re.search(r"^imgmath_font_size = (\d+)", (ROOT / "docs/conf.py").read_text(), re.M)[1])
PX_PER_TEX_PT = 96 / 72.27  #: CSS pixels per TeX point (an SVG pt is 1/72 in, a TeX pt 1/72.27 in)

MEASURE = """async () => {
  const found = [];
  const capital = (p) => {
    const context = document.createElement("canvas").getContext("2d");
    context.font = getComputedStyle(p).font;
    return context.measureText("A").actualBoundingBoxAscent;
  };
  for (const img of document.querySelectorAll("p img.math")) {
    const probe = document.createElement("span"); // bottom on the baseline, on the image's own line
    probe.style.cssText = "display: inline-block; width: 0; height: 0";
    const together = document.createElement("span");
    together.style.whiteSpace = "nowrap";
    img.replaceWith(together);
    together.append(probe, img);
    const baseline = probe.getBoundingClientRect().bottom;
    const svg = await (await fetch(img.src)).text();
    const depth = svg.match(/<!-- DEPTH=(-?\\d+) -->/);
    found.push({
      alt: img.alt,
      below: img.getBoundingClientRect().bottom - baseline,
      height: img.getBoundingClientRect().height,
      depth: depth ? Number(depth[1]) : null,
      textCapital: capital(img.closest("p")),
      filter: getComputedStyle(img).filter,
      sized: [img.getAttribute("width"), img.getAttribute("height")].map(Number),
      natural: [img.naturalWidth, img.naturalHeight],
    });
    together.replaceWith(img);
  }
  return found;
}"""


#: The (theme, viewport width) states each page is measured in, after one load.
STATES = tuple(itertools.product(("light", "dark"), (1280, 390)))


@pytest.fixture(scope="module")
def measured(browser, site_url) -> list[tuple[str, str, int, dict]]:
    """(page, theme, width, measurement) of every inline formula: one load a page, then each state."""
    page = browser.new_page()
    found = []
    for path in PAGES:
        page.goto(f"{site_url}/{path}", wait_until="networkidle")
        for theme, width in STATES:
            show_as(page, theme, width)
            found += [(path, theme, width, m) for m in page.evaluate(MEASURE)]
    page.close()
    return found


@pytest.mark.site
@pytest.mark.browser
@pytest.mark.parametrize(("theme", "width"), STATES, ids=[f"{theme}-{width}" for theme, width in STATES])
def test_inline_maths_sits_on_the_baseline_at_the_texts_size(theme, width, measured):
    measured = [(path, m) for path, t, w, m in measured if (t, w) == (theme, width)]
    assert len(measured) > 50
    for path, m in measured:
        assert m["depth"] is not None, f"{path}: {m['alt']} has no measured depth (imgmath_use_preview)"
        assert abs(m["below"] - m["depth"]) <= 1, (
            f"{path}: {m['alt']} sits {m['below'] - m['depth']:+.1f} px off"
        )
        assert ("invert" in m["filter"]) == (theme == "dark"), f"{path}: {m['alt']} in {theme}: {m['filter']}"
        # The page says each image's size, so the line is laid out once, before the image arrives.
        assert all(abs(said - real) <= 1 for said, real in zip(m["sized"], m["natural"], strict=True)), m
    parentheses = [m for _, m in measured if m["alt"] == "(n, n)"]
    assert parentheses, "the spot check's formula is on the pages"
    for m in parentheses:  # TeX's own metrics: a parenthesis reaches 0.25 em below the baseline
        assert m["below"] == pytest.approx(0.25 * FONT_PT * PX_PER_TEX_PT, abs=1)
    capitals = [m for _, m in measured if m["alt"] == "A"]
    assert capitals, "a capital on its own is on the pages"
    for m in capitals:  # a capital letter of the maths is as tall as one of the text
        assert m["height"] == pytest.approx(m["textCapital"], rel=0.15)
