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


#: Two weights closer than this print alike at two decimals: neither is "the" maximum of its row.
TIE_TOLERANCE = 5e-3


def row_maximum(row) -> int | None:
    """The column of the row's largest value, or None when it ties with another (within display rounding).

    The one tie rule: the clips outline, and the tables and explorers mark, only a maximum a reader
    can tell apart from the rest of its row.

    >>> row_maximum([0.5, 0.3, 0.2]), row_maximum([0.401, 0.399, 0.2]), row_maximum([0.2] * 5)
    (0, None, None)
    """
    values = [float(v) for v in row]
    largest = max(values)
    near = [j for j, v in enumerate(values) if abs(v - largest) <= TIE_TOLERANCE]
    return near[0] if len(near) == 1 else None


def format_time(seconds: float) -> str:
    """``m:ss`` for transcripts and chapter lists (whole seconds, rounded down).

    >>> format_time(9.9), format_time(125)
    ('0:09', '2:05')
    """
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_magnitude(value: float) -> str:
    """A quantity that spans orders of magnitude: two decimals from 0.1 up, two significant digits below.

    >>> format_magnitude(0.305), format_magnitude(0.0567), format_magnitude(0.0095), format_magnitude(1.34e-5)
    ('0.30', '0.057', '0.0095', '1.3×10⁻⁵')
    >>> format_magnitude(0)
    '0.00'
    """
    value = float(value)
    if value == 0 or abs(value) >= 0.1:
        return format_number(value)
    if abs(value) >= 0.001:
        return f"{value:.2g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


def format_share(share: float) -> str:
    """A share in [0, 1] as a whole percentage; a share that is not 0 never shows as "0%".

    >>> format_share(0.625), format_share(0.0), format_share(0.0039), format_share(1.0)
    ('62%', '0%', '<1%', '100%')
    """
    percent = 100 * float(share)
    if 0 < percent < 0.5:
        return "<1%"
    return f"{format_number(percent, 0)}%"
