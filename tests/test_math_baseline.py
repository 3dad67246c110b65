"""Inline maths sits on the text's baseline at the text's size, in the text's colour, in light and
dark, on a laptop and a phone; and the maths font the site serves draws every character of it.

Each formula is MathML (attention_site/mathml.py). Read in Chromium: where the line's baseline is
(a zero-size inline box just before the formula, on its line), where the formula's own baseline
is (a zero-size ``mspace`` inside it), how tall a capital of the maths font is against one of
the text's, and the colours.
"""

from __future__ import annotations

import itertools
import re
from io import BytesIO

import pytest
from conftest import show_as

from attention_site.math_font import ALWAYS, PUBLISHED, characters

PAGES = ("phases/04-scale-softmax.html", "phases/05-output.html", "saturation.html", "shapes.html")

MEASURE = """() => {
  const found = [];
  const capital = (element, family) => { // the height of a capital A in the element's size
    const context = document.createElement("canvas").getContext("2d");
    const style = getComputedStyle(element);
    context.font = `${style.fontSize} ${family || style.fontFamily}`;
    return context.measureText("A").actualBoundingBoxAscent;
  };
  const mathFont = '"Latin Modern Math"';
  for (const math of document.querySelectorAll("p math:not([display=block])")) {
    const probe = document.createElement("span"); // bottom on the line's baseline, on the formula's line
    probe.style.cssText = "display: inline-block; width: 0; height: 0";
    const together = document.createElement("span");
    together.style.whiteSpace = "nowrap";
    math.replaceWith(together);
    together.append(probe, math);
    const inner = document.createElementNS("http://www.w3.org/1998/Math/MathML", "mspace");
    const row = math.querySelector("semantics > *") || math;
    row.prepend(inner); // on the formula's baseline
    found.push({
      latex: (math.querySelector("annotation") || {}).textContent,
      off: inner.getBoundingClientRect().bottom - probe.getBoundingClientRect().bottom,
      mathCapital: capital(math, mathFont),
      mathFontLoaded: document.fonts.check(`16px ${mathFont}`),
      textCapital: capital(math.closest("p")),
      colour: getComputedStyle(math).color,
      textColour: getComputedStyle(math.closest("p")).color,
    });
    inner.remove();
    together.replaceWith(math);
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
        page.evaluate("document.fonts.ready")
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
        assert abs(m["off"]) <= 1, f"{path}: {m['latex']} sits {m['off']:+.1f} px off the baseline"
        # a capital letter of the maths is as tall as one of the text
        assert m["mathFontLoaded"], "the maths is not drawn in Latin Modern Math"
        assert m["mathCapital"] == pytest.approx(m["textCapital"], rel=0.1), (path, m)
        assert m["colour"] == m["textColour"], f"{path}: {m['latex']} in {theme}: {m['colour']}"


@pytest.mark.site
def test_the_served_maths_font_draws_every_character_of_every_formula(site):
    from fontTools.ttLib import TTFont

    font = TTFont(BytesIO((site / "_static" / PUBLISHED).read_bytes()))
    drawn = set(font.getBestCmap())
    assert "MATH" in font, "without its MATH table a browser cannot build fractions and radicals"
    pages = [*site.glob("*.html"), *site.glob("*/*.html")]
    formulas = [f for page in pages for f in re.findall(r"<math\b.*?</math>", page.read_text(), re.S)]
    assert len(formulas) > 100
    missing = {c for formula in formulas for c in characters(formula) if ord(c) not in drawn}
    assert not missing, f"the maths font lacks {sorted(missing)}"
    assert all(ord(c) in drawn for c in ALWAYS)


@pytest.mark.site
def test_every_class_temml_writes_has_its_rule_in_the_pages_stylesheet(site):
    page = (site / "phases" / "04-scale-softmax.html").read_text()
    [bundle] = re.findall(r'<link rel="stylesheet" type="text/css" href="\.\./(_static/bundle-[^"?]+)', page)
    rules = (site / bundle).read_text()
    pages = [*site.glob("*.html"), *site.glob("*/*.html")]
    formulas = [f for page in pages for f in re.findall(r"<math\b.*?</math>", page.read_text(), re.S)]
    classes = {
        name for f in formulas for names in re.findall(r'class="([^"]+)"', f) for name in names.split()
    }
    assert "tml-display" in classes
    assert not [name for name in classes if f".{name}" not in rules], rules[:200]


#: Each display formula wider than its box (it scrolls sideways), by its LaTeX.
SCROLLED = """() => [...document.querySelectorAll("div.math")]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => [...box.querySelectorAll("annotation")].map((a) => a.textContent).join(" "))"""
#: Per formula written "A, \\qquad B": whether its pieces share one line (every piece spans a common height).
ON_ONE_LINE = """() => [...document.querySelectorAll(".math-pieces")].map((row) => {
  const boxes = [...row.children].map((piece) => piece.getBoundingClientRect());
  return Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom));
})"""


@pytest.mark.site
@pytest.mark.browser
def test_display_maths_fits_a_phone_and_its_pieces_share_a_laptops_line(browser, site, site_url, zh_site_url):
    """On a 390 px phone no display formula scrolls: one written as two ("A, \\qquad B") puts the
    second under the first. On a laptop the two share a line, as they are written."""
    pages = [
        p.relative_to(site).as_posix()
        for p in sorted(site.glob("**/*.html"))
        if 'class="math"' in p.read_text()
    ]
    pages = [page for page in pages if not page.startswith("zh-tw/")]  # a build with both languages
    assert len(pages) >= 8
    page = browser.new_page()
    shared = 0
    for root in (site_url, zh_site_url):
        for path in pages:
            page.goto(f"{root}/{path}", wait_until="load")
            show_as(page, "light", 390)
            assert not page.evaluate(SCROLLED), f"{root}/{path} at 390 px"
            show_as(page, "light", 1280)
            lines = page.evaluate(ON_ONE_LINE)
            assert all(lines), f"{root}/{path} at 1280 px"
            shared += len(lines)
    page.close()
    assert shared >= 10  # 02's Q, K and V; 04's variance; 07's head; masking; position: in both languages
