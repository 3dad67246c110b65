"""Put each phase's Manim clip on its page, rendered at build time.

Directives (they work in MyST fenced blocks and in reStructuredText):

``phase-clip PHASE``
    A numbered, linkable figure holding the phase's ``<video>`` (poster, width
    and height, captions track), its caption and a transcript.
``full-video``
    The full-length video with a chapters track and a chapter list that seeks it.
``phase-table``
    The phases with their durations, each linking to its page.

After the sources are read, every clip the site needs is taken from the render
cache or rendered (in parallel, one process per clip) and published under
``_clips/`` with stable names. Build with ``-t fast`` to skip rendering for
prose-only work: each clip's place then says so on the page.
"""

from __future__ import annotations

import html
import os
import posixpath
import urllib.parse
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from PIL import Image
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.console import bold
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from scenes import registry
from scenes.captions import description_pauses, transcript
from scenes.clips import (
    CLIP_ERRORS,
    JOBS_VARIABLE,
    QUALITIES,
    SettingError,
    frame_size,
    parse_jobs,
    publish_clips,
)
from scenes.formats import format_time
from scenes.registry import FULL_STEM, PHASES, phase_starts

from .clip_citation import absolute, cite_node, forget_manifest, pages_showing_new_clips
from .clip_paths import CLIPS_DIR, clip_anchor, clip_path
from .clip_words import clip_in, clip_name, words_for
from .languages import language_of
from .node_helpers import table
from .setting_errors import stop_on_setting
from .sources import CLIP_WORDS, note_sources
from .state import ClipPage, SiteBuild, clip_pages

logger = logging.getLogger(__name__)
FAST_TAG = "fast"


# -- Nodes ---------------------------------------------------------------------
class video_node(nodes.General, nodes.Element):
    """A ``<video>`` whose file paths are relative to the site root until written."""


class VideoAsLink(SphinxPostTransform):
    """Builders that cannot play video (text, LaTeX, man, ...) get each clip as a link to its MP4.

    Each page that loses its players says so once, as a warning of type ``phase_clips.video``
    (``suppress_warnings = ["phase_clips.video"]`` in ``conf.py`` keeps such builds quiet).
    """

    default_priority = 200

    def is_supported(self) -> bool:
        builder = self.env._builder_cls  # as Sphinx's own post-transforms ask
        return builder.format != "html" and builder.name != "gettext"  # gettext writes messages, no pages

    def run(self, **kwargs) -> None:
        videos = list(self.document.findall(video_node))
        for node in videos:
            url = absolute(self.env, clip_path(node["stem"], "video"))
            link = nodes.reference(url, url, refuri=url)
            said = words_for(self.config.language)["video_as_link"].format(label=node["label"])
            node.replace_self(nodes.paragraph("", "", nodes.Text(said), link))
        for chapters in list(self.document.findall(seek_list_node)):
            chapters.parent.remove(chapters)  # chapter links seek a player that is not there
        if videos:
            logger.warning(
                f"the {self.env._builder_cls.name} builder cannot play video: {len(videos)} clip(s) on this page "
                "are written as links to their MP4 files",
                location=self.env.docname,
                type="phase_clips",
                subtype="video",
            )


class seek_list_node(nodes.General, nodes.Element):
    """A chapter list whose entries seek the video with id ``target`` (links to media fragments without JS)."""


def _site_uri(translator, path: str) -> str:
    """``path`` (from the site root) relative to the page being written, for any HTML builder."""
    builder = translator.builder
    return relative_uri(builder.get_target_uri(builder.current_docname), path)


def visit_video_html(translator, node: video_node) -> None:
    if node["fast"]:
        raise nodes.SkipNode
    uri = lambda role: html.escape(_site_uri(translator, clip_path(node["stem"], role)))  # noqa: E731
    track_kind = "chapters" if node["chapters"] else "captions"
    language = translator.builder.config.language
    said, lang = words_for(language), language_of(language).hreflang
    translator.body.append(
        f'<video id="{node["video_id"]}" class="phase-video" controls muted playsinline preload="metadata" '
        f'width="{node["width"]}" height="{node["height"]}" poster="{uri("page_poster")}" '
        f'aria-label="{html.escape(node["label"])}" '
        f'data-description-pauses="{",".join(f"{p:g}" for p in node["pauses"])}">'
        f'<source src="{uri("video")}" type="video/mp4">'
    )
    # Short captions are off by default: the picture carries its own text, and a caption drawn by the
    # player would sit over the formula at the bottom. The descriptions track holds the long text.
    if node["chapters"]:
        translator.body.append(
            f'<track kind="captions" src="{uri("captions")}" srclang="{lang}" label="{said["captions_track"]}">'
        )
    translator.body.append(
        f'<track kind="{track_kind}" src="{uri(track_kind)}" srclang="{lang}" '
        f'label="{said[f"{track_kind}_track"]}">'
        f'<track kind="descriptions" src="{uri("descriptions")}" srclang="{lang}" '
        f'label="{said["descriptions_track"]}">'
        f'<a href="{uri("video")}">{said["download_clip"]}</a></video>'
    )
    # Extended descriptions (phase-clips.js): shown and announced as each step starts; the clip waits.
    translator.body.append(
        f'<div class="clip-describe"><button type="button" class="describe-toggle site-button" '
        f'aria-pressed="false" aria-controls="{node["video_id"]}-description">{said["describe"]}</button>'
        f'<p class="clip-description" id="{node["video_id"]}-description" aria-live="polite" '
        f'data-hint="{html.escape(said["describe_hint"])}"></p></div>'
    )
    if node.get("still"):
        translator.body.append(_still_html(translator, node, uri("page_still")))
    raise nodes.SkipNode


#: Where phase-clips.css shows the still, and where it is hidden (fractional widths included).
STILL_SHOWN = "(max-width: 599px)"
STILL_HIDDEN = f"not all and {STILL_SHOWN}"


def _blank_image(width: int, height: int) -> str:
    """An empty picture of the given shape, written in the page: nothing to fetch, nothing stretched.

    >>> _blank_image(720, 520)
    'data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22%20width%3D%22720%22%20height%3D%22520%22/%3E'
    """
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>'
    return "data:image/svg+xml," + urllib.parse.quote(svg)  # no space: srcset splits its URLs at spaces


def _still_file(outdir, node: video_node) -> Path | None:
    """The published still of ``node``'s clip, or None: the clip has none, or no clip was published."""
    path = Path(outdir) / clip_path(node["stem"], "page_still")
    return path if node.get("still") and path.is_file() else None


def _still_html(translator, node: video_node, uri: str) -> str:
    """The phase's still (shown on narrow screens only, by phase-clips.css), sized so nothing shifts.

    On a phone it is what the reader reads, and often the largest paint (a still with its formula
    under the heatmap is taller than the clip): the page's first still is fetched at once, at high
    priority. Where it is hidden, its ``<picture>`` shows an empty image of its shape, written in the
    page, so a laptop downloads nothing for it. Later stills wait until they are near view.

    Empty when no clip was published: a build whose render failed writes its pages, then stops on
    the render's own error.
    """
    path = _still_file(translator.builder.outdir, node)
    if path is None:
        return ""
    with Image.open(path) as image:
        width, height = image.size
    fetch = (
        'fetchpriority="high"'
        if node is first_clip(translator.document, still=True)
        else 'loading="lazy" decoding="async"'
    )
    hidden = f'<source media="{STILL_HIDDEN}" srcset="{_blank_image(width, height)}">'
    return (
        f'<a class="clip-still" href="{uri}"><picture>{hidden}'
        f'<img src="{uri}" width="{width}" height="{height}" {fetch} alt="{html.escape(node["still"])}">'
        "</picture></a>"
    )


def first_clip(doctree: nodes.Node, still: bool = False) -> video_node | None:
    """The page's first clip drawn (not a fast build's notice; ``still``: the first with a still), or
    None: what is seen first is fetched first."""
    shown = (node for node in doctree.findall(video_node) if not node["fast"])
    return next((node for node in shown if node.get("still") or not still), None)


def preload_first_picture(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The first clip's picture, usually the largest thing a reader sees first, is fetched first.

    A ``poster`` attribute is found only once the page's body is parsed, and at a low priority;
    a preload in the page's head at ``fetchpriority="high"`` starts it with the stylesheets. On a
    phone, where the still of the clip's subject shows under it and is larger (what the reader
    reads, and the largest paint), the still is preloaded instead and the poster left to the video.
    """
    first = first_clip(doctree) if doctree is not None else None
    if first is None:
        return
    page = app.builder.get_target_uri(pagename)
    poster = relative_uri(page, clip_path(first["stem"], "page_poster"))
    if _still_file(app.outdir, first) is not None:
        still = relative_uri(page, clip_path(first["stem"], "page_still"))
        tags = _preload(poster, STILL_HIDDEN) + _preload(still, STILL_SHOWN)
    else:
        tags = _preload(poster)
    context["metatags"] = context.get("metatags", "") + tags


def _preload(uri: str, media: str | None = None) -> str:
    """A preload of the image at ``uri``, at high priority, where ``media`` matches (everywhere: None)."""
    where = f' media="{media}"' if media else ""
    return f'<link rel="preload" as="image" href="{html.escape(uri)}"{where} fetchpriority="high">\n'


#: Run in <head>, before anything is drawn: controls that only scripts can work (the describe button)
#: are laid out from the first paint instead of appearing later and pushing the page down. The
#: theme's ``no-js`` goes here too: furo's script drops it only at DOMContentLoaded, and that
#: change restyled every element of the page a second time (about a third of the longest task on a phone).
SCRIPTS_RUNNING = (
    '<script>document.documentElement.classList.remove("no-js");'
    'document.documentElement.classList.add("has-js")</script>\n'
)


def mark_scripts_running(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Every HTML page marks ``<html class="has-js">`` from its head when scripts run."""
    context["metatags"] = context.get("metatags", "") + SCRIPTS_RUNNING


def visit_seek_list_html(translator, node: seek_list_node) -> None:
    video = html.escape(_site_uri(translator, clip_path(FULL_STEM, "video")))
    items = "".join(
        f'<li><a class="seek" href="{video}#t={start:g}" data-seek="{start:g}" data-target="{node["target"]}">'
        f'<span class="seek-time">{format_time(start)}</span> {html.escape(title)}</a></li>'
        for start, title in node["chapters"]
    )
    chapters = words_for(translator.builder.config.language)["chapters"]
    translator.body.append(f'<ol class="chapter-list" aria-label="{chapters}">{items}</ol>')
    raise nodes.SkipNode


# -- Directives ----------------------------------------------------------------
def _fast(env) -> bool:
    return env.config.phase_clips_fast


def note_fast_tag(app: Sphinx, config) -> None:
    """``-t fast`` becomes a config value: directives see it, and toggling it re-reads every page."""
    config.phase_clips_fast = app.tags.has(FAST_TAG)


def _fast_notice(what: str) -> nodes.Node:
    notice = nodes.admonition(classes=["fast-mode"])
    notice += nodes.title("", "Fast build: clip not rendered")
    paragraph = nodes.paragraph("", "This page was built with ")
    paragraph += nodes.literal("", f"-t {FAST_TAG}")
    paragraph += nodes.Text(f", which skips rendering. {what} appears here in a full build (")
    paragraph += nodes.literal("", "nox -s docs")
    paragraph += nodes.Text(").")
    notice += paragraph
    return notice


class PhaseClip(SphinxDirective):
    """``phase-clip PHASE``: the phase's clip as a numbered figure with captions and a transcript."""

    required_arguments = 1
    # Accepted only to be refused clearly: the transcript always follows the clip.
    option_spec = {"transcript": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        try:
            phase = registry.get_phase(self.arguments[0])
        except ValueError as error:
            raise self.error(f"phase-clip: {error}") from None
        if "transcript" in self.options:
            raise self.error(
                "phase-clip: the :transcript: option does nothing and is refused: the transcript always "
                "follows the clip, written from the phase's captions in scenes/registry.py. Remove the option."
            )
        note_sources(self, CLIP_WORDS)
        width, height = frame_size(self.config.phase_clips_quality)
        clip_pages(self.env).note_page(phase.slug, ClipPage(self.env.docname, clip_anchor(phase.stem)))
        language, said = self.config.language, words_for(self.config.language)
        shown = clip_in(phase, language)  # its title, summary and descriptions in the page's language

        figure = nodes.figure(classes=["phase-clip"])
        figure["ids"].append(clip_anchor(phase.stem))
        figure["names"].append(clip_anchor(phase.stem))
        self.state.document.note_explicit_target(figure)
        label = f"{clip_name(phase, language)}{said['separator']}{shown.summary}"
        figure += video_node(
            stem=phase.stem,
            video_id=f"video-{phase.stem}",
            width=width,
            height=height,
            label=label,
            chapters=False,
            fast=_fast(self.env),
            pauses=description_pauses([shown], language_of(language).code),
            still=said["still_label"].format(name=clip_name(phase, language)) if phase in PHASES else "",
        )
        if _fast(self.env):
            english = clip_name(phase, "en", title=False)
            figure += _fast_notice(f"The {phase.duration:g}-second clip of {english}")
        caption = said["caption"].format(
            title=shown.title, seconds=f"{phase.duration:g}", summary=shown.summary
        )
        figure += _generated(nodes.caption("", caption))
        return [figure, self._transcript(shown, language), cite_node(slug=phase.slug)]

    def _transcript(self, shown: registry.Phase, language: str | None) -> nodes.Node:
        box = nodes.container(classes=["clip-transcript"])
        name = clip_name(shown, language, title=False)
        box += _generated(nodes.rubric("", words_for(language)["transcript"].format(name=name)))
        items = nodes.bullet_list()
        for start, text in transcript(shown):
            item = nodes.list_item()
            paragraph = nodes.paragraph()
            paragraph += nodes.literal("", format_time(start))
            paragraph += nodes.Text(f" {text}")
            item += _generated(paragraph)
            items += item
        box += items
        return box


class FullVideo(SphinxDirective):
    """``full-video``: every phase in one clip, with a chapters track and a chapter list."""

    def run(self) -> list[nodes.Node]:
        note_sources(self, CLIP_WORDS)
        width, height = frame_size(self.config.phase_clips_quality)
        # A container, not a figure: the phase clips alone are numbered, Clip 1 to Clip 8.
        figure = nodes.container(classes=["phase-clip", "full-video"])
        figure["ids"].append(clip_anchor(FULL_STEM))
        figure["names"].append(clip_anchor(FULL_STEM))
        self.state.document.note_explicit_target(figure)
        total = registry.total_duration()
        language, said = self.config.language, words_for(self.config.language)
        figure += video_node(
            stem=FULL_STEM,
            video_id="video-full",
            width=width,
            height=height,
            label=said["full_label"].format(count=len(PHASES), seconds=f"{total:g}"),
            chapters=True,
            fast=_fast(self.env),
            pauses=description_pauses([clip_in(p, language) for p in PHASES], language_of(language).code),
        )
        if _fast(self.env):
            figure += _fast_notice("The full-length video")
        caption = said["full_caption"].format(count=len(PHASES), seconds=f"{total:g}")
        figure += _generated(nodes.paragraph("", caption, classes=["caption"]))
        starts = [(start, clip_in(phase, language).title) for start, phase in phase_starts()]
        return [figure, seek_list_node(chapters=starts, target="video-full")]


class PhaseTable(SphinxDirective):
    """``phase-table``: number, phase (linked to its page), duration and summary of every phase."""

    option_spec = {"pages": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from sphinx.addnodes import pending_xref

        note_sources(self, CLIP_WORDS)
        folder = self.options.get("pages", "phases")
        language, said = self.config.language, words_for(self.config.language)
        rows = []
        for phase in PHASES:
            shown = clip_in(phase, language)
            target = posixpath.join("/", folder, phase.stem)
            link = pending_xref("", refdomain="std", reftype="doc", reftarget=target, refexplicit=True)
            link += nodes.inline("", shown.title)
            seconds = said["seconds"].format(seconds=f"{phase.duration:g}")
            # On a phone the length goes under the phase's name (its column is hidden there, phase-clips.css), so the
            # summary has the width to read; one of the two is shown at any width.
            length = nodes.inline("", seconds, classes=["phase-length"])
            in_name = nodes.inline("", "", link, nodes.Text(" "), length)  # "Intro 3 s" as text
            rows.append(
                [nodes.Text(str(phase.number)), in_name, nodes.Text(seconds), nodes.Text(shown.summary)]
            )
        names = ("number_header", "phase_header", "length_header", "shows_header")
        headers = [nodes.Text(said[name]) for name in names]
        result = table(headers, rows, classes=["phase-table"], widths=(4, 22, 8, 66))
        for paragraph in result.findall(nodes.paragraph):
            _generated(paragraph)
        return [result]


def _generated(node: nodes.Element) -> nodes.Element:
    """Mark text the directive already wrote in the page's language, so gettext leaves it out of the catalogs."""
    node["translatable"] = False
    return node


# -- Build hooks -----------------------------------------------------------------
def render_and_publish(app: Sphinx, env, build: SiteBuild) -> list[str]:
    """After reading: have every clip rendered (or taken from the cache) and copied into ``_clips/``.

    Runs on every build, so clips reappear even when only the HTML was deleted. Returns the pages
    whose clip changed since the last build here, which Sphinx then writes again although their
    sources did not change (their cite block and still show the clip's bytes).
    """
    build.rewrite = []
    if app.config.phase_clips_fast:
        logger.info(bold("fast build (-t fast): clips are not rendered; each clip's place says so"))
        build.published = None
        return []
    if app.builder.format != "html":
        build.published = None
        return []
    cache = Path(app.config.phase_clips_cache) if app.config.phase_clips_cache else None
    try:
        build.published = publish_clips(
            Path(app.outdir) / CLIPS_DIR,
            app.config.phase_clips_quality,
            jobs=_jobs(app.config),
            cache=cache,
            language=language_of(app.config.language).code,
            log=logger.info,
        )
    except CLIP_ERRORS as error:
        # One clear error and a failed build, not Sphinx's crash report (which asks to report a bug).
        logger.error(f"phase clips: {error}", type="phase_clips", subtype="render")
        app.statuscode = 1
        build.published = None
        forget_manifest(app)
        return []
    rendered = len(build.published.rendered)
    total = len(build.published.every_clip)
    logger.info(f"phase clips: {rendered} rendered, {total - rendered} from the cache")
    build.rewrite = pages_showing_new_clips(app, build.published)
    for docname in build.rewrite:  # out of date until written: see date_pages_left_stale
        page = _page_file(app, docname)
        if page.is_file():
            os.utime(page, ns=(0, 0))
    return list(build.rewrite)


def _page_file(app: Sphinx, docname: str) -> Path:
    """The file the HTML builder (html, dirhtml) writes ``docname`` to."""
    assert isinstance(app.builder, StandaloneHTMLBuilder), app.builder.name  # only html formats publish clips
    return Path(app.builder.get_outfilename(docname))


def date_pages_left_stale(app: Sphinx, exception, build: SiteBuild) -> None:
    """After writing: name the pages whose clip was rendered anew but which this build did not write.

    Before writing, each such page was dated 1970, so any writing dates it anew. A build of named
    files (``sphinx-build docs out docs/index.md``) writes only those pages, whatever
    ``env-updated`` asks, while ``clips.json`` and ``_clips/`` take the new clips: the other pages
    show the old clip's SHA-256 and still until a build writes them, which their date makes the
    next build do.
    """
    if exception is not None:
        return
    stale = []
    for docname in build.rewrite:
        page = _page_file(app, docname)
        if page.is_file() and page.stat().st_mtime_ns == 0:
            stale.append(docname)
    if stale:
        one = len(stale) == 1
        logger.warning(
            f"phase clips: {', '.join(stale)} {'shows' if one else 'show'} a clip rendered anew, but "
            "this build wrote only the files named: the old clip is shown until the next build "
            f"(nox -s docs), which writes {'it' if one else 'them'} again",
            type="phase_clips",
            subtype="stale",
        )


def _jobs(config) -> int | None:
    """``phase_clips_jobs`` as a number of processes; None (unset, "") means one per core."""
    if config.phase_clips_jobs in ("", None):
        return None
    return parse_jobs(config.phase_clips_jobs, f"phase_clips_jobs ({JOBS_VARIABLE})")


def check_settings(app: Sphinx, config) -> None:
    """Refuse a bad clip quality or job count before anything is read, naming the setting and the range.

    One message for every problem found, and exit status 2 (see :mod:`.setting_errors`).
    """
    problems = []
    if config.phase_clips_quality not in QUALITIES:
        problems.append(
            f"phase_clips_quality (ATTENTION_CLIP_QUALITY) must be one of {', '.join(QUALITIES)}; "
            f"got {config.phase_clips_quality!r}."
        )
    try:
        _jobs(config)
    except SettingError as error:
        problems.append(str(error))
    if problems:
        stop_on_setting("\n".join(f"phase clips: {problem}" for problem in problems), "clips")
