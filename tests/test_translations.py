"""The Traditional Chinese (Taiwan) site: its catalogs, their wording, and the pages built from them.

The catalogs are ``docs/locales/zh_TW/LC_MESSAGES/*.po`` (``nox -s translations`` updates them
from the sources). Translation goes page by page: :data:`TRANSLATED` lists the pages that are
done, and for those every message must be translated. For every message that is translated,
whatever the page: not fuzzy, the same substitutions, roles, code, maths and numbers as its
English, Taiwan usage as OpenCC knows it, and each English glossary term rendered as its one
entry in ``scenes/glossary.py``.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import opencc
import polib
import pytest
from markdown_it import MarkdownIt
from test_site_browser import PAGES, PageWatch, axe_states, violations_in_states

import attention
from attention_site import clip_words, example_tables, explorer, figures, glossary_table
from attention_site.languages import language_of, page_in
from attention_site.mathml import side_by_side
from attention_site.trained_head import WORDS
from scenes import screen_words, translations
from scenes.captions import captions_webvtt, descriptions_webvtt
from scenes.glossary import TERMS
from scenes.registry import get_phase

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "docs" / "locales" / "zh_TW" / "LC_MESSAGES"
#: The pages whose every message is translated (the rest of the site follows in later landings).
TRANSLATED = (
    "api",
    "glossary",
    "index",
    *(
        f"phases/{page}"
        for page in ("01-intro", "02-qkv-projection", "03-attention-scores", "04-scale-softmax")
    ),
    *(f"phases/{page}" for page in ("05-output", "06-full-formula", "07-multi-head", "08-outro")),
    "generation",
    "howto/build",
    "howto/cite",
    "confusions",
    "masking",
    "position",
    "saturation",
    "shapes",
    "trained-head",
)
#: Words OpenCC's s2twp changes although they are right here, each with why.
OPENCC_EXCEPTIONS = {
    "參數": "a model's parameters; s2twp turns it into 引數, which is a function's argument",
}


def catalogs() -> dict[str, polib.POFile]:
    return {
        str(path.relative_to(CATALOGS).with_suffix("")): polib.pofile(str(path))
        for path in sorted(CATALOGS.rglob("*.po"))
    }


def translated_entries():
    for name, catalog in catalogs().items():
        for entry in catalog:
            if entry.msgstr and not entry.obsolete:
                yield name, entry


#: The catalog of the theme's own words (furo's templates), beside one catalog per page.
THEME_CATALOG = "sphinx"


def test_every_source_page_has_a_catalog():
    pages = {
        str(p.relative_to(ROOT / "docs").with_suffix(""))
        for p in (ROOT / "docs").rglob("*.md")
        if "_build" not in p.parts
    }
    assert pages | {THEME_CATALOG} == set(catalogs())


def test_the_theme_catalog_translates_every_word_furo_marks_for_translation():
    from jinja2.ext import babel_extract

    theme = Path(__import__("furo").__file__).parent / "theme" / "furo"
    marked = set()
    for template in theme.rglob("*.html"):
        with template.open("rb") as handle:
            marked |= {str(message) for *_, message, _ in babel_extract(handle, ("_", "gettext"), [], {})}
    catalog = catalogs()[THEME_CATALOG]
    assert {entry.msgid for entry in catalog if entry.msgstr} >= marked


@pytest.mark.parametrize("page", TRANSLATED)
def test_a_translated_page_has_no_message_left_in_english(page):
    catalog = catalogs()[page]
    assert not catalog.untranslated_entries(), [e.msgid[:60] for e in catalog.untranslated_entries()]
    assert not catalog.fuzzy_entries(), [e.msgid[:60] for e in catalog.fuzzy_entries()]


def kept_as_is(entry) -> bool:
    """Maths, page links, code and lines of substitutions stay as they are (a display formula's
    ``\\text{...}`` words may be translated: see the test of translated formulas)."""
    return entry.msgstr == entry.msgid


def test_only_maths_and_substitutions_are_kept_in_english():
    prose_kept = [
        (name, entry.msgid[:60])
        for name, entry in translated_entries()
        if kept_as_is(entry)
        and "\\" not in entry.msgid
        and re.search(
            r"[A-Za-z]", re.sub(r"\{\{[^}]*\}\}|\{[\w:-]+\}`[^`]*`|`[^`]*`|\$[^$]+\$", "", entry.msgid)
        )
    ]
    assert prose_kept == []


def test_no_message_is_fuzzy():
    assert [(name, e.msgid[:50]) for name, e in translated_entries() if "fuzzy" in e.flags] == []


def placeholders(text: str) -> Counter:
    """What a translation must carry over unchanged: substitutions, roles with targets, code, maths, links, numbers.

    A reStructuredText role (``:func:`x```, in docstrings) and its MyST spelling (``{func}`x```) are
    the same role: Sphinx parses a translated message with its page's parser, MyST on these pages.
    A role's title is prose: ``{ref}`Rotary embeddings <rope>``` keeps its role and target only.
    """
    text = re.sub(r":([\w~.-]+):`", r"{\1}`", text)
    text = re.sub(r"(\{[\w:-]+\}`)[^`<]*<([^>`]+)>`", r"\1<\2>`", text)
    found = Counter(re.findall(r"\{\{\s*\w+\s*\}\}", text))
    found.update(re.findall(r"\{[\w:-]+\}`[^`]*`|:[\w:~.-]+:`[^`]*`", text))  # {doc}`saturation`, :func:`x`
    text = re.sub(r"\{[\w:-]+\}`[^`]*`|:[\w:~.-]+:`[^`]*`", "", text)
    found.update(re.findall(r"``[^`]+``", text))  # reStructuredText literals (docstrings)
    text = re.sub(r"``[^`]+``", "", text)
    found.update(re.findall(r"`[^`]+`", text))  # inline code
    found.update(re.findall(r"\$[^$]+\$", text))  # maths
    found.update(re.findall(r"\]\(([^)]+)\)", text))  # link targets
    prose = re.sub(r"\$[^$]+\$|`[^`]+`|\{\{[^}]*\}\}", "", text)
    found.update(re.findall(r"\d+(?:[.,]\d+)*", prose))
    return found


def test_every_translation_keeps_its_substitutions_roles_code_maths_links_and_numbers():
    problems = [
        (
            name,
            entry.msgid[:60],
            placeholders(entry.msgid) - placeholders(entry.msgstr),
            placeholders(entry.msgstr) - placeholders(entry.msgid),
        )
        for name, entry in translated_entries()
        if placeholders(entry.msgid) != placeholders(entry.msgstr)
    ]
    assert problems == []


def emphasis(text: str) -> Counter:
    """The bold, italic, code and link spans a message renders to, as MyST's parser reads it."""
    without_maths = re.sub(r"\$[^$]+\$", "x", text)  # MyST's dollarmath: underscores there are not emphasis
    tokens = [
        t for block in MarkdownIt("commonmark").parseInline(without_maths) for t in (block.children or [])
    ]
    return Counter(t.type for t in tokens if t.type in {"strong_open", "em_open", "code_inline", "link_open"})


def test_every_translation_renders_the_same_bold_italic_code_and_links():
    """A closing ``**`` after 。 and before a Chinese character does not close (CommonMark's
    flanking rule), so the page would show the asterisks: keep the punctuation outside."""
    problems = [
        (name, entry.msgstr[:40])
        for name, entry in translated_entries()
        if emphasis(entry.msgid) != emphasis(entry.msgstr)
    ]
    assert problems == []


def test_every_translation_is_taiwan_usage_as_opencc_knows_it():
    convert = opencc.OpenCC("s2twp").convert
    masked = lambda text: re.sub("|".join(OPENCC_EXCEPTIONS), "□", text)  # noqa: E731
    changed = [
        (name, entry.msgstr)
        for name, entry in translated_entries()
        if convert(masked(entry.msgstr)) != masked(entry.msgstr)
    ]
    changed += [
        ("glossary", text)
        for term in TERMS
        for text in (term.zh_hant, term.meaning_zh)
        if convert(masked(text)) != masked(text)
    ]
    # The words the directives and the clips generate on Chinese pages and in Chinese tracks.
    for name, words in GENERATED_CHINESE.items():
        changed += [(name, text) for text in texts_of(words) if convert(masked(text)) != masked(text)]
    assert changed == []


#: Every table of Chinese words the code writes (the pages' own prose is in the catalogs).
GENERATED_CHINESE = {
    "trained_head": WORDS["zh_TW"],
    "explorer": explorer.WORDS["zh_TW"],
    "clip_words": clip_words.WORDS["zh_TW"],
    "example_tables": example_tables.WORDS["zh_TW"],
    "figures": figures.WORDS["zh_TW"],
    "glossary_table": {"headers": glossary_table.HEADERS["zh_TW"]},
    "clips": {
        slug: (words.title, words.summary, *(text for cue in words.cues for text in cue))
        for slug, words in translations.ZH_TW.items()
    },
    "screen_words": screen_words.WORDS["zh_TW"],
}


def texts_of(words) -> list[str]:
    """Every string in a words table, however its values nest."""
    found: list[str] = []
    for value in words.values() if isinstance(words, dict) else words:
        found += [value] if isinstance(value, str) else texts_of(value)
    return found


def prose(text: str) -> str:
    """The words of a message, without its maths, code, roles and substitutions."""
    return re.sub(r"\$[^$]+\$|\{[\w:-]+\}`[^`]*`|``[^`]+``|`[^`]+`|\{\{[^}]*\}\}", " ", text)


def test_each_glossary_term_is_translated_as_its_one_entry():
    """Longer terms first ("induction head" before "head"), each then removed from the English;
    a term's short forms count inside compounds (查詢 in 查詢 token). A display formula is notation
    (its ``mask_{ij}`` and ``n_\\text{layers}`` are names, as in the code); its words are held by
    the test below."""
    missing = []
    longest_first = sorted(TERMS, key=lambda term: -len(term.english))
    for name, entry in translated_entries():
        if kept_as_is(entry) or is_display_formula(entry):
            continue
        english = prose(entry.msgid).lower()
        for term in longest_first:
            pattern = r"\b" + re.escape(term.english).replace(r"\ ", r"[\s-]") + r"(?:s|es)?\b"
            if re.search(pattern, english):
                english = re.sub(pattern, " ", english)
                if not any(form.lower() in entry.msgstr.lower() for form in (term.zh_hant, *term.forms)):
                    missing.append((name, term.english, term.zh_hant, entry.msgstr[:50]))
    assert missing == []


def test_the_glossary_maps_each_term_one_to_one():
    assert len({t.english for t in TERMS}) == len({t.zh_hant for t in TERMS}) == len(TERMS)


# -- The built site --------------------------------------------------------------------------------


@pytest.mark.site
def test_the_chinese_site_says_it_is_chinese_and_links_each_page_to_its_english_one(zh_site):
    zh = zh_site
    index = (zh / "index.html").read_text(encoding="utf-8")
    assert '<html class="no-js" lang="zh-TW"' in index
    assert "Transformer 自注意力詳解" in index
    assert 'class="sidebar-brand-text">自注意力詳解</span>' in index  # the site's name
    scores = (zh / "phases/03-attention-scores.html").read_text(encoding="utf-8")
    assert "影片 3：" in scores and "表 9：" in scores  # numbered in Chinese
    for page in ("index.html", "phases/03-attention-scores.html", "glossary.html"):
        text = (zh / page).read_text(encoding="utf-8")
        english = page_in(language_of("en"), page, language_of("zh_TW"))
        assert f'<a href="{english}" hreflang="en" lang="en">English</a>' in text
        assert f'hreflang="zh-Hant-TW" href="https://example.org/ae/dev/zh-tw/{page}"' in text
        assert f'hreflang="en" href="https://example.org/ae/dev/{page}"' in text


@pytest.mark.site
def test_the_chinese_glossary_shows_the_chinese_meanings(zh_site):
    text = (zh_site / "glossary.html").read_text(encoding="utf-8")
    assert "<p>英文</p>" in text and "術語表" in text
    assert all(term.meaning_zh in text for term in TERMS)


@pytest.mark.browser
def test_chinese_search_finds_a_chinese_word_inside_a_sentence(zh_site_url, browser):
    """jieba segments the pages: 內積 (dot product) is found though no space sets it apart."""
    page = browser.new_page()
    try:
        page.goto(f"{zh_site_url}/search.html?q=內積", wait_until="networkidle")
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        found = page.locator("#search-results ul.search li a").all_inner_texts()
    finally:
        page.close()
    assert any("注意力分數" in title for title in found), found  # page 3, on the dot product


@pytest.mark.site
def test_the_chinese_trained_head_page_labels_its_heatmaps_and_table_in_chinese(zh_site):
    text = (zh_site / "trained-head.html").read_text(encoding="utf-8")
    assert "<strong>L0H0</strong>: 前一 token" in text and "停用後的複製正確率" in text
    assert "在所示序列上的注意力權重" in text  # the heatmaps' text alternative


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_each_chinese_page_loads_cleanly_and_axe_finds_nothing_serious(path, zh_site_url, page):
    """As the English pages (test_site_browser.py), on a laptop and on a phone at 390 px, after one load.

    Colour contrast runs on the pages of CONTRAST_AT_390 only: a Chinese page is built from the
    English page's templates and directives, so it has its colours and type sizes (no style depends
    on the language), and contrast depends on nothing else; the English pages are checked for it in
    both themes. Every other rule, tap targets included, runs on every Chinese page."""
    watch = PageWatch(page, zh_site_url)
    states = axe_states(path, themes=("light",), contrast_at_1280=False)
    found = violations_in_states(page, f"{zh_site_url}/{path}", path, states)
    assert not watch.problems, "\n".join(watch.problems)
    assert not found, "\n".join(found)


@pytest.mark.browser
def test_the_chinese_explorers_show_and_announce_chinese(zh_site_url, browser):
    """Labels, captions, the slider's spoken value and every status line, in the glossary's terms."""
    said = explorer.WORDS["zh_TW"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(
            f"{zh_site_url}/phases/04-scale-softmax.html#explore-t=abc&row=dog", wait_until="networkidle"
        )
        root = page.locator('[data-explorer="temperature"]')
        assert root.locator(".explorer-title").inner_text() == said["t_title"]
        assert root.locator("label").inner_text() == said["t_label"]
        assert (
            root.locator("thead th").first.inner_text() == "查詢"
        )  # the short form: "查詢向量" broke 查詢向/量 on a phone
        # The output's columns are the example's features, named as Table 13 on phase 5 names them.
        features = [screen_words.feature_name(f, "zh_TW") for f in attention.example().features]
        assert (
            root.locator(".explorer-output th").all_inner_texts()
            == features
            == ["名詞", "動詞", "關係", "地點"]
        )
        note = root.locator("[role=status]").inner_text()
        assert "連結中的 T =「abc」不是數字" in note and "連結中的列「dog」不是範例的 token" in note
        slider = root.locator('input[type="range"]')
        assert slider.get_attribute("aria-valuetext") == "T = 2.00（d_k 的平方根）"
        slider.focus()
        page.keyboard.press("End")
        assert slider.get_attribute("aria-valuetext") == "T = 16.00"
        assert root.locator(".explorer-t-caption").inner_text() == "T = 16.00"
        assert root.locator("[role=status]").inner_text().startswith("T = 16.00 時，「sat」把最大的權重")

        page.goto(f"{zh_site_url}/saturation.html", wait_until="networkidle")
        root = page.locator('[data-explorer="width"]')
        assert root.locator("label").inner_text() == said["w_label"]
        assert root.locator("tbody th").first.inner_text() == said["w_stats"]["std"]
        root.locator('input[type="range"]').focus()
        page.keyboard.press("End")
        assert (
            root.locator("[role=status]").inner_text().startswith("d_k = 1024：最大權重的平均值在不縮放時為")
        )
        assert root.locator(".explorer-histogram-text").first.inner_text().startswith("從 ")
    finally:
        context.close()
    assert errors == []


# -- What the directives write on the Chinese pages ---------------------------------------------------

#: Text that stays English on a Chinese page because it is a name: papers' and books' titles, a product.
NAMES = {
    "Attention Is All You Need",
    "Attention is not Explanation",
    "Attention is not not Explanation",
    "A Mathematical Framework for Transformer Circuits",
    "Train Short, Test Long",
    "Read the Docs",
}


class EnglishText(HTMLParser):
    """Text nodes of a page's article that are English sentences: three or more words, no Chinese,
    outside code, maths and graphics."""

    SKIPPED = {"pre", "code", "script", "style", "svg", "kbd"}
    VOID = {"img", "br", "hr", "input", "meta", "link", "source", "track", "wbr", "col"}

    def __init__(self) -> None:
        super().__init__()
        self.in_article, self.stack, self.found = False, [], []

    def handle_starttag(self, tag, attrs) -> None:
        self.in_article |= tag == "article"
        if tag not in self.VOID:
            classes = (dict(attrs).get("class") or "").split()
            self.stack.append((tag, tag in self.SKIPPED or "math" in classes))

    def handle_endtag(self, tag) -> None:
        if tag in self.VOID:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass
        self.in_article &= tag != "article"

    def handle_data(self, data) -> None:
        text = data.strip()
        skipped = any(skip for _, skip in self.stack)
        english = re.search(r"[A-Za-z]{2,}(?:[,.;:]?\s+[A-Za-z]{2,}){2}", text)  # three words, spaced
        if self.in_article and not skipped and english and not re.search(r"[\u3400-\u9fff]", text):
            self.found.append(text)


def article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


@pytest.mark.site
def test_a_chinese_page_breaks_its_lines_where_the_english_page_does(site, zh_site):
    """A hard line break (phase 5's worked sum, one term a line) is lost in the catalog's message,
    which joins the lines; the translation must put it back, or the sum runs on as a paragraph."""
    differ = {}
    for path in PAGES:
        english, chinese = (article(root / path).count("<br") for root in (site, zh_site))
        if english != chinese:
            differ[path] = (english, chinese)
    assert differ == {}


@pytest.mark.site
def test_no_chinese_page_shows_an_english_sentence_the_directives_wrote(zh_site):
    """Tables, clip captions, transcripts, chapters, cite blocks, figures and explorers all speak Chinese."""
    names = NAMES | {term.english for term in TERMS}  # the glossary's English column
    found = {}
    for path in sorted(zh_site.rglob("*.html")):
        relative = path.relative_to(zh_site).as_posix()
        if relative.startswith("_") or relative in {"search.html", "genindex.html", "py-modindex.html"}:
            continue
        parser = EnglishText()
        parser.feed(path.read_text(encoding="utf-8"))
        left = [text for text in parser.found if text not in names]
        if left:
            found[relative] = left
    assert found == {}


def is_display_formula(entry) -> bool:
    """A display formula's message is LaTeX alone; prose with maths keeps its ``$`` delimiters."""
    return "\\" in entry.msgid and "$" not in entry.msgid and not entry.msgid.startswith(("{", "```"))


#: English words set as text inside a formula: a phrase ("bytes per token") or a connective ("if",
#: "otherwise"); a single name (``\\text{embed}``, ``n_\\text{layers}``) is notation and stays.
ENGLISH_IN_A_FORMULA = re.compile(
    r"\\text\{\s*([A-Za-z]+\s+[A-Za-z][^}]*|(?:if|otherwise|of|for|where|and|with)\s*)\}"
)


def formulas_in(entry) -> list[str]:
    """The formulas a Chinese page shows for a catalog entry: the whole message if it is a display
    formula, else each ``$...$`` of its prose."""
    shown = entry.msgstr or entry.msgid
    return [shown] if is_display_formula(entry) else re.findall(r"\$[^$]+\$", shown)


def test_no_formula_on_a_chinese_page_keeps_english_words():
    """Display formulas and the inline ones in prose (``$...$``); an untranslated formula (no msgstr)
    is shown as its English."""
    kept = [
        (name, english)
        for name, catalog in catalogs().items()
        for entry in catalog
        if not entry.obsolete
        for formula in formulas_in(entry)
        for english in ENGLISH_IN_A_FORMULA.findall(formula)
    ]
    assert kept == []


@pytest.mark.site
def test_a_display_formula_with_translated_words_is_typeset_from_its_translation(zh_site):
    """Sphinx's own path for a translated display formula shows "::" on a MyST page
    (attention_site/translated_maths.py): the translation is what the reader sees, nothing else."""
    changed = [
        (name, e.msgstr) for name, e in translated_entries() if is_display_formula(e) and e.msgstr != e.msgid
    ]
    assert changed, "no catalog translates a display formula's words: this test checks nothing"
    for name, formula in changed:
        page = (zh_site / f"{name}.html").read_text(encoding="utf-8")
        shown = [
            html.unescape(tex)
            for tex in re.findall(
                r'<math display="block".*?<annotation encoding="application/x-tex">(.*?)</annotation>',
                page,
                re.S,
            )
        ]
        assert all(piece in shown for piece in side_by_side(formula)), (name, formula, shown)
    mangled = [
        p.name for p in zh_site.rglob("*.html") if 'x-tex">::</annotation>' in p.read_text(encoding="utf-8")
    ]
    assert mangled == []


@pytest.mark.site
def test_chinese_caption_numbers_take_no_space_after_their_full_width_colon(zh_site):
    """「影片 4：縮放與 Softmax」, not 「影片 4： 縮放與 Softmax」: the colon carries its own room."""
    numbers = [
        number
        for path in sorted(zh_site.rglob("*.html"))
        for number in re.findall(
            r'<span class="caption-number">([^<]*)</span>', path.read_text(encoding="utf-8")
        )
    ]
    assert any(number.startswith("影片 ") for number in numbers) and any(n.startswith("表 ") for n in numbers)
    assert [number for number in numbers if not number.endswith("：")] == []


@pytest.mark.site
def test_the_chinese_clips_have_chinese_tracks_transcripts_and_citations(zh_site):
    phase = get_phase(3)
    shown = translations.in_language(phase, "zh_TW")
    page = (zh_site / "phases/03-attention-scores.html").read_text(encoding="utf-8")
    assert (
        '<track kind="captions" src="../_clips/03-attention-scores.vtt" srclang="zh-Hant-TW" label="中文字幕">'
        in page
    )
    assert 'srclang="en"' not in page
    assert (zh_site / "_clips/03-attention-scores.vtt").read_text(encoding="utf-8") == captions_webvtt(shown)
    assert (zh_site / "_clips/03-attention-scores.descriptions.vtt").read_text(
        encoding="utf-8"
    ) == descriptions_webvtt(shown)
    assert all(html.escape(cue.description, quote=False) in page for cue in shown.cues)  # the transcript
    assert "第 3 階段影片的逐字稿" in page and "引用這支影片" in page
    assert "Transformer 自注意力詳解（Transformer Self-Attention, Explained）：第 3 階段：注意力分數" in page
    chapters = (zh_site / "_clips/00-full.chapters.vtt").read_text(encoding="utf-8")
    assert "3. 注意力分數" in chapters and "4. 縮放與 Softmax" in chapters
    manifest = json.loads((zh_site / "clips.json").read_text(encoding="utf-8"))
    assert manifest["language"] == "zh-Hant-TW"
    assert [clip["title"] for clip in manifest["clips"]][:3] == ["簡介", "Q、K、V 投影", "注意力分數"]


@pytest.mark.site
def test_the_themes_own_words_are_chinese_on_chinese_pages(zh_site):
    """furo ships no translations: docs/locales/zh_TW/LC_MESSAGES/sphinx.po gives them."""
    page = (zh_site / "phases/03-attention-scores.html").read_text(encoding="utf-8")
    for chinese in ("跳到主要內容", "回到頂端", "本頁內容", "下一頁", "上一頁", "版權所有"):
        assert chinese in page, chinese
    for english in ("Skip to content", "Back to top", "On this page", "Made with"):
        assert english not in page, english
