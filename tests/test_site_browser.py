"""The built site as a reader sees it: Debian's Chromium, driven by Playwright, on 127.0.0.1 only.

Every page loads with no console error, no failed request and no request to another host;
every clip's <video> loads its metadata with the card's duration and has a poster and a
captions track; the landing page's full video plays; axe-core finds no serious or critical
accessibility violation, in the light and the dark theme and on a 390 px wide phone screen.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import DOCS, show_as

from scenes.registry import ALL_CLIPS, PHASES, total_duration

pytestmark = [pytest.mark.site, pytest.mark.browser]

FRAME = 1 / 15  # the coarsest frame of any quality: durations match within one frame

#: Every page the site has, from its sources, so each page's checks are tests of their own.
PAGES = [
    *sorted(
        str(p.relative_to(DOCS).with_suffix(".html")) for p in DOCS.rglob("*.md") if "_build" not in p.parts
    ),
    "genindex.html",
    "search.html",
]


def page_paths(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html") if not p.name.startswith("_"))


class PageWatch:
    """Collects what went wrong while a page loaded."""

    def __init__(self, page, base_url: str):
        self.problems: list[str] = []
        host = urlparse(base_url).netloc
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("requestfailed", lambda r: self._failed(r))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on(
            "request",
            lambda r: (
                urlparse(r.url).scheme in ("http", "https")
                and urlparse(r.url).netloc != host
                and self.problems.append(f"request to another host: {r.url}")
            ),
        )

    def _failed(self, request) -> None:
        # The browser cancels a video's download once it has the metadata it asked for: not a failure.
        if request.resource_type == "media" and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"request failed: {request.url} ({request.failure})")


def _video_state(page, selector: str) -> dict:
    page.wait_for_function(f"document.querySelector('{selector}').readyState >= 1", timeout=20_000)
    return page.evaluate(
        f"""async () => {{
            const v = document.querySelector('{selector}');
            const tracks = [...v.querySelectorAll('track')].map(t => ({{kind: t.kind, src: t.src}}));
            const ok = async (url) => (await fetch(url)).ok;
            return {{
                duration: v.duration, width: v.videoWidth, height: v.videoHeight,
                poster: v.poster, posterOk: v.poster ? await ok(v.poster) : false,
                tracks, tracksOk: await Promise.all(tracks.map(t => ok(t.src))),
                preload: v.getAttribute('preload'), attrWidth: v.getAttribute('width'),
            }};
        }}"""
    )


@pytest.mark.parametrize("phase", ALL_CLIPS, ids=[p.stem for p in ALL_CLIPS])
def test_each_clip_loads_with_its_storyboard_duration(phase, site_url, page):
    page.goto(f"{site_url}/{'phases/' if phase in PHASES else ''}{phase.stem}.html")
    state = _video_state(page, f"#video-{phase.stem}")
    assert state["duration"] == pytest.approx(phase.duration, abs=FRAME)
    assert state["posterOk"], state["poster"]
    assert [t["kind"] for t in state["tracks"]] == ["captions", "descriptions"]
    assert all(state["tracksOk"])
    assert state["preload"] == "metadata" and state["attrWidth"]
    assert state["width"] > 0 and state["height"] > 0


@pytest.mark.parametrize("phase", PHASES, ids=[p.stem for p in PHASES])
def test_on_a_phone_each_clip_is_followed_by_its_still_across_the_column(phase, site_url, page):
    """Held upright, a phone shows the clip too small to read: the still of its subject follows it."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site_url}/phases/{phase.stem}.html", wait_until="networkidle")
    figure = page.locator(f"#clip-{phase.stem}")
    still = figure.locator(".clip-still img")
    still.scroll_into_view_if_needed()
    page.wait_for_function(f"document.querySelector('#clip-{phase.stem} .clip-still img').complete")
    video, shown = figure.locator("video").bounding_box(), still.bounding_box()
    assert shown["y"] >= video["y"] + video["height"]  # under the clip
    assert shown["width"] == pytest.approx(video["width"], abs=1)  # as wide as the column lets it be
    assert still.evaluate("img => img.naturalWidth") == 720
    assert figure.locator(".clip-still").get_attribute("href").endswith(f"{phase.stem}.still.webp")


def fetch_priorities(page, url: str) -> dict[str, str]:
    """Each file's fetch priority when ``url`` has loaded, by file name: Chromium's first, or the
    one it changed to. Chromium raises an image in view once the page is laid out, if it is still
    loading then: the clips' images are answered 0.3 s late, as on a slow network, so that it can."""
    page.route("**/_clips/*.webp", lambda route: (time.sleep(0.3), route.continue_()))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    names, priorities = {}, {}

    def sent(event) -> None:
        names[event["requestId"]] = event["request"]["url"].split("?")[0].rsplit("/", 1)[-1]
        priorities.setdefault(names[event["requestId"]], event["request"]["initialPriority"])

    def changed(event) -> None:
        if event["requestId"] in names:
            priorities[names[event["requestId"]]] = event["newPriority"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.resourceChangedPriority", changed)
    page.goto(url, wait_until="networkidle")
    return priorities


def test_on_a_phone_the_still_is_fetched_at_once_at_high_priority(site_url, page):
    """On a phone the still is what the reader reads, and taller than the clip: the page's largest
    paint. It is fetched with the poster, neither left until layout (lazy) nor behind it (low)."""
    page.set_viewport_size({"width": 390, "height": 844})
    for stem in ("04-scale-softmax", "07-multi-head"):
        priorities = fetch_priorities(page, f"{site_url}/phases/{stem}.html")
        assert priorities[f"{stem}.still.webp"] in ("High", "VeryHigh"), priorities
        assert priorities[f"{stem}.webp"] in ("High", "VeryHigh"), priorities


def edge_bands(page, element) -> tuple[float, float]:
    """How much of ``element``'s left and right edge (a 4 px band, its middle half) is not the page's
    background: near 0 where nothing is drawn, near 1 where a shadow tints it."""
    import io

    import numpy as np
    from PIL import Image

    background = page.evaluate(
        "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)"
    )
    pixels = np.asarray(Image.open(io.BytesIO(element.screenshot())).convert("RGB")).astype(int)
    height, width = pixels.shape[:2]
    middle = pixels[height // 4 : 3 * height // 4]
    tinted = np.abs(middle - np.array(background)).max(axis=2) > 3
    return float(tinted[:, 1:5].mean()), float(tinted[:, width - 5 : width - 1].mean())


def test_on_a_phone_a_formula_wider_than_the_screen_shows_which_way_it_goes_on(site_url, page):
    """A display formula wider than a phone scrolls sideways (Multi-Head's Concat on a 320 px phone;
    every formula fits 390 px, test_math_baseline.py): a shadow on the edge it continues past says
    so, and moves to the other edge at its end."""
    page.goto(f"{site_url}/phases/07-multi-head.html")
    for theme in ("light", "dark"):
        show_as(page, theme, 320)
        wide = page.locator(".math-wrapper").filter(has_text="Concat").first
        wide.scroll_into_view_if_needed()
        assert wide.evaluate("(e) => e.scrollWidth > e.clientWidth + 20"), "it fits: pick a wider formula"
        wide.evaluate("(e) => { e.scrollLeft = 0; }")
        left, right = edge_bands(page, wide)
        assert right > 0.6 and left < 0.3, (theme, "at its start", left, right)
        wide.evaluate("(e) => { e.scrollLeft = e.scrollWidth; }")
        left, right = edge_bands(page, wide)
        assert left > 0.6 and right < 0.3, (theme, "at its end", left, right)


@pytest.mark.parametrize("width", [600, 1280])
def test_on_a_laptop_no_still_is_shown_or_fetched(width, site_url, page):
    """From 600 px, where phase-clips.css hides the still, its <picture> fetches nothing."""
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site_url}/phases/04-scale-softmax.html", wait_until="networkidle")
    assert page.locator(".clip-still").count() == 1
    assert not page.locator(".clip-still img").is_visible()
    assert not [url for url in requested if ".still." in url]


def test_landing_page_full_video_plays(site_url, page):
    page.goto(f"{site_url}/index.html")
    state = _video_state(page, "#video-full")
    assert state["duration"] == pytest.approx(total_duration(), abs=FRAME)
    assert sorted(t["kind"] for t in state["tracks"]) == ["captions", "chapters", "descriptions"]
    page.evaluate("document.querySelector('#video-full').play()")
    page.wait_for_function("document.querySelector('#video-full').currentTime > 1", timeout=20_000)


def test_chapter_list_seeks_the_full_video(site_url, page):
    page.goto(f"{site_url}/index.html")
    _video_state(page, "#video-full")
    links = page.locator("ol.chapter-list a.seek")
    assert links.count() == len(PHASES)
    links.nth(3).click()
    start = sum(p.duration for p in PHASES[:3])
    page.wait_for_function(f"document.querySelector('#video-full').currentTime >= {start}", timeout=10_000)
    # The playing chapter is announced: aria-current="time" (an empty value reads as false).
    page.wait_for_function(
        "document.querySelectorAll('ol.chapter-list a.seek[aria-current=\"time\"]').length === 1",
        timeout=10_000,
    )
    current = page.locator('ol.chapter-list a.seek[aria-current="time"]')
    assert current.get_attribute("data-seek") == links.nth(3).get_attribute("data-seek")


def test_the_pages_checked_one_by_one_are_every_page_built(site):
    assert page_paths(site) == sorted(PAGES)


#: Colour contrast, most of axe's time on a page. Its answer depends on colours, type sizes and
#: what lies under the text, and no colour of the site's or furo's depends on the width: it runs at
#: 1280 px in both themes on every page, and at 390 px on the pages of :data:`CONTRAST_AT_390`,
#: where a phone shows what a laptop does not (furo's mobile header, the explorer's smaller type).
#: Every other rule runs in every state.
COLOUR_CONTRAST = ("color-contrast",)
CONTRAST_AT_390 = ("index.html", "phases/04-scale-softmax.html")


def axe_states(path: str, themes: tuple[str, ...] = ("light", "dark"), contrast_at_1280: bool = True):
    """The (name, theme, viewport width, rules left out) states a page is checked in."""
    wide = () if contrast_at_1280 or path in CONTRAST_AT_390 else COLOUR_CONTRAST
    narrow = () if path in CONTRAST_AT_390 else COLOUR_CONTRAST
    return (*((theme, theme, 1280, wide) for theme in themes), ("phone-390px", "light", 390, narrow))


@pytest.mark.parametrize("path", PAGES)
def test_each_page_loads_cleanly_and_axe_finds_nothing_serious(path, site_url, page):
    """One load a page: no console error, failed request or request to another host while it loads
    and while it is checked; then axe in light and dark at 1280 px and on a phone at 390 px, where
    the wide tables scroll sideways (their wrappers must be reachable by keyboard). The theme is
    switched as furo's toggle switches it, and the window resized, between the checks."""
    watch = PageWatch(page, site_url)
    found = violations_in_states(page, f"{site_url}/{path}", path, axe_states(path))
    assert not watch.problems, "\n".join(watch.problems)
    assert not found, "\n".join(found)


#: What moved inside the article since the page began to load, by itself (not after input): each
#: layout shift's moved elements, with how far. Read from the buffered entries a new observer receives.
#: Moves under 8 px (half a line) are left out: once, under the full suite's load, an inline code on the
#: Chinese Generation page moved 7 px as its fonts settled, which no script of the site does; content a
#: script adds pushes text down by a line or more (the copy button's room, 22 px; the explorer's slider).
MOVED_IN_ARTICLE = """() => new Promise((done) => {
  const moved = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries().filter((entry) => !entry.hadRecentInput)) {
      for (const { node, previousRect, currentRect } of entry.sources) {
        const element = node && (node.nodeType === 1 ? node : node.parentElement);
        if (element && element.closest("article")) {
          const section = element.closest("section[id]");  // where an element without an id is
          const name = element.tagName.toLowerCase() + (element.id ? `#${element.id}` : section ? ` in section#${section.id}` : "");
          const down = currentRect.y - previousRect.y;
          if (currentRect.height && Math.abs(down) < 8) continue;
          moved.push(`${name} moved ${currentRect.height ? `${Math.round(down)} px down` : "out of view"}`);
        }
      }
    }
  });
  observer.observe({ type: "layout-shift", buffered: true });
  setTimeout(() => { observer.disconnect(); done(moved); }, 50);
})"""


#: Each change of ``<html>``'s classes after the body began, as "before -> after". Such a change
#: restyles every element of the page once more: furo's script took ``no-js`` off only at
#: DOMContentLoaded, and on a phone that restyle was a third of the page's longest task (Lighthouse's
#: blocking time). The page's head settles the classes (``phase_clips.SCRIPTS_RUNNING``).
ROOT_CLASS_CHANGES = """
window.rootClassChanges = [];
new MutationObserver((records) => {
  const root = document.documentElement;
  for (const record of records.filter((record) => record.target === root)) {
    if (document.body && record.oldValue !== root.className) window.rootClassChanges.push(`${record.oldValue} -> ${root.className}`);
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["class"], attributeOldValue: true });
"""


#: What a phone reader would trip over, one line each: a heading whose permalink (hidden until hovered)
#: starts a line of its own, which reads as a blank line under the heading (Chinese may break between
#: any two characters); a table of the worked example too wide for the column, its last key cut off;
#: the home page's phase table squeezing its summaries (each phase's length goes under its name).
ON_A_PHONE = """() => {
  const found = [];
  for (const link of document.querySelectorAll("article :is(h1, h2, h3, h4) > a.headerlink")) {
    const heading = link.parentElement;
    const lines = Math.round(heading.getBoundingClientRect().height / parseFloat(getComputedStyle(heading).lineHeight));
    const start = heading.getBoundingClientRect().left + parseFloat(getComputedStyle(heading).paddingLeft);
    if (lines > 1 && link.getBoundingClientRect().left - parseFloat(getComputedStyle(link).marginLeft) <= start + 1) {
      found.push(`the heading "${heading.textContent.slice(0, 30)}" leaves a blank line (its permalink alone)`);
    }
  }
  for (const table of document.querySelectorAll("article table.example-matrix")) {
    const column = table.closest(".table-wrapper") || table.parentElement;
    if (table.getBoundingClientRect().right > column.getBoundingClientRect().right + 1) {
      found.push(`the table "${(table.caption || table).textContent.slice(0, 40)}" is cut off on the right`);
    }
  }
  for (const table of document.querySelectorAll("article table.phase-table")) {
    const summary = table.querySelector("tbody td:last-child").getBoundingClientRect().width;
    if (summary < table.getBoundingClientRect().width / 2) {
      found.push(`the phase table leaves what each phase shows ${Math.round(summary)} px, two words a line`);
    }
  }
  return found;
}"""


def violations_in_states(page, url: str, path: str, states) -> list[str]:
    """axe's serious findings on ``url`` in each (name, theme, width, rules left out) state, after one
    load; and, first, anything in the article that moved as the page loaded (a reader loses their place,
    and Lighthouse counts it as layout shift) and any change of the root's classes once the body began."""
    page.add_init_script(ROOT_CLASS_CHANGES)
    page.goto(url, wait_until="networkidle")
    found = [f"[as it loaded] {path}: {line}" for line in page.evaluate(MOVED_IN_ARTICLE)]
    found += [
        f"[as it loaded] {path}: <html> classes {line}" for line in page.evaluate("window.rootClassChanges")
    ]
    backgrounds = {}
    for name, theme, width, left_out in states:
        show_as(page, theme, width)
        backgrounds[theme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        found += [f"[{name}] {line}" for line in serious_violations(page, path, left_out)]
        if width < 600:
            found += [f"[{name}] {path}: {line}" for line in page.evaluate(ON_A_PHONE)]
    assert len(set(backgrounds.values())) == len(backgrounds), f"the theme did not switch: {backgrounds}"
    return found


#: Target size (WCAG 2.5.8: a tap target 24 px or more, or that far from the next), which axe leaves
#: off unless asked. It once caught the Chinese "On this page" links 17 px high and 22 px apart.
WITH_TARGET_SIZE = {"target-size": {"enabled": True}}


def serious_violations(page, path: str, left_out: tuple[str, ...] = ()) -> list[str]:
    """axe's serious and critical findings on the page as it is, one line each (the site's bar)."""
    from axe_playwright_python.sync_playwright import Axe

    rules = {**WITH_TARGET_SIZE, **{rule: {"enabled": False} for rule in left_out}}
    options = {"resultTypes": ["violations"], "rules": rules}
    return [
        f"{path}: {violation['id']} ({violation['impact']}): {violation['help']} "
        f"{[node['target'] for node in violation['nodes']][:3]}"
        for violation in Axe().run(page, options=options).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def copied_by_the_button(browser, url: str) -> tuple[str, str, str]:
    """Click the first copy button of ``url``'s cite block: its label before, after, and what it copied."""
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        button = page.locator("section.cite-clip button.copy-code").first
        before = button.inner_text()
        button.click()
        page.wait_for_function(
            f"() => document.querySelector('section.cite-clip button.copy-code').textContent !== {before!r}"
        )
        return before, button.inner_text(), page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()


@pytest.mark.site
@pytest.mark.browser
def test_the_copy_button_copies_the_bibtex_and_says_so(site_url, browser):
    before, after, copied = copied_by_the_button(browser, f"{site_url}/phases/03-attention-scores.html")
    assert (before, after) == ("Copy", "Copied")
    assert copied.startswith("@misc{attention-explained-attention-scores,") and copied.endswith("}")


@pytest.mark.site
@pytest.mark.browser
def test_the_copy_button_speaks_chinese_on_chinese_pages(zh_site_url, browser):
    before, after, copied = copied_by_the_button(browser, f"{zh_site_url}/phases/03-attention-scores.html")
    assert (before, after) == ("複製", "已複製")
    assert "第 3 階段：注意力分數" in copied


@pytest.mark.site
def test_only_pages_with_code_load_the_copy_button(site):
    loads = lambda page: "copy-code.js" in (site / page).read_text(encoding="utf-8")  # noqa: E731
    assert loads("phases/03-attention-scores.html") and not loads("glossary.html")
    assert "clipboard.min.js" not in (site / "phases/03-attention-scores.html").read_text(encoding="utf-8")
