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

The build writes what the browser needs as JSON inside each explorer: the
example's raw scores, V, tokens and d_k (``temperature_data``), and the
histogram bins and statistics that ``attention`` computes, numpy and seeded
(``width_data``). The browser computes only softmax(scores / T) and its product
with V; everything else is drawn from the shipped numbers.

Without JavaScript each explorer is a static figure of its first state (the
weights at T = √d_k, the statistics at the first d_k) with its controls
hidden. ``explorer.js`` and ``explorer.css`` are added only to pages that hold
an explorer. State lives in the URL fragment: ``#explore-t=1&row=sat``,
``#explore-dk=1024``.
"""

from __future__ import annotations

import functools
import html
import json
import math
from pathlib import Path

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import attention
from scenes import palette
from scenes.formats import format_number, row_maximum

from .languages import pick
from .node_helpers import html_only

logger = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
JS_FILE, CSS_FILE = "explorer.js", "explorer.css"

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
        "t_headers": ("查詢向量", "總和", "最大權重"),
        "t_output": "{query} 的輸出：它的權重乘以 V",
        "t_status": "T = {t} 時，「{query}」把最大的權重 {weight} 給了「{key}」。",
        "t_not_number": "連結中的 T =「{asked}」不是數字；改為顯示 T = √d_k。",
        "t_outside": "連結中的 T = {asked} 超出 {low} 到 {high} 的範圍；改為顯示最接近的端點。",
        "t_not_token": "連結中的列「{asked}」不是範例的 token（{tokens}）。",
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
    "w_histogram",
    "w_status",
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
def temperature_data() -> dict:
    """What the temperature explorer needs from the worked example, at full precision.

    >>> data = temperature_data()
    >>> data["tokens"], data["d_k"], len(data["scores"]), len(data["v"][0])
    (['The', 'cat', 'sat', 'on', 'mat'], 4, 5, 4)
    """
    ex = attention.example()
    return {
        "tokens": list(ex.tokens),
        "features": list(ex.features),
        "d_k": ex.d_k,
        "scores": ex.scores.tolist(),  # (n, n), raw: q @ k.T
        "v": ex.v.tolist(),  # (n, d_v)
        "digits": DIGITS,
        "tMin": T_MIN,
        "tMax": T_MAX,
        "steps": STEPS_PER_DOUBLING,
        "viridis": list(palette.VIRIDIS),
        "ink": [palette.INK_DARK, palette.INK_LIGHT],
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


@functools.cache
def width_data() -> dict:
    """Histograms and statistics of random raw and scaled scores for each d_k in ``D_KS``.

    The scores are :func:`attention.sample_scores` with its defaults (seeded per
    d_k) and the statistics are :func:`attention.scaling_demo`'s for the same
    defaults, so the explorer and the page's table agree.

    >>> data = width_data()
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
    return {
        "widths": widths,
        "samples": n_queries * n_keys,
        "queries": n_queries,
        "keys": n_keys,
        "bins": BINS,
        "rawRange": RAW_RANGE,
        "scaledRange": SCALED_RANGE,
        "threshold": attention.scaling.SATURATION_THRESHOLD,
    }


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


def _attributes(**values) -> str:
    return " ".join(f'{name.replace("_", "-")}="{html.escape(str(v))}"' for name, v in values.items())


def _slider_value(t: float) -> int:
    return round(math.log2(t) * STEPS_PER_DOUBLING)


def temperature_html(row_token: str, serial: int, language: str | None = None) -> str:
    """The temperature explorer at T = √d_k: a static figure that ``explorer.js`` brings to life."""
    said = words(language)
    data = {**temperature_data(), "words": browser_words(said)}
    ex = attention.example()
    t = math.sqrt(ex.d_k)
    weights = attention.softmax(ex.scores / t)  # (n, n), each row sums to 1
    output = weights[ex.tokens.index(row_token)] @ ex.v  # (d_v,)
    uid = f"explore-t-{serial}"
    number = lambda v: format_number(float(v), DIGITS)  # noqa: E731

    head = "".join(f'<th scope="col">{html.escape(token)}</th>' for token in ex.tokens)
    body = []
    for i, token in enumerate(ex.tokens):
        j_max = int(weights[i].argmax())
        marked = row_maximum(weights[i])
        cells = "".join(
            f'<td class="explorer-cell{" is-row-max" if j == marked else ""}" '
            f"{_attributes(data_row=i, data_col=j, data_value=repr(float(w)))}>{number(w)}</td>"
            for j, w in enumerate(weights[i])
        )
        total = float(weights[i].sum())
        largest = float(weights[i, j_max])
        body.append(
            "<tr>"
            f'<th scope="row" class="explorer-query">{html.escape(token)}</th>{cells}'
            f'<td class="explorer-sum" data-value="{total!r}">{number(total)}</td>'
            f'<td class="explorer-largest" data-value="{largest!r}" data-key="{j_max}">'
            f'{number(largest)} <span class="explorer-key">{html.escape(ex.tokens[j_max])}</span></td></tr>'
        )
    features = "".join(f'<th scope="col">{html.escape(f)}</th>' for f in ex.features)
    outputs = "".join(
        f'<td class="explorer-out" {_attributes(data_feature=c, data_value=repr(float(o)))}>{number(o)}</td>'
        for c, o in enumerate(output)
    )
    sqrt_label = format_number(t, DIGITS)
    query_header, sum_header, largest_header = (html.escape(h) for h in said["t_headers"])
    t_caption = f'<span class="explorer-t-caption">{said["t_value"].format(t=sqrt_label)}</span>'
    query_name = f'<q class="explorer-query-name">{html.escape(row_token)}</q>'
    mark = (_slider_value(t) - _slider_value(T_MIN)) / (_slider_value(T_MAX) - _slider_value(T_MIN))
    return f"""<div class="explorer explorer-temperature" id="{uid}" data-explorer="temperature" \
data-t="{t!r}" data-query="{html.escape(row_token)}" role="region" aria-labelledby="{uid}-title">
<p class="explorer-title" id="{uid}-title">{html.escape(said["t_title"])}</p>
<script type="application/json" class="explorer-data">{data_json(data)}</script>
<div class="explorer-controls" hidden>
<label for="{uid}-slider">{html.escape(said["t_label"])}</label>
<span class="explorer-t-value" aria-hidden="true">{said["t_value_sqrt"].format(t=sqrt_label)}</span>
<input type="range" id="{uid}-slider" min="{_slider_value(T_MIN)}" max="{_slider_value(T_MAX)}" step="1" \
value="{_slider_value(t)}" aria-valuetext="{said["t_spoken_sqrt"].format(t=sqrt_label)}" aria-describedby="{uid}-ends">
<div class="explorer-ticks" id="{uid}-ends"><span>0.25</span>\
<span class="explorer-mark" style="left:{100 * mark:.3f}%">√d_k = {sqrt_label}</span><span>16</span></div>
<button type="button" class="explorer-reset">{html.escape(said["t_reset"])}</button>
</div>
<div class="explorer-panels">
<table class="explorer-weights">
<caption>{said["t_caption"].format(t=t_caption)}<span class="explorer-js-only" hidden>\
{said["t_caption_js"]}</span></caption>
<thead><tr><th scope="col">{query_header}</th>{head}<th scope="col">{sum_header}</th>\
<th scope="col">{largest_header}</th></tr></thead>
<tbody>{"".join(body)}</tbody>
</table>
<div class="explorer-legend explorer-js-only" hidden aria-hidden="true"><span>0</span>\
<span class="explorer-ramp"></span><span class="explorer-legend-max">{number(weights.max())}</span></div>
<table class="explorer-output">
<caption>{said["t_output"].format(query=query_name)}</caption>
<thead><tr>{features}</tr></thead>
<tbody><tr>{outputs}</tr></tbody>
</table>
</div>
<p class="explorer-status" role="status"></p>
</div>"""


def _bars(counts: list[int]) -> str:
    """SVG bars of a histogram in a 0..BINS × 0..100 box, tallest bar full height."""
    tallest = max(counts) or 1
    return "".join(
        f'<rect x="{b + 0.1:g}" y="{100 - 100 * c / tallest:.2f}" width="0.8" height="{100 * c / tallest:.2f}"/>'
        for b, c in enumerate(counts)
    )


def _histogram_figure(kind: str, title: str, entry: dict, half_width: float, uid: str, said: dict) -> str:
    ticks = f"<span>{-half_width:g}</span><span>0</span><span>{half_width:g}</span>"
    return f"""<figure class="explorer-histogram" data-histogram="{kind}">
<figcaption id="{uid}-{kind}">{title}</figcaption>
<svg viewBox="0 0 {BINS} 100" preserveAspectRatio="none" role="img" aria-labelledby="{uid}-{kind}" \
aria-describedby="{uid}-{kind}-text">{_bars(entry[kind])}</svg>
<div class="explorer-axis" aria-hidden="true">{ticks}</div>
<p class="explorer-histogram-text" id="{uid}-{kind}-text">{_histogram_text(kind, entry, said)}</p>
</figure>"""


def _histogram_text(kind: str, entry: dict, said: dict) -> str:
    low, high = entry[f"{kind}_min"], entry[f"{kind}_max"]
    std = entry["std_unscaled" if kind == "raw" else "std_scaled"]
    return said["w_histogram"].format(
        low=format_number(low, 1), high=format_number(high, 1), std=format_number(std)
    )


def width_html(d_k: int, serial: int, language: str | None = None) -> str:
    """The width explorer at ``d_k``: histograms and statistics, a static figure until ``explorer.js`` runs."""
    said = words(language)
    data = {**width_data(), "words": browser_words(said)}
    entry = next(w for w in data["widths"] if w["d_k"] == d_k)
    uid = f"explore-dk-{serial}"
    rows = "".join(
        f'<tr><th scope="row">{html.escape(said["w_stats"][stem])}</th>'
        + "".join(
            f"<td {_attributes(data_stat=f'{stem}_{side}', data_value=repr(entry[f'{stem}_{side}']), data_digits=digits)}>"
            f"{format_number(entry[f'{stem}_{side}'], digits)}</td>"
            for side in ("unscaled", "scaled")
        )
        + "</tr>"
        for stem, digits in STAT_ROWS
    )
    title = said["w_title"].format(queries=data["queries"], keys=data["keys"])
    d_k_caption = f'<span class="explorer-dk-caption">d_k = {d_k}</span>'
    raw_title = said["w_raw"].format(d_k=d_k_caption)
    return f"""<div class="explorer explorer-width" id="{uid}" data-explorer="width" data-d-k="{d_k}" \
role="region" aria-labelledby="{uid}-title">
<p class="explorer-title" id="{uid}-title">{html.escape(title)}</p>
<script type="application/json" class="explorer-data">{data_json(data)}</script>
<div class="explorer-controls" hidden>
<label for="{uid}-slider">{html.escape(said["w_label"])}</label>
<span class="explorer-dk-value" aria-hidden="true">d_k = {d_k}</span>
<input type="range" id="{uid}-slider" min="0" max="{len(D_KS) - 1}" step="1" value="{D_KS.index(d_k)}" \
aria-valuetext="d_k = {d_k}">
<div class="explorer-ticks" aria-hidden="true"><span>1</span><span>32</span><span>1024</span></div>
</div>
<div class="explorer-panels">
{_histogram_figure("raw", raw_title, entry, RAW_RANGE, uid, said)}
{_histogram_figure("scaled", said["w_scaled"], entry, SCALED_RANGE, uid, said)}
</div>
<table class="explorer-stats">
<caption>{said["w_caption"].format(d_k=d_k_caption, threshold=f"{data['threshold']:g}")}</caption>
<thead><tr><th scope="col">{html.escape(said["w_statistic"])}</th><th scope="col">q·k</th><th scope="col">q·k / √d_k</th></tr></thead>
<tbody>{rows}</tbody>
</table>
<p class="explorer-status" role="status"></p>
</div>"""


# -- Directives ------------------------------------------------------------------------
class TemperatureExplorer(SphinxDirective):
    """``temperature-explorer``: move T in softmax(Q Kᵀ / T) over the worked example."""

    option_spec = {"row": directives.unchanged}

    def run(self) -> list[nodes.Node]:
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


def add_static_path(app: Sphinx) -> None:
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.add_node(explorer_node, **html_only(visit_explorer_html))
    app.add_directive("temperature-explorer", TemperatureExplorer)
    app.add_directive("width-explorer", WidthExplorer)
    app.connect("builder-inited", add_static_path)
    app.connect("html-page-context", add_files_to_explorer_pages)
    return {"version": attention.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
