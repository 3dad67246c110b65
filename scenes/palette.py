"""Colours of the clips, named by role, as plain hex strings.

This module does not import manim: the docs site reads it too (``BRAND_PRIMARY``
becomes furo's brand colour, made readable on each theme), and builders turn the
strings into ``ManimColor`` where they draw.

The clip background is dark in both site themes, so every foreground colour is
chosen for contrast against ``BACKGROUND``.
"""

from __future__ import annotations

# -- Ground and text --------------------------------------------------------
BACKGROUND = "#14161E"  #: clip background (dark, legible inside light and dark pages)
TEXT = "#ECEFF4"  #: titles, numbers, formula
MUTED = "#9AA3B2"  #: secondary labels: headers, units, notes
PANEL_FILL = "#1F2330"  #: fill of panels and empty heatmap cells
PANEL_STROKE = "#3A4052"  #: outline of panels and cells
INK_DARK = "#000000"  #: numbers on bright heatmap cells (black: viridis's middle needs the full range)
INK_LIGHT = "#FFFFFF"  #: numbers on dark heatmap cells

# -- Roles of the attention maths (3Blue1Brown's convention) --------------
QUERY = "#FFD23F"  #: Q, W_Q and the query row being worked
KEY = "#2EC4B6"  #: K, W_K and the key row being worked
VALUE = "#FF6B6B"  #: V, W_V and the weighted sum
EMBEDDING = "#B8C0CC"  #: X, the token embeddings
HIGHLIGHT = "#FF3D9A"  #: outline of each row's largest weight (not a viridis hue)
SCALE = "#C3A6FF"  #: the 1/sqrt(d_k) scaling and its note

# -- Tokens: one hue each, reused for the token's row and column labels --
#: Okabe-Ito orange, sky blue and reddish purple, plus a lime and a lavender that
#: stay apart from them and from the Q/K/V role hues under common colour-vision deficiencies.
TOKEN_HUES = ("#E69F00", "#56B4E9", "#CC79A7", "#A6D854", "#9F8FEF")

# -- Heatmap: viridis, dark purple (low) to yellow (high) -------------------
#: Anchor stops of matplotlib's viridis at 0, 1/8, ..., 1; builders interpolate between them.
VIRIDIS = (
    "#440154",
    "#472D7B",
    "#3B528B",
    "#2C728E",
    "#21918C",
    "#28AE80",
    "#5EC962",
    "#ADDC30",
    "#FDE725",
)


def viridis_hex(t: float) -> str:
    """Viridis at ``t`` in [0, 1] as ``#rrggbb``, interpolated linearly between the anchor stops (for the site).

    >>> viridis_hex(0.0), viridis_hex(1.0), viridis_hex(1 / 16)
    ('#440154', '#FDE725', '#461768')
    """
    position = min(max(float(t), 0.0), 1.0) * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    share = position - low
    a, b = (VIRIDIS[low + i].lstrip("#") for i in (0, 1))
    channels = (round(int(a[k : k + 2], 16) * (1 - share) + int(b[k : k + 2], 16) * share) for k in (0, 2, 4))
    return "#" + "".join(f"{c:02X}" for c in channels)


# -- The docs site ------------------------------------------------------------
BRAND_PRIMARY = "#3B528B"  #: furo --color-brand-primary: viridis blue, readable on white and on dark grey


# -- Contrast (WCAG 2): the one formula the clips' inks and the site's brand colours use -----------
def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour, 0 (black) to 1 (white).

    >>> round(relative_luminance("#FFFFFF"), 3), round(relative_luminance("#21918C"), 3)
    (1.0, 0.225)
    """
    hex_digits = colour.lstrip("#")
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours, 1 to 21.

    >>> round(contrast_ratio("#000000", "#FFFFFF"), 1)
    21.0
    """
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_on(fill: str) -> str:
    """The ink, ``INK_DARK`` or ``INK_LIGHT``, with the higher contrast against ``fill`` (the clips' and explorers' rule).

    With black and white inks every colour gets at least 4.58:1, so every viridis cell meets WCAG AA.

    >>> ink_on("#FDE725"), ink_on("#440154")
    ('#000000', '#FFFFFF')
    """
    return max((INK_DARK, INK_LIGHT), key=lambda ink: contrast_ratio(ink, fill))
