"""The trained tiny model: the shipped weights, what their heads do, and the code that made them.

Nothing here trains: the tests read ``attention/data/tiny_model.npz`` and check the
gradient that training follows against finite differences.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from attention.head_scores import HELD_OUT, HELD_OUT_SEED, evaluate, head_scores
from attention.induction_task import CONTEXT, START, VOCAB, repeated_runs
from attention.tiny_model import (
    D_HEAD,
    N_HEADS,
    N_LAYERS,
    TinyModel,
    load,
    run,
    run_without_route,
    shipped_path,
    weight_shapes,
)
from attention.train import Recipe, initial_weights, loss_and_gradients, reproduces, save

TRAINING_SEED = Recipe().seed + 1  # where train() draws its sequences from


@pytest.fixture(scope="module")
def model() -> TinyModel:
    return load()


@pytest.fixture(scope="module")
def held_out():
    assert HELD_OUT_SEED != TRAINING_SEED, "held-out sequences must not be drawn like the training ones"
    return repeated_runs(HELD_OUT, seed=HELD_OUT_SEED)


# -- The shipped weights -----------------------------------------------------------------------


def test_the_shipped_weights_are_small_and_complete(model):
    assert shipped_path().stat().st_size < 100_000  # a small package file, well under the 200 KB page budget
    assert sum(w.size for w in model.weights.values()) == 10_048
    assert {name: w.shape for name, w in model.weights.items()} == weight_shapes()


def test_a_layer0_head_attends_to_the_previous_token(model, held_out):
    best = max(s.previous_token for s in head_scores(model, held_out) if s.layer == 0)
    assert best >= 0.4


def test_a_layer1_head_is_an_induction_head(model, held_out):
    best = max(s.induction for s in head_scores(model, held_out) if s.layer == 1)
    assert best >= 0.4


def test_the_model_copies_the_repeat(model, held_out):
    result = evaluate(model, held_out)
    assert result.copy_accuracy >= 0.85
    # The first copy cannot be predicted: over every position the loss stays well above the copy loss.
    assert result.copy_loss < 0.5 < result.loss < math.log(VOCAB)


def test_silencing_the_previous_token_head_breaks_the_copying(model, held_out):
    """Induction needs layer 0: without its previous-token head, layer 1 cannot find what to copy."""
    scores = head_scores(model, held_out)
    previous = max((s for s in scores if s.layer == 0), key=lambda s: s.previous_token)
    intact = evaluate(model, held_out).copy_accuracy
    silenced = evaluate(model.without_head(previous.layer, previous.head), held_out).copy_accuracy
    assert silenced < intact / 2


def test_silencing_a_head_changes_only_that_head(model, held_out):
    silenced = model.without_head(1, 1)
    before, after = run(model, held_out.tokens[:8]), run(silenced, held_out.tokens[:8])
    np.testing.assert_array_equal(
        before.attention[0], after.attention[0]
    )  # layer 1 writes after layer 0 reads
    np.testing.assert_array_equal(
        before.attention[1], after.attention[1]
    )  # its pattern is kept; its output is not
    assert not np.allclose(before.logits, after.logits)


# -- The forward pass against an independent implementation ------------------------------------


def forward_by_hand(weights: dict[str, np.ndarray], tokens: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """One sequence, one position and one head at a time, with an explicit softmax over the past."""
    n = len(tokens)
    stream = [weights["embed"][token] + weights["position"][i] for i, token in enumerate(tokens)]
    patterns = []
    for layer in range(N_LAYERS):
        w_q, w_k, w_v, w_o = (weights[f"layer{layer}.{name}"] for name in ("w_q", "w_k", "w_v", "w_o"))
        pattern = np.zeros((N_HEADS, n, n))
        added = []
        for i in range(n):
            heads_out = []
            for h in range(N_HEADS):
                cols = slice(h * D_HEAD, (h + 1) * D_HEAD)
                query = stream[i] @ w_q[:, cols]
                scores = [float(query @ (stream[j] @ w_k[:, cols])) / math.sqrt(D_HEAD) for j in range(i + 1)]
                top = max(scores)
                exps = [math.exp(s - top) for s in scores]
                for j in range(i + 1):
                    pattern[h, i, j] = exps[j] / sum(exps)
                heads_out.append(sum(pattern[h, i, j] * (stream[j] @ w_v[:, cols]) for j in range(i + 1)))
            added.append(np.concatenate(heads_out) @ w_o)
        stream = [x + a for x, a in zip(stream, added, strict=True)]
        patterns.append(pattern)
    return np.array([x @ weights["unembed"] for x in stream]), patterns


def test_the_forward_pass_agrees_with_one_written_position_by_position(model):
    runs = repeated_runs(3, seed=5)
    out = run(model, runs.tokens)
    for b, tokens in enumerate(runs.tokens.tolist()):
        logits, patterns = forward_by_hand(model.weights, tokens)
        np.testing.assert_allclose(out.logits[b], logits, rtol=1e-9, atol=1e-9)
        for layer in range(N_LAYERS):
            np.testing.assert_allclose(out.attention[layer][b], patterns[layer], rtol=1e-9, atol=1e-12)


def test_hiding_a_silent_head_from_layer1_changes_nothing(model):
    """run_without_route subtracts what the head added; a head that adds nothing leaves the run as it was."""
    tokens = repeated_runs(4, seed=6).tokens
    silent = model.without_head(0, 1)
    for inputs in ("query", "key", "value"):
        cut = run_without_route(silent, tokens, head=1, inputs=inputs)
        np.testing.assert_allclose(cut.logits, run(silent, tokens).logits, atol=1e-10)


def test_a_route_that_does_not_exist_is_refused(model):
    with pytest.raises(ValueError, match="inputs must be one of query, key, value; got 'output'"):
        run_without_route(model, repeated_runs(1, seed=0).tokens, head=0, inputs="output")


def test_a_shorter_sequence_sees_only_its_past(model):
    """Causal: the first 10 positions of a sequence score the same with or without the rest."""
    tokens = repeated_runs(1, seed=3).tokens
    np.testing.assert_allclose(
        run(model, tokens[:, :10]).logits, run(model, tokens).logits[:, :10], atol=1e-12
    )


# -- What training follows ---------------------------------------------------------------------


def test_training_minimises_the_loss_of_the_model_that_is_shown(model):
    """train.py batches the forward pass by hand; its loss must be the shipped forward pass's loss."""
    tokens = repeated_runs(16, seed=11).tokens
    loss, _ = loss_and_gradients(model.weights, tokens)
    logits = run(model, tokens).logits[:, :-1]
    log_p = logits - logits.max(-1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(-1, keepdims=True))
    expected = -np.take_along_axis(log_p, tokens[:, 1:, None], -1).mean()
    assert loss == pytest.approx(expected, rel=1e-12)


def test_the_gradient_matches_finite_differences():
    weights = initial_weights(3)
    tokens = repeated_runs(4, seed=4).tokens
    _, grads = loss_and_gradients(weights, tokens)
    rng = np.random.default_rng(0)
    step = 1e-6
    for name, w in weights.items():
        for _ in range(3):
            index = tuple(int(rng.integers(0, size)) for size in w.shape)
            if name == "embed":
                index = (int(tokens[0, 1 + index[0] % (CONTEXT - 1)]), index[1])  # a token that occurs
            original = w[index]
            w[index] = original + step
            up, _ = loss_and_gradients(weights, tokens)
            w[index] = original - step
            down, _ = loss_and_gradients(weights, tokens)
            w[index] = original
            assert grads[name][index] == pytest.approx((up - down) / (2 * step), rel=1e-4, abs=1e-8), (
                name,
                index,
            )


def test_reproduction_is_judged_by_the_head_scores(model):
    assert reproduces(model, model, log=lambda line: None)
    assert not reproduces(TinyModel(initial_weights(0)), model, log=lambda line: None)


def test_saved_weights_load_as_the_same_float32_model(model, tmp_path):
    path = tmp_path / "copy.npz"
    save(model, path)
    again = load(path)
    for name in weight_shapes():
        np.testing.assert_array_equal(again.weights[name], model.weights[name].astype(np.float32))


# -- Bad input: one clear error each -----------------------------------------------------------

FIX = "python -m attention.train --output FILE"


def write_weights(path, **changes):
    arrays = {name: np.zeros(shape, dtype=np.float32) for name, shape in weight_shapes().items()}
    arrays["format"] = np.int64(1)
    arrays.update(changes)
    np.savez(path, **{name: value for name, value in arrays.items() if value is not None})
    return path


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"format": np.int64(99)}, "format 1 (format: 99)"),
        ({"format": None}, "format 1 (format: None)"),
        ({"unembed": None}, "lacks the weights unembed"),
        (
            {"layer0.w_q": np.zeros((32, 16), dtype=np.float32)},
            "layer0.w_q must be a float array of shape (32, 32)",
        ),
        ({"embed": np.zeros((17, 32), dtype=np.int64)}, "embed must be a float array"),
        ({"position": np.full((25, 32), np.nan, dtype=np.float32)}, "position holds NaN"),
    ],
)
def test_a_bad_weights_file_is_named_with_its_fix(tmp_path, changes, problem):
    path = write_weights(tmp_path / "bad.npz", **changes)
    with pytest.raises(ValueError, match=re.escape(problem)) as error:
        load(path)
    assert str(path) in str(error.value) and FIX in str(error.value)


def test_a_missing_or_unreadable_weights_file_is_named_with_its_fix(tmp_path):
    with pytest.raises(ValueError, match=re.escape(f"no weights file at {tmp_path / 'absent.npz'}. Make")):
        load(tmp_path / "absent.npz")
    text = tmp_path / "notes.npz"
    text.write_text("not weights")
    with pytest.raises(ValueError, match=re.escape("is not a weights file numpy can read")):
        load(text)


@pytest.mark.parametrize(
    ("tokens", "problem"),
    [
        (np.full((1, CONTEXT + 1), START), "1 <= n <= 25"),
        (np.array([[START, 1.0, 2.0]]), "integer ids"),
        (np.array([[START, 3, 17]]), "token ids run from 0 to 16"),
        (np.array([[3, 4, 5]]), "starts with the start token 16"),
    ],
)
def test_bad_tokens_are_refused(model, tokens, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        run(model, tokens)


def test_a_head_that_does_not_exist_is_refused(model):
    with pytest.raises(ValueError, match=re.escape("there is no head 2 in layer 0")):
        model.without_head(0, 2)


def test_the_task_is_drawn_the_same_from_the_same_seed_and_repeats_its_run():
    a, b = repeated_runs(50, seed=9), repeated_runs(50, seed=9)
    np.testing.assert_array_equal(a.tokens, b.tokens)
    rows, t = a.repeat_positions()
    np.testing.assert_array_equal(a.tokens[rows, t], a.tokens[rows, t - a.length[rows]])
    assert ((a.tokens[:, 1:] >= 0) & (a.tokens[:, 1:] < VOCAB)).all()
    assert len(set(a.length.tolist())) > 1  # the length varies: a fixed one is solved by position alone
    with pytest.raises(ValueError, match="seed that is an integer >= 0"):
        repeated_runs(2, seed=-1)
