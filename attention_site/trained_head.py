"""The page "A trained head": the tiny model's heatmaps, scores and ablations, computed when the site builds.

- ``trained-head-heatmaps``: each head's attention weights on the one held-out
  sequence the page shows (:func:`attention.head_scores.shown_sequence`), as inline
  SVG heatmaps (viridis from 0 to 1, each row's largest weight outlined by the one
  tie rule), with the strongest key of each query as their text description.
- ``trained-head-scores``: every head's previous-token, duplicate-token and induction
  score and the copy accuracy with the head silenced, on the held-out sequences.
- :func:`substitutions`: the numbers the page's prose quotes, as ``th_*`` names.

Nothing is trained here: the weights are the package's shipped file.
"""

from __future__ import annotations

import functools
import html
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from attention.head_scores import (
    Evaluation,
    HeadScores,
    RouteCut,
    cut_route,
    evaluate,
    head_name,
    head_scores,
    held_out,
    shown_sequence,
    silenced_accuracy,
)
from attention.induction_task import VOCAB, RepeatedRuns, token_label
from attention.tiny_model import LAYER1_INPUTS, N_HEADS, N_LAYERS, load, run, shipped_path, weight_shapes
from scenes.formats import format_number, format_share, row_maximum
from scenes.palette import HIGHLIGHT, viridis_hex

from .languages import pick
from .node_helpers import caption, table
from .sources import NUMBER_FORMATS, NUMBERS, note_sources

#: What the directives write, by the build's language (the page's prose goes through the catalogs;
#: these words are generated, so they are kept here, in the glossary's terms).
WORDS = {
    "en": {
        "scores": ("previous-token", "duplicate-token", "induction"),
        "headers": ("head", "previous-token", "duplicate-token", "induction", "copy accuracy without it"),
        "title": "attention weights on the shown sequence",
        "strongest": "Strongest key of each query (position, token)",
        "tied": "tied",
        "elsewhere": "The heatmaps are drawn in the HTML version of this page.",
    },
    "zh_TW": {
        "scores": ("前一 token", "重複 token", "歸納"),
        "headers": ("注意力頭", "前一 token", "重複 token", "歸納", "停用後的複製正確率"),
        "title": "在所示序列上的注意力權重",
        "strongest": "每個查詢向量最關注的鍵向量（位置、token）",
        "tied": "並列",
        "elsewhere": "熱度圖繪製在本頁的 HTML 版本中。",
    },
}


def words(language: str | None) -> dict:
    """The directives' words in the build's language (English for anything but zh_TW)."""
    return pick(WORDS, language)


#: The heatmap's geometry in SVG user units (it scales to its box): a 25 x 25 grid of
#: 12-unit cells after a margin for the token labels. At a 390 px phone's column a cell
#: is about 13 px and a label about 10 px high.
CELL, MARGIN = 12, 30
LEVELS = 64  #: colour steps from weight 0 to 1


@dataclass(frozen=True)
class TrainedHead:
    """Everything the page shows, measured once per build."""

    scores: list[HeadScores]  # (layer 0, head 0), (0, 1), (1, 0), (1, 1)
    evaluation: Evaluation
    silenced: dict[tuple[tuple[int, int], ...], float]  # heads silenced -> copy accuracy
    shown: RepeatedRuns  # one sequence
    shown_attention: tuple[np.ndarray, ...]  # per layer, (N_HEADS, n, n)
    layer1_start_share: float  # layer 1's mean weight on <s> from the positions outside the repeat
    induction_without: dict[int, list[float]]  # layer 0's head h silenced -> layer 1's induction scores
    routes: dict[
        tuple[int, str], RouteCut
    ]  # (layer-0 head, layer-1 input) -> the head hidden from that input

    def best(self, layer: int, score: str) -> HeadScores:
        """The head of ``layer`` with the highest ``score`` (a field of :class:`HeadScores`)."""
        return max((s for s in self.scores if s.layer == layer), key=lambda s: getattr(s, score))


@functools.cache
def trained_head() -> TrainedHead:
    """The shipped model measured on the held-out sequences (about 2 s; once per process)."""
    model, runs = load(), held_out()
    heads = [(layer, head) for layer in range(N_LAYERS) for head in range(N_HEADS)]
    groups = [(h,) for h in heads] + [tuple(h for h in heads if h[0] == layer) for layer in range(N_LAYERS)]
    shown = shown_sequence()
    layer1 = run(model, runs.tokens).attention[1]  # (B, N_HEADS, n, n)
    outside = np.ones(runs.tokens.shape, dtype=bool)  # (B, n): positions 1.. that are not in the repeat
    outside[:, 0] = False
    outside[runs.repeat_positions()] = False
    return TrainedHead(
        scores=head_scores(model, runs),
        evaluation=evaluate(model, runs),
        silenced={group: silenced_accuracy(model, runs, *group) for group in groups},
        shown=shown,
        shown_attention=tuple(layer[0] for layer in run(model, shown.tokens).attention),
        layer1_start_share=float(layer1[:, :, :, 0].transpose(0, 2, 1)[outside].mean()),
        induction_without={
            head: [s.induction for s in head_scores(model.without_head(0, head), runs) if s.layer == 1]
            for head in range(N_HEADS)
        },
        routes={
            (head, inputs): cut_route(model, runs, head, inputs)
            for head in range(N_HEADS)
            for inputs in LAYER1_INPUTS
        },
    )


def substitutions() -> dict[str, str]:
    """The numbers the page quotes, by name; heads are named by the role their scores give them.

    >>> values = substitutions()
    >>> values["th_params"], values["th_prev_head"], values["th_vocab"]
    ('10,048', 'L0H0', '16')
    """
    facts = trained_head()
    previous, duplicate = facts.best(0, "previous_token"), facts.best(0, "duplicate_token")
    inductions = sorted((s for s in facts.scores if s.layer == 1), key=lambda s: -s.induction)
    shown = facts.shown
    first, length = int(shown.first[0]), int(shown.length[0])
    values = {
        "th_params": f"{sum(int(np.prod(shape)) for shape in weight_shapes().values()):,}",
        "th_file_kb": f"{shipped_path().stat().st_size / 1000:.0f} KB",
        "th_vocab": str(VOCAB),
        "th_held_out": f"{len(held_out().tokens):,}",
        "th_loss": format_number(facts.evaluation.loss),
        "th_noncopyable_loss": format_number(facts.evaluation.noncopyable_loss),
        "th_uniform_loss": format_number(math.log(VOCAB)),
        "th_copy_loss": format_number(facts.evaluation.copy_loss),
        "th_copy_accuracy": format_share(facts.evaluation.copy_accuracy),
        "th_chance": format_share(1 / VOCAB),
        "th_layer1_start_share": format_share(facts.layer1_start_share),
        "th_prev_head": head_name(previous.layer, previous.head),
        "th_prev_score": format_number(previous.previous_token),
        "th_without_prev": format_share(facts.silenced[((previous.layer, previous.head),)]),
        "th_dup_head": head_name(duplicate.layer, duplicate.head),
        "th_dup_score": format_number(duplicate.duplicate_token),
        "th_without_dup": format_share(facts.silenced[((duplicate.layer, duplicate.head),)]),
        "th_without_layer1": format_share(facts.silenced[((1, 0), (1, 1))]),
        # As inline code: MyST parses a substitution as Markdown, where a bare <s> is an HTML tag.
        "th_shown_sequence": "`" + " ".join(token_label(int(t)) for t in shown.tokens[0]) + "`",
        "th_shown_run": "`"
        + " ".join(token_label(int(t)) for t in shown.tokens[0, first : first + length])
        + "`",
        "th_shown_first": str(first),
        "th_shown_second": str(first + length),
        "th_shown_length": str(length),
    }
    for rank, head in enumerate(inductions):
        values[f"th_induction_head_{rank}"] = head_name(head.layer, head.head)
        values[f"th_induction_score_{rank}"] = format_number(head.induction)
        values[f"th_without_induction_{rank}"] = format_share(facts.silenced[((head.layer, head.head),)])
        for role, layer0 in (("prev", previous), ("dup", duplicate)):
            score = facts.induction_without[layer0.head][head.head]
            values[f"th_induction_{rank}_without_{role}"] = format_number(score)
            for inputs in LAYER1_INPUTS:
                cut = facts.routes[(layer0.head, inputs)]
                values[f"th_induction_{rank}_{role}_{inputs}_cut"] = format_number(cut.induction[head.head])
    for role, layer0 in (("prev", previous), ("dup", duplicate)):
        for inputs in LAYER1_INPUTS:
            values[f"th_{role}_{inputs}_cut"] = format_share(
                facts.routes[(layer0.head, inputs)].copy_accuracy
            )
    return values


def heatmap_svg(
    weights: np.ndarray, labels: list[str], name: str, marks: dict[str, tuple[int, int]], language: str = "en"
) -> str:
    """One head's (n, n) weights as an SVG heatmap: rows are queries, columns keys, 0 dark to 1 bright.

    Colours take ``LEVELS`` steps (finer than the eye tells viridis apart), cells of one
    colour share one path, the lowest level is one triangle under them all and the
    masked upper triangle is left blank, so a 25 x 25 head weighs a few kilobytes.
    ``marks`` names spans of positions (first, last) to underline along both axes.
    """
    said = words(language)
    n = len(labels)
    size = MARGIN + n * CELL
    cells: dict[int, list[str]] = defaultdict(list)
    outlines = []
    strongest = []
    for i in range(n):
        row = weights[i, : i + 1]  # the causal mask leaves the rest at exactly 0
        for j, weight in enumerate(row):
            level = round(float(weight) * LEVELS)
            if level:
                cells[level].append(f"M{MARGIN + j * CELL} {MARGIN + i * CELL}h{CELL}v{CELL}h-{CELL}z")
        top = row_maximum(row)
        if top is not None:
            outlines.append(
                f"M{MARGIN + top * CELL + 1} {MARGIN + i * CELL + 1}h{CELL - 2}v{CELL - 2}h-{CELL - 2}z"
            )
        strongest.append(f"{i} {labels[i]} → " + (said["tied"] if top is None else f"{top} {labels[top]}"))
    title_id, desc_id = f"{name}-title", f"{name}-desc"
    parts = [
        f'<svg class="trained-heatmap" viewBox="0 0 {size} {size}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{name}: {said["title"]}</title>',
        f'<desc id="{desc_id}">{said["strongest"]}: {html.escape("; ".join(strongest))}.</desc>',
        f'<path fill="{viridis_hex(0.0)}" d="M{MARGIN} {MARGIN}h{CELL}V{size}H{MARGIN}z'
        + "".join(f"M{MARGIN + k * CELL} {MARGIN + k * CELL}h{CELL}V{size}h-{CELL}z" for k in range(1, n))
        + '"/>',
    ]
    parts += [
        f'<path fill="{viridis_hex(level / LEVELS)}" d="{"".join(cells[level])}"/>' for level in sorted(cells)
    ]
    parts.append(f'<path fill="none" stroke="{HIGHLIGHT}" stroke-width="2" d="{"".join(outlines)}"/>')
    for span, (first, last) in marks.items():
        start, end = MARGIN + first * CELL, MARGIN + (last + 1) * CELL
        parts.append(f'<path class="th-span th-span-{span}" d="M{start} 3H{end}M3 {start}V{end}"/>')
    # One text per axis, a glyph per cell (each with its own x and y: a glyph without one would
    # follow the previous glyph). The three-glyph <s> is drawn on its own, its column label a line higher.
    centres = [MARGIN + k * CELL + CELL / 2 for k in range(n)]
    single = [k for k, label in enumerate(labels) if len(label) == 1]
    letters = html.escape("".join(labels[k] for k in single))
    across = " ".join(f"{centres[k]:g}" for k in single)
    down = " ".join(f"{centres[k] + 3.5:g}" for k in single)
    above, beside = " ".join([str(MARGIN - 6)] * len(single)), " ".join([str(MARGIN - 4)] * len(single))
    parts.append(f'<text x="{across}" y="{above}" text-anchor="middle">{letters}</text>')
    parts.append(f'<text x="{beside}" y="{down}" text-anchor="end">{letters}</text>')
    for k, label in enumerate(labels):
        if len(label) > 1:
            parts.append(
                f'<text x="{centres[k]:g}" y="{MARGIN - 17}" text-anchor="middle">{html.escape(label)}</text>'
            )
            parts.append(
                f'<text x="{MARGIN - 4}" y="{centres[k] + 3.5:g}" text-anchor="end">{html.escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


class TrainedHeadHeatmaps(SphinxDirective):
    """``trained-head-heatmaps``: the four heads on the shown sequence, each with a one-line caption."""

    option_spec = {"caption": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        note_sources(self, NUMBERS, NUMBER_FORMATS)
        facts = trained_head()
        shown = facts.shown
        first, length = int(shown.first[0]), int(shown.length[0])
        labels = [token_label(int(t)) for t in shown.tokens[0]]
        marks = {"first": (first, first + length - 1), "repeat": (first + length, first + 2 * length - 1)}
        said = words(self.config.language)
        previous, duplicate, induction = said["scores"]
        grid = nodes.container(classes=["trained-heatmaps"])
        for score in facts.scores:
            name = head_name(score.layer, score.head)
            figure = nodes.container(classes=["trained-heatmap-figure"])
            weights = facts.shown_attention[score.layer][score.head]
            svg = heatmap_svg(weights, labels, name, marks, self.config.language or "en")
            figure += nodes.raw("", svg, format="html")
            figure += nodes.paragraph(
                "",
                "",
                nodes.strong("", name),
                nodes.Text(
                    f": {previous} {format_number(score.previous_token)}, "
                    f"{duplicate} {format_number(score.duplicate_token)}, "
                    f"{induction} {format_number(score.induction)}"
                ),
                classes=["trained-heatmap-caption"],
            )
            grid += figure
        result: list[nodes.Node] = [grid]
        if "caption" in self.options:
            text_nodes, _ = self.state.inline_text(self.options["caption"], self.lineno)
            result.append(nodes.paragraph("", "", *text_nodes, classes=["trained-heatmaps-caption"]))
        elsewhere = addnodes.only(expr="not html")
        elsewhere += nodes.paragraph("", said["elsewhere"])
        result.append(elsewhere)
        return result


class TrainedHeadScores(SphinxDirective):
    """``trained-head-scores``: each head's three scores and the copy accuracy without it."""

    option_spec = {"caption": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        note_sources(self, NUMBERS, NUMBER_FORMATS)
        facts = trained_head()
        headers = words(self.config.language)["headers"]
        rows = [
            [
                nodes.strong("", head_name(s.layer, s.head)),
                nodes.Text(format_number(s.previous_token)),
                nodes.Text(format_number(s.duplicate_token)),
                nodes.Text(format_number(s.induction)),
                nodes.Text(format_share(facts.silenced[((s.layer, s.head),)])),
            ]
            for s in facts.scores
        ]
        return [table([nodes.Text(h) for h in headers], rows, ["trained-head-scores"], title=caption(self))]
