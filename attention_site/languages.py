"""The site's languages: English at each version's root, Traditional Chinese (Taiwan) beside it in ``zh-tw/``.

A version's folder holds the English site, and the zh-Hant site in its ``zh-tw/``
subfolder, built from the same sources with ``-D language=zh_TW`` and the catalogs in
``docs/locales/zh_TW``. So every English address that exists keeps serving the same
page, and a Chinese page's address is its English one with ``zh-tw/`` after the
version: ``v0.2.0/phases/03-attention-scores.html`` and
``v0.2.0/zh-tw/phases/03-attention-scores.html``.

This module tells a build where its pages live (the base URL its citations and
sitemap use), links each page to the same page in the other language (a switcher in
the sidebar, ``<link rel="alternate" hreflang>``), and points the version menu at the
site root's ``versions.json`` from one folder deeper.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Language:
    """One language of the site."""

    code: str  #: Sphinx's ``language`` setting
    folder: str  #: where its pages live below a version's root ("" or "zh-tw/")
    name: str  #: its name, written in the language itself
    hreflang: str  #: BCP 47 tag for ``hreflang`` and ``<html lang>``
    numfig_format: tuple[tuple[str, str], ...]  #: how numbered clips and tables are captioned
    html_title: str = ""  #: the site's name in the sidebar and tab, when not ``conf.py``'s (English)


LANGUAGES = (
    Language("en", "", "English", "en", (("figure", "Clip %s:"), ("table", "Table %s:"))),
    Language(
        "zh_TW",
        "zh-tw/",
        "繁體中文",
        "zh-Hant-TW",
        (("figure", "影片 %s："), ("table", "表 %s：")),
        "自注意力詳解",
    ),
)
ENGLISH = LANGUAGES[0]


def language_of(code: str | None) -> Language:
    """The site language of a build's ``language`` setting; one the site does not have is a clear error.

    >>> language_of("zh_TW").folder, language_of(None).code
    ('zh-tw/', 'en')
    >>> language_of("fr")
    Traceback (most recent call last):
    ...
    ValueError: the site is written in en and zh_TW, not 'fr': build with -D language=zh_TW or without -D language.
    """
    for language in LANGUAGES:
        if language.code == (code or "en"):
            return language
    codes = " and ".join(language.code for language in LANGUAGES)
    raise ValueError(
        f"the site is written in {codes}, not {code!r}: build with -D language=zh_TW or without -D language."
    )


def pick(table: Mapping[str, T], language: str | None) -> T:
    """The entry of ``table`` (keyed by language code) for a build's ``language`` setting.

    Each directive keeps the words it writes in such a table, one entry per language.

    >>> pick({"en": "clip", "zh_TW": "影片"}, "zh_TW"), pick({"en": "clip", "zh_TW": "影片"}, None)
    ('影片', 'clip')
    """
    return table[language_of(language).code]


def page_in(language: Language, page: str, current: Language) -> str:
    """The same ``page`` (its path from the current build's root) in ``language``, relative to the page.

    >>> page_in(language_of("zh_TW"), "phases/01-intro.html", ENGLISH)
    '../zh-tw/phases/01-intro.html'
    >>> page_in(ENGLISH, "phases/01-intro.html", language_of("zh_TW"))
    '../../phases/01-intro.html'
    >>> page_in(language_of("zh_TW"), "index.html", ENGLISH)
    'zh-tw/index.html'
    """
    depth = page.count("/") + current.folder.count("/")  # folders from the page up to the version's root
    return "../" * depth + language.folder + page


def switcher_html(current: Language, page: str) -> str:
    """A short list in the sidebar: each other language's name, linking to this page in it."""
    links = "".join(
        f'<li><a href="{html.escape(page_in(other, page, current))}" hreflang="{other.hreflang}" '
        f'lang="{other.hreflang}">{html.escape(other.name)}</a></li>'
        for other in LANGUAGES
        if other != current
    )
    return f'<nav class="language-switch" aria-label="Language / 語言"><ul>{links}</ul></nav>'


# -- Sphinx ----------------------------------------------------------------------------------------
def place_the_build(app, config) -> None:
    """A Chinese build's addresses are the English ones with ``zh-tw/`` after the version's root."""
    from .setting_errors import stop_on_setting

    try:
        language = language_of(config.language)
    except ValueError as error:
        stop_on_setting(str(error), "language")
    config.numfig_format = {**config.numfig_format, **dict(language.numfig_format)}
    if language.html_title:
        config.html_title = language.html_title
    config.html_context = {**config.html_context, "theme_catalog": theme_catalog_digest(app, language)}
    if language.folder:
        if config.html_baseurl:
            config.html_baseurl = config.html_baseurl.rstrip("/") + "/" + language.folder
        config.versions_latest_url = config.versions_latest_url.rstrip("/") + "/" + language.folder


def theme_catalog_digest(app, language: Language) -> str:
    """The SHA-256 of the theme's catalog (``sphinx.po``: furo's words) for ``language``, "" if none.

    It goes into ``html_context``, which Sphinx counts in the build info of every page, so an
    edit to the theme's words rewrites the pages in an incremental build, as a page's own
    catalog does for its page.
    """
    import hashlib
    from pathlib import Path

    for folder in app.config.locale_dirs:
        path = Path(app.srcdir) / folder / language.code / "LC_MESSAGES" / "sphinx.po"
        if path.is_file():
            return hashlib.sha256(path.read_bytes()).hexdigest()
    return ""


def add_language_links(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The sidebar's switcher, and ``hreflang`` alternates pointing at every language's copy of the page."""
    current = language_of(app.config.language)
    page = app.builder.get_target_uri(pagename)
    context["language_switch"] = switcher_html(current, page)
    base = app.config.html_baseurl
    if not base:
        return
    root = base[: len(base) - len(current.folder)] if current.folder else base  # the version's root
    links = "".join(
        f'<link rel="alternate" hreflang="{language.hreflang}" href="{html.escape(root + language.folder + page)}">\n'
        for language in LANGUAGES
    )
    links += f'<link rel="alternate" hreflang="x-default" href="{html.escape(root + page)}">\n'
    context["metatags"] = context.get("metatags", "") + links


def quiet_chinese_search(app) -> None:
    """Sphinx's Chinese search segments words with jieba: keep its cache in the build, its log quiet.

    jieba would otherwise write its dictionary cache to the system's temporary folder (a build
    leaves nothing there) and log each build's dictionary load at DEBUG level.
    """
    if language_of(app.config.language).code != "zh_TW":
        return
    try:
        import jieba
    except ImportError:
        return  # Sphinx then splits Chinese into single characters; search still works, less well
    import logging

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = str(app.doctreedir)


def repair_chinese_search(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Chinese search pages get ``chinese-search.js`` (Sphinx 9.0 names a stemmer it never defines)."""
    if pagename == "search" and language_of(app.config.language).code == "zh_TW":
        app.add_js_file(
            "chinese-search.js"
        )  # from html-page-context: this page only, before language_data.js


#: A caption number ending in full-width punctuation, and the space Sphinx writes after every number.
SPACE_AFTER_FULL_WIDTH_NUMBER = re.compile(r'(<span class="caption-number">[^<]*[：。，]) </span>')


def close_caption_numbers(html_text: str) -> str:
    """No space after a full-width colon: Sphinx adds one after each caption number, right for
    "Clip 4: Scale" but a visible gap in "影片 4： 縮放", since the colon already carries its own room.

    >>> close_caption_numbers('<span class="caption-number">影片 4： </span>縮放')
    '<span class="caption-number">影片 4：</span>縮放'
    >>> close_caption_numbers('<span class="caption-number">Clip 4: </span>Scale')
    '<span class="caption-number">Clip 4: </span>Scale'
    """
    return SPACE_AFTER_FULL_WIDTH_NUMBER.sub(r"\1</span>", html_text)


def close_page_caption_numbers(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    if isinstance(context.get("body"), str):
        context["body"] = close_caption_numbers(context["body"])


def setup(app) -> dict:
    import attention

    app.connect("builder-inited", quiet_chinese_search)
    app.connect("html-page-context", repair_chinese_search)
    app.connect("config-inited", place_the_build, priority=600)  # after the version settings exist
    app.connect("html-page-context", add_language_links)
    app.connect("html-page-context", close_page_caption_numbers)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
