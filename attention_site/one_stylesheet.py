"""Sphinx extension: each page loads one stylesheet, the theme's and the site's joined in order.

A phase page linked ten stylesheets (Pygments, furo's two, Temml's and six of the site's, most of
them under 2 KB). A browser draws nothing until it has them all, and on a phone each costs a
round trip: Lighthouse put the first paint at 1.4 s with ten and 0.9 s with one. So every page
links one bundle instead, the same files in the same order (a later rule still wins), each
``url()`` made relative to the bundle and the comments left in the sources. Pages that link the same files share a bundle, named after
the files it joins (``_static/bundle-<digest>.css``, its first line lists them) and written when
the build has finished, after the theme writes its last stylesheet. Every bundle in the output
folder is written again from the files it lists, so a page this build did not write never
keeps an old stylesheet, and every page gets the bundle's checksum in its address (``?v=``), as
Sphinx gives every file, so no browser keeps a stale copy. A bundle that no HTML file in the
output folder links any more (the pages' stylesheets changed) is deleted; a file there that does
not begin with a bundle's first line is not this extension's and is left alone.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sphinx.application import Sphinx
from sphinx.util import logging

import attention

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder

STATIC = "_static"
#: A bundle's address in a page, with the checksum Sphinx gave it from the last build's copy (or none).
_LINKED = re.compile(r"(bundle-[0-9a-f]{10}\.css)(\?v=[0-9a-f]*)?")
_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)  #: the sources' comments (a source map's too) stay in the sources
HEADER = "/* One stylesheet for the pages that link these files (attention_site/one_stylesheet.py): {} */\n"
_HEADER = re.compile(re.escape(HEADER.rstrip("\n")).replace(re.escape("{}"), "(.*)"))


def _bundled(stylesheet) -> bool:
    """A stylesheet of this site's ``_static`` for every medium (a print or alternate one stays apart)."""
    attributes = getattr(stylesheet, "attributes", {})
    return (
        str(getattr(stylesheet, "filename", stylesheet)).startswith(f"{STATIC}/")
        and attributes.get("rel", "stylesheet") == "stylesheet"
        and attributes.get("media", "all") in ("all", "screen, print")
    )


def bundle_name(files: list[str]) -> str:
    """The bundle of these files, named after them (in order).

    >>> bundle_name(["_static/a.css", "_static/b.css"])
    '_static/bundle-107f120485.css'
    """
    return f"{STATIC}/bundle-{hashlib.sha256(chr(10).join(files).encode()).hexdigest()[:10]}.css"


def link_one_stylesheet(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's stylesheets of ``_static`` become one bundle, linked where the first one was."""
    if "css_files" not in context:
        return
    from sphinx.builders.html._assets import _CascadingStyleSheet

    # in the order the page links them: Sphinx sorts by priority after this event, as is done here
    stylesheets = sorted(context["css_files"], key=lambda css: getattr(css, "priority", 500))
    members = [str(getattr(css, "filename", css)).split("?")[0] for css in stylesheets if _bundled(css)]
    if len(members) < 2:
        return
    name = bundle_name(members)
    announce(Path(app.outdir) / name, members)
    first = next(index for index, css in enumerate(stylesheets) if _bundled(css))
    kept = [css for css in stylesheets if not _bundled(css)]
    kept.insert(first, _CascadingStyleSheet(name, priority=getattr(stylesheets[first], "priority", 500)))
    context["css_files"] = kept


def announce(bundle: Path, members: list[str]) -> None:
    """Name the bundle's files in its first line, for the end of the build to join.

    Pages may be written by several processes: the bundle file is how each tells the build what
    a bundle holds. It is written whole or not at all.
    """
    header = HEADER.format(" ".join(members))
    if bundle.is_file():
        with bundle.open(encoding="utf-8") as text:
            if text.readline() == header:
                return
    bundle.parent.mkdir(parents=True, exist_ok=True)
    _write_whole(bundle, header)


def _write_whole(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all: a reader never gets half a file."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def joined(outdir: Path, bundle: str, members: list[str]) -> str:
    """The members' text in order, each ``url()`` to a file beside it made relative to the bundle."""
    parts = [HEADER.format(" ".join(members))]
    for member in members:
        text = _COMMENT.sub("", (outdir / member).read_text(encoding="utf-8"))
        folder = posixpath.dirname(member)

        def relative(found: re.Match, folder: str = folder) -> str:
            target = posixpath.normpath(posixpath.join(folder, found[2]))
            if not (outdir / target).is_file():  # data: URIs, fragments, other hosts: as they are
                return found[0]
            return f'url("{posixpath.relpath(target, posixpath.dirname(bundle))}")'

        parts.append(f"/* {member} */\n{_URL.sub(relative, text).strip()}\n")
    return "\n".join(parts)


def members_of(bundle: Path) -> list[str] | None:
    """The files a bundle joins, from its first line (None for a file that is not a bundle)."""
    with bundle.open(encoding="utf-8") as text:
        found = _HEADER.match(text.readline())
    return found[1].split(" ") if found else None


def pages(app: Sphinx) -> list[Path]:
    """The HTML files of this build's pages (its documents, the index and the search page)."""
    builder = cast("StandaloneHTMLBuilder", app.builder)
    names = [*app.env.found_docs, "genindex", "search", "py-modindex"]
    return [path for path in map(Path, map(builder.get_outfilename, names)) if path.is_file()]


def linked_bundles(outdir: Path, suffix: str) -> set[str]:
    """The file names of the bundles that some page (a file ending in ``suffix``) in the output
    folder links, this build's or not (a page whose source is gone, another language's pages in a
    folder inside)."""
    return {
        found[1]
        for page in outdir.rglob(f"*{suffix}")
        for found in _LINKED.finditer(page.read_text(encoding="utf-8", errors="replace"))
    }


def write_bundles(app: Sphinx, exception: Exception | None) -> None:
    """Write every bundle from the files the build published, and its checksum into every page."""
    outdir = Path(app.outdir)
    if exception is not None or app.builder.format != "html" or not (outdir / STATIC).is_dir():
        return
    linked = linked_bundles(outdir, cast("StandaloneHTMLBuilder", app.builder).out_suffix)
    bundles = {}
    for found in (outdir / STATIC).glob("bundle-*.css"):  # this build's and those of pages it kept
        members = members_of(found)
        if members is not None and found.name not in linked:
            found.unlink()  # a bundle of ours that no page links any more: it would only be published stale
            continue
        missing = [member for member in members or [] if not (outdir / member).is_file()]
        if missing:
            logger.warning(
                "stylesheet bundle %s: %s is not in the output, so the pages that link the bundle "
                "lack its rules. Build again from a clean output folder (delete %s).",
                found,
                ", ".join(missing),
                outdir,
                type="attention_site",
                subtype="one_stylesheet",
            )
        elif members:
            bundles[f"{STATIC}/{found.name}"] = members
    checksums = {}
    for name, members in bundles.items():
        text = joined(outdir, name, members)
        target = outdir / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            _write_whole(target, text)
        checksums[name] = f"{zlib.crc32(text.encode()):08x}"  # how Sphinx checksums its assets
    by_file = {posixpath.basename(name): checksum for name, checksum in checksums.items()}

    def current(found: re.Match) -> str:
        return f"{found[1]}?v={by_file[found[1]]}" if found[1] in by_file else found[0]

    for page in pages(app):
        html = page.read_text(encoding="utf-8")
        if (rewritten := _LINKED.sub(current, html)) != html:
            _write_whole(page, rewritten)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", link_one_stylesheet, priority=950)  # after every page's own files
    app.connect("build-finished", write_bundles, priority=900)  # after furo writes pygments.css
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
