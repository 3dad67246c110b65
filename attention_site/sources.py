"""The Python files a directive writes from, noted as its page's dependencies.

Sphinx reads a page again when the page, its includes or the configuration change; it does not
see Python. A directive that writes numbers from ``attention`` or words from ``scenes`` notes the
files they come from, so a warm build after an edit there reads and writes the page again instead
of serving the old transcript, table or glossary. (The extension's own code is versioned by
``env_version``.)
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from sphinx.util.docutils import SphinxDirective

import attention
from scenes import captions, formats, glossary, registry, screen_words, translations


def _files(*modules: ModuleType) -> tuple[Path, ...]:
    return tuple(Path(str(module.__file__)) for module in modules)


#: Every number the pages show: the numpy reference, its example and its trained model's weights.
NUMBERS = tuple(sorted(p for p in Path(attention.__file__).parent.rglob("*") if p.suffix in (".py", ".npz")))
#: Numbers as the pages write them (decimals, the tie rule, times).
NUMBER_FORMATS = _files(formats)
#: A clip's words: titles, summaries, captions and descriptions in each language, and how a
#: transcript and the description pauses are made from them.
CLIP_WORDS = _files(registry, translations, captions, formats)
#: The glossary's terms.
GLOSSARY = _files(glossary)
#: The words the explorers and tables share with the clips (feature names).
SCREEN_WORDS = _files(screen_words)


def note_sources(directive: SphinxDirective, *groups: tuple[Path, ...]) -> None:
    """Have the directive's page read again when any file of ``groups`` changes."""
    for group in groups:
        for path in group:
            directive.env.note_dependency(path)
