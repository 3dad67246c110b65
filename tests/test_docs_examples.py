"""The docs' code examples are doctests: every ```pycon block in docs/**/*.md runs here.

A page's blocks run in order in one namespace, as a reader would type them into one
Python session, so a later block may use what an earlier one defined. Each page is one
test; a failure shows the standard doctest report with the page's file and line.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
SKIP_DIRS = {"_build", "_ext", "_static", ".ipynb_checkpoints"}
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS

# A fenced block whose info string is exactly "pycon", closed by the same fence.
FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})pycon[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def pycon_blocks(text: str) -> list[tuple[int, str]]:
    """``(line, body)`` of every pycon block in ``text``; ``line`` is the 0-based line of the body's start."""
    return [(text.count("\n", 0, match.start("body")), match.group("body")) for match in FENCE.finditer(text)]


def pages_with_examples() -> list[Path]:
    pages = (p for p in sorted(DOCS.rglob("*.md")) if not SKIP_DIRS.intersection(p.relative_to(DOCS).parts))
    return [page for page in pages if pycon_blocks(page.read_text(encoding="utf-8"))]


PAGES = pages_with_examples()


def test_fence_pattern_finds_blocks_and_their_lines() -> None:
    text = "# Page\n\n```pycon\n>>> 1 + 1\n2\n```\n\n```python\nx = 1\n```\n"
    assert pycon_blocks(text) == [(3, ">>> 1 + 1\n2\n")]


def test_at_least_four_pages_have_examples() -> None:
    names = [str(page.relative_to(DOCS)) for page in PAGES]
    assert len(PAGES) >= 4, f"only {len(PAGES)} page(s) with ```pycon examples: {names}"


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(DOCS)) for page in PAGES])
def test_page_examples(page: Path) -> None:
    name = str(page.relative_to(DOCS))
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    namespace: dict = {"__name__": f"docs.{name}"}
    report: list[str] = []
    for number, (line, body) in enumerate(pycon_blocks(page.read_text(encoding="utf-8")), start=1):
        test = parser.get_doctest(body, namespace, f"{name} block {number}", str(page), line)
        assert test.examples, f"{name}, block {number} (line {line + 1}) is a pycon block with no >>> example"
        test.globs = namespace  # get_doctest copies the globals; share one namespace across the page's blocks
        runner.run(test, out=report.append, clear_globs=False)
    if runner.failures:
        pytest.fail(
            f"{runner.failures} of {runner.tries} examples failed in docs/{name}:\n" + "".join(report),
            pytrace=False,
        )
