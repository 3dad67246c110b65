"""imgmath's maths images, with their size written on the page: nothing moves when they arrive.

imgmath writes ``<img class="math" src="…svg" alt="…">`` with no size, so a browser lays each
line out, fetches the SVG and lays the line out again: the text jumps as the maths arrives, and
Lighthouse counts every formula as an unsized image. This HTML maths renderer, ``imgmath_sized``,
is imgmath's own with ``width`` and ``height`` added from each SVG's size (an SVG point is 4/3
of a CSS pixel). It is the renderer of any project that has not chosen one
(``html_math_renderer``).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

import attention

PX_PER_SVG_PT = 4 / 3  #: CSS pixels per SVG point (96 px and 72 pt to the inch)
_SVG_SIZE = re.compile(r"<svg\b[^>]*?\bwidth='([\d.]+)pt'[^>]*?\bheight='([\d.]+)pt'")
_IMAGE = re.compile(r'<img (class="math" )?src="(?P<src>[^"]+\.svg)"')


def svg_size(svg: str) -> tuple[int, int] | None:
    """An SVG's width and height in whole CSS pixels, from dvisvgm's sizes in points (None if it has none).

    >>> svg_size("<svg version='1.1' width='87.127629pt' height='13.947696pt' viewBox='0 0 87 13'>")
    (116, 19)
    """
    found = _SVG_SIZE.search(svg)
    if found is None:
        return None
    return tuple(round(float(points) * PX_PER_SVG_PT) for points in found.groups())  # type: ignore[return-value]


def with_size(fragment: str, folder: Path) -> str:
    """``fragment`` with ``width`` and ``height`` on its maths image, read from the SVG in ``folder``.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.svg").write_text("<svg width='9.53pt' height='9.53pt'>")
    >>> with_size('<img class="math" src="../_images/math/a.svg" alt="A"/>', folder)
    '<img class="math" src="../_images/math/a.svg" width="13" height="13" alt="A"/>'
    """
    image = _IMAGE.search(fragment)
    if image is None:
        return fragment
    path = folder / Path(image["src"]).name
    size = svg_size(path.read_text(encoding="utf-8")) if path.is_file() else None
    if size is None:
        return fragment
    return f'{fragment[: image.end()]} width="{size[0]}" height="{size[1]}"{fragment[image.end() :]}'


def _sized(visit):
    """imgmath's visitor ``visit``, adding the size to the image it writes."""

    def visit_sized(translator, node: nodes.Element) -> None:
        start = len(translator.body)
        try:
            visit(translator, node)
        finally:  # imgmath's visitors end by raising SkipNode
            folder = Path(translator.builder.outdir) / translator.builder.imagedir / "math"
            translator.body[start:] = [with_size(part, folder) for part in translator.body[start:]]

    return visit_sized


def choose_renderer(app: Sphinx, config) -> None:
    """imgmath's maths, sized, unless the project chose a renderer itself."""
    if not config.html_math_renderer:
        config.html_math_renderer = "imgmath_sized"


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx.ext.imgmath")
    import sphinx.ext.imgmath as imgmath

    app.add_html_math_renderer(
        "imgmath_sized",
        inline_renderers=(_sized(imgmath.html_visit_math), None),
        block_renderers=(_sized(imgmath.html_visit_displaymath), None),
    )
    app.connect("config-inited", choose_renderer)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
