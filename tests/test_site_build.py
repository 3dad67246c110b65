"""The built site's files: clips under stable names, clips.json, captions, pages' video markup.

These read the site that the session fixture builds exactly as ``nox -s docs`` does.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import webvtt
from conftest import ROOT, SITE_SETTINGS, build_site
from PIL import Image

from attention_site import phase_clips
from attention_site.phase_clips import STILL_HIDDEN, STILL_SHOWN
from scenes.registry import ALL_CLIPS, FULL_STEM, PHASES, STANDALONE_CLIPS, total_duration

pytestmark = pytest.mark.site
FRAME = 1 / 15  # the coarsest frame of any quality


def parse_webvtt(path: Path) -> list[tuple[float, float, str]]:
    """The cues as webvtt-py, a parser written apart from our writer, reads them: (start, end, text)."""
    assert path.read_text(encoding="utf-8").startswith("WEBVTT\n"), "a WebVTT file starts with WEBVTT"
    cues = []
    for caption in webvtt.read(str(path)):
        start, end = (t.in_milliseconds() / 1000 for t in (caption.start_time, caption.end_time))
        assert end > start, f"{path.name}: cue {caption.identifier} ends before it starts"
        assert caption.raw_text.strip(), f"{path.name}: cue {caption.identifier} has no text"
        assert not re.search(r"&(?!amp;|lt;|gt;)|<|>", caption.raw_text), (
            f"unescaped & < or > in {caption.raw_text!r}"
        )
        cues.append((start, end, html.unescape(caption.raw_text)))
    return cues


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(path: Path, name: str) -> list[dict]:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return [attrs for tag, attrs in parser.tags if tag == name]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_matches_the_files(site):
    manifest = json.loads((site / "clips.json").read_text())
    assert {"title", "version", "manim_version", "quality", "clips", "full"} <= set(manifest)
    assert manifest["manim_version"] == "0.19.1"
    assert [c["slug"] for c in manifest["clips"]] == [p.slug for p in ALL_CLIPS]
    for clip, phase in zip(manifest["clips"], ALL_CLIPS, strict=True):
        assert clip["phase"] == (phase.number if phase in PHASES else None) and clip["title"] == phase.title
        for key in ("video", "poster", "captions", "descriptions"):
            assert (site / clip[key]).is_file(), clip[key]
            assert clip[key].startswith(f"_clips/{phase.stem}.")
        assert clip["sha256"] == sha256(site / clip["video"])
        if phase in PHASES:  # a phase's still, cited like its video
            assert clip["still"] == f"_clips/{phase.stem}.still.png"
            assert clip["still_sha256"] == sha256(site / clip["still"])
        else:
            assert "still" not in clip
        assert clip["duration"] == pytest.approx(phase.duration, abs=FRAME)
        page, _, anchor = clip["page"].partition("#")
        assert (site / page).is_file() and f'id="{anchor}"' in (site / page).read_text()
        cues = parse_webvtt(site / clip["captions"])
        assert [text for *_, text in cues] == [cue.caption for cue in phase.cues]
        assert cues[-1][1] == pytest.approx(phase.duration)
        described = parse_webvtt(site / clip["descriptions"])
        assert [text for *_, text in described] == [cue.description for cue in phase.cues]
    full = manifest["full"]
    assert full["sha256"] == sha256(site / full["video"])
    assert full["duration"] == pytest.approx(total_duration(), abs=FRAME)
    chapters = parse_webvtt(site / full["chapters"])
    assert [text for *_, text in chapters] == [f"{p.number}. {p.title}" for p in PHASES]
    assert (site / full["poster"]).is_file()


def test_every_built_file_has_the_mode_a_plain_write_gives(site):
    """Clips, posters, captions, clips.json and pages: readable by a web server, as the umask allows."""
    mask = os.umask(0)
    os.umask(mask)
    written = {
        str(path.relative_to(site)): stat.S_IMODE(path.stat().st_mode)
        for path in site.rglob("*")
        if path.is_file() and ".doctrees" not in path.parts
    }
    assert "clips.json" in written and f"_clips/{FULL_STEM}.mp4" in written
    odd = {name: oct(mode) for name, mode in written.items() if mode != 0o666 & ~mask}
    assert not odd, odd


def clip_page(site: Path, phase) -> Path:
    """The page that shows ``phase``'s clip: the phases under phases/, the other clips at the top."""
    return site / "phases" / f"{phase.stem}.html" if phase in PHASES else site / f"{phase.stem}.html"


def test_every_clip_page_embeds_its_clip(site):
    for phase in ALL_CLIPS:
        page = clip_page(site, phase)
        [video] = tags(page, "video")
        assert video["id"] == f"video-{phase.stem}"
        assert video["preload"] == "metadata" and "controls" in video and "playsinline" in video
        assert int(video["width"]) > 0 and int(video["height"]) > 0
        # The page shows the cited PNG's frame as WebP: to the eye the same (better than 40 dB, where
        # the clip's own H.264 frames are 32-35 dB), in fewer bytes (a phone's first paint).
        assert (page.parent / video["poster"]).resolve() == (site / "_clips" / f"{phase.stem}.webp").resolve()
        png, webp = (site / "_clips" / f"{phase.stem}{suffix}" for suffix in (".png", ".webp"))
        cited, shown = (np.asarray(Image.open(path).convert("RGB")).astype(float) for path in (png, webp))
        assert cited.shape == shown.shape
        assert np.mean((cited - shown) ** 2) < 255**2 / 10**4, f"{webp.name} does not look like {png.name}"
        assert webp.stat().st_size < png.stat().st_size, (webp.stat().st_size, png.stat().st_size)
        [source] = [source for source in tags(page, "source") if source.get("type") == "video/mp4"]
        assert (page.parent / source["src"]).resolve() == (site / "_clips" / f"{phase.stem}.mp4").resolve()
        tracks = {track["kind"]: track for track in tags(page, "track")}
        assert sorted(tracks) == ["captions", "descriptions"]
        assert all((page.parent / track["src"]).resolve().is_file() for track in tracks.values())
        assert not any("default" in track for track in tracks.values())  # short captions are off by default
        text = page.read_text()
        assert f'id="clip-{phase.stem}"' in text
        assert "Cite this clip" in text
        # BibTeX and plain text as Sphinx code blocks: Pygments-highlighted, found by the copy button.
        [entry] = code_blocks(text, "bibtex")
        assert entry.startswith(f"@misc{{attention-explained-{phase.slug},")
        assert f"#clip-{phase.stem}}}," in entry and '<span class="nc">@misc</span>' in text
        [plain_text] = code_blocks(text, "text")
        assert plain_text.strip().endswith(f"#clip-{phase.stem}")
        # The media fragment offered for citing part of the clip lies inside the clip.
        [(start, end)] = re.findall(rf"{phase.stem}\.mp4#t=([\d.]+),([\d.]+)", text)
        assert 0 <= float(start) < float(end) <= phase.duration
        metas = {m.get("property"): m.get("content") for m in tags(page, "meta")}
        assert metas["og:video"].endswith(f"/_clips/{phase.stem}.mp4")
        assert metas["og:image"].endswith(f"/_clips/{phase.stem}.png")
        # The first large thing a reader sees is fetched with the stylesheets: the poster on a laptop,
        # the still of the clip's subject (under the clip, and larger) on a phone.
        preloads = sorted(
            (link.get("media") or "", (page.parent / link["href"]).resolve())
            for link in tags(page, "link")
            if (link.get("rel"), link.get("as"), link.get("fetchpriority")) == ("preload", "image", "high")
        )
        poster = (page.parent / video["poster"]).resolve()
        stills = [
            (page.parent / img["src"]).resolve() for img in tags(page, "img") if ".still." in img["src"]
        ]
        expected = [(STILL_HIDDEN, poster), (STILL_SHOWN, stills[0])] if stills else [("", poster)]
        assert preloads == sorted(expected)
    # STILL_SHOWN is where the stylesheet shows the still
    css = (ROOT / "attention_site" / "static" / "phase-clips.css").read_text(encoding="utf-8")
    assert re.search(rf"@media {re.escape(STILL_SHOWN)} \{{\s*\.clip-still \{{ display: block", css)


def code_blocks(page: str, language: str) -> list[str]:
    """The text of each highlighted ``language`` code block in ``page``, as a copy button copies it."""
    pattern = rf'<div class="highlight-{language} notranslate"><div class="highlight"><pre[^>]*>(.*?)</pre>'
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in re.findall(pattern, page, re.S)]


def plain(text: str) -> str:
    """Page text with entities decoded and typographic quotes made plain, whitespace folded."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    return " ".join(text.split())


def test_transcript_under_each_clip_is_the_descriptions(site):
    for phase in PHASES:
        text = plain((site / "phases" / f"{phase.stem}.html").read_text())
        for cue in phase.cues:
            assert " ".join(cue.description.split()) in text
        descriptions = parse_webvtt(site / "_clips" / f"{phase.stem}.descriptions.vtt")
        assert [words for *_, words in descriptions] == [cue.description for cue in phase.cues]


def test_site_loads_nothing_from_another_host(site):
    for page in site.rglob("*.html"):
        for attrs in tags(page, "script") + tags(page, "link") + tags(page, "img") + tags(page, "source"):
            for key in ("src", "href", "srcset"):
                if key == "href" and attrs.get("rel") not in (
                    "stylesheet",
                    "preload",
                    "icon",
                    "modulepreload",
                ):
                    continue
                candidates = re.split(r",\s+", attrs.get(key, ""))  # srcset: "url 2x, url 1x"
                for url in (candidate.split(" ")[0] for candidate in candidates):
                    assert not url.startswith(("http:", "https:", "//")), f"{page}: {url}"


def test_no_page_but_search_stops_its_parser_for_a_script(site):
    """A plain ``<script src>`` stops the parser until it arrives; a phone paints what it has parsed
    meanwhile, and the script then lays out the whole page in one long task after that first paint
    (Lighthouse's blocking time, on every page with a clip). The search page's own scripts, which
    need Sphinx's first, are written by its template in that order."""
    for page in site.rglob("*.html"):
        if page.name == "search.html":
            continue
        scripts = [attrs for attrs in tags(page, "script") if "src" in attrs]
        assert any("furo.js" in attrs["src"] for attrs in scripts), page
        waiting = [attrs["src"] for attrs in scripts if not {"defer", "async"} & set(attrs)]
        assert not waiting, (page.relative_to(site), waiting)


#: Headings whose notation was plain text (d_k, W_Q) before it was maths: links cited since then
#: name these anchors.
HEADINGS_WITH_MATHS = {
    "api.html": ["why-scale-by-d-k"],
    "confusions.html": [
        "rows-or-columns-of-a",
        "only-w-q-w-k-matters-for-the-scores",
        "and-w-v-w-o-for-what-is-written-the-ov-view",
        "d-k-or-d-model",
        "why-d-k-and-not-d-k",
    ],
    "phases/04-scale-softmax.html": ["why-divide-by-the-square-root-of-d-k"],
}
#: Renamed headings (their old anchor kept by a label), without maths now.
RENAMED_HEADINGS = {"position.html": ["rotary-embeddings-rope-rotating-q-and-k"]}


def test_headings_draw_their_maths_and_keep_their_anchors(site, zh_site):
    for root in (site, zh_site):
        for page, anchors in HEADINGS_WITH_MATHS.items():
            text = (root / page).read_text(encoding="utf-8")
            for anchor in anchors:
                heading = re.search(rf'<section id="{anchor}">(.*?)</h2>', text, re.S)
                assert heading and "<math" in heading[1], (root.name, page, anchor)
        for page, anchors in RENAMED_HEADINGS.items():
            text = (root / page).read_text(encoding="utf-8")
            assert all(f'<section id="{anchor}">' in text for anchor in anchors), (root.name, page)


def test_a_headings_anchors_leave_no_hole_where_its_maths_is(site, zh_site):
    """MyST's slug skipped maths ("why--and-not-"); a later "$X$ or $Y$" would have collided with
    "-or-". A translated page has the English page's anchors."""
    anchors = re.compile(
        r'<section id="([^"]*)">\s*((?:<span id="[^"]*"></span>)*)\s*<h[1-6]>(.*?)</h[1-6]>', re.S
    )

    def maths_headings(root: Path, page: str) -> list[list[str]]:
        found = anchors.findall((root / page).read_text(encoding="utf-8"))
        return [
            [first, *re.findall(r'id="([^"]*)"', spans)]
            for first, spans, heading in found
            if "<math" in heading
        ]

    for page, labels in HEADINGS_WITH_MATHS.items():
        english = maths_headings(site, page)
        assert maths_headings(zh_site, page) == english
        assert [ids[0] for ids in english] == labels
        holes = [i for ids in english for i in ids if "--" in i or i.startswith("-") or i.endswith("-")]
        assert not holes, (page, holes)
    assert "why-sqrt-d-k-and-not-d-k" in maths_headings(site, "confusions.html")[-1]


def test_two_headings_of_maths_and_the_same_words_get_anchors_a_link_can_name(build_root):
    """Without maths in their slugs, "$X$ or $Y$" and "$A$ or $B$" were "-or-" and "-or--1"."""
    body = "# Page\n\n## $X$ or $Y$\n\nSee [the other](#a-or-b).\n\n## $A$ or $B$\n\nText.\n"
    app = build_root("headings", body, tags=("fast",))
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r' id="([^"]*)"', page)
    assert {"x-or-y", "a-or-b"} <= set(ids) and not [i for i in ids if i.startswith("-or-")], ids
    assert app.statuscode == 0, app.warning.getvalue()  # the link found its heading
    assert 'href="#a-or-b"' in page


def test_the_search_lists_headings_with_their_maths_as_text(site):
    """A search result names the heading as a reader would type it, not in LaTeX."""
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    titles = json.loads(index[index.index("(") + 1 : index.rindex(")")])["alltitles"]
    assert not [title for title in titles if "\\" in title]
    assert [anchor for _, anchor in titles["Why √d_k and not d_k?"]] == ["why-d-k-and-not-d-k"]


def test_dirhtml_pages_find_the_same_clips(release_site):
    for phase in PHASES:
        page = release_site / "phases" / phase.stem / "index.html"
        [source] = [source for source in tags(page, "source") if source.get("type") == "video/mp4"]
        assert (page.parent / source["src"]).resolve() == (
            release_site / "_clips" / f"{phase.stem}.mp4"
        ).resolve()
    manifest = json.loads((release_site / "clips.json").read_text())
    assert manifest["clips"][2]["video"] == "_clips/03-attention-scores.mp4"
    assert manifest["clips"][2]["page"].startswith("phases/03-attention-scores/#")


def test_clips_come_back_when_only_the_html_is_removed(site, tmp_path):
    out = tmp_path / "html"
    shutil.copytree(site, out)
    shutil.rmtree(out / "_clips")
    (out / "clips.json").unlink()
    build_site("html", out, **SITE_SETTINGS)  # doctrees kept in out/.doctrees: nothing is re-read
    assert all((out / "_clips" / f"{p.stem}.mp4").is_file() for p in PHASES)
    assert (out / "_clips" / f"{FULL_STEM}.mp4").is_file()
    assert json.loads((out / "clips.json").read_text()) == json.loads((site / "clips.json").read_text())


# -- The directive on its own, in a test root built in-process ----------------------------
def test_unknown_phase_fails_the_build_naming_it(build_root):
    app = build_root("clip-directive", "# Page\n\n```{phase-clip} no-such-phase\n```\n", tags=("fast",))
    assert app.statuscode != 0
    warnings = app.warning.getvalue()
    assert "unknown phase 'no-such-phase'" in warnings and "3 attention-scores" in warnings


@pytest.mark.parametrize(
    ("directive", "source"),
    [
        ("{phase-clip} 3", "scenes/registry.py"),
        ("{full-video}", "scenes/translations.py"),
        ("{phase-table}", "scenes/captions.py"),
        ("{glossary-table}", "scenes/glossary.py"),
        ("{example-matrix} weights", "attention/example.py"),
    ],
)
def test_a_page_is_read_again_when_the_python_it_shows_changes(directive, source, build_root):
    """Transcripts, pauses, chapters, summaries, the glossary and the example's numbers come from
    Python that Sphinx does not watch; without the dependency, a warm build served the old ones."""
    app = build_root("clip-directive", f"# Page\n\n```{directive}\n```\n", tags=("fast",))
    assert app.statuscode == 0, app.warning.getvalue()
    noted = {Path(dependency).resolve() for dependency in app.env.dependencies["index"]}
    assert (ROOT / source).resolve() in noted, sorted(noted)


def test_fast_mode_says_so_on_the_page(build_root):
    app = build_root("clip-directive", "# Page\n\n```{phase-clip} 3\n```\n", tags=("fast",))
    assert app.statuscode == 0 and not app.warning.getvalue(), app.warning.getvalue()
    text = (app.outdir / "index.html").read_text()
    assert "Fast build: clip not rendered" in text and "<video" not in text


def test_text_builder_writes_the_cite_block_dated_by_source_date_epoch(build_root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    body = "# Page\n\n```{phase-clip} 3\n```\n\nSome prose.\n"
    app = build_root("clip-directive", body, "text", suppress_warnings=["phase_clips.video"])
    assert app.statuscode == 0 and not app.warning.getvalue(), app.warning.getvalue()
    text = (app.outdir / "index.txt").read_text()
    page = "https://example.org/site/index.html#clip-03-attention-scores"
    assert "Cite this clip" in text and f"This clip on its page, version dev: {page}" in " ".join(
        text.split()
    )
    assert "@misc{attention-explained-attention-scores," in text and f"url          = {{{page}}}," in text
    assert "year         = {2023}" in text and "version dev, 2023-11-14." in " ".join(text.split())
    assert "Accessed" not in text  # the access date is the citer's to add, not the build's
    assert text.index("Some prose.") < text.index("Cite this clip")


def test_builders_without_video_link_each_clip_and_say_so_once_per_page(build_root):
    body = "# Page\n\n```{phase-clip} 3\n```\n\n```{full-video}\n```\n"
    app = build_root("clip-directive", body, "text", tags=("fast",))
    warnings = app.warning.getvalue()
    assert app.statuscode != 0, "a warning, which fails a -W build"
    assert warnings.count("cannot play video") == 1
    assert "the text builder cannot play video: 2 clip(s) on this page are written as links" in warnings
    text = " ".join((app.outdir / "index.txt").read_text().split())
    assert "Video (Phase 3, Attention Scores:" in text
    assert "https://example.org/site/_clips/03-attention-scores.mp4" in text
    assert "https://example.org/site/_clips/00-full.mp4" in text


def test_a_failed_render_fails_the_build_naming_the_phase(build_root, monkeypatch):
    from scenes.render import RenderError

    def broken(*args, **kwargs):
        raise RenderError("phase 3 (attention-scores) failed to render:\nValueError: boom")

    monkeypatch.setattr(phase_clips, "publish_clips", broken)
    app = build_root("clip-directive", "# Page\n\n```{phase-clip} attention-scores\n```\n")
    # one logged error and a failed build, not an exception with Sphinx's crash report
    assert app.statuscode == 1
    assert (
        "phase clips: phase 3 (attention-scores) failed to render:\nValueError: boom"
        in app.warning.getvalue()
    )


def clips_drawn_as(drawn: dict):
    """A stand-in for ``publish_clips`` whose every clip has ``drawn["sha256"]`` and a still of
    ``drawn["still"]`` pixels, or which fails as a render does when ``drawn["fails"]``."""
    from scenes.clips import ClipManifest, PublishedClip
    from scenes.render import RenderError

    def publish(directory, quality, **kwargs):
        if drawn["fails"]:
            raise RenderError("phase 3 (attention-scores) failed to render")
        directory.mkdir(parents=True, exist_ok=True)

        def clip(phase, stem):
            if phase in PHASES:
                Image.new("RGB", drawn["still"]).save(directory / f"{stem}.still.webp")
            still_sha256 = drawn["sha256"] if phase in PHASES else None
            return PublishedClip(stem, phase, {}, 1.0, 1280, 720, drawn["sha256"], True, still_sha256)

        return ClipManifest(
            quality,
            tuple(clip(phase, phase.stem) for phase in PHASES),
            clip(None, FULL_STEM),
            tuple(clip(phase, phase.stem) for phase in STANDALONE_CLIPS),
        )

    return publish


def test_a_clip_rendered_anew_rewrites_its_page(build_root, monkeypatch):
    """A scene's change re-renders its clip but leaves the page's source alone: the page is written
    again all the same, so its cite block and still show the new clip, not the last build's; after a
    failed render, the next build puts the clip back. Unchanged clips rewrite nothing."""
    drawn = {"sha256": "a" * 64, "still": (720, 520), "fails": False}
    publish = clips_drawn_as(drawn)
    monkeypatch.setattr(phase_clips, "publish_clips", publish)
    body = "# Page\n\n```{phase-clip} attention-scores\n```\n"
    app = build_root(
        "clip-directive", body, suppress_warnings=["phase_clips.unshown"]
    )  # one page: clips.json says so
    assert app.statuscode == 0, app.warning.getvalue()
    written = (app.outdir / "index.html").stat().st_mtime_ns
    app.build()  # the same clips: the page is left as it is
    assert (app.outdir / "index.html").stat().st_mtime_ns == written

    drawn.update(sha256="b" * 64, still=(720, 600))
    app.build()  # nothing in the source changed
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "b" * 64 in page and "a" * 64 not in page
    assert app.statuscode == 0 and (app.outdir / "index.html").stat().st_mtime_ns > 0  # written, not stale
    [still] = [img for img in tags(app.outdir / "index.html", "img") if "still" in img.get("src", "")]
    assert (still["width"], still["height"]) == ("720", "600")

    drawn.update(fails=True)  # a render fails: the page is written without its clip, and the build fails
    (app.srcdir / "index.md").write_text(body + "\nA new sentence.\n", encoding="utf-8")
    app.build()
    assert app.statuscode == 1 and "b" * 64 not in (app.outdir / "index.html").read_text(encoding="utf-8")
    drawn.update(fails=False)  # the same clip renders again: the page shows it again
    app.statuscode = 0
    app.build()
    assert "b" * 64 in (app.outdir / "index.html").read_text(encoding="utf-8")


def test_a_page_a_build_of_named_files_left_stale_is_written_by_the_next_build(build_root, monkeypatch):
    """``sphinx-build docs out docs/other.md`` writes only other.md, though a clip of index.md was
    rendered anew: index.html is named in a warning and written again by the next build."""
    drawn = {"sha256": "a" * 64, "still": (720, 520), "fails": False}
    monkeypatch.setattr(phase_clips, "publish_clips", clips_drawn_as(drawn))
    app = build_root(
        "clip-directive",
        "# Page\n\n```{phase-clip} attention-scores\n```\n",
        suppress_warnings=["phase_clips.unshown"],
    )
    (app.srcdir / "other.md").write_text("---\norphan: true\n---\n# Other\n\nText.\n", encoding="utf-8")
    app.build()
    assert app.statuscode == 0, app.warning.getvalue()

    drawn.update(sha256="b" * 64)
    app.build(filenames=[str(app.srcdir / "other.md")])
    assert "a" * 64 in (app.outdir / "index.html").read_text(encoding="utf-8")  # not written
    assert (
        "index shows a clip rendered anew, but this build wrote only the files named"
        in app.warning.getvalue()
    )
    app.build()  # nothing changed since, but index.html is out of date
    assert "b" * 64 in (app.outdir / "index.html").read_text(encoding="utf-8")


def test_the_saturation_figure_shows_what_the_table_below_it_says(site):
    """Two renderings of one measurement on one page: the figure's bars and the table's columns agree."""
    page = (site / "saturation.html").read_text(encoding="utf-8")
    table = page[page.index('class="scaling-table') :]
    table = table[: table.index("</table>")]
    cells = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]
    header, *rows = cells
    unscaled, scaled = header.index("saturated queries, unscaled"), header.index("saturated queries, scaled")
    from_table = [share for row in rows for share in (row[unscaled], row[scaled])]
    assert re.findall(r'class="sat-value"[^>]*>([^<]*)<', page) == from_table
    assert page.index("saturation-figure") < page.index('class="scaling-table'), "the figure leads the page"
    assert '<details class="detail-block">' in page


def test_a_table_caption_draws_its_maths_and_names_its_region_with_them_as_text(site, zh_site):
    """The caption is MathML like the prose around it; a screen reader hears the region's name as
    text (QKᵀ, not QK^\\top; ‖∂p / ∂s‖, not ‖ ∂ p / ∂ s ‖), in both languages."""
    for root, path, name in [
        (
            site,
            "phases/04-scale-softmax.html",
            "Scaled scores QKᵀ / √d_k (row = query token, column = key token)",
        ),
        (
            zh_site,
            "phases/04-scale-softmax.html",
            "縮放後的分數 QKᵀ / √d_k（列 = 查詢 token，行 = 鍵 token）",
        ),
        (site, "saturation.html", "the median over queries of ‖∂p / ∂s‖, s = q · k"),
    ]:
        page = (root / path).read_text(encoding="utf-8")
        region = re.search(
            rf'aria-label="[^"]*{re.escape(name)}"[^>]*>\s*<table[^>]*>\s*<caption>(.*?)</caption>',
            page,
            re.S,
        )
        assert region and "<math" in region[1], (root.name, path)
