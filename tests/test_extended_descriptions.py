"""Descriptions a screen reader can keep up with: the clip waits at the end of each step until its
description, at a screen reader's default rate, has been read (an extended description).

The descriptions tracks keep their cues on the storyboard's times (and the transcript keeps the
whole text); each clip says how long to wait after each cue. Read from the built pages and tracks
(with webvtt-py, a parser apart from our writer), and played in Chromium.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_site_build import parse_webvtt

from scenes.registry import ALL_CLIPS, PHASES, SPEAKING_RATE


class Videos(HTMLParser):
    def __init__(self):
        super().__init__()
        self.videos: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "video":
            attrs = dict(attrs)
            self.videos[attrs["id"]] = attrs


def videos(page: Path) -> dict[str, dict]:
    parser = Videos()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.videos


def check_every_description_can_be_voiced(site: Path, language: str) -> None:
    pages = [(site / "phases" / f"{p.stem}.html", p.stem) for p in PHASES]
    pages += [(site / f"{p.stem}.html", p.stem) for p in ALL_CLIPS if p not in PHASES]
    pages.append((site / "index.html", "00-full"))
    for page, stem in pages:
        video = videos(page)[f"video-{stem}" if stem != "00-full" else "video-full"]
        pauses = [float(p) for p in video["data-description-pauses"].split(",")]
        cues = parse_webvtt(site / "_clips" / f"{stem}.descriptions.vtt")
        assert len(pauses) == len(cues), stem
        for (start, end, text), pause in zip(cues, pauses, strict=True):
            needed = len(text) / SPEAKING_RATE[language]
            assert end - start + pause >= needed - 0.05, (
                f"{stem}: {text[:40]}… has {end - start + pause:.1f} s"
            )
            assert pause == 0 or end - start + pause < needed + 0.2, f"{stem}: waits longer than it needs"


@pytest.mark.site
def test_every_english_description_gets_the_time_to_be_read(site):
    check_every_description_can_be_voiced(site, "en")


@pytest.mark.site
def test_every_chinese_description_gets_the_time_to_be_read(zh_site):
    check_every_description_can_be_voiced(zh_site, "zh_TW")


@pytest.mark.site
@pytest.mark.browser
def test_with_descriptions_on_the_clip_waits_for_each_one(page, site_url):
    page.goto(f"{site_url}/phases/04-scale-softmax.html", wait_until="networkidle")
    video = "document.querySelector('#video-04-scale-softmax')"
    button = page.locator("#video-04-scale-softmax + .clip-describe button")
    said = page.locator("#video-04-scale-softmax-description")
    assert button.is_visible() and not said.is_visible()  # off until the reader asks
    button.click()
    assert button.get_attribute("aria-pressed") == "true" and said.is_visible()
    assert said.get_attribute("aria-live") == "polite"
    page.wait_for_function(f"{video}.readyState >= 1", timeout=20_000)
    cues = parse_webvtt_texts(page, video)
    page.evaluate(f"{video}.play()")
    page.wait_for_function(f"{video}.currentTime > 0.5", timeout=20_000)
    assert said.inner_text() == cues[0]
    # At the end of the first step (2 s on screen, 340 characters), the clip waits with its text shown.
    page.wait_for_function(f"{video}.paused && {video}.currentTime > 1.5", timeout=20_000)
    assert page.evaluate(f"{video}.currentTime") < 2.6 and said.inner_text() == cues[0]
    # The reader can go on at once; the next step's description follows.
    page.evaluate(f"{video}.play()")
    page.wait_for_function(f"!{video}.paused", timeout=5_000)
    page.wait_for_function(
        f"document.querySelector('#video-04-scale-softmax-description').textContent === {cues[1]!r}",
        timeout=5_000,
    )
    button.click()  # off again: nothing shown, no waiting
    assert button.get_attribute("aria-pressed") == "false" and not said.is_visible()


def parse_webvtt_texts(page, video: str) -> list[str]:
    """The descriptions track's cue texts, as the browser parsed them."""
    page.wait_for_function(
        f"[...{video}.textTracks].find((t) => t.kind === 'descriptions').cues?.length > 0", timeout=10_000
    )
    return page.evaluate(
        f"[...[...{video}.textTracks].find((t) => t.kind === 'descriptions').cues]"
        ".map((c) => c.getCueAsHTML().textContent)"
    )
