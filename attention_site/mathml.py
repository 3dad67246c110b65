"""Sphinx extension: the site's maths as MathML, typeset at build time by Temml.

Every browser a reader uses draws MathML itself (Chromium since 109, Firefox, Safari): a formula
is text on the line's baseline at the text's size, in the theme's colour, read aloud as maths by a
screen reader, and it costs no request. The images ``sphinx.ext.imgmath`` drew instead sat in
every page's critical path (56 requests on Scale & Softmax) and had to be inverted for the dark
theme. `Temml <https://temml.org>`_ turns LaTeX into MathML; it runs in Node.js, installed by npm
into the session's environment (``nox -s docs`` does it), once per build for every formula the
build has not typeset before. The MathML is kept in Sphinx's environment, so a warm build runs
nothing.

Setting (``conf.py``): ``mathml_temml``, Temml's folder (the npm package); "" for
``$ATTENTION_TEMML``, else ``node/node_modules/temml`` in the Python environment, where
``nox`` installs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

import attention

from . import math_font
from .math_text import latex_of, math_text
from .setting_errors import stop_on_setting

logger = logging.getLogger(__name__)

ENVIRONMENT_VARIABLE = "ATTENTION_TEMML"
#: Temml's options: MathML for the page, each formula's LaTeX kept in an annotation (copied with it).
OPTIONS = {"annotate": True, "throwOnError": True, "trust": False}
#: Reads [[latex, display], ...] as JSON on stdin; writes [{"mathml"} or {"error"}, ...].
TYPESET = """
const temml = require(require("path").join(process.argv[1], "dist", "temml.cjs"));
if (typeof temml.renderToString !== "function") {
  process.stderr.write("its dist/temml.cjs has no renderToString");
  process.exit(1);
}
const options = JSON.parse(process.argv[2]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([latex, display]) => {
    try {
      return { mathml: temml.renderToString(latex, { ...options, displayMode: display }) };
    } catch (error) {
      return { error: String(error.message || error) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


#: A token element with Temml's ``scriptlevel`` on it (its primes): MathML Core allows that, the
#: HTML standard's MathML (and the Nu HTML checker) only on ``mstyle``, which does the same.
_TOKEN_SCRIPTLEVEL = re.compile(r'<(mo|mi|mn|mtext)\b([^>]*?) scriptlevel="(\d+)"([^>]*)>([^<]*)</\1>')


def valid_html(mathml: str) -> str:
    """``mathml`` with each ``scriptlevel`` of a token moved to an ``mstyle`` around it.

    >>> valid_html('<mo lspace="0em" scriptlevel="2" class="tml-prime">′</mo>')
    '<mstyle scriptlevel="2"><mo lspace="0em" class="tml-prime">′</mo></mstyle>'
    """
    return _TOKEN_SCRIPTLEVEL.sub(r'<mstyle scriptlevel="\3"><\1\2\4>\5</\1></mstyle>', mathml)


#: An inline formula with the punctuation that touches it: a line may not break between them.
_WITH_PUNCTUATION = re.compile(
    r"([(\[（「『]*)(<math>(?:(?!</math>).)*</math>)([,.;:!?)\]，。；：、！？）」』]*)", re.S
)


def keep_punctuation_with_formulas(body: str) -> str:
    """``body`` with each inline formula and the punctuation touching it held on one line.

    A browser may break a line after a formula as after an image, leaving its comma to start the
    next line; a ``math-nowrap`` span (``white-space: nowrap``) keeps them together.

    >>> keep_punctuation_with_formulas("is <math><mi>A</mi></math>, and (<math><mi>n</mi></math>) <math><mi>x</mi></math> y")
    'is <span class="math-nowrap"><math><mi>A</mi></math>,</span> and <span class="math-nowrap">(<math><mi>n</mi></math>)</span> <math><mi>x</mi></math> y'
    """

    def held(found: re.Match) -> str:
        if not (found[1] or found[3]):
            return found[0]
        return f'<span class="math-nowrap">{found[0]}</span>'

    return _WITH_PUNCTUATION.sub(held, body)


def hold_punctuation(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if isinstance(context.get("body"), str) and "<math>" in context["body"]:
        context["body"] = keep_punctuation_with_formulas(context["body"])


class Formula(NamedTuple):
    """One formula as a page writes it: its LaTeX and whether it stands on its own line."""

    latex: str
    display: bool


class MathMLError(Exception):
    """Temml cannot be run; the message names the setting and the fix."""


def default_folder() -> Path:
    """``node/node_modules/temml`` in this Python environment: where ``nox`` installs it."""
    return Path(sys.prefix) / "node" / "node_modules" / "temml"


def temml_folder(setting: str) -> Path:
    """Temml's npm folder: the setting, else ``$ATTENTION_TEMML``, else the environment's."""
    return Path(setting or os.environ.get(ENVIRONMENT_VARIABLE) or default_folder())


def temml_version(folder: Path) -> str:
    """The version in Temml's ``package.json``; MathMLError (with the fix) when it is not there."""
    try:
        return json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise MathMLError(
            f"Temml, which typesets the site's maths, is not in {folder}. Run `nox -s docs` (it "
            f"installs the pinned Temml with npm), or install it (`npm install temml`) and set "
            f"mathml_temml ({ENVIRONMENT_VARIABLE}) to its folder, node_modules/temml."
        ) from None


def typeset(formulas: list[Formula], folder: Path) -> list[dict[str, str]]:
    """Each formula's ``{"mathml": ...}``, or ``{"error": ...}`` when Temml cannot read its LaTeX.

    One Node.js process typesets them all.
    """
    if not formulas:
        return []
    node = shutil.which("node")
    if node is None:
        raise MathMLError("Node.js (`node`) is needed to typeset the maths with Temml: install Node.js.")
    result = subprocess.run(
        [node, "-e", TYPESET, str(folder), json.dumps(OPTIONS)],
        input=json.dumps([list(formula) for formula in formulas]),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise MathMLError(f"Temml in {folder} failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout)


def display_parts(node: nodes.math_block) -> list[str]:
    """The formulas of a display block: one unless its LaTeX has blank lines between formulas.

    >>> display_parts(nodes.math_block("a = b\\n\\nc = d", "a = b\\n\\nc = d", nowrap=False))
    ['a = b', 'c = d']
    """
    if node.get("nowrap"):
        return [node.astext()]
    return [part.strip() for part in node.astext().split("\n\n") if part.strip()]


#: What a display formula's pieces are split at, and what nests (a piece is never cut inside these).
#: A control symbol (``\{``, ``\\``, ``\,``) is one token: its brace, if any, nests nothing.
_NESTING = re.compile(r"\\[^A-Za-z]|\\(?:begin|end|left|right)(?![A-Za-z])|\\qquad(?![A-Za-z])|[{}]")


def side_by_side(formula: str) -> list[str]:
    r"""A display formula's pieces: written ``A, \qquad B``, it is two formulas, set side by side
    where the line has room for both and one under the other where it has not (a phone).

    >>> side_by_side(r"x = y, \qquad f(x) = \left\{ \begin{cases} 1 \qquad 2 \end{cases} \right.")
    ['x = y,', 'f(x) = \\left\\{ \\begin{cases} 1 \\qquad 2 \\end{cases} \\right.']
    >>> side_by_side(r"\begin{cases} 1 \\{x} \qquad 2 \end{cases}")  # a new row, then a brace
    ['\\begin{cases} 1 \\\\{x} \\qquad 2 \\end{cases}']
    >>> side_by_side("a = b")
    ['a = b']
    """
    pieces, depth, start = [], 0, 0
    for token in _NESTING.finditer(formula):
        text = token[0]
        if text in ("{", "\\begin", "\\left"):
            depth += 1
        elif text in ("}", "\\end", "\\right"):
            depth -= 1
        elif text == "\\qquad" and depth == 0:
            pieces.append(formula[start : token.start()])
            start = token.end()
    pieces.append(formula[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def display_pieces(node: nodes.math_block) -> list[list[str]]:
    """Each formula of a display block (:func:`display_parts`) as its pieces (:func:`side_by_side`)."""
    return [side_by_side(part) for part in display_parts(node)]


def formulas_in(doctree: nodes.Node) -> set[Formula]:
    """Every formula a document writes."""
    found = {Formula(latex_of(node), False) for node in doctree.findall(nodes.math)}
    for block in doctree.findall(nodes.math_block):
        found.update(Formula(piece, True) for pieces in display_pieces(block) for piece in pieces)
    return found


# -- The environment: which document writes which formula, and each formula's MathML --
def _state(env: BuildEnvironment) -> tuple[dict[str, set[Formula]], dict[Formula, str]]:
    if not hasattr(env, "attention_math_formulas"):
        env.attention_math_formulas = {}  # type: ignore[attr-defined]
        env.attention_mathml = {}  # type: ignore[attr-defined]
    return env.attention_math_formulas, env.attention_mathml  # type: ignore[attr-defined]


def note_formulas(app: Sphinx, doctree: nodes.document) -> None:
    _state(app.env)[0][app.env.docname] = formulas_in(doctree)


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _state(env)[0].pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    used, _ = _state(env)
    theirs, _ = _state(other)
    for docname in docnames:
        if docname in theirs:
            used[docname] = theirs[docname]


def retry_failed_pages(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The pages a build wrote with a formula Temml could not read: read again, never served stale."""
    return env.__dict__.pop("attention_math_retry", set())


def typeset_new_formulas(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Typeset, in one run of Temml, every formula the pages use and the environment lacks.

    Returns the pages whose formulas' MathML changed (a new Temml typesets everything again), so
    that Sphinx writes them again: a page never keeps the MathML of an older Temml.
    """
    if app.builder.format != "html":
        return []
    used, mathml = _state(env)
    before = dict(mathml)
    env.attention_math_failed = set()  # type: ignore[attr-defined]
    folder = temml_folder(app.config.mathml_temml)
    try:
        version = temml_version(folder)
    except MathMLError as error:
        stop_on_setting(str(error), "mathml")
    if getattr(env, "attention_temml", None) != (version, OPTIONS):
        mathml.clear()  # a new Temml typesets everything again
        env.attention_temml = (version, OPTIONS)  # type: ignore[attr-defined]
    wanted = set().union(*used.values()) if used else set()
    for formula in set(mathml) - wanted:
        del mathml[formula]
    _typeset_into(env, sorted(wanted - set(mathml)), folder, used)
    math_font.publish(app, env, list(mathml.values()))
    changed = {formula for formula in wanted if formula in before and before[formula] != mathml.get(formula)}
    return sorted(docname for docname, found in used.items() if found & changed)


def _typeset_into(
    env: BuildEnvironment, formulas: list[Formula], folder: Path, used: dict[str, set[Formula]]
) -> None:
    """Typeset ``formulas`` into the environment; warn once of each that Temml cannot read."""
    _, mathml = _state(env)
    failed = env.__dict__.setdefault("attention_math_failed", set())
    try:
        results = typeset(formulas, folder)
    except MathMLError as error:
        stop_on_setting(str(error), "mathml")
    for formula, result in zip(formulas, results, strict=True):
        if "mathml" in result:
            mathml[formula] = valid_html(result["mathml"])
            continue
        failed.add(formula)
        pages = sorted(docname for docname, found in used.items() if formula in found)
        env.__dict__.setdefault("attention_math_retry", set()).update(pages)  # read again next build
        logger.warning(
            "Temml cannot typeset %s %r (on %s): %s. Correct the LaTeX.",
            "display maths" if formula.display else "inline maths",
            formula.latex,
            ", ".join(pages) or "a page",
            result["error"],
            type="attention_site",
            subtype="mathml",
        )


def mathml_of(translator, formula: Formula) -> str:
    """The formula's MathML; one Temml has not typeset (added after reading) is typeset now."""
    env = translator.builder.env
    _, mathml = _state(env)
    if formula not in mathml and formula not in env.__dict__.get("attention_math_failed", ()):
        folder = temml_folder(translator.builder.config.mathml_temml)
        _typeset_into(env, [formula], folder, {translator.builder.current_docname: {formula}})
    if formula not in mathml:  # Temml could not read it (warned): the reader sees the LaTeX
        return f'<code class="math-source">{translator.encode(formula.latex)}</code>'
    return mathml[formula]


def visit_math_html(translator, node: nodes.math) -> None:
    translator.body.append(mathml_of(translator, Formula(latex_of(node), False)))
    raise nodes.SkipNode


def headings_searched_as_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A heading's maths is found and listed by the search as text ("Why √d_k"), and drawn as MathML.

    Sphinx's search index takes each heading's text from the page as it is written, where a
    formula's text is its LaTeX (``\\sqrt{d_k}``). Its LaTeX moves to the node's ``latex``, which
    the page's MathML is made from, and the text becomes :func:`~.math_text.math_text`'s.
    """
    if getattr(app.builder, "math_renderer_name", None) != "mathml":  # HTML builders only have one
        return  # another renderer (MathJax, imgmath) reads the node's text as LaTeX
    for title in doctree.findall(nodes.title):
        for node in list(title.findall(nodes.math)):
            node["latex"] = node.astext()
            node.children = []
            node += nodes.Text(math_text(node["latex"]))


def visit_math_block_html(translator, node: nodes.math_block) -> None:
    translator.body.append(translator.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, "Link to this equation")
        translator.body.append("</span>")
    for pieces in display_pieces(node):
        mathml = [mathml_of(translator, Formula(piece, True)) for piece in pieces]
        translator.body.extend(
            ['<div class="math-pieces">', *mathml, "</div>"] if len(mathml) > 1 else mathml
        )
    translator.body.append("</div>\n")
    raise nodes.SkipNode


#: The font Temml's primes use, published from its package (its stylesheet's rules the site needs
#: are in static/mathml.css).
TEMML_FILES = {"Temml.woff2": "Temml.woff2"}
STATIC_FOLDER = "temml"  #: under ``_static``


def publish_temml_files(app: Sphinx) -> None:
    """Copy Temml's font beside the site's stylesheets (an unchanged file is left as it is)."""
    if app.builder.format != "html":
        return
    folder = temml_folder(app.config.mathml_temml)
    try:
        temml_version(folder)
    except MathMLError as error:
        stop_on_setting(str(error), "mathml")
    target = Path(app.outdir) / "_static" / STATIC_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for source, name in TEMML_FILES.items():
        content = (folder / "dist" / source).read_bytes()
        if not (target / name).is_file() or (target / name).read_bytes() != content:
            (target / name).write_bytes(content)


def choose_renderer(app: Sphinx, config) -> None:
    """MathML, unless the project chose a renderer itself."""
    if not config.html_math_renderer:
        config.html_math_renderer = "mathml"


def setup(app: Sphinx) -> dict:
    app.add_config_value("mathml_temml", "", "env", types=[str])
    app.add_config_value("mathml_font", "", "", types=[str])  # the cut's key holds the file's path and size
    app.add_html_math_renderer(
        "mathml", inline_renderers=(visit_math_html, None), block_renderers=(visit_math_block_html, None)
    )
    app.connect("config-inited", choose_renderer)
    app.connect("builder-inited", publish_temml_files)
    app.connect("builder-inited", math_font.check_source)
    app.add_css_file("mathml.css")
    app.connect("doctree-read", note_formulas)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("env-get-updated", retry_failed_pages)
    app.connect("env-updated", typeset_new_formulas)
    app.connect("html-page-context", hold_punctuation)
    app.connect("doctree-resolved", headings_searched_as_text)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
