"""The example's numbers inside formulas (attention_site.values_in_maths).

A reader sees "d_k = 4" as one formula, the 4 in the maths' font, never "√d_k =" at a line's
end and "2" on the next; an author who mistypes a name learns which name, on which page.
"""

from __future__ import annotations

import re

import polib
import pytest
from conftest import DOCS

#: A one-page site in fast mode (no clips rendered), its maths and substitutions as the docs set them.
MYST = {
    "myst_enable_extensions": ["dollarmath", "substitution"],
    "myst_substitutions": {"d_k": "4"},
    "suppress_warnings": ["phase_clips"],  # no page of this site has a clip
}


def test_a_value_inside_a_formula_is_typeset_in_it(build_root):
    body = "# Page\n\nIn the example $d_k = {{ d_k }}$, and\n\n$$\\sqrt{d_k} = \\sqrt{ {{ d_k }} }$$\n"
    app = build_root("clip-directive", body, tags=("fast",), **MYST)
    assert app.statuscode == 0, app.warning.getvalue()
    page = (app.outdir / "index.html").read_text()
    assert "{{" not in page
    inline, display = re.findall(r"<math.*?</math>", page, re.S)
    assert "<mo>=</mo><mn>4</mn>" in inline
    assert "<mn>4</mn>" in display


def test_a_name_that_is_not_a_value_fails_the_build_naming_it(build_root):
    app = build_root("clip-directive", "# Page\n\nWidth $d = {{ d_kk }}$.\n", tags=("fast",), **MYST)
    assert app.statuscode != 0
    warnings = app.warning.getvalue()
    assert "{{ d_kk }}" in warnings and "site_values.py" in warnings and "index.md" in warnings


def sources_and_translations():
    for page in DOCS.rglob("*.md"):
        if "_build" not in page.parts:
            yield str(page.relative_to(DOCS)), page.read_text(encoding="utf-8")
    for catalog in (DOCS / "locales").rglob("*.po"):
        for entry in polib.pofile(str(catalog)):
            yield str(catalog.relative_to(DOCS)), entry.msgstr


def test_no_page_leaves_a_value_outside_the_formula_it_completes():
    """``$d_k =$ {{ d_k }}`` sets the 4 in the text's font and lets a line break before it."""
    outside = [
        (name, match.group(0))
        for name, text in sources_and_translations()
        for match in re.finditer(r"=\$\s*\{\{\s*\w+\s*\}\}", text)
    ]
    assert outside == []


@pytest.mark.site
def test_the_chinese_page_fills_its_formulas_as_the_english_one(zh_site):
    page = (zh_site / "phases/04-scale-softmax.html").read_text(encoding="utf-8")
    assert not [formula for formula in re.findall(r"<math.*?</math>", page, re.S) if "{{" in formula]
    assert "<mi>k</mi></msub><mo>=</mo><mn>4</mn>" in page
