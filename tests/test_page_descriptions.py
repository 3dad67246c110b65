"""Every page tells search engines and link previews what it is about, in its own language.

The description is what a search result shows under the title and what a chat or social site
shows beside a shared link: one per page, no LaTeX or Markdown showing, short enough to be shown
whole, and the same in the page's ``<meta name="description">`` and its ``og:description``.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from attention_site.clip_words import clip_in
from attention_site.page_description import LIMIT, width
from scenes.registry import PHASES

GENERATED = {"search.html", "genindex.html"}  #: pages Sphinx writes with no source of their own


class Metas(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or attrs.get("property")):
            self.found.append((attrs.get("name") or attrs["property"], attrs.get("content") or ""))


def metas(path: Path) -> list[tuple[str, str]]:
    parser = Metas()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.found


def pages(site: Path) -> list[Path]:
    """Every page of one language (the Chinese site sits in zh-tw/ of the English one when both are built)."""
    return [
        p
        for p in site.rglob("*.html")
        if "_static" not in p.parts and "zh-tw" not in p.relative_to(site).parts
    ]


def check_site(site: Path, language: str) -> None:
    described = pages(site)
    assert len(described) > 20
    for path in described:
        found = metas(path)
        descriptions = [content for name, content in found if name == "description"]
        assert len(descriptions) == 1, f"{path}: {len(descriptions)} descriptions"
        [description] = descriptions
        assert description.strip() and width(description) <= LIMIT, path
        assert not any(mark in description for mark in ("\\", "{", "**", "`", "$")), (path, description)
        if path.name in GENERATED:
            continue  # Sphinx's own pages: a description, but nothing to preview
        assert dict(found)["og:description"] == description, path
        for tag in ("og:title", "og:url", "og:site_name"):
            assert [name for name, _ in found].count(tag) == 1, (path, tag)
    for phase in PHASES:  # a phase page is described by its clip's summary, in the page's language
        found = dict(metas(site / "phases" / f"{phase.stem}.html"))
        assert found["description"] == clip_in(phase, language).summary


@pytest.mark.site
def test_every_english_page_has_one_description_a_search_result_can_show(site):
    check_site(site, "en")
    home = dict(metas(site / "index.html"))
    assert home["description"].startswith("Self-attention is how a Transformer")  # the page's own lead
    assert home["og:video"].endswith("/_clips/00-full.mp4")


@pytest.mark.site
def test_every_chinese_page_has_one_description_in_chinese(zh_site):
    check_site(zh_site, "zh_TW")
    saturation = dict(metas(zh_site / "saturation.html"))["description"]
    assert saturation.startswith("若不除以 √d_k，")  # the run-in 「簡而言之。」 left out, the maths as text
    assert dict(metas(zh_site / "index.html"))["og:site_name"] == "自注意力詳解"
