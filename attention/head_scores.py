"""What a trained head does, measured: previous-token and induction scores, loss and accuracy.

The two scores are the standard ones (Olsson et al., 2022, "In-context learning and
induction heads"), computed from a head's attention weights ``(B, n, n)``:

- **previous-token score**: the mean weight a query puts on the position just
  before it;
- **induction score**: over the repeat, the mean weight a query puts on the
  position *after* the earlier occurrence of its own token, where the next token
  can be copied from;
- **duplicate-token score**: over the repeat, the mean weight a query puts on the
  earlier occurrence of its own token itself.

A head that always does its job scores 1; a head that spreads its weight evenly
over ``n`` earlier positions scores about ``1/n`` on both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import softmax
from .induction_task import RepeatedRuns, repeated_runs
from .tiny_model import N_HEADS, N_LAYERS, TinyModel, run, run_without_route

# The held-out sequences every reported number is measured on; training draws its own from Recipe.seed + 1.
HELD_OUT, HELD_OUT_SEED = 2000, 2017


def previous_token_score(weights) -> float:
    """Mean attention from each position ``t >= 1`` to ``t - 1``; ``weights`` is (B, n, n) or (n, n).

    >>> previous_token_score(np.eye(4, k=-1) + np.eye(4, k=0) * [1, 0, 0, 0])
    1.0
    >>> round(previous_token_score(np.tril(np.ones((3, 3))) / [[1], [2], [3]]), 3)  # uniform: (1/2 + 1/3) / 2
    0.417
    """
    weights = _square(weights)
    n = weights.shape[-1]
    return float(weights[:, np.arange(1, n), np.arange(n - 1)].mean())


def induction_score(weights, runs: RepeatedRuns) -> float:
    """Mean attention, over the repeat, from each position to the one after its token's earlier occurrence.

    In the repeat, position ``t`` holds the token that sat at ``t - length``; the
    token after that occurrence sits at ``t - length + 1``.

    >>> from attention.induction_task import repeated_runs
    >>> runs = repeated_runs(1, seed=0)
    >>> n, L = 25, int(runs.length[0])
    >>> copier = np.zeros((1, n, n))
    >>> b, t = runs.repeat_positions()
    >>> copier[b, t, t - L + 1] = 1.0
    >>> induction_score(copier, runs)
    1.0
    """
    weights = _square(weights)
    b, t = runs.repeat_positions()
    return float(weights[b, t, t - runs.length[b] + 1].mean())


def duplicate_token_score(weights, runs: RepeatedRuns) -> float:
    """Mean attention, over the repeat, from each position to its token's earlier occurrence (``t - length``).

    >>> from attention.induction_task import repeated_runs
    >>> runs = repeated_runs(1, seed=0)
    >>> looker = np.zeros((1, 25, 25))
    >>> b, t = runs.repeat_positions()
    >>> looker[b, t, t - runs.length[b]] = 1.0
    >>> duplicate_token_score(looker, runs), induction_score(looker, runs)
    (1.0, 0.0)
    """
    weights = _square(weights)
    b, t = runs.repeat_positions()
    return float(weights[b, t, t - runs.length[b]].mean())


def head_name(layer: int, head: int) -> str:
    """``L1H0`` is layer 1's head 0: the interpretability literature's shorthand.

    >>> head_name(1, 0)
    'L1H0'
    """
    return f"L{layer}H{head}"


@dataclass(frozen=True)
class HeadScores:
    """One head's scores on a batch."""

    layer: int
    head: int
    previous_token: float
    induction: float
    duplicate_token: float


def head_scores(model: TinyModel, runs: RepeatedRuns) -> list[HeadScores]:
    """Both scores of every head, in order ``(layer 0, head 0), (0, 1), (1, 0), (1, 1)``."""
    attention = run(model, runs.tokens).attention
    return [
        HeadScores(
            layer,
            head,
            previous_token_score(attention[layer][:, head]),
            induction_score(attention[layer][:, head], runs),
            duplicate_token_score(attention[layer][:, head], runs),
        )
        for layer in range(N_LAYERS)
        for head in range(N_HEADS)
    ]


@dataclass(frozen=True)
class Evaluation:
    """How well a model predicts the next token of held-out sequences."""

    loss: float  # mean cross-entropy (nats) over every position
    copy_loss: float  # the same, over the copyable positions only
    noncopyable_loss: float  # the same, over the positions where nothing can be copied
    copy_accuracy: float  # share of copyable positions whose most likely next token is right


def evaluate(model: TinyModel, runs: RepeatedRuns) -> Evaluation:
    """Loss over all positions, and loss and accuracy where the next token can be copied.

    A model that guesses uniformly has loss ln 16 = 2.77 and copy accuracy 1/16.
    """
    logits = run(model, runs.tokens).logits[:, :-1]  # (B, n-1, VOCAB): position t predicts t + 1
    targets = runs.tokens[:, 1:]
    log_p = np.log(softmax(logits))
    right = np.take_along_axis(log_p, targets[..., None], -1)[..., 0]  # (B, n-1)
    b, t = runs.copyable_positions()
    elsewhere = np.ones(right.shape, dtype=bool)  # (B, n-1)
    elsewhere[b, t] = False
    return Evaluation(
        loss=float(-right.mean()),
        copy_loss=float(-right[b, t].mean()),
        noncopyable_loss=float(-right[elsewhere].mean()),
        copy_accuracy=float((logits[b, t].argmax(-1) == targets[b, t]).mean()),
    )


def silenced_accuracy(model: TinyModel, runs: RepeatedRuns, *heads: tuple[int, int]) -> float:
    """Copy accuracy with the given ``(layer, head)`` pairs silenced (see :meth:`TinyModel.without_head`).

    What a heatmap cannot say: how much the model's answers depend on the head.
    """
    for layer, head in heads:
        model = model.without_head(layer, head)
    return evaluate(model, runs).copy_accuracy


@dataclass(frozen=True)
class RouteCut:
    """What hiding a layer-0 head from one input of layer 1 does (see :func:`~attention.tiny_model.run_without_route`)."""

    head: int  # the layer-0 head hidden
    inputs: str  # "query", "key" or "value" of layer 1
    copy_accuracy: float
    induction: tuple[float, ...]  # each layer-1 head's induction score


def cut_route(model: TinyModel, runs: RepeatedRuns, head: int, inputs: str) -> RouteCut:
    """Copy accuracy and layer 1's induction scores with layer 0's ``head`` hidden from layer 1's ``inputs``."""
    out = run_without_route(model, runs.tokens, head, inputs)
    b, t = runs.copyable_positions()
    accuracy = float((out.logits[b, t].argmax(-1) == runs.tokens[b, t + 1]).mean())
    induction = tuple(induction_score(out.attention[1][:, h], runs) for h in range(N_HEADS))
    return RouteCut(head, inputs, accuracy, induction)


def held_out() -> RepeatedRuns:
    """The held-out sequences every reported number is measured on (never seen in training).

    >>> held_out().tokens.shape
    (2000, 25)
    """
    return repeated_runs(HELD_OUT, seed=HELD_OUT_SEED)


def shown_sequence() -> RepeatedRuns:
    """The one held-out sequence the page and the clip show: the first, a run of 7 with filler on both sides.

    >>> shown = shown_sequence()
    >>> int(shown.length[0]), int(shown.first[0])
    (7, 4)
    """
    runs = held_out()
    return RepeatedRuns(tokens=runs.tokens[:1], first=runs.first[:1], length=runs.length[:1])


def _square(weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if weights.ndim == 2:
        weights = weights[None]
    if weights.ndim != 3 or weights.shape[-1] != weights.shape[-2] or weights.shape[-1] < 2:
        raise ValueError(
            f"a head's attention weights are (B, n, n) or (n, n) with n >= 2; got shape {weights.shape}."
        )
    return weights
