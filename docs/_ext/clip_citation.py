"""Sphinx extension: what a citation of a clip needs.

- ``clips.json`` at the site root: the machine-readable index of every clip;
- a "Cite this clip" block after each phase clip: permanent links, a media
  fragment, BibTeX and plain text, with copy buttons and a download link;
- OpenGraph tags on each phase page (``og:video``, ``og:image``) for link previews.

Absolute links start from ``html_baseurl``, this version's own folder of the site
(``versions.py``), so a citation names bytes no later release replaces, and carries
their SHA-256. Nothing here depends on the build's time, and no "accessed" date is
given (that date is the citer's): a release's date is ``CITATION.cff``'s; a dev
build's is ``SOURCE_DATE_EPOCH`` when set, else the date of the last commit.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import os
import subprocess
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from scenes import registry
from scenes.registry import FULL_STEM, PHASES

from clip_paths import CLIPS_DIR, clip_anchor, clip_path
from node_helpers import html_only
from versions import cited_version, published_sha256, site_of
from versions import release_date as version_release_date

logger = logging.getLogger(__name__)
MANIFEST = "clips.json"


class cite_node(nodes.General, nodes.Element):
    """Placeholder for a phase's "Cite this clip" block; written with the builder's real URLs."""


def release_date(srcdir: Path) -> str:
    """``SOURCE_DATE_EPOCH`` as a date, else the last commit's date, else today (ISO format)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs"], cwd=srcdir, capture_output=True, text=True, check=True
        ).stdout.strip()
        if out:
            return out
    except (OSError, subprocess.CalledProcessError):
        pass
    return datetime.date.today().isoformat()


def absolute(app: Sphinx, path: str) -> str:
    """``path`` from the site root as an absolute URL under ``html_baseurl``."""
    base = app.config.html_baseurl.rstrip("/")
    return f"{base}/{path}" if base else path


def page_path(app: Sphinx, docname: str) -> str:
    """The page's path from the site root as this builder writes it (``x.html`` or ``x/``)."""
    return app.builder.get_target_uri(docname)


def phase_pages(app: Sphinx) -> dict[str, tuple[str, str]]:
    """``slug -> (docname, anchor)`` for every phase-clip directive the site has."""
    return getattr(app.env, "phase_clip_pages", {})


def bibtex(app: Sphinx, phase, page_url: str, video_url: str, date: str, sha256: str | None) -> str:
    year, month = date[:4], int(date[5:7])
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    return (
        f"@misc{{attention-explained-{phase.slug},\n"
        f"  title        = {{{{Transformer Self-Attention, Explained}}: Phase {phase.number}, {phase.title}}},\n"
        f"  author       = {{{{{app.config.author}}}}},\n"
        f"  year         = {{{year}}},\n"
        f"  month        = {months[month - 1]},\n"
        f"  version      = {{{cited_version(app)}}},\n"
        f"  howpublished = {{Video, {phase.duration:g} s}},\n"
        f"  url          = {{{page_url}}},\n"
        f"  note         = {{Video file: \\url{{{video_url}}}"
        + (f", SHA-256 {sha256}" if sha256 else "")
        + "}\n"
        "}"
    )


def plain_citation(app: Sphinx, phase, page_url: str, date: str) -> str:
    return (
        f"{app.config.author}. “Transformer Self-Attention, Explained. Phase {phase.number}: "
        f"{phase.title}” (video, {phase.duration:g} s), version {cited_version(app)}, {date}. {page_url}"
    )


def fragment_span(phase) -> tuple[float, float]:
    """Start and end of the clip's longest storyboard step: a fragment that always lies inside the clip.

    >>> from scenes.registry import PHASES
    >>> all(0 <= fragment_span(p)[0] < fragment_span(p)[1] <= p.duration for p in PHASES)
    True
    """
    start, end, _ = max(phase.cue_times(), key=lambda cue: cue[1] - cue[0])
    return start, end


def _code(text: str) -> str:
    return f'<code class="docutils literal notranslate"><span class="pre">{html.escape(text)}</span></code>'


def _code_block(text: str, language: str, label: str) -> str:
    return (
        f'<div class="cite-code"><p class="cite-label">{label}</p>'
        f'<div class="highlight-{language} notranslate"><div class="highlight"><pre>'
        f"{html.escape(text)}</pre></div></div></div>"
    )


def visit_cite_html(translator, node: cite_node) -> None:
    app = translator.builder.app
    phase = registry.get_phase(node["slug"])
    docname = translator.builder.current_docname
    page_url = absolute(app, page_path(app, docname)) + "#" + clip_anchor(phase.stem)
    video = clip_path(phase.stem, ".mp4")
    video_url = absolute(app, video)
    local_video = html.escape(relative_uri(translator.builder.get_target_uri(docname), video))
    site = site_of(app)
    date = version_release_date(Path(app.srcdir).parent / "CITATION.cff", site, app.config.release)
    date = date or release_date(Path(app.srcdir))
    sha256 = published_sha256(Path(app.outdir), video)
    latest_url = site.latest_url + page_path(app, docname) + "#" + clip_anchor(phase.stem)
    start, end = fragment_span(phase)
    fragment = f"{video_url}#t={start:g},{end:g}"
    e = html.escape
    dev_note = (
        "<p><strong>This is the development version:</strong> its files change with every commit. "
        f'To cite, use a release (<a href="{e(site.latest_url)}">the latest</a>).</p>'
        if not site.is_release
        else ""
    )
    translator.body.append(
        f'<section class="cite-clip" aria-labelledby="cite-{phase.stem}">'
        f'<p class="rubric" id="cite-{phase.stem}">Cite this clip</p>{dev_note}<ul class="cite-links">'
        f'<li>This clip on its page, version {e(site.name)}: <a href="{e(page_url)}">{e(page_url)}</a></li>'
        f'<li>Video file, version {e(site.name)}: <a href="{e(video_url)}">{e(video_url)}</a> '
        f'(<a href="{local_video}" download="{phase.stem}.mp4">download the MP4</a>, '
        f"{phase.duration:g} s)</li>"
        + (f"<li>SHA-256 of the video file: {_code(sha256)}</li>" if sha256 else "")
        + f'<li>The latest release of this page: <a href="{e(latest_url)}">{e(latest_url)}</a></li>'
        f"<li>Just seconds {start:g} to {end:g}, as a media fragment: {_code(fragment)}</li>"
        "</ul>"
        + _code_block(bibtex(app, phase, page_url, video_url, date, sha256), "bibtex", "BibTeX")
        + _code_block(plain_citation(app, phase, page_url, date), "text", "Plain text")
        + "</section>"
    )
    raise nodes.SkipNode


def move_cite_blocks_to_the_end(app: Sphinx, doctree: nodes.document) -> None:
    """A cite block belongs at the end of its page, after the prose, not between clip and text."""
    section = doctree.next_node(nodes.section)
    for node in list(doctree.findall(cite_node)):
        if section is not None:
            node.parent.remove(node)
            section += node


def add_open_graph(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """OpenGraph tags for link previews; phase pages also name their video and poster."""
    if doctree is None:
        return
    title = context.get("title", "")
    url = absolute(app, page_path(app, pagename))
    tags = {
        "og:type": "website",
        "og:site_name": app.config.project,
        "og:title": html.unescape(nodes.Text(title).astext()) if title else app.config.project,
        "og:url": url,
    }
    slugs = [slug for slug, (docname, _) in phase_pages(app).items() if docname == pagename]
    stem = (
        registry.get_phase(slugs[0]).stem
        if slugs
        else (FULL_STEM if pagename == app.config.root_doc else None)
    )
    if stem:
        phase = registry.get_phase(slugs[0]) if slugs else None
        tags["og:description"] = (
            phase.summary if phase else "Scaled dot-product attention in eight short clips."
        )
        tags["og:image"] = absolute(app, clip_path(stem, ".png"))
        tags["og:video"] = absolute(app, clip_path(stem, ".mp4"))
        tags["og:video:type"] = "video/mp4"
        quality = app.config.phase_clips_quality
        from scenes.render import settings_for

        settings = settings_for(quality)
        tags["og:video:width"] = str(settings["width"])
        tags["og:video:height"] = str(settings["height"])
    meta = "".join(f'<meta property="{k}" content="{html.escape(v)}">\n' for k, v in tags.items())
    context["metatags"] = context.get("metatags", "") + meta


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(app: Sphinx) -> dict:
    """The contents of ``clips.json``: every clip with its page, files, size, duration and checksum."""
    published = app.phase_clips
    out = Path(app.outdir)
    pages = phase_pages(app)
    clips = []
    for clip in published["clips"]:
        phase = clip.phase
        info = clip.info
        docname, anchor = pages.get(phase.slug, (None, None))
        clips.append(
            {
                "phase": phase.number,
                "slug": phase.slug,
                "title": phase.title,
                "duration": round(info["duration"], 3),
                "page": f"{page_path(app, docname)}#{anchor}" if docname else None,
                "page_url": absolute(app, f"{page_path(app, docname)}#{anchor}") if docname else None,
                "video_url": absolute(app, clip_path(phase.stem, ".mp4")),
                "video": clip_path(phase.stem, ".mp4"),
                "poster": clip_path(phase.stem, ".png"),
                "captions": clip_path(phase.stem, ".vtt"),
                "sha256": _sha256(out / clip_path(phase.stem, ".mp4")),
                "width": info["width"],
                "height": info["height"],
            }
        )
    full = published["full"]
    return {
        "title": app.config.project,
        "version": app.config.release,
        "site_version": site_of(app).name,
        "base_url": app.config.html_baseurl,
        "latest_url": site_of(app).latest_url,
        "manim_version": metadata.version("manim"),
        "quality": published["quality"],
        "clips": clips,
        "full": {
            "video": clip_path(FULL_STEM, ".mp4"),
            "video_url": absolute(app, clip_path(FULL_STEM, ".mp4")),
            "chapters": clip_path(FULL_STEM, ".chapters.vtt"),
            "captions": clip_path(FULL_STEM, ".vtt"),
            "poster": clip_path(FULL_STEM, ".png"),
            "page": page_path(app, app.config.root_doc) + "#" + clip_anchor(FULL_STEM),
            "duration": round(full.info["duration"], 3),
            "sha256": _sha256(out / clip_path(FULL_STEM, ".mp4")),
        },
    }


def write_manifest(app: Sphinx, exception) -> None:
    if exception is not None or getattr(app, "phase_clips", None) is None:
        return
    missing = [p.slug for p in PHASES if p.slug not in phase_pages(app)]
    if missing:
        logger.warning(f"clips.json: no page has a phase-clip for {', '.join(missing)}", type="phase_clips")
    text = json.dumps(manifest(app), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    (Path(app.outdir) / MANIFEST).write_text(text, encoding="utf-8")
    logger.info(f"wrote {MANIFEST} and {CLIPS_DIR}/")


def setup(app: Sphinx) -> dict:
    app.setup_extension("versions")
    app.add_node(cite_node, **html_only(visit_cite_html))
    app.connect("doctree-read", move_cite_blocks_to_the_end)
    app.connect("html-page-context", add_open_graph)
    app.connect("build-finished", write_manifest)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
