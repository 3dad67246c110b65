"""Each formula is typeset once per machine: a second build runs no LaTeX and writes the same site.

The builds are of a one-page project whose ``imgmath_latex`` is a wrapper that logs each run of
LaTeX before running it, so the tests count compilations instead of timing builds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from attention_site.math_cache import CACHEDIR_TAG

ROOT = Path(__file__).resolve().parents[1]
PAGE = "Maths\n=====\n\n:math:`a_{ij}` and :math:`\\sqrt{d_k}`\n\n.. math:: QK^\\top\n"


def project(tmp_path: Path, page: str = PAGE, font_size: int = 12) -> Path:
    """A one-page project with imgmath (SVG files beside the page) and a LaTeX that logs its runs."""
    latex = tmp_path / "latex-that-logs"
    latex.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] || echo run >> "{tmp_path}/latex-runs"\nexec latex "$@"\n'
    )
    latex.chmod(0o755)
    source = tmp_path / "src"
    source.mkdir(exist_ok=True)
    (source / "conf.py").write_text(
        "extensions = ['sphinx.ext.imgmath', 'attention_site.math_cache']\n"
        f"imgmath_image_format = 'svg'\nimgmath_latex = {str(latex)!r}\nimgmath_font_size = {font_size}\n"
    )
    (source / "index.rst").write_text(page)
    return source


def build(source: Path, out: Path, cache: Path | str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATTENTION_MATH_CACHE": str(cache)}
    command = [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(source), str(out)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)


def latex_runs(tmp_path: Path) -> int:
    log = tmp_path / "latex-runs"
    runs = len(log.read_text().splitlines()) if log.is_file() else 0
    log.unlink(missing_ok=True)
    return runs


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".doctrees" not in p.parts and p.suffix != ".pickle"
    }


def test_a_second_build_runs_no_latex_and_writes_the_same_site(tmp_path):
    source, cache = project(tmp_path), tmp_path / "cache"
    assert build(source, tmp_path / "first", cache).returncode == 0
    assert latex_runs(tmp_path) == 3
    result = build(source, tmp_path / "second", cache)
    assert result.returncode == 0, result.stderr
    assert latex_runs(tmp_path) == 0
    assert files(tmp_path / "second") == files(tmp_path / "first")
    assert (cache / CACHEDIR_TAG).read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_only_the_formulas_a_page_uses_reach_the_site(tmp_path):
    cache = tmp_path / "cache"
    assert build(project(tmp_path), tmp_path / "first", cache).returncode == 0
    source = project(tmp_path, page="Maths\n=====\n\n:math:`a_{ij}`\n")
    assert build(source, tmp_path / "second", cache).returncode == 0
    assert latex_runs(tmp_path) == 3  # the first build's three; the second found its one formula cached
    assert len(list((tmp_path / "second" / "_images" / "math").iterdir())) == 1


def test_another_font_size_is_typeset_again(tmp_path):
    cache = tmp_path / "cache"
    assert build(project(tmp_path), tmp_path / "first", cache).returncode == 0
    assert build(project(tmp_path, font_size=14), tmp_path / "second", cache).returncode == 0
    assert latex_runs(tmp_path) == 6
    assert files(tmp_path / "second") != files(tmp_path / "first")


def test_off_typesets_every_build_and_writes_no_cache(tmp_path):
    source = project(tmp_path)
    for out in ("first", "second"):
        assert build(source, tmp_path / out, "off").returncode == 0
    assert latex_runs(tmp_path) == 6
    assert not (ROOT / "off").exists() and not (tmp_path / "off").exists()


@pytest.mark.parametrize("kind", ["someone's folder", "a file"])
def test_a_folder_that_is_not_a_maths_cache_is_one_error_and_left_alone(tmp_path, kind):
    folder = tmp_path / "mine"
    if kind == "a file":
        folder.write_text("notes\n")
    else:
        folder.mkdir()
        (folder / "notes.txt").write_text("keep me\n")
    before = files(folder) if folder.is_dir() else folder.read_bytes()
    result = build(project(tmp_path), tmp_path / "out", folder)
    assert result.returncode == 2
    assert f"maths cache {folder}:" in result.stderr and "ATTENTION_MATH_CACHE" in result.stderr
    assert "Traceback" not in result.stderr and "please open an issue" not in result.stderr
    assert (files(folder) if folder.is_dir() else folder.read_bytes()) == before
    assert latex_runs(tmp_path) == 0


def test_the_latex_of_a_formula_follows_its_settings_and_a_template_of_the_project_s_own(tmp_path):
    """One process may run several builds (``nox -s docs-live``): remembered LaTeX is never stale."""
    from types import SimpleNamespace

    from sphinx.ext.imgmath import generate_latex_macro

    from attention_site.math_cache import _remembered

    def settings(font_size=12, folders=()):
        return SimpleNamespace(
            imgmath_font_size=font_size,
            imgmath_latex_preamble="",
            imgmath_use_preview=True,
            templates_path=list(folders),
        )

    latex = _remembered(generate_latex_macro)
    assert latex("svg", "x^2", settings(), tmp_path) == generate_latex_macro(
        "svg", "x^2", settings(), tmp_path
    )
    assert "\\fontsize{14}{17}" in latex("svg", "x^2", settings(14), tmp_path)

    asked = []
    counted = _remembered(lambda *arguments: asked.append(arguments) or f"text {len(asked)}")
    assert (
        counted("svg", "x^2", settings(), tmp_path) == counted("svg", "x^2", settings(), tmp_path) == "text 1"
    )
    (tmp_path / "_templates").mkdir()
    (tmp_path / "_templates" / "preview.tex.jinja").write_text("% the project's own\n<%= math %>\n")
    mine = settings(folders=["_templates"])
    assert [counted("svg", "x^2", mine, tmp_path) for _ in range(2)] == ["text 2", "text 3"]
