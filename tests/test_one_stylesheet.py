"""Each page links one stylesheet: the theme's and the site's, joined in the order the page linked them.

Builds of a one-page project in a subprocess (furo, two stylesheets of its own, one with a font
beside it), as ``sphinx-build`` runs them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def project(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    (source / "_static" / "fonts").mkdir(parents=True)
    (source / "conf.py").write_text(
        "extensions = ['attention_site.one_stylesheet']\nhtml_theme = 'furo'\n"
        "html_static_path = ['_static']\nhtml_css_files = ['fonts/face.css', 'late.css']\n"
    )
    (source / "index.rst").write_text("Page\n====\n\nText.\n")
    (source / "_static" / "fonts" / "face.css").write_text(
        '@font-face { font-family: F; src: url("f.woff2"); }\n.mark { background: url("data:image/png;base64,AA"); }\n'
    )
    (source / "_static" / "fonts" / "f.woff2").write_bytes(b"wOF2")
    (source / "_static" / "late.css").write_text("p { color: red; }\n")
    return source


def build(source: Path, out: Path) -> None:
    command = [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(source), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def linked(out: Path) -> tuple[list[str], str]:
    page = (out / "index.html").read_text()
    links = re.findall(r'<link rel="stylesheet" type="text/css" href="([^"]+)" />', page)
    return links, (out / links[0].split("?")[0]).read_text() if links else ""


def test_a_page_links_one_stylesheet_with_every_rule_in_order_and_its_fonts_found(tmp_path):
    out = tmp_path / "out"
    build(project(tmp_path), out)
    links, bundle = linked(out)
    assert len(links) == 1 and re.fullmatch(r"_static/bundle-[0-9a-f]{10}\.css\?v=[0-9a-f]{8}", links[0])
    furo = bundle.index("/* _static/styles/furo.css */")
    assert furo < bundle.index("@font-face") < bundle.index("p { color: red; }")  # the order of the links
    [font] = re.findall(r'src: url\("([^"]+)"\)', bundle)
    assert (out / "_static" / font).read_bytes() == b"wOF2"  # resolved from the bundle's folder
    assert 'url("data:image/png;base64,AA")' in bundle
    assert "sourceMappingURL" not in bundle and "/* Literal.String" not in bundle  # comments stay out


def test_a_changed_stylesheet_reaches_pages_the_build_does_not_write_again(tmp_path):
    source, out = project(tmp_path), tmp_path / "out"
    build(source, out)
    first_links, _ = linked(out)
    (source / "_static" / "late.css").write_text("p { color: blue; }\n")
    build(source, out)  # nothing to read or write: the page is as it was
    links, bundle = linked(out)
    assert links[0].split("?")[0] == first_links[0].split("?")[0]
    assert links != first_links, "the address keeps the old checksum: a browser may keep the old copy"
    assert "p { color: blue; }" in bundle and "p { color: red; }" not in bundle


def test_a_bundle_no_page_links_any_more_is_deleted_and_a_file_not_the_sites_is_kept(tmp_path):
    source, out = project(tmp_path), tmp_path / "out"
    build(source, out)
    first_links, _ = linked(out)
    not_ours = out / "_static" / "bundle-0123456789.css"
    not_ours.write_text("p { color: green; }\n")  # a bundle's name, not a bundle's first line
    conf = source / "conf.py"
    conf.write_text(conf.read_text().replace("'late.css'", "'late.css', 'extra.css'"))
    (source / "_static" / "extra.css").write_text("em { color: teal; }\n")
    build(source, out)  # the page links another set of files, so another bundle
    links, bundle = linked(out)
    assert links[0].split("?")[0] != first_links[0].split("?")[0] and "em { color: teal; }" in bundle
    assert not (out / first_links[0].split("?")[0]).exists(), "the old bundle would be published stale"
    assert not_ours.read_text() == "p { color: green; }\n"


def test_a_bundle_that_a_page_outside_this_build_links_is_kept(tmp_path):
    """Another language's pages in a folder inside, or a page whose source is gone, still link theirs."""
    source, out = project(tmp_path), tmp_path / "out"
    build(source, out)
    links, bundle = linked(out)
    header = bundle.splitlines(keepends=True)[0]
    for name, linker in (
        ("bundle-aaaaaaaaaa.css", out / "zh-tw" / "index.html"),
        ("bundle-bbbbbbbbbb.css", None),
    ):
        (out / "_static" / name).write_text(header + "p { color: olive; }\n")
        if linker:
            linker.parent.mkdir()
            linker.write_text(f'<link rel="stylesheet" href="../_static/{name}?v=0">')
    build(source, out)
    assert (out / "_static" / "bundle-aaaaaaaaaa.css").is_file()
    assert not (out / "_static" / "bundle-bbbbbbbbbb.css").exists()
    assert linked(out)[0][0].split("?")[0] == links[0].split("?")[0]
