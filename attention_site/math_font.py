"""The maths font the site serves: Latin Modern Math, cut to the characters its formulas use.

A browser draws MathML in a font with an OpenType MATH table (how to stack a fraction, stretch a
bracket, place a subscript). Laptops have one (Cambria Math, STIX Two Math); many phones do not,
and each draws the maths differently. So the site serves Latin Modern Math, the font of the
LaTeX the formulas are written in, from its own host: TeX's copy (``kpsewhich
latinmodern-math.otf``, Debian's fonts-lmodern), cut by fontTools to the characters of the site's
formulas and what the MATH table needs to build them (larger brackets, radical signs), as WOFF2:
about 38 KB instead of 700. A reader who has the font installed uses theirs (``local()``).
The setting ``mathml_font`` (or ``$ATTENTION_MATH_FONT``) names another copy of the font file,
on a machine without TeX for example; a file that is not the font stops the build.

The cut is made when the set of characters changes and is kept in Sphinx's environment.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .setting_errors import stop_on_setting

SOURCE_NAME = "latinmodern-math.otf"
FAMILY = "Latin Modern Math"
ENVIRONMENT_VARIABLE = "ATTENTION_MATH_FONT"  #: or ``mathml_font`` in ``conf.py``: the font file
PUBLISHED = "math/latin-modern-math.woff2"  #: under ``_static``
#: Always in the cut: glyphs the browser draws that are not characters of the MathML (the radical
#: sign of ``msqrt``), and common punctuation.
ALWAYS = "\u221a\u00af ()[]{}|,.;:=+-\u2212\u00b7\u22c5\u2032"
#: Characters Temml writes that Latin Modern Math draws under another code point: ``\bar``'s
#: overline (U+203E) is its macron (U+00AF).
ALIASES = {0x203E: 0x00AF}
_TEXT = re.compile(r">([^<]+)<")
_SINGLE_LETTER = re.compile(r"<mi>(.)</mi>")
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)


def italic(letter: str) -> str:
    """The mathematical italic a browser draws for a single-letter ``<mi>`` (MathML Core's
    ``text-transform: math-auto``): Latin and Greek letters, dotless i and j; others as they are.

    >>> italic("a"), italic("h"), italic("W"), italic("α"), italic("2")
    ('𝑎', 'ℎ', '𝑊', '𝛼', '2')
    """
    code = ord(letter)
    if letter == "h":
        return "\u210e"  # Planck's constant stands in the italic alphabet's gap
    for first, last, italic_first in (
        (0x41, 0x5A, 0x1D434),
        (0x61, 0x7A, 0x1D44E),
        (0x391, 0x3A9, 0x1D6E2),
        (0x3B1, 0x3C9, 0x1D6FC),
    ):
        if first <= code <= last:
            return chr(italic_first + code - first)
    return {"\u0131": "\U0001d6a4", "\u0237": "\U0001d6a5"}.get(letter, letter)


def characters(mathml: str) -> str:
    """The characters a MathML formula draws (its LaTeX annotation is not drawn), a lone letter
    in ``<mi>`` as the italic the browser draws.

    >>> characters('<math><mi>d</mi><mo>&#x2219;</mo><mi>ab</mi><annotation encoding="application/x-tex">d</annotation></math>')
    '𝑑∙ab'
    """
    drawn = _SINGLE_LETTER.sub(
        lambda found: f"<mi>{italic(html.unescape(found[1]))}</mi>", _ANNOTATION.sub("", mathml)
    )
    return "".join(html.unescape(text) for text in _TEXT.findall(drawn))


def source_font(setting: str = "") -> Path:
    """Latin Modern Math: the ``mathml_font`` setting, else ``$ATTENTION_MATH_FONT``, else TeX's
    copy; stops the build, naming the fix, when there is none or the file is not that font."""
    named_by = "mathml_font" if setting else ENVIRONMENT_VARIABLE
    chosen = setting or os.environ.get(ENVIRONMENT_VARIABLE, "")
    if chosen:
        path = Path(chosen).expanduser()
        problem = _not_the_source(path)
        if problem:
            stop_on_setting(
                f"{named_by} names {chosen}, which {problem}; the site's maths is drawn in {FAMILY}. "
                f"Set it to the OpenType file {SOURCE_NAME} (TeX Live's lm-math), or unset it to "
                "use TeX's copy.",
                "math_font",
            )
        return path
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich:
        found = subprocess.run([kpsewhich, SOURCE_NAME], capture_output=True, text=True, check=False)
        path = Path(found.stdout.strip())
        if found.returncode == 0 and path.is_file():
            return path
    stop_on_setting(
        f"The maths font {SOURCE_NAME} ({FAMILY}) is not installed: install Debian's "
        "fonts-lmodern (`nox -s docs` installs it with LaTeX), or TeX Live's lm-math, or set "
        f"mathml_font ({ENVIRONMENT_VARIABLE}) to the file {SOURCE_NAME}.",
        "math_font",
    )


def _not_the_source(path: Path) -> str | None:
    """What is wrong with ``path`` as the font to cut (None when it is Latin Modern Math's OpenType file)."""
    from fontTools.ttLib import TTFont

    if not path.is_file():
        return "is not a file"
    try:
        with TTFont(path, lazy=True) as font:
            family, flavor, has_math = font["name"].getBestFamilyName(), font.flavor, "MATH" in font
    except Exception:  # fontTools raises many kinds on a file that is not a font, or a cut-off one
        return "cannot be read as a font"
    if family != FAMILY:
        return f"is the font {family!r}"
    if flavor:
        return f"is a web font ({flavor.upper()}, such as the site's own cut), not the OpenType file"
    if not has_math:
        return "has no MATH table"
    return None


def check_source(app: Sphinx) -> None:
    """Stop an HTML build over a missing or wrong maths font before any page is read."""
    if app.builder.format == "html":
        source_font(app.config.mathml_font)


def cut(source: Path, wanted: str) -> bytes:
    """``source`` as WOFF2 with the glyphs of ``wanted`` and the MATH table's variants of them."""
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it reports each table it prunes

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a browser reads
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in wanted}))
    subsetter.subset(font)
    for table in font["cmap"].tables:
        if table.isUnicode():
            for alias, drawn_as in ALIASES.items():
                if alias not in table.cmap and drawn_as in table.cmap:
                    table.cmap[alias] = table.cmap[drawn_as]
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def publish(app: Sphinx, env: BuildEnvironment, mathml: list[str]) -> None:
    """Write the cut for these formulas to ``_static`` (made again only when its characters change)."""
    wanted = "".join(sorted(set(ALWAYS + "".join(characters(formula) for formula in mathml))))
    source = source_font(app.config.mathml_font)
    stat = source.stat()
    key = hashlib.sha256(f"{wanted}|{source}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()
    kept = getattr(env, "attention_math_font", None)
    if kept is None or kept[0] != key:
        try:
            kept = (key, cut(source, wanted))
        except Exception as error:  # a damaged file that still names the font
            stop_on_setting(
                f"The maths font {source} cannot be cut ({type(error).__name__}: {error}): install "
                f"it again, or set mathml_font ({ENVIRONMENT_VARIABLE}) to a good copy of {SOURCE_NAME}.",
                "math_font",
            )
        env.attention_math_font = kept  # type: ignore[attr-defined]
    target = Path(app.outdir) / "_static" / PUBLISHED
    if not target.is_file() or target.read_bytes() != kept[1]:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(kept[1])
        partial.replace(target)
