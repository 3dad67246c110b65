"""Every page's scripts wait until the page is parsed (``defer``), except on the search page.

Sphinx and furo write their scripts (``documentation_options.js``, ``doctools.js``,
``sphinx_highlight.js``, ``furo.js``) as plain ``<script src>`` at the end of the body. The parser
stops at each until it arrives, and a phone's browser paints what it has parsed meanwhile; when
the scripts come, furo.js reads the page's scroll position, which lays out the whole page in one
long task after that first paint. Lighthouse counted it as blocking time on every page with a clip
(95-99 on a phone, where pages without one scored 100). Deferred, the scripts run in the same order
once the page is parsed, and the page's first layout no longer waits for them.

The search page keeps Sphinx's order as written: its template loads ``searchtools.js`` and the
search index itself, without ``defer``, after these scripts, and they need them first.
"""

from __future__ import annotations

from sphinx.application import Sphinx

import attention

#: Templates that write scripts of their own after the page's scripts, in that order.
KEPT_AS_WRITTEN = ("search.html",)


def defer_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give every external script of the page that neither waits nor runs apart (``defer``,
    ``async``) the ``defer`` attribute; inline scripts run where they stand, as they must."""
    if templatename in KEPT_AS_WRITTEN or "script_files" not in context:
        return
    context["script_files"][:] = [  # in place: the list Sphinx renders, whoever adds to it later
        type(script)(script.filename, priority=script.priority, **{**script.attributes, "defer": "defer"})
        if script.filename and not {"defer", "async"} & set(script.attributes)
        else script
        for script in context["script_files"]
    ]


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", defer_scripts, priority=990)  # after every script is added
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
