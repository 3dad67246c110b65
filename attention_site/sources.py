"""The Python files a directive writes from, noted as its page's dependencies.

Sphinx reads a page again when the page, its includes or the configuration change; it does not
see Python. A directive that writes numbers from ``attention`` or words from ``scenes`` notes the
files they come from, so a warm build after an edit there reads and writes the page again instead
of serving the old transcript, table or glossary. (The extension's own code is versioned by
``env_version``.)
"""

from __future__ import annotations

from pathlib import Path

from sphinx.util.docutils import SphinxDirective

import attention
from scenes.imports import module_closure


def _closure(*modules: str) -> tuple[Path, ...]:
    """The files of ``modules`` and of every module of ours they import, directly or not.

    >>> [path.name for path in _closure("scenes.captions")]
    ['__init__.py', 'captions.py', 'registry.py']
    """
    return tuple(sorted({path for module in modules for path in module_closure(module).values()}))


#: Every number the pages show: the numpy reference, its example and its trained model's weights.
NUMBERS = tuple(sorted(p for p in Path(attention.__file__).parent.rglob("*") if p.suffix in (".py", ".npz")))
#: Numbers as the pages write them (decimals, the tie rule, times).
NUMBER_FORMATS = _closure("scenes.formats")
#: A clip's words: titles, summaries, captions and descriptions in each language, and how a
#: transcript and the description pauses are made from them.
CLIP_WORDS = _closure("scenes.registry", "scenes.translations", "scenes.captions", "scenes.formats")
#: The glossary's terms.
GLOSSARY = _closure("scenes.glossary")
#: The words the explorers and tables share with the clips (feature names).
SCREEN_WORDS = _closure("scenes.screen_words")


def note_sources(directive: SphinxDirective, *groups: tuple[Path, ...]) -> None:
    """Have the directive's page read again when any file of ``groups`` changes."""
    for group in groups:
        for path in group:
            directive.env.note_dependency(path)
