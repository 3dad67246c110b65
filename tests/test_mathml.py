"""The maths is MathML typeset once by Temml: what a maintainer sees when a formula or Temml is wrong.

Builds of a one-page project in a subprocess, as ``sphinx-build`` runs them; a ``node`` on the
PATH that logs each run before running Node.js counts Temml's runs instead of timing builds.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from attention_site.math_font import SOURCE_NAME, italic
from attention_site.mathml import temml_folder

ROOT = Path(__file__).resolve().parents[1]
PAGE = "Maths\n=====\n\n:math:`a_{ij}` and :math:`\\sqrt{d_k}`\n\n.. math:: QK^\\top\n"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (nox -s tests has it)")


def project(tmp_path: Path, page: str = PAGE, conf: str = "") -> Path:
    source = tmp_path / "src"
    source.mkdir(exist_ok=True)
    (source / "conf.py").write_text(f"extensions = ['attention_site.mathml']\n{conf}")
    (source / "index.rst").write_text(page)
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir(exist_ok=True)
    node = bin_folder / "node"
    node.write_text(f'#!/bin/sh\necho run >> "{tmp_path}/node-runs"\nexec {shutil.which("node")} "$@"\n')
    node.chmod(0o755)
    return source


def build(source: Path, out: Path, **env: str) -> subprocess.CompletedProcess:
    path = f"{source.parent / 'bin'}{os.pathsep}{os.environ['PATH']}"
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(source), str(out)]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PATH": path, **env}
    )


def node_runs(tmp_path: Path) -> int:
    log = tmp_path / "node-runs"
    runs = len(log.read_text().splitlines()) if log.is_file() else 0
    log.unlink(missing_ok=True)
    return runs


def test_formulas_are_mathml_typeset_in_one_run_and_not_again(tmp_path):
    source = project(tmp_path)
    first = build(source, tmp_path / "out")
    assert first.returncode == 0 and not first.stderr, first.stderr
    page = (tmp_path / "out" / "index.html").read_text()
    assert page.count("<math") == 3 and "<msqrt>" in page and "<img" not in page
    assert '<annotation encoding="application/x-tex">a_{ij}</annotation>' in page  # copied with it
    assert node_runs(tmp_path) == 1  # three formulas, one run of Temml
    (source / "index.rst").write_text(PAGE + "\nAnd :math:`n`.\n")
    assert build(source, tmp_path / "out").returncode == 0
    assert node_runs(tmp_path) == 1  # only the new formula
    assert build(source, tmp_path / "out").returncode == 0
    assert node_runs(tmp_path) == 0  # a warm build runs nothing


def test_a_formula_temml_cannot_read_is_named_and_its_page_is_not_served_stale(tmp_path):
    source = project(tmp_path, PAGE + "\nBroken :math:`\\frac{a`.\n")
    for _ in range(2):  # the page is read again: the warning comes back until the LaTeX is corrected
        result = build(source, tmp_path / "out")
        assert "Temml cannot typeset inline maths '\\\\frac{a' (on index)" in result.stderr, result.stderr
        assert "Correct the LaTeX" in result.stderr
        assert '<code class="math-source">\\frac{a</code>' in (tmp_path / "out" / "index.html").read_text()
    (source / "index.rst").write_text(PAGE + "\nMended :math:`\\frac{a}{b}`.\n")
    result = build(source, tmp_path / "out")
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert "math-source" not in (tmp_path / "out" / "index.html").read_text()


def test_a_missing_temml_stops_the_build_with_the_fix(tmp_path):
    result = build(project(tmp_path), tmp_path / "out", ATTENTION_TEMML=str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert f"Temml, which typesets the site's maths, is not in {tmp_path / 'nowhere'}" in result.stderr
    assert "Run `nox -s docs`" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_maths_font_is_cut_to_the_formulas(tmp_path):
    from fontTools.ttLib import TTFont

    assert build(project(tmp_path), tmp_path / "out").returncode == 0
    font = TTFont(tmp_path / "out" / "_static" / "math" / "latin-modern-math.woff2")
    drawn = set(font.getBestCmap())
    letters = {ord(italic(c)) for c in "aijdkQK"}  # drawn as the italics of a lone <mi> letter
    assert letters | {0x22A4, 0x221A} <= drawn and ord(italic("z")) not in drawn


def without_tex(source: Path) -> Path:
    """The project's ``bin`` gets a ``kpsewhich`` that finds nothing, as on a machine without TeX."""
    kpsewhich = source.parent / "bin" / "kpsewhich"
    kpsewhich.write_text("#!/bin/sh\nexit 1\n")
    kpsewhich.chmod(0o755)
    return source


def test_without_tex_the_maths_font_is_named_by_its_setting_and_a_wrong_file_is_refused(tmp_path):
    if shutil.which("kpsewhich") is None:
        pytest.skip("needs TeX's latinmodern-math.otf to copy (nox -s tests installs it)")
    tex_copy = subprocess.run(
        ["kpsewhich", SOURCE_NAME], capture_output=True, text=True, check=True
    ).stdout.strip()
    source, out = without_tex(project(tmp_path)), tmp_path / "out"
    result = build(source, out)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "or set mathml_font (ATTENTION_MATH_FONT) to the file latinmodern-math.otf" in result.stderr

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    font = fonts / SOURCE_NAME
    shutil.copyfile(tex_copy, font)
    assert build(source, out, ATTENTION_MATH_FONT=str(font)).returncode == 0
    cut = out / "_static" / "math" / "latin-modern-math.woff2"
    assert cut.is_file()

    (fonts / "notes.txt").write_text("not a font")
    (fonts / "cut-short.otf").write_bytes(font.read_bytes()[:5000])
    wrong = {
        fonts / "notes.txt": "which cannot be read as a font",
        fonts: "which is not a file",
        temml_folder("") / "dist" / "Temml.woff2": "which is the font 'Temml-Script'",  # Temml's, for primes
        cut: "which is a web font (WOFF2, such as the site's own cut), not the OpenType file",
    }
    for path, said in wrong.items():
        result = build(source, tmp_path / "wrong", ATTENTION_MATH_FONT=str(path))
        assert result.returncode == 2, result.stderr
        assert f"ATTENTION_MATH_FONT names {path}, {said}" in result.stderr
        assert "Set it to the OpenType file latinmodern-math.otf" in result.stderr
        assert "Traceback" not in result.stderr
    result = build(source, tmp_path / "short", ATTENTION_MATH_FONT=str(fonts / "cut-short.otf"))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "cut-short.otf" in result.stderr

    # the setting in conf.py comes before the environment's
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + f"mathml_font = {str(font)!r}\n")
    assert build(source, tmp_path / "set", ATTENTION_MATH_FONT=str(fonts / "notes.txt")).returncode == 0


def test_a_line_never_breaks_between_a_formula_and_its_punctuation(tmp_path):
    source = project(tmp_path, "Maths\n=====\n\nIt is :math:`A`, and (:math:`n`) or :math:`x` alone.\n")
    assert build(source, tmp_path / "out").returncode == 0
    page = (tmp_path / "out" / "index.html").read_text()
    assert re.search(r'<span class="math-nowrap"><math>.*?</math>,</span> and', page)
    assert re.search(r'<span class="math-nowrap">\(<math>.*?</math>\)</span> or <math>', page)


def test_a_new_temml_rewrites_the_pages_whose_maths_it_typesets_differently(tmp_path):
    source = project(tmp_path)
    assert build(source, tmp_path / "out").returncode == 0
    assert "data-new-temml" not in (tmp_path / "out" / "index.html").read_text()
    installed = Path(sys.prefix) / "node" / "node_modules" / "temml"
    newer = tmp_path / "temml"
    shutil.copytree(installed, newer)
    manifest = json.loads((newer / "package.json").read_text())
    (newer / "package.json").write_text(json.dumps({**manifest, "version": "99.0.0"}))
    with (newer / "dist" / "temml.cjs").open("a") as script:  # a Temml that writes other MathML
        script.write(
            "\nconst original = module.exports.renderToString;\n"
            "module.exports.renderToString = (...args) => original(...args).replace('<math', '<math data-new-temml');\n"
        )
    result = build(source, tmp_path / "out", ATTENTION_TEMML=str(newer))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").read_text().count("<math data-new-temml") == 3
