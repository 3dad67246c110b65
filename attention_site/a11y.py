"""Two accessibility repairs to the theme's HTML, found by axe-core.

- Sphinx marks toctree captions ``role="heading"`` without the ``aria-level`` that
  role requires; they are section headings of the navigation, so level 2.
- Code blocks scroll sideways when lines are long; a scrollable region must be
  reachable by keyboard, so each ``<pre>`` gets ``tabindex="0"``.
"""

from __future__ import annotations

from sphinx.application import Sphinx

CAPTION = 'class="caption" role="heading"'
CODE = '<div class="highlight"><pre>'


def repair(html: str) -> str:
    """
    >>> repair('<p class="caption" role="heading">x</p><div class="highlight"><pre>y</pre></div>')
    '<p class="caption" role="heading" aria-level="2">x</p><div class="highlight"><pre tabindex="0">y</pre></div>'
    """
    html = html.replace(CAPTION, f'{CAPTION} aria-level="2"')
    return html.replace(CODE, '<div class="highlight"><pre tabindex="0">')


def repair_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    for key in ("body", "toc", "furo_navigation_tree"):
        if isinstance(context.get(key), str):
            context[key] = repair(context[key])
