"""The page "A trained head": what its prose claims about the heads holds for the shipped weights.

The prose names heads by role (the substitutions pick each role's head by its score) and
describes what their heatmaps show; these tests fail if a retrained model stops fitting
those words. They read the shipped weights and train nothing.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from attention.head_scores import head_name
from attention.induction_task import VOCAB, token_label
from attention_site.trained_head import heatmap_svg, substitutions, trained_head
from scenes.formats import row_maximum


@pytest.fixture(scope="module")
def facts():
    return trained_head()


def share_of_rows(weights: np.ndarray, rows, target) -> float:
    """The share of ``rows`` whose outlined maximum is at column ``target(row)``."""
    return float(np.mean([row_maximum(weights[i, : i + 1]) == target(i) for i in rows]))


def test_layer0_has_a_previous_token_head_and_a_duplicate_token_head(facts):
    previous, duplicate = facts.best(0, "previous_token"), facts.best(0, "duplicate_token")
    assert previous.head != duplicate.head
    assert previous.previous_token >= 0.4 and duplicate.duplicate_token >= 0.4


def test_both_layer1_heads_are_induction_heads(facts):
    assert all(s.induction >= 0.4 for s in facts.scores if s.layer == 1)


def test_the_heatmaps_show_the_stripes_the_page_describes(facts):
    """On the shown sequence: previous-token maxima beside the diagonal; in the repeat, the others' stripes."""
    length, second = int(facts.shown.length[0]), int(facts.shown.second[0])
    repeat = range(second, second + length)
    previous, duplicate = facts.best(0, "previous_token"), facts.best(0, "duplicate_token")
    n = facts.shown.tokens.shape[1]
    assert share_of_rows(facts.shown_attention[0][previous.head], range(1, n), lambda i: i - 1) > 0.5
    assert share_of_rows(facts.shown_attention[0][duplicate.head], repeat, lambda i: i - length) > 0.5
    for head in range(2):
        assert share_of_rows(facts.shown_attention[1][head], repeat, lambda i: i - length + 1) > 0.5


def test_silencing_shows_what_the_page_says(facts):
    previous = facts.best(0, "previous_token")
    without_previous = facts.silenced[((previous.layer, previous.head),)]
    alone = [facts.silenced[((1, head),)] for head in range(2)]
    assert without_previous < min(alone), "the previous-token head matters more than either induction head"
    assert min(alone) > 0.75, "the induction heads share the work: either alone keeps most of the accuracy"
    assert facts.silenced[((1, 0), (1, 1))] < 2 / VOCAB, "without both, accuracy is near chance"


def test_the_induction_heads_depend_on_layer0_as_the_page_says(facts):
    """Silencing the previous-token head takes the induction away; the duplicate-token head matters too."""
    intact = [s.induction for s in facts.scores if s.layer == 1]
    previous, duplicate = facts.best(0, "previous_token"), facts.best(0, "duplicate_token")
    assert all(
        after < before / 2
        for before, after in zip(intact, facts.induction_without[previous.head], strict=True)
    )
    assert any(
        after < before * 2 / 3
        for before, after in zip(intact, facts.induction_without[duplicate.head], strict=True)
    )


def test_only_the_keys_carry_the_previous_token_head(facts):
    """The page's K-composition table: hidden from keys, copying fails; from queries or values, it holds."""
    previous = facts.best(0, "previous_token")
    intact = facts.evaluation.copy_accuracy
    assert facts.routes[(previous.head, "key")].copy_accuracy < intact / 2
    for inputs in ("query", "value"):
        assert facts.routes[(previous.head, inputs)].copy_accuracy > 0.95 * intact


def test_the_duplicate_token_head_feeds_the_weaker_induction_head_through_its_queries(facts):
    duplicate = facts.best(0, "duplicate_token")
    weaker = min((s for s in facts.scores if s.layer == 1), key=lambda s: s.induction)
    query = facts.routes[(duplicate.head, "query")].induction[weaker.head]
    key = facts.routes[(duplicate.head, "key")].induction[weaker.head]
    assert query < key < weaker.induction


def test_the_stronger_induction_heads_stripe_is_complete_and_the_weakers_is_not(facts):
    length, second = int(facts.shown.length[0]), int(facts.shown.second[0])
    repeat = range(second, second + length)
    ranked = sorted((s for s in facts.scores if s.layer == 1), key=lambda s: -s.induction)
    shares = [
        share_of_rows(facts.shown_attention[1][s.head], repeat, lambda i: i - length + 1) for s in ranked
    ]
    assert shares[0] == 1.0 and shares[1] < 1.0


def test_where_nothing_can_be_copied_the_model_does_a_little_worse_than_guessing(facts):
    assert math.log(VOCAB) < facts.evaluation.noncopyable_loss < math.log(VOCAB) + 0.5


def test_every_substitution_the_page_uses_is_defined():
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "trained-head.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\{\{\s*(th_\w+)\s*\}\}", page))
    assert used and used <= set(substitutions())


def test_a_heatmap_is_valid_svg_with_a_text_alternative_and_an_outline_per_untied_row(facts):
    labels = [token_label(int(t)) for t in facts.shown.tokens[0]]
    weights = facts.shown_attention[1][1]
    svg = heatmap_svg(weights, labels, head_name(1, 1), {"first": (4, 10), "repeat": (11, 17)})
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("aria-labelledby") == "L1H1-title L1H1-desc"
    desc = root.find(f"{ns}desc").text
    assert desc.count("→") == len(labels)
    untied = sum(row_maximum(weights[i, : i + 1]) is not None for i in range(len(labels)))
    outline = next(p for p in root.iter(f"{ns}path") if p.get("fill") == "none")
    assert outline.get("d").count("M") == untied
    assert len(svg.encode()) < 8_000  # four heads stay a small part of the page's 200 KB budget
