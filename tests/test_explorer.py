"""The temperature and width explorers on the Scale & Softmax page, from outside.

What the build writes (the example's scores and V, the d_k histograms and statistics) is
read back from the built page and checked against ``attention``; the page is then driven in
Debian's Chromium: the weights, sums, largest weights and output row for several T and every
query, the d_k statistics, keyboard-only use, the URL fragment, axe in both themes, a 390 px
viewport and the page with JavaScript off.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from conftest import show_as
from test_site_browser import WITH_TARGET_SIZE

import attention
from attention_site.explorer import STAT_ROWS, STATS
from scenes import palette
from scenes.formats import format_number, row_maximum
from scenes.layout import MIN_INK_CONTRAST

PAGE = "phases/04-scale-softmax.html"  #: the temperature explorer, beside the example's scaling
WIDTH_PAGE = "saturation.html"  #: the width explorer, beside the saturation evidence
BUDGET = 30_000  #: bytes of JavaScript and data in the pages, both explorers together
STOPS_BUDGET = 20_000  #: compressed bytes of the temperature stops, fetched when the explorer is used
D_KS = [2**i for i in range(11)]
STEPS = 24  #: slider stops per doubling of T
EX = attention.example()
SQRT_D_K = math.sqrt(EX.d_k)


# -- What the build writes -------------------------------------------------------------
class ExplorerData(HTMLParser):
    """The JSON each explorer carries, by its ``data-explorer`` kind."""

    def __init__(self):
        super().__init__()
        self.kind: str | None = None
        self.reading = False
        self.data: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-explorer" in attrs:
            self.kind = attrs["data-explorer"]
        self.reading = tag == "script" and "explorer-data" in (attrs.get("class") or "")

    def handle_data(self, data):
        if self.reading:
            self.data[self.kind] = json.loads(data)
            self.reading = False


def explorer_data(site: Path) -> dict[str, dict]:
    parser = ExplorerData()
    for path in (PAGE, WIDTH_PAGE):
        parser.feed((site / path).read_text(encoding="utf-8"))
    return parser.data


def test_every_language_fills_the_same_values_in_each_explorer_template():
    """A translation that drops or renames a {value} would show a raw brace or lose a number."""
    from attention_site.explorer import WORDS

    def shape(words: dict) -> dict:
        return {
            name: shape(value) if isinstance(value, dict) else sorted(re.findall(r"\{(\w+)\}", str(value)))
            for name, value in words.items()
        }

    english = shape(WORDS["en"])
    assert all(shape(words) == english for words in WORDS.values())


def temperature_stops(site: Path) -> dict:
    """The stops file the build writes beside explorer.js, read as the JSON it assigns."""
    text = (site / "_static" / "explorer-temperature.js").read_text(encoding="utf-8")
    return json.loads(text.split(".temperature = ", 1)[1].rstrip().removesuffix(";"))


def expect_weights_at(t: float, weights_text, fills, inks, maxima) -> None:
    """A heatmap as the clips draw it: attention's weights, viridis from 0 to the largest, a legible ink, the tie rule."""
    weights = attention.softmax(EX.scores / t)  # (n, n)
    assert weights_text == [[format_number(w) for w in row] for row in weights], t
    for i, row in enumerate(weights):
        for j, w in enumerate(row):
            fill = fills[i][j]
            assert fill.upper() == palette.viridis_hex(w / weights.max()), (t, i, j)
            assert palette.contrast_ratio(inks[i][j], fill) >= MIN_INK_CONTRAST, (t, i, j)
        assert maxima[i] == row_maximum(row), (t, i)  # the clips' one tie rule


@pytest.mark.site
def test_the_build_writes_every_slider_stop_as_attention_computes_it(site):
    """Each stop's weights, fills, inks, maxima, sums and outputs, checked against attention itself."""
    shipped = temperature_stops(site)
    stops = shipped["stops"]
    assert shipped["first"] == -2 * STEPS and len(stops) == 6 * STEPS + 1  # T from 1/4 to 16
    for index, stop in enumerate(stops):
        t = 2 ** ((shipped["first"] + index) / STEPS)
        assert stop["t"] == pytest.approx(t, rel=1e-15) and stop["text"] == format_number(t)
        assert float(stop["link"]) == pytest.approx(t, rel=5e-4)
        inks = [[shipped["inks"][int(k)] for k in row] for row in stop["inks"]]
        fills = [["#" + fill for fill in row] for row in stop["fills"]]
        expect_weights_at(t, stop["weights"], fills, inks, stop["maxima"])
        weights = attention.softmax(EX.scores / t)
        assert stop["sums"] == [format_number(row.sum()) for row in weights]
        assert stop["largest"] == [int(row.argmax()) for row in weights]
        assert stop["outputs"] == [[format_number(v) for v in row @ EX.v] for row in weights]


@pytest.mark.site
def test_the_build_writes_scaling_demos_statistics_for_every_width(site):
    data = explorer_data(site)["width"]
    rows = attention.scaling_demo(d_ks=tuple(D_KS))
    assert [w["d_k"] for w in data["widths"]] == D_KS
    for shipped, row in zip(data["widths"], rows, strict=True):
        assert len(shipped["stats"]) == len(STATS)
        for stem, digits in STAT_ROWS:  # every statistic the explorer shows, as scaling_demo computed it
            for name in (f"{stem}_unscaled", f"{stem}_scaled"):
                assert shipped["stats"][name] == format_number(getattr(row, name), digits), (row.d_k, name)
        assert shipped["texts"]["raw"].endswith(f"standard deviation {format_number(row.std_unscaled)}.")
        assert shipped["texts"]["scaled"].endswith(f"standard deviation {format_number(row.std_scaled)}.")


@pytest.mark.site
def test_histograms_describe_the_same_samples_as_the_statistics(site):
    """The bars, read as a distribution, have the spread the statistics state (less the bins' own, Sheppard)."""
    data = explorer_data(site)["width"]
    rows = attention.scaling_demo(d_ks=tuple(D_KS))
    for w, row in zip(data["widths"], rows, strict=True):
        for kind, half, std in (("raw", 100, row.std_unscaled), ("scaled", 4, row.std_scaled)):
            heights = np.array([float(h) for h in w["bars"][kind]])
            assert heights.max() == 100 and len(heights) == 40
            bin_width = 2 * half / len(heights)
            centres = np.linspace(-half, half, len(heights) + 1)[:-1] + bin_width / 2
            if std >= bin_width / 2:  # bins resolve the spread: it matches
                variance = (heights * centres**2).sum() / heights.sum() - bin_width**2 / 12
                assert math.sqrt(variance) == pytest.approx(std, rel=0.05), (w["d_k"], kind)
            else:  # narrower than a bin: nearly every score sits in the middle bins
                middle = np.abs(centres) <= 2 * std + bin_width
                assert heights[middle].sum() > 0.9 * heights.sum(), (w["d_k"], kind)


@pytest.mark.site
def test_script_and_data_fit_the_budget_and_load_on_one_page_only(site):
    """What every load of the page carries stays small; the stops travel only to a reader who uses them."""
    data = explorer_data(site)
    page = "".join((site / path).read_text(encoding="utf-8") for path in (PAGE, WIDTH_PAGE))
    shipped = re.findall(r'<script type="application/json" class="explorer-data">(.*?)</script>', page, re.S)
    script = (site / "_static" / "explorer.js").read_bytes()
    size = len(script) + sum(len(s.encode()) for s in shipped)
    assert len(shipped) == len(data) == 2
    assert size <= BUDGET, f"{size} bytes of JavaScript and data (budget {BUDGET})"
    stops = (site / "_static" / "explorer-temperature.js").read_bytes()
    assert len(gzip.compress(stops)) <= STOPS_BUDGET, "the stops, as a server sends them"
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        loads = "_static/explorer.js" in text
        assert loads == (path.relative_to(site).as_posix() in (PAGE, WIDTH_PAGE)), path
        assert not re.search(r'<script[^>]+src="[^"]*explorer-temperature', text), f"{path} loads the stops"


@pytest.mark.site
def test_without_javascript_the_explorer_is_the_weights_at_sqrt_d_k(site):
    """The static markup: the heatmap at T = √d_k, each cell's text, fill and ink, the row maxima marked."""
    page = (site / PAGE).read_text(encoding="utf-8")
    cell = r'<td class="explorer-cell( is-row-max)?" data-row="(\d)" data-col="(\d)" '
    cell += r'style="background-color:(#\w+);color:(#\w+)">([^<]+)</td>'
    cells = re.findall(cell, page)
    assert len(cells) == EX.n**2
    rows = [cells[i * EX.n : (i + 1) * EX.n] for i in range(EX.n)]  # (marked, i, j, fill, ink, text) each
    marked = [next((j for j, cell in enumerate(row) if cell[0]), None) for row in rows]
    fills, inks, texts = ([[cell[k] for cell in row] for row in rows] for k in (3, 4, 5))
    expect_weights_at(SQRT_D_K, texts, fills, inks, marked)
    assert 'data-t="2.0"' in page and 'class="explorer-controls" hidden' in page


# -- The directives, in a test root built in-process ------------------------------------------
def test_bad_option_values_are_named_and_the_defaults_shown(build_root):
    body = "# Page\n\n```{temperature-explorer}\n:row: dog\n```\n\n```{width-explorer}\n:d-k: 48\n```\n"
    app = build_root("explorer", body)
    warnings = app.warning.getvalue()
    assert "unknown :row: 'dog'; choose one of The, cat, sat, on, mat" in warnings
    assert ":d-k: '48' is not one of 1, 2, 4" in warnings
    page = (app.outdir / "index.html").read_text()
    assert 'data-query="sat"' in page and 'data-d-k="64"' in page


def test_other_builders_leave_the_explorers_out(build_root):
    body = "# Page\n\nBefore.\n\n```{temperature-explorer}\n```\n\n```{width-explorer}\n```\n\nAfter.\n"
    app = build_root("explorer", body, "text")
    assert app.statuscode == 0 and not app.warning.getvalue(), app.warning.getvalue()
    assert (app.outdir / "index.txt").read_text().split() == ["Page", "****", "Before.", "After."]


# -- In the browser ----------------------------------------------------------------------------
def open_page(browser, site_url: str, fragment: str = "", width: int = 1280, path: str = PAGE, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{site_url}/{path}{fragment}", wait_until="networkidle")
    page.errors = errors
    return page


@pytest.fixture
def page(browser, site_url):
    page = open_page(browser, site_url)
    yield page
    assert not page.errors, page.errors
    page.context.close()


@pytest.fixture
def width_page(browser, site_url):
    page = open_page(browser, site_url, path=WIDTH_PAGE)
    yield page
    assert not page.errors, page.errors
    page.context.close()


TEMPERATURE = '[data-explorer="temperature"]'
WIDTH = '[data-explorer="width"]'


def shown(page) -> dict:
    """What the temperature explorer shows, read from the page once its stops have arrived."""
    page.locator(TEMPERATURE).scroll_into_view_if_needed()  # near the screen: the explorer fetches its stops
    page.wait_for_function("() => window.attentionExplorerData && window.attentionExplorerData.temperature")
    return page.evaluate(
        """(selector) => {
            const root = document.querySelector(selector);
            const cells = [...root.querySelectorAll("td[data-row][data-col]")];
            const text = (cell) => cell.textContent.trim();
            const hex = (rgb) => "#" + rgb.match(/\\d+/g).slice(0, 3).map((c) => Number(c).toString(16).padStart(2, "0")).join("");
            const grid = (read) => [0, 1, 2, 3, 4].map((i) => cells.filter((c) => Number(c.dataset.row) === i).map(read));
            return {
                t: root.dataset.t,
                sliders: root.querySelectorAll('input[type="range"]').length,
                valuetext: root.querySelector('input[type="range"]').getAttribute("aria-valuetext"),
                weights: grid(text),
                fills: grid((c) => hex(getComputedStyle(c).backgroundColor)),
                inks: grid((c) => hex(getComputedStyle(c).color)),
                maxima: grid((c) => c.classList.contains("is-row-max")).map((row) => (row.includes(true) ? row.indexOf(true) : null)),
                sums: [...root.querySelectorAll(".explorer-sum")].map(text),
                largest: [...root.querySelectorAll(".explorer-largest")].map(text),
                output: [...root.querySelectorAll(".explorer-out")].map(text),
                pressed: [...root.querySelectorAll("button[aria-pressed=true]")].map((b) => b.textContent),
            };
        }""",
        TEMPERATURE,
    )


def expect_matches_attention(state: dict, query: str) -> None:
    """Every number, colour and mark the explorer shows is attention's, as the clips would draw it."""
    t = float(state["t"])
    weights = attention.softmax(EX.scores / t)  # (n, n)
    assert state["sliders"] == 1
    expect_weights_at(t, state["weights"], state["fills"], state["inks"], state["maxima"])
    assert state["sums"] == [format_number(row.sum()) for row in weights]
    tops = [int(row.argmax()) for row in weights]
    assert state["largest"] == [
        f"{format_number(row[j])} {EX.tokens[j]}" for row, j in zip(weights, tops, strict=True)
    ]
    output = weights[EX.tokens.index(query)] @ EX.v  # (d_v,)
    assert state["output"] == [format_number(v) for v in output]
    assert state["pressed"] == [query]


@pytest.mark.site
@pytest.mark.browser
def test_weights_and_outputs_equal_attention_for_every_query_at_each_t(page):
    """Both ends of the slider, T = 1 and 2, and three stops between (one page: the stops load once)."""
    slider = page.locator(f'{TEMPERATURE} input[type="range"]')
    for step in (-48, -24, -7, 0, 24, 41, 96):
        slider.fill(str(step))
        assert float(shown(page)["t"]) == pytest.approx(2 ** (step / STEPS), rel=1e-12), step
        for query in EX.tokens:
            page.locator(f"{TEMPERATURE} button.explorer-pick", has_text=re.compile(f"^{query}$")).click()
            expect_matches_attention(shown(page), query)


@pytest.mark.site
@pytest.mark.browser
def test_the_stops_travel_only_when_the_explorer_nears_the_screen(browser, site_url):
    """A reader who never scrolls to the explorer never downloads its numbers."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: "explorer-temperature" in request.url and asked.append(request.url))
    page.goto(f"{site_url}/{PAGE}", wait_until="networkidle")
    assert asked == [], "the stops load with the page"
    page.locator(TEMPERATURE).scroll_into_view_if_needed()
    page.wait_for_function("() => window.attentionExplorerData && window.attentionExplorerData.temperature")
    assert len(asked) == 1 and "?v=" in asked[0], asked  # once, at an address that changes with the numbers
    context.close()


@pytest.mark.site
@pytest.mark.browser
def test_the_slider_starts_at_sqrt_d_k_and_spans_a_quarter_to_sixteen(page):
    state = shown(page)
    assert float(state["t"]) == SQRT_D_K
    assert state["valuetext"] == f"T = {format_number(SQRT_D_K)} (sqrt(d_k))"
    expect_matches_attention(state, "sat")
    slider = page.locator(f'{TEMPERATURE} input[type="range"]')
    slider.focus()
    page.keyboard.press("Home")
    assert (float(shown(page)["t"]), shown(page)["valuetext"]) == (0.25, "T = 0.25")
    page.keyboard.press("End")
    assert (float(shown(page)["t"]), shown(page)["valuetext"]) == (16, "T = 16.00")
    mark = page.locator(f"{TEMPERATURE} .explorer-mark")
    assert mark.is_visible() and "√d_k = 2.00" in mark.inner_text()


@pytest.mark.site
@pytest.mark.browser
def test_keyboard_alone_moves_t_picks_a_query_and_goes_back_to_sqrt_d_k(page):
    slider = page.locator(f'{TEMPERATURE} input[type="range"]')
    for _ in range(400):  # Tab from the top of the page until the slider has the focus
        page.keyboard.press("Tab")
        if slider.evaluate("(el) => el === document.activeElement"):
            break
    else:
        pytest.fail("the T slider cannot be reached with Tab")
    for _ in range(24):
        page.keyboard.press("ArrowLeft")  # 24 stops down: T halves
    assert float(shown(page)["t"]) == pytest.approx(SQRT_D_K / 2, rel=1e-12)
    page.keyboard.press("Tab")  # the "Back to T = √d_k" button
    page.keyboard.press("Enter")
    assert float(shown(page)["t"]) == SQRT_D_K
    page.keyboard.press("ArrowLeft")  # (focus stays on the button: arrows do not move T)
    assert float(shown(page)["t"]) == SQRT_D_K
    for _ in range(4):  # The, cat, sat, on
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "on"
    page.keyboard.press("Space")
    expect_matches_attention(shown(page), "on")
    status = page.locator(f"{TEMPERATURE} [role=status]").inner_text()
    assert (
        status
        == f"At T = 2.00, “on” gives its largest weight, {format_number(EX.weights[3].max())}, to “mat”."
    )


@pytest.mark.site
@pytest.mark.browser
def test_a_link_restores_t_and_the_query_and_moving_t_writes_the_link(browser, site_url):
    page = open_page(browser, site_url, "#explore-t=1.0&row=sat")
    state = shown(page)
    assert state["t"] == "1" and state["valuetext"] == "T = 1.00"
    expect_matches_attention(state, "sat")
    box = page.locator(TEMPERATURE).bounding_box()
    assert 0 <= box["y"] < 200, "the link scrolls the explorer to the top of the window"

    page.goto(f"{site_url}/{PAGE}#explore-t=1.3&row=MAT")  # hashchange on the same page
    state = shown(page)
    assert float(state["t"]) == 2 ** (9 / STEPS)  # the nearest stop, 1.297, and the reader is told so
    expect_matches_attention(state, "mat")
    note = page.locator(f"{TEMPERATURE} [role=status]").inner_text()
    assert note == "The link's T = 1.3 falls between the slider's stops; showing the nearest, T = 1.297."

    page.locator(f'{TEMPERATURE} input[type="range"]').fill("-24")  # T = 0.5
    page.locator(f"{TEMPERATURE} button.explorer-pick", has_text=re.compile("^cat$")).click()
    assert page.evaluate("location.hash") == "#explore-t=0.5&row=cat"
    page.reload(wait_until="networkidle")
    state = shown(page)
    assert state["t"] == "0.5"
    expect_matches_attention(state, "cat")
    assert not page.errors, page.errors
    page.context.close()


@pytest.mark.site
@pytest.mark.browser
def test_a_link_with_bad_values_says_so_and_shows_the_nearest_state(browser, site_url):
    page = open_page(browser, site_url, "#explore-t=100&row=dog")
    state = shown(page)
    assert state["t"] == "16"
    expect_matches_attention(state, "sat")
    note = page.locator(f"{TEMPERATURE} [role=status]").inner_text()
    assert "T = 100 is outside 0.25 to 16" in note and "row “dog” is not a token" in note
    assert not page.errors, page.errors
    page.context.close()
    page = open_page(browser, site_url, "#explore-dk=48", path=WIDTH_PAGE)
    assert "d_k = “48” is not one of 1, 2, 4" in page.locator(f"{WIDTH} [role=status]").inner_text()
    assert not page.errors, page.errors
    page.context.close()


def width_shown(page) -> dict:
    return page.evaluate(
        """(selector) => {
            const root = document.querySelector(selector);
            return {
                d_k: Number(root.dataset.dK),
                valuetext: root.querySelector('input[type="range"]').getAttribute("aria-valuetext"),
                stats: Object.fromEntries([...root.querySelectorAll("[data-stat]")].map((c) => [c.dataset.stat, c.textContent.trim()])),
                texts: [...root.querySelectorAll(".explorer-histogram-text")].map((p) => p.textContent),
                bars: [...root.querySelectorAll("[data-histogram=raw] rect")].map((r) => Number(r.getAttribute("height"))),
            };
        }""",
        WIDTH,
    )


@pytest.mark.site
@pytest.mark.browser
def test_width_statistics_equal_scaling_demo_for_every_d_k(width_page):
    page = width_page
    rows = attention.scaling_demo(d_ks=tuple(D_KS))
    slider = page.locator(f'{WIDTH} input[type="range"]')
    spreads = []
    for index, row in enumerate(rows):
        slider.fill(str(index))
        state = width_shown(page)
        assert (state["d_k"], state["valuetext"]) == (row.d_k, f"d_k = {row.d_k}")
        assert len(state["stats"]) == len(STATS)
        for stem, digits in STAT_ROWS:
            for name in (f"{stem}_unscaled", f"{stem}_scaled"):
                assert state["stats"][name] == format_number(getattr(row, name), digits), (row.d_k, name)
        assert f"standard deviation {format_number(row.std_unscaled)}." in state["texts"][0]
        assert f"standard deviation {format_number(row.std_scaled)}." in state["texts"][1]
        spreads.append(sum(height > 0 for height in state["bars"]))
    assert spreads == sorted(spreads) and spreads[-1] > 4 * spreads[0], "raw scores spread as d_k grows"


@pytest.mark.site
@pytest.mark.browser
def test_width_link_restores_d_k_and_keyboard_moves_it(browser, site_url):
    page = open_page(browser, site_url, "#explore-dk=1024", path=WIDTH_PAGE)
    assert width_shown(page)["d_k"] == 1024
    page.locator(f'{WIDTH} input[type="range"]').focus()
    page.keyboard.press("ArrowLeft")
    assert width_shown(page)["d_k"] == 512
    assert page.evaluate("location.hash") == "#explore-dk=512"
    page.keyboard.press("Home")
    assert width_shown(page)["valuetext"] == "d_k = 1"
    assert not page.errors, page.errors
    page.context.close()


@pytest.mark.site
@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "selector", "fragment"),
    [(PAGE, TEMPERATURE, "#explore-t=0.5&row=on"), (WIDTH_PAGE, WIDTH, "")],
    ids=["temperature", "width"],
)
def test_no_serious_accessibility_violations_in_either_theme_at_either_width(
    path, selector, fragment, browser, site_url
):
    """The explorer alone (tests/test_site_browser.py runs axe on every whole page), after one load:
    the theme is switched as furo's toggle switches it, and the window resized, between the checks."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, site_url, fragment, path=path)
    found, backgrounds = [], set()
    for theme, width in itertools.product(("light", "dark"), (1280, 390)):
        show_as(page, theme, width)
        backgrounds.add(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        results = Axe().run(page, context={"include": [[selector]]}, options={"rules": WITH_TARGET_SIZE})
        checked = {rule["id"] for rule in results.response["passes"]}
        wanted = {"color-contrast", "label"} | ({"button-name"} if selector == TEMPERATURE else set())
        assert wanted <= checked, f"axe found the cells and controls of {selector}"
        found += [
            f"[{theme} {width}px] {v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert len(backgrounds) == 2, f"the theme did not switch: {backgrounds}"
    assert not found, "\n".join(found)
    assert not page.errors, page.errors
    page.context.close()


@pytest.mark.site
@pytest.mark.browser
def test_at_390_px_nothing_spills_sideways(browser, site_url):
    for path, selector in ((PAGE, TEMPERATURE), (WIDTH_PAGE, WIDTH)):
        page = open_page(browser, site_url, width=390, path=path)
        fits = page.locator(selector).evaluate("(el) => el.scrollWidth <= el.clientWidth")
        assert fits, f"{selector} is wider than its box at 390 px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.context.close()


@pytest.mark.site
@pytest.mark.browser
def test_without_javascript_the_page_keeps_its_tables_and_hides_the_controls(browser, site_url):
    page = open_page(browser, site_url, java_script_enabled=False)
    assert page.locator(f'{TEMPERATURE} input[type="range"]').is_hidden()
    assert page.locator(f"{TEMPERATURE} td[data-col]").count() == EX.n**2
    assert page.locator("table.example-weights").is_visible()
    assert page.locator("table.scaling-table").first.is_visible()
    page.context.close()
    page = open_page(browser, site_url, java_script_enabled=False, path=WIDTH_PAGE)
    assert page.locator(f'{WIDTH} input[type="range"]').is_hidden()
    assert page.locator("table.scaling-table").is_visible()
    page.context.close()
