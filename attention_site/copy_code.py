"""Sphinx extension: a copy button on each highlighted code block, in the page's language.

The button copies the block's text with the browser's clipboard API (no polyfill), and the
script and style are added only to pages that hold a highlighted code block. Its words
follow the build's language (:data:`WORDS`).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

import attention

from .languages import pick

JS_FILE, CSS_FILE = "copy-code.js", "copy-code.css"

#: The button's words, by the build's language: its label, after a copy, after a failed copy.
WORDS = {
    "en": {"copy": "Copy", "copied": "Copied", "failed": "Copy failed: select the text and copy it"},
    "zh_TW": {"copy": "複製", "copied": "已複製", "failed": "無法複製：請選取文字後自行複製"},
}


def add_to_pages_with_code(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Pages with a literal block (which Pygments highlights) get the script, with their language's words."""
    if doctree is None or next(iter(doctree.findall(nodes.literal_block)), None) is None:
        return
    said = pick(WORDS, app.config.language)
    attributes: dict[str, str] = {f"data-{name}": text for name, text in said.items()}
    app.add_js_file(JS_FILE, 500, "defer", **attributes)  # priority 500: Sphinx's default
    app.add_css_file(CSS_FILE)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_to_pages_with_code)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
