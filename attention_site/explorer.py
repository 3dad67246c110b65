"""Sphinx extension: in-page explorers for the temperature T and the width d_k, on the clips' numbers.

Directives (MyST fenced blocks or reStructuredText):

``temperature-explorer``
    A slider for the divisor T in softmax(Q Kᵀ / T), from 0.25 to 16 on a log
    scale, starting at √d_k. It shows the example's 5×5 weights as a heatmap
    (viridis from 0 to the largest weight, each row's largest outlined, as in
    the clips), each row's sum and largest weight, and the output row
    (weights @ V) of one query, picked by its row button. ``:row: TOKEN``
    picks the query shown first (default ``sat``).
``width-explorer``
    A slider for d_k (1 to 1024, powers of two) showing, for random
    unit-variance q and k, histograms of the raw and the scaled scores and
    their statistics: standard deviation, mean largest weight, share of
    saturated queries and median softmax-Jacobian norm, unscaled against
    scaled. ``:d-k: N`` picks the width shown first (default 64).

The explorers are views of Python's numbers: the build computes everything the
browser shows, and ``explorer.js`` only puts it on the page. For each of the
temperature slider's stops, ``attention`` gives the weights and outputs, and
``scenes`` formats them and picks each cell's viridis fill, its ink and each
row's marked maximum (the one tie rule): ``temperature_stop``. Those stops
(about 120 KB, 17 KB compressed) are one file, ``explorer-temperature.js``,
that the browser fetches when the explorer comes near the screen or a link asks
for a state, so a page that holds the explorer stays within its weight budget.
The width explorer's histograms, statistics and sentences for each d_k are
small and travel inside the page (``width_data``).

Without JavaScript each explorer is a static figure of its first state (the
weights at T = √d_k, the statistics at the first d_k) with its controls
hidden. ``explorer.js`` and ``explorer.css`` are added only to pages that hold
an explorer. State lives in the URL fragment: ``#explore-t=1&row=sat``,
``#explore-dk=1024``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from pathlib import Path

import jinja2
import markupsafe
import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import attention
from scenes import palette
from scenes.formats import format_number, row_maximum
from scenes.screen_words import feature_name

from .languages import language_of, pick
from .node_helpers import html_only
from .sources import NUMBER_FORMATS, NUMBERS, SCREEN_WORDS, note_sources

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
TEMPLATES = Path(__file__).with_name("templates") / "explorer"
JS_FILE, CSS_FILE = "explorer.js", "explorer.css"
STOPS_FILE = "explorer-temperature.js"  #: the temperature stops, written into the build's _static

# -- Temperature ----------------------------------------------------------------
T_MIN, T_MAX = 0.25, 16.0  #: the slider's ends
STEPS_PER_DOUBLING = 24  #: slider stops per doubling of T: each arrow key multiplies T by 2^(1/24)
DIGITS = 2  #: decimals shown, as in the clips and the page's tables
DEFAULT_ROW = "sat"

# -- Width ------------------------------------------------------------------------
D_KS = tuple(2**i for i in range(11))  #: 1, 2, 4, ..., 1024
DEFAULT_D_K = 64
BINS = 40  #: histogram bins per panel
RAW_RANGE = 100.0  #: raw scores are binned on [-100, 100] (beyond: counted in the end bins)
SCALED_RANGE = 4.0  #: scaled scores on [-4, 4]
STATS = (
    "std_unscaled",
    "std_scaled",
    "max_weight_unscaled",
    "max_weight_scaled",
    "saturated_unscaled",
    "saturated_scaled",
    "median_gradient_unscaled",
    "median_gradient_scaled",
)
#: The statistics table: the statistic's stem and its decimals (its label is in ``WORDS``).
STAT_ROWS = (("std", 2), ("max_weight", 2), ("saturated", 2), ("median_gradient", 3))

#: Every word the explorers show or announce, by the build's language, in the glossary's terms.
#: ``{name}`` marks a value; the browser fills the same templates (``explorer.js``'s ``say``).
WORDS = {
    "en": {
        "t_title": "Explore the divisor T: the example's weights softmax(QKᵀ / T)",
        "t_label": "Divisor",
        "t_value": "T = {t}",
        "t_value_sqrt": "T = {t} (√d_k)",
        "t_spoken": "T = {t}",
        "t_spoken_sqrt": "T = {t} (sqrt(d_k))",
        "t_reset": "Back to T = √d_k",
        "t_caption": "Weights at {t}: row = query, column = key; each row's largest weight outlined",
        "t_caption_js": "; pick a query with its button",
        "t_headers": ("query", "sum", "largest"),
        "t_output": "Output of {query}: its weights times V",
        "t_status": "At T = {t}, “{query}” gives its largest weight, {weight}, to “{key}”.",
        "t_not_number": "The link's T = “{asked}” is not a number; showing T = √d_k.",
        "t_outside": "The link's T = {asked} is outside {low} to {high}; showing the nearest end.",
        "t_not_token": "The link's row “{asked}” is not a token ({tokens}).",
        "t_nearest": "The link's T = {asked} falls between the slider's stops; showing the nearest, T = {t}.",
        "t_unavailable": "The explorer's numbers did not load; reload the page to try again.",
        "w_title": "Explore the width d_k: {queries} random queries, each scoring {keys} random keys, "
        "components drawn from N(0, 1)",
        "w_label": "Width",
        "w_raw": "Raw scores q·k at {d_k} (beyond ±100: in the end bars)",
        "w_scaled": "Scaled scores q·k / √d_k",
        "w_histogram": "From {low} to {high}, standard deviation {std}.",
        "w_caption": "Unscaled against scaled at {d_k} (saturated: Jacobian size below {threshold})",
        "w_statistic": "statistic",
        "w_stats": {
            "std": "standard deviation of the scores",
            "max_weight": "mean largest weight",
            "saturated": "share of saturated queries",
            "median_gradient": "median norm of ∂p/∂z, softmax's own Jacobian",
        },
        "w_status": "d_k = {d_k}: the largest weight averages {unscaled} unscaled, {scaled} scaled.",
        "w_not_width": "The link's d_k = “{asked}” is not one of {widths}.",
        "list": ", ",
    },
    "zh_TW": {
        "t_title": "探索除數 T：範例的權重 softmax(QKᵀ / T)",
        "t_label": "除數",
        "t_value": "T = {t}",
        "t_value_sqrt": "T = {t}（√d_k）",
        "t_spoken": "T = {t}",
        "t_spoken_sqrt": "T = {t}（d_k 的平方根）",
        "t_reset": "回到 T = √d_k",
        "t_caption": "{t} 時的權重：列是查詢向量，行是鍵向量；每列最大的權重加上外框",
        "t_caption_js": "；按各列的按鈕選擇查詢向量",
        "t_headers": ("查詢", "總和", "最大權重"),  # 查詢: the glossary's short form, one line on a phone
        "t_output": "{query} 的輸出：它的權重乘以 V",
        "t_status": "T = {t} 時，「{query}」把最大的權重 {weight} 給了「{key}」。",
        "t_not_number": "連結中的 T =「{asked}」不是數字；改為顯示 T = √d_k。",
        "t_outside": "連結中的 T = {asked} 超出 {low} 到 {high} 的範圍；改為顯示最接近的端點。",
        "t_not_token": "連結中的列「{asked}」不是範例的 token（{tokens}）。",
        "t_nearest": "連結中的 T = {asked} 落在滑桿的刻度之間；改為顯示最接近的 T = {t}。",
        "t_unavailable": "探索工具的數值未能載入，請重新整理頁面再試一次。",
        "w_title": "探索寬度 d_k：{queries} 個隨機查詢向量，各自與 {keys} 個隨機鍵向量計算分數，分量取自 N(0, 1)",
        "w_label": "寬度",
        "w_raw": "{d_k} 時的原始分數 q·k（超出 ±100 的計入兩端的長條）",
        "w_scaled": "縮放後的分數 q·k / √d_k",
        "w_histogram": "從 {low} 到 {high}，標準差 {std}。",
        "w_caption": "{d_k} 時不縮放與縮放的比較（飽和：雅可比矩陣的大小低於 {threshold}）",
        "w_statistic": "統計量",
        "w_stats": {
            "std": "分數的標準差",
            "max_weight": "最大權重的平均",
            "saturated": "飽和查詢向量的比例",
            "median_gradient": "∂p/∂z（softmax 本身的雅可比矩陣）範數的中位數",
        },
        "w_status": "d_k = {d_k}：最大權重的平均值在不縮放時為 {unscaled}，縮放後為 {scaled}。",
        "w_not_width": "連結中的 d_k =「{asked}」不是 {widths} 之一。",
        "list": "、",
    },
}


#: The templates the browser fills in after the page loads (the rest are written by the build).
BROWSER_WORDS = (
    "t_value",
    "t_value_sqrt",
    "t_spoken",
    "t_spoken_sqrt",
    "t_status",
    "t_not_number",
    "t_outside",
    "t_not_token",
    "t_nearest",
    "t_unavailable",
    "w_not_width",
    "list",
)


def words(language: str | None) -> dict:
    """The explorers' words in the build's language (English for anything but zh_TW).

    >>> words("zh_TW")["t_label"], words(None)["t_label"]
    ('除數', 'Divisor')
    """
    return pick(WORDS, language)


def browser_words(said: dict) -> dict:
    """The templates ``explorer.js`` fills in (``BROWSER_WORDS``), in the build's language."""
    return {name: said[name] for name in BROWSER_WORDS}


# -- Data the build writes ---------------------------------------------------------
def number(value: float, digits: int = DIGITS) -> str:
    """A value as the clips and tables print it (:func:`scenes.formats.format_number`)."""
    return format_number(float(value), digits)


def _slider_value(t: float) -> int:
    return round(math.log2(t) * STEPS_PER_DOUBLING)


#: The temperature slider's stops: T = 2^(stop / STEPS_PER_DOUBLING), from T_MIN to T_MAX.
STOPS = range(_slider_value(T_MIN), _slider_value(T_MAX) + 1)
INKS = (palette.INK_DARK, palette.INK_LIGHT)  #: a cell's ink, by its index in ``inks``


def sqrt_d_k_stop() -> int:
    """The slider stop at T = √d_k, where the explorer starts (the example's d_k is a power of 4).

    >>> sqrt_d_k_stop(), 2 ** (sqrt_d_k_stop() / STEPS_PER_DOUBLING)
    (24, 2.0)
    """
    stop = _slider_value(math.sqrt(attention.example().d_k))
    assert 2 ** (stop / STEPS_PER_DOUBLING) == math.sqrt(attention.example().d_k), "√d_k is a slider stop"
    return stop


def temperature_stop(stop: int) -> dict:
    """Everything the temperature explorer shows at one slider stop, as the page shows it.

    Per query row i and key column j: ``weights[i][j]`` (text), ``fills[i][j]`` (viridis from
    0 to the largest weight, ``rrggbb``), ``inks[i][j]`` (an index into ``INKS``), each row's
    ``maxima`` (the marked column, or None for a tied row), ``largest`` (the first largest
    column), ``sums``; ``outputs[i]`` is query i's weights @ V; ``link`` is T in a URL.

    >>> at_2 = temperature_stop(24)
    >>> at_2["t"], at_2["text"], at_2["link"], at_2["weights"][2], at_2["maxima"]
    (2.0, '2.00', '2', ['0.13', '0.36', '0.13', '0.13', '0.24'], [1, 2, 1, 4, 3])
    """
    ex = attention.example()
    t = 2 ** (stop / STEPS_PER_DOUBLING)
    weights = attention.softmax(ex.scores / t)  # (n, n), each row sums to 1
    high = float(weights.max())
    fills = [[palette.viridis_hex(w / high) for w in row] for row in weights]
    return {
        "t": t,
        "text": number(t),
        "link": f"{t:.4g}",
        "high": number(high),
        "weights": [[number(w) for w in row] for row in weights],
        "fills": [[fill.lstrip("#") for fill in row] for row in fills],
        "inks": ["".join(str(INKS.index(palette.ink_on(fill))) for fill in row) for row in fills],
        "maxima": [row_maximum(row) for row in weights],
        "largest": [int(row.argmax()) for row in weights],
        "sums": [number(row.sum()) for row in weights],
        "outputs": [[number(o) for o in row @ ex.v] for row in weights],  # (n, d_v)
    }


@functools.cache
def temperature_stops_script() -> str:
    """``explorer-temperature.js``: every stop's ``temperature_stop``, for ``explorer.js`` to show."""
    data = {"first": STOPS[0], "inks": list(INKS), "stops": [temperature_stop(stop) for stop in STOPS]}
    return (
        "// Written by attention_site/explorer.py: what the temperature explorer shows at each slider stop.\n"
        f"(window.attentionExplorerData ||= {{}}).temperature = {data_json(data)};\n"
    )


def temperature_data() -> dict:
    """What the temperature explorer needs in the page: the slider's stops and where its stops file is.

    >>> data = temperature_data()
    >>> data["tokens"], data["start"], data["first"], data["last"]
    (['The', 'cat', 'sat', 'on', 'mat'], 24, -48, 96)
    """
    ex = attention.example()
    version = hashlib.sha256(temperature_stops_script().encode()).hexdigest()[:12]
    return {
        "tokens": list(ex.tokens),
        "tMin": T_MIN,
        "tMax": T_MAX,
        "steps": STEPS_PER_DOUBLING,
        "first": STOPS[0],
        "last": STOPS[-1],
        "start": sqrt_d_k_stop(),
        "stopsFile": f"{STOPS_FILE}?v={version}",  # a new address when the numbers change: never stale
    }


def histogram(values: np.ndarray, half_width: float) -> list[int]:
    """Counts in ``BINS`` equal bins over [-half_width, half_width]; values beyond fall in the end bins.

    >>> counts = histogram(np.array([-500.0, 0.05, 0.1, 500.0]), 4.0)
    >>> counts[0], counts[BINS // 2], counts[-1], sum(counts)
    (1, 2, 1, 4)
    """
    clipped = np.clip(values, -half_width, half_width)
    counts, _ = np.histogram(clipped, bins=BINS, range=(-half_width, half_width))
    return counts.tolist()


def bar_heights(counts: list[int]) -> list[str]:
    """Each bar's height in a 100-high box, the tallest full height (SVG attribute text).

    >>> bar_heights([0, 1, 4])
    ['0.00', '25.00', '100.00']
    """
    tallest = max(counts) or 1
    return [f"{100 * c / tallest:.2f}" for c in counts]


@functools.cache
def width_samples() -> dict:
    """Histograms and statistics of random raw and scaled scores for each d_k in ``D_KS``.

    The scores are :func:`attention.sample_scores` with its defaults (seeded per
    d_k) and the statistics are :func:`attention.scaling_demo`'s for the same
    defaults, so the explorer and the page's table agree.

    >>> data = width_samples()
    >>> [w["d_k"] for w in data["widths"]][:4], sum(data["widths"][0]["raw"]) == data["samples"]
    ([1, 2, 4, 8], True)
    """
    rows = {row.d_k: row for row in attention.scaling_demo(d_ks=D_KS)}
    widths = []
    for d_k in D_KS:
        scores = attention.sample_scores(d_k)  # (n_queries, n_keys)
        scaled = scores / math.sqrt(d_k)
        entry = {"d_k": d_k, "raw": histogram(scores, RAW_RANGE), "scaled": histogram(scaled, SCALED_RANGE)}
        entry.update({name: getattr(rows[d_k], name) for name in STATS})
        entry.update(
            {
                "raw_min": float(scores.min()),
                "raw_max": float(scores.max()),
                "scaled_min": float(scaled.min()),
                "scaled_max": float(scaled.max()),
            }
        )
        widths.append(entry)
    n_queries, n_keys = attention.sample_scores(1).shape
    return {"widths": widths, "samples": n_queries * n_keys, "queries": n_queries, "keys": n_keys}


def width_view(entry: dict, said: dict) -> dict:
    """What the width explorer shows at one d_k, in the build's language: bars, sentences, statistics.

    >>> view = width_view(width_samples()["widths"][6], words("en"))
    >>> view["d_k"], view["stats"]["std_unscaled"], view["texts"]["scaled"]
    (64, '7.92', 'From -3.2 to 3.5, standard deviation 0.99.')
    """
    averages = {side: number(entry[f"max_weight_{side}"]) for side in ("unscaled", "scaled")}
    return {
        "d_k": entry["d_k"],
        "bars": {kind: bar_heights(entry[kind]) for kind in ("raw", "scaled")},
        "texts": {kind: _histogram_text(kind, entry, said) for kind in ("raw", "scaled")},
        "stats": {
            f"{stem}_{side}": number(entry[f"{stem}_{side}"], digits)
            for stem, digits in STAT_ROWS
            for side in ("unscaled", "scaled")
        },
        "status": said["w_status"].format(d_k=entry["d_k"], **averages),
    }


def width_data(language: str | None = None) -> dict:
    """What the width explorer shows at every d_k, in the build's language (it travels in the page)."""
    said = words(language)
    return {"widths": [width_view(entry, said) for entry in width_samples()["widths"]]}


def data_json(data: dict) -> str:
    """Compact JSON, safe inside a ``<script>`` element (no ``</`` can close it early)."""
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/")


# -- Nodes -------------------------------------------------------------------------
class explorer_node(nodes.General, nodes.Element):
    """An explorer: ``kind`` is ``temperature`` or ``width``; ``start`` its first row or d_k."""


def visit_explorer_html(translator, node: explorer_node) -> None:
    render = temperature_html if node["kind"] == "temperature" else width_html
    translator.body.append(render(node["start"], node["serial"], translator.builder.config.language))
    raise nodes.SkipNode


@functools.cache
def _templates() -> jinja2.Environment:
    """The explorers' markup (``templates/explorer``), escaped; ``fill`` puts values into a word template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["fill"] = lambda template, **values: markupsafe.escape(template).format(**values)
    return env


def temperature_html(row_token: str, serial: int, language: str | None = None) -> str:
    """The temperature explorer at T = √d_k: a static figure that ``explorer.js`` brings to life."""
    said = words(language)
    data = {**temperature_data(), "words": browser_words(said)}
    ex = attention.example()
    template = _templates().get_template("temperature.html")
    return template.render(
        uid=f"explore-t-{serial}",
        said=said,
        data=data,
        data_json=markupsafe.Markup(data_json(data)),
        stop=temperature_stop(data["start"]),
        mark=f"{100 * (data['start'] - STOPS[0]) / (STOPS[-1] - STOPS[0]):.3f}",
        t_ends=(f"{T_MIN:g}", f"{T_MAX:g}"),
        inks=INKS,
        ramp=f"linear-gradient(to right, {', '.join(palette.VIRIDIS)})",
        tokens=list(ex.tokens),
        features=[feature_name(feature, language_of(language).code) for feature in ex.features],
        query=row_token,
    )


def _histogram_text(kind: str, entry: dict, said: dict) -> str:
    low, high = entry[f"{kind}_min"], entry[f"{kind}_max"]
    std = entry["std_unscaled" if kind == "raw" else "std_scaled"]
    return said["w_histogram"].format(
        low=format_number(low, 1), high=format_number(high, 1), std=format_number(std)
    )


def width_html(d_k: int, serial: int, language: str | None = None) -> str:
    """The width explorer at ``d_k``: histograms and statistics, a static figure until ``explorer.js`` runs."""
    said = words(language)
    data = {**width_data(language), "words": browser_words(said)}
    samples = width_samples()
    template = _templates().get_template("width.html")
    return template.render(
        uid=f"explore-dk-{serial}",
        said=said,
        data_json=markupsafe.Markup(data_json(data)),
        view=next(view for view in data["widths"] if view["d_k"] == d_k),
        d_ks=list(D_KS),
        bins=BINS,
        raw_range=f"{RAW_RANGE:g}",
        scaled_range=f"{SCALED_RANGE:g}",
        threshold=f"{attention.scaling.SATURATION_THRESHOLD:g}",
        queries=samples["queries"],
        keys=samples["keys"],
        stems=[stem for stem, _ in STAT_ROWS],
    )


# -- Directives ------------------------------------------------------------------------
class TemperatureExplorer(SphinxDirective):
    """``temperature-explorer``: move T in softmax(Q Kᵀ / T) over the worked example."""

    option_spec = {"row": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        note_sources(self, NUMBERS, NUMBER_FORMATS, SCREEN_WORDS)
        tokens = attention.example().tokens
        row = self.options.get("row", DEFAULT_ROW).strip()
        by_name = {token.lower(): token for token in tokens}
        if row.lower() not in by_name:
            logger.warning(
                f"temperature-explorer: unknown :row: {row!r}; choose one of {', '.join(tokens)} "
                f"(showing {DEFAULT_ROW!r})",
                location=self.get_location(),
            )
            row = DEFAULT_ROW
        return [explorer_node(kind="temperature", start=by_name[row.lower()], serial=self._serial())]

    def _serial(self) -> int:
        return self.env.new_serialno("explorer")


class WidthExplorer(SphinxDirective):
    """``width-explorer``: move d_k and watch raw scores spread and softmax saturate."""

    option_spec = {"d-k": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        note_sources(self, NUMBERS, NUMBER_FORMATS, SCREEN_WORDS)
        value = self.options.get("d-k", str(DEFAULT_D_K)).strip()
        d_k = int(value) if value.isdigit() else None
        if d_k not in D_KS:
            logger.warning(
                f"width-explorer: :d-k: {value!r} is not one of {', '.join(map(str, D_KS))} "
                f"(showing {DEFAULT_D_K})",
                location=self.get_location(),
            )
            d_k = DEFAULT_D_K
        return [explorer_node(kind="width", start=d_k, serial=self.env.new_serialno("explorer"))]

    _serial = TemperatureExplorer._serial


# -- Build hooks ---------------------------------------------------------------------------
def add_files_to_explorer_pages(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Only pages that hold an explorer load its script and style (Sphinx adds them to this page alone)."""
    if doctree is None or next(iter(doctree.findall(explorer_node)), None) is None:
        return
    app.add_js_file(JS_FILE, loading_method="defer")
    app.add_css_file(CSS_FILE)


def write_temperature_stops(app: Sphinx, exception: Exception | None) -> None:
    """Every HTML build ships the temperature stops beside ``explorer.js`` (as it ships the script)."""
    if exception is None and app.builder.format == "html":
        static = Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        (static / STOPS_FILE).write_text(temperature_stops_script(), encoding="utf-8")


def add_static_path(app: Sphinx) -> None:
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.add_node(explorer_node, **html_only(visit_explorer_html))
    app.add_directive("temperature-explorer", TemperatureExplorer)
    app.add_directive("width-explorer", WidthExplorer)
    app.connect("builder-inited", add_static_path)
    app.connect("html-page-context", add_files_to_explorer_pages)
    app.connect("build-finished", write_temperature_stops)
    return {
        "version": attention.__version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,  # 2: the explorers show the build's stops (an older build's pages are rewritten)
    }
