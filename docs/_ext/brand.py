"""furo's brand colours, derived from the clips' palette so pages and clips agree.

The palette's colour is tuned for the clips' dark background; links need 4.5:1
contrast (WCAG AA) on furo's white and near-black backgrounds, so it is darkened
or lightened, keeping its hue, until it has that contrast.

>>> contrast("#000000", "#ffffff")
21.0
>>> contrast(readable_on("#58c4dd", LIGHT_BACKGROUND), LIGHT_BACKGROUND) >= 4.5
True
"""

from __future__ import annotations

LIGHT_BACKGROUND = "#ffffff"  #: furo's light page background
DARK_BACKGROUND = "#131416"  #: furo's dark page background
AA_CONTRAST = 4.5


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """Relative luminance as WCAG defines it."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return round((high + 0.05) / (low + 0.05), 2)


def readable_on(colour: str, background: str, target: float = AA_CONTRAST) -> str:
    """``colour`` mixed towards black or white (whichever the background is not) until readable."""
    towards = (0.0, 0.0, 0.0) if luminance(background) > 0.5 else (1.0, 1.0, 1.0)
    rgb = _rgb(colour)
    for step in range(101):
        t = step / 100
        mixed = _hex(tuple(c + (w - c) * t for c, w in zip(rgb, towards, strict=True)))
        if contrast(mixed, background) >= target:
            return mixed
    return _hex(towards)


def furo_variables(brand: str) -> tuple[dict[str, str], dict[str, str]]:
    """``light_css_variables`` and ``dark_css_variables`` for furo from one brand colour."""
    light = readable_on(brand, LIGHT_BACKGROUND)
    dark = readable_on(brand, DARK_BACKGROUND)
    return (
        {"color-brand-primary": light, "color-brand-content": light, "color-brand-visited": light},
        {"color-brand-primary": dark, "color-brand-content": dark, "color-brand-visited": dark},
    )
