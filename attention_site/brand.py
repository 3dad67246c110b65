"""furo's brand colours, derived from the clips' palette so pages and clips agree.

The palette's colour is tuned for the clips' dark background; links need 4.5:1
contrast (WCAG AA) on every furo background they sit on (page, sidebar, current
item), so it is darkened or lightened, keeping its hue, until it has that contrast.

>>> contrast("#000000", "#ffffff")
21.0
>>> link = readable_on("#58c4dd", LIGHT_BACKGROUNDS)
>>> min(contrast(link, background) for background in LIGHT_BACKGROUNDS) >= 4.5
True
"""

from __future__ import annotations

from scenes.palette import contrast_ratio, relative_luminance

#: furo's light backgrounds: page, sidebar, current or hovered sidebar item
LIGHT_BACKGROUNDS = ("#ffffff", "#f8f9fb", "#efeff4")
#: furo's dark backgrounds: page, sidebar, current or hovered sidebar item
DARK_BACKGROUNDS = ("#131416", "#1a1c1e", "#1e2124")
AA_CONTRAST = 4.5


def _rgb(colour: str) -> tuple[float, ...]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21, to two decimals (the clips' own formula)."""
    return round(contrast_ratio(a, b), 2)


def readable_on(colour: str, backgrounds: tuple[str, ...], target: float = AA_CONTRAST) -> str:
    """``colour`` mixed towards black or white (away from the backgrounds) until readable on all."""
    towards = (0.0, 0.0, 0.0) if relative_luminance(backgrounds[0]) > 0.5 else (1.0, 1.0, 1.0)
    rgb = _rgb(colour)
    for step in range(101):
        t = step / 100
        mixed = _hex(tuple(c + (w - c) * t for c, w in zip(rgb, towards, strict=True)))
        if min(contrast(mixed, background) for background in backgrounds) >= target:
            return mixed
    return _hex(towards)


def furo_variables(brand: str) -> tuple[dict[str, str], dict[str, str]]:
    """``light_css_variables`` and ``dark_css_variables`` for furo from one brand colour."""
    light = readable_on(brand, LIGHT_BACKGROUNDS)
    dark = readable_on(brand, DARK_BACKGROUNDS)
    return (
        {"color-brand-primary": light, "color-brand-content": light, "color-brand-visited": light},
        {"color-brand-primary": dark, "color-brand-content": dark, "color-brand-visited": dark},
    )
