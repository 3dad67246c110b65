"""What a citation of a clip needs.

- ``clips.json`` at the site root: the machine-readable index of every clip;
- a "Cite this clip" block after each phase clip: permanent links, a media
  fragment, BibTeX and plain text, with copy buttons and a download link;
- each phase page's clip, poster and summary as OpenGraph metadata (``og:video``, ``og:image``),
  which sphinxext-opengraph writes with the rest of every page's tags.

The cite block is made of docutils nodes (references, literal blocks with a
``language``), so Sphinx highlights the BibTeX, the copy button finds it and the
text builder writes it too. Absolute links start from ``html_baseurl``, this
version's own folder of the site (:mod:`~attention_site.versions`), so a citation
names bytes no later release replaces, and carries their SHA-256. Nothing here
depends on the build's time, and no "accessed" date is given (that date is the
citer's): the citation date (``clip_citation_date``, found once per build) is a
release's date from ``CITATION.cff``; for a dev build ``SOURCE_DATE_EPOCH`` when
set, else the date of the last commit.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from scenes import registry
from scenes.clips import ClipManifest, PublishedClip, file_name, frame_size
from scenes.registry import FULL_STEM, PHASES, STANDALONE_CLIPS, Phase

from .citation_file import release_date as version_release_date
from .clip_paths import CLIPS_DIR, clip_anchor, clip_path
from .clip_words import clip_in, words_for
from .languages import language_of
from .node_helpers import download_link, labelled_section
from .setting_errors import stop_on_setting
from .state import ClipPage, SiteBuild, clip_pages
from .versions import cited_version, site_of

logger = logging.getLogger(__name__)
MANIFEST = "clips.json"


class cite_node(nodes.General, nodes.Element):
    """Placeholder for a phase's "Cite this clip" block; replaced once the builder's URLs are known."""


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


def note_release_date(app: Sphinx, config) -> None:
    """Find the citation date once per build, unless ``conf.py`` sets ``clip_citation_date``.

    A release's date is ``CITATION.cff``'s (the build stops with the fix if that file
    describes another version); a dev build's is :func:`release_date`.
    """
    if config.clip_citation_date:
        return
    try:
        cited = version_release_date(
            Path(app.srcdir).parent / "CITATION.cff", site_of(app).is_release, config.release
        )
    except ValueError as error:  # one clear error, not Sphinx's crash report
        stop_on_setting(f"citation: {error}", "citation")
    config.clip_citation_date = cited or release_date(Path(app.srcdir))


def absolute(app: Sphinx | BuildEnvironment, path: str) -> str:
    """``path`` from the site root as an absolute URL under ``html_baseurl`` (``app``: the app or its env)."""
    base = app.config.html_baseurl.rstrip("/")
    return f"{base}/{path}" if base else path


def page_path(app: Sphinx, docname: str) -> str:
    """The page's path from the site root as this builder writes it (``x.html`` or ``x/``).

    Builders that write no web pages (text, LaTeX) cite the HTML site's page.
    """
    if app.builder.format != "html":
        return f"{docname}.html"
    return app.builder.get_target_uri(docname)


def phase_pages(app: Sphinx) -> dict[str, ClipPage]:
    """``slug -> ClipPage`` for every phase-clip directive the site has."""
    return clip_pages(app.env).pages


@dataclass(frozen=True)
class Citation:
    """What a phase's cite block cites (made by :func:`citation`, the one place that decides it)."""

    phase: Phase  #: with its words in the page's language
    language: str  #: the build's language code: ``en`` or ``zh_TW``
    author: str
    version: str  #: the release's number, or ``dev``
    site_version: str  #: the site folder this page is served from: ``vX.Y.Z`` or ``dev``
    is_release: bool
    date: str  #: ISO date: the release's, or for dev ``SOURCE_DATE_EPOCH`` or the last commit's
    page_url: str  #: the page in this version, absolute, at the clip's figure
    video_url: str  #: the MP4 in this version, absolute
    latest_url: str  #: the page in the latest release, at the clip's figure
    download: str  #: the MP4, relative to the page citing it
    span: tuple[float, float]  #: seconds of the clip offered as a media fragment
    sha256: str | None  #: of the published MP4 (None when no clip was published, as in fast builds)


def citation(app: Sphinx, docname: str, phase: Phase, published: ClipManifest | None = None) -> Citation:
    """The citation of ``phase``'s clip as page ``docname`` shows it (``published``: the build's clips)."""
    video = clip_path(phase.stem, "video")
    here = page_path(app, docname)
    site = site_of(app)
    anchor = "#" + clip_anchor(phase.stem)
    language = language_of(app.config.language).code
    return Citation(
        phase=clip_in(phase, language),
        language=language,
        author=app.config.author,
        version=cited_version(app),
        site_version=site.name,
        is_release=site.is_release,
        date=app.config.clip_citation_date,
        page_url=absolute(app, here) + anchor,
        video_url=absolute(app, video),
        latest_url=site.latest_url + here + anchor,
        download=relative_uri(here, video) if app.builder.format == "html" else absolute(app, video),
        span=fragment_span(phase),
        sha256=published.clip(phase.stem).sha256 if published else None,
    )


def bibtex(cite: Citation) -> str:
    phase, date, said = cite.phase, cite.date, words_for(cite.language)
    year, month = date[:4], int(date[5:7])
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    title = f"{{{said['site_title']}}}{said['separator']}{cited_title(phase, said['bib_separator'], cite.language)}"
    return (
        f"@misc{{attention-explained-{phase.slug},\n"
        f"  title        = {{{title}}},\n"
        f"  author       = {{{{{cite.author}}}}},\n"
        f"  year         = {{{year}}},\n"
        f"  month        = {months[month - 1]},\n"
        f"  version      = {{{cite.version}}},\n"
        f"  howpublished = {{{said['howpublished'].format(seconds=f'{phase.duration:g}')}}},\n"
        f"  url          = {{{cite.page_url}}},\n"
        f"  note         = {{{said['bib_note']}\\url{{{cite.video_url}}}"
        + (f", SHA-256 {cite.sha256}" if cite.sha256 else "")
        + "}\n"
        "}"
    )


def cited_title(phase: Phase, separator: str, language: str = "en") -> str:
    """A clip's title in a citation: ``Phase 3`` + separator + its title, or a standalone clip's title alone.

    >>> from scenes.registry import get_phase
    >>> cited_title(get_phase(3), ": "), cited_title(get_phase("trained-head"), ": ")
    ('Phase 3: Attention Scores', 'A Trained Head')
    >>> cited_title(get_phase(3), "：", "zh_TW")
    '第 3 階段：注意力分數'
    """
    shown = clip_in(phase, language)
    if all(phase.slug != other.slug for other in PHASES):
        return shown.title
    return words_for(language)["cited_phase"].format(
        number=phase.number, separator=separator, title=shown.title
    )


def plain_citation(cite: Citation) -> str:
    said = words_for(cite.language)
    return said["plain_citation"].format(
        author=cite.author,
        site=said["site_title"],
        clip=cited_title(cite.phase, said["separator"], cite.language),
        seconds=f"{cite.phase.duration:g}",
        version=cite.version,
        date=cite.date,
        url=cite.page_url,
    )


def fragment_span(phase) -> tuple[float, float]:
    """Start and end of the clip's longest storyboard step: a fragment that always lies inside the clip.

    >>> from scenes.registry import PHASES
    >>> all(0 <= fragment_span(p)[0] < fragment_span(p)[1] <= p.duration for p in PHASES)
    True
    """
    start, end, _ = max(phase.cue_times(), key=lambda cue: cue[1] - cue[0])
    return start, end


def _link(url: str) -> nodes.reference:
    return nodes.reference("", url, refuri=url)


def _item(*children: nodes.Node | str) -> nodes.list_item:
    paragraph = nodes.paragraph()
    paragraph.extend(nodes.Text(child) if isinstance(child, str) else child for child in children)
    return nodes.list_item("", paragraph)


def _code_block(text: str, language: str, label: str) -> nodes.container:
    """A labelled literal block: Sphinx highlights it (Pygments) and :mod:`~attention_site.copy_code` adds its button."""
    block = nodes.container(classes=["cite-code"])
    block += nodes.paragraph("", label, classes=["cite-label"])
    block += nodes.literal_block(text, text, language=language)
    return block


def cite_block(cite: Citation) -> labelled_section:
    """The "Cite this clip" block: links, a media fragment, BibTeX and plain text."""
    phase, stem, said = cite.phase, cite.phase.stem, words_for(cite.language)
    start, end = cite.span
    block = labelled_section(classes=["cite-clip"], label_id=f"cite-{stem}")
    block += nodes.rubric("", said["cite_heading"], ids=[f"cite-{stem}"])
    download = download_link(
        "", said["download_mp4"], refuri=cite.download, filename=file_name(stem, "video")
    )
    if not cite.is_release:
        note = nodes.paragraph()
        note += nodes.strong("", said["dev_lead"])
        note += nodes.Text(said["dev_text"])
        note += nodes.reference("", said["dev_link"], refuri=cite.latest_url)
        note += nodes.Text(said["dev_end"])
        block += note
    links = nodes.bullet_list(classes=["cite-links"])
    links += _item(said["on_page"].format(version=cite.site_version), _link(cite.page_url))
    links += _item(
        said["video_file"].format(version=cite.site_version),
        _link(cite.video_url),
        said["download_open"],
        download,
        said["download_seconds"].format(seconds=f"{phase.duration:g}"),
    )
    if cite.sha256:
        links += _item(said["sha256"], nodes.literal("", cite.sha256))
    links += _item(said["latest"], _link(cite.latest_url))
    links += _item(
        said["fragment"].format(start=f"{start:g}", end=f"{end:g}"),
        nodes.literal("", f"{cite.video_url}#t={start:g},{end:g}"),
    )
    block += links
    block += _code_block(bibtex(cite), "bibtex", said["bibtex"])
    block += _code_block(plain_citation(cite), "text", said["plain"])
    return block


def write_cite_blocks(app: Sphinx, doctree: nodes.document, docname: str, build: SiteBuild) -> None:
    """Replace each cite placeholder by its block, now that this builder's page addresses are known."""
    for node in list(doctree.findall(cite_node)):
        phase = registry.get_phase(node["slug"])
        node.replace_self(cite_block(citation(app, docname, phase, build.published)))


def move_cite_blocks_to_the_end(app: Sphinx, doctree: nodes.document) -> None:
    """A cite block belongs at the end of its page, after the prose, not between clip and text."""
    section = doctree.next_node(nodes.section)
    for node in list(doctree.findall(cite_node)):
        if section is not None:
            node.parent.remove(node)
            section += node


def point_open_graph_at_this_version(app: Sphinx, config) -> None:
    """sphinxext-opengraph's addresses start where this version and language are served; the site's
    name is the one its pages show (``html_title``, in the build's language)."""
    if not config.ogp_site_url and config.html_baseurl:
        config.ogp_site_url = config.html_baseurl.rstrip("/") + "/"
    if config.ogp_site_name is None and config.html_title:
        config.ogp_site_name = config.html_title


def add_clip_to_open_graph(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """A clip's page names its clip and poster for link previews.

    sphinxext-opengraph writes every page's OpenGraph tags (title, address, site name); a
    page's ``og:`` metadata is added to them. This runs before it and gives each phase page,
    and the home page with the full video, its clip as that metadata (the description comes
    from :mod:`~attention_site.page_description`).
    """
    if doctree is None:
        return
    slugs = [slug for slug, (docname, _) in phase_pages(app).items() if docname == pagename]
    if not slugs and pagename != app.config.root_doc:
        return
    phase = clip_in(registry.get_phase(slugs[0]), app.config.language) if slugs else None
    stem = registry.get_phase(slugs[0]).stem if slugs else FULL_STEM
    width, height = frame_size(app.config.phase_clips_quality)
    said = words_for(app.config.language)
    context["meta"] = {
        **(context.get("meta") or {}),
        "og:image": absolute(app, clip_path(stem, "poster")),
        "og:image:alt": phase.title if phase else said["full_summary"],
        "og:video": absolute(app, clip_path(stem, "video")),
        "og:video:type": "video/mp4",
        "og:video:width": str(width),
        "og:video:height": str(height),
    }


def clips_on_pages(published: ClipManifest) -> list[tuple[Phase, PublishedClip]]:
    """Each clip a page shows (the phases', then the standalone clips') with what was published of it."""
    return [
        *zip(PHASES, published.phases, strict=True),
        *zip(STANDALONE_CLIPS, published.standalone, strict=True),
    ]


def manifest(app: Sphinx, published: ClipManifest) -> dict:
    """The contents of ``clips.json``: every clip with its page, files, size, duration and checksum."""
    pages = phase_pages(app)
    clips = []
    for phase, clip in clips_on_pages(published):
        docname, anchor = pages.get(phase.slug, (None, None))
        clips.append(
            {
                "phase": phase.number if phase in PHASES else None,  # None: a clip beside the phases
                "slug": phase.slug,
                "title": clip_in(phase, app.config.language).title,
                "duration": round(clip.duration, 3),
                "page": f"{page_path(app, docname)}#{anchor}" if docname else None,
                "page_url": absolute(app, f"{page_path(app, docname)}#{anchor}") if docname else None,
                "video_url": absolute(app, clip_path(phase.stem, "video")),
                "video": clip_path(phase.stem, "video"),
                "poster": clip_path(phase.stem, "poster"),
                "captions": clip_path(phase.stem, "captions"),
                "descriptions": clip_path(phase.stem, "descriptions"),
                "sha256": clip.sha256,
                "width": clip.width,
                "height": clip.height,
                **(
                    {"still": clip_path(phase.stem, "still"), "still_sha256": clip.still_sha256}
                    if clip.still_sha256
                    else {}
                ),
            }
        )
    full = published.full
    return {
        "title": app.config.project,
        "version": app.config.release,
        "site_version": site_of(app).name,
        "language": language_of(app.config.language).hreflang,
        "base_url": app.config.html_baseurl,
        "latest_url": site_of(app).latest_url,
        "manim_version": metadata.version("manim"),
        "quality": published.quality,
        "clips": clips,
        "full": {
            "video": clip_path(FULL_STEM, "video"),
            "video_url": absolute(app, clip_path(FULL_STEM, "video")),
            "chapters": clip_path(FULL_STEM, "chapters"),
            "captions": clip_path(FULL_STEM, "captions"),
            "descriptions": clip_path(FULL_STEM, "descriptions"),
            "poster": clip_path(FULL_STEM, "poster"),
            "page": page_path(app, app.config.root_doc) + "#" + clip_anchor(FULL_STEM),
            "duration": round(full.duration, 3),
            "sha256": full.sha256,
        },
    }


def checksums_written(outdir: Path) -> dict[str, tuple[str, str | None]]:
    """``slug -> (video SHA-256, still SHA-256)`` as the ``clips.json`` in ``outdir`` lists them.

    Empty when the folder has none, or one this code cannot read: then every clip counts as new.
    """
    try:
        clips = json.loads((outdir / MANIFEST).read_text(encoding="utf-8"))["clips"]
        return {
            clip["slug"]: (clip["sha256"], clip.get("still_sha256")) for clip in clips
        }  # as manifest() writes them
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def pages_showing_new_clips(app: Sphinx, published: ClipManifest) -> list[str]:
    """The pages whose clip changed since this output folder's ``clips.json`` was written.

    A page shows its clip's SHA-256 (in the cite block) and its still's size, both read when the
    page is written; a clip rendered anew (a scene changed) changes them while the page's source
    does not, so Sphinx would keep the old page. Run before this build's ``clips.json`` replaces
    the last one.
    """
    before = checksums_written(Path(app.outdir))
    pages = phase_pages(app)
    changed = {
        pages[phase.slug].docname
        for phase, clip in clips_on_pages(published)
        if phase.slug in pages and before.get(phase.slug) != (clip.sha256, clip.still_sha256)
    }
    return sorted(changed)


def forget_manifest(app: Sphinx) -> None:
    """Remove ``clips.json`` when this build's pages were written without clips (a failed render):
    it no longer says what they show, so the next build writes every clip page again."""
    (Path(app.outdir) / MANIFEST).unlink(missing_ok=True)


def write_manifest(app: Sphinx, exception, build: SiteBuild) -> None:
    if exception is not None or build.published is None:
        return
    missing = [p.slug for p in (*PHASES, *STANDALONE_CLIPS) if p.slug not in phase_pages(app)]
    if missing:
        logger.warning(
            f"clips.json: no page has a phase-clip for {', '.join(missing)}",
            type="phase_clips",
            subtype="unshown",
        )
    text = json.dumps(manifest(app, build.published), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    (Path(app.outdir) / MANIFEST).write_text(text, encoding="utf-8")
    logger.info(f"wrote {MANIFEST} and {CLIPS_DIR}/")
