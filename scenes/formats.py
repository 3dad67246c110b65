"""The one way numbers and times are written: in the clips, the site's tables and its prose.

This module does not import manim, so the docs site and the tests read it cheaply.

>>> format_number(0.4149), format_number(-0.001), format_number(2), format_number(3.14159, 1)
('0.41', '0.00', '2.00', '3.1')
>>> format_time(61.5)
'1:01'
"""

from __future__ import annotations


def format_number(value: float, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals (two by default), never a negative zero such as ``-0.00``.

    >>> format_number(-0.004), format_number(-0.006), format_number(0.5, 0)
    ('0.00', '-0.01', '0')
    """
    text = f"{float(value):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def format_time(seconds: float) -> str:
    """``m:ss`` for transcripts and chapter lists (whole seconds, rounded down).

    >>> format_time(9.9), format_time(125)
    ('0:09', '2:05')
    """
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"
