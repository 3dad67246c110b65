"""``attention`` against a naive reference: plain Python loops and ``math.exp``, no numpy maths.

The reference below is written from the formulas, independently of ``attention/``:
softmax(z)_j = exp(z_j - max z) / sum_l exp(z_l - max z) over the allowed keys,
Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V, and multi-head attention as
concat(head_1, ..., head_h) W_O with head_i attending on column block i of X W_Q, X W_K, X W_V.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from attention import (
    causal_mask,
    example,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
    softmax_jacobian_norm,
    split_heads,
)

RTOL, ATOL = 1e-10, 1e-12
SEEDS = range(6)


# The naive reference


def naive_softmax(row, allowed=None):
    """Softmax of a list of numbers; entries with allowed[j] False get weight 0."""
    if allowed is None:
        allowed = [True] * len(row)
    peak = max(z for z, ok in zip(row, allowed, strict=True) if ok)
    exps = [math.exp(z - peak) if ok else 0.0 for z, ok in zip(row, allowed, strict=True)]
    total = sum(exps)
    return [e / total for e in exps]


def naive_matmul(a, b):
    """(n, m) @ (m, p) with three loops."""
    n, m, p = len(a), len(b), len(b[0])
    return [[sum(a[i][t] * b[t][j] for t in range(m)) for j in range(p)] for i in range(n)]


def naive_attention(q, k, v, mask=None):
    """Scaled dot-product attention of nested lists, one query at a time: (output, weights)."""
    n_q, n_k, d_k, d_v = len(q), len(k), len(q[0]), len(v[0])
    weights, output = [], []
    for i in range(n_q):
        scores = []
        for j in range(n_k):
            dot = 0.0
            for t in range(d_k):
                dot += q[i][t] * k[j][t]
            scores.append(dot / math.sqrt(d_k))
        row = naive_softmax(scores, None if mask is None else [bool(m) for m in mask[i]])
        weights.append(row)
        output.append([sum(row[j] * v[j][c] for j in range(n_k)) for c in range(d_v)])
    return output, weights


def naive_multi_head(x, w_q, w_k, w_v, w_o, n_heads, mask=None):
    """Multi-head self-attention: per-head column blocks, attend, concatenate, times w_o."""
    q, k, v = naive_matmul(x, w_q), naive_matmul(x, w_k), naive_matmul(x, w_v)
    d_head = len(q[0]) // n_heads
    concat = [[] for _ in x]
    head_weights = []
    for h in range(n_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        out_h, w_h = naive_attention([r[cols] for r in q], [r[cols] for r in k], [r[cols] for r in v], mask)
        head_weights.append(w_h)
        for i, r in enumerate(out_h):
            concat[i].extend(r)
    return naive_matmul(concat, w_o), head_weights


def naive_jacobian_norm(p):
    """Frobenius norm of d softmax_i / d z_j = p_i (delta_ij - p_j), by loops."""
    n = len(p)
    return math.sqrt(sum((p[i] * ((i == j) - p[j])) ** 2 for i in range(n) for j in range(n)))


def random_mask(rng, n_q, n_k):
    """A random boolean mask with at least one True per row."""
    mask = rng.random((n_q, n_k)) < 0.5
    mask[np.arange(n_q), rng.integers(0, n_k, n_q)] = True
    return mask


def assert_close(actual, expected):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=RTOL, atol=ATOL)


# The reference itself, on numbers worked by hand


def test_naive_reference_on_a_hand_worked_case():
    # q = k = v = I_2: scores / sqrt(2) = [[1, 0], [0, 1]] / sqrt(2)
    output, weights = naive_attention([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], [[1.0], [0.0]])
    a = math.exp(1 / math.sqrt(2))
    assert weights[0] == pytest.approx([a / (a + 1), 1 / (a + 1)])
    assert output[1] == pytest.approx([1 / (a + 1)])
    assert naive_softmax([3.0, 1.0, 2.0], [False, True, True]) == pytest.approx(
        [0.0, 1 / (1 + math.e), math.e / (1 + math.e)]
    )


# softmax


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_matches_naive(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=5.0, size=(4, 7))
    assert_close(softmax(x), [naive_softmax(list(row)) for row in x])
    assert_close(softmax(x, axis=0), np.array([naive_softmax(list(col)) for col in x.T]).T)


# scaled dot-product attention


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("n_q", "n_k", "d_k", "d_v"), [(1, 1, 1, 1), (3, 5, 4, 2), (6, 6, 8, 8), (5, 2, 3, 7)]
)
def test_attention_matches_naive(seed, n_q, n_k, d_k, d_v):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(n_q, d_k)), rng.normal(size=(n_k, d_k)), rng.normal(size=(n_k, d_v))
    output, weights = scaled_dot_product_attention(q, k, v)
    expected_output, expected_weights = naive_attention(q.tolist(), k.tolist(), v.tolist())
    assert_close(weights, expected_weights)
    assert_close(output, expected_output)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    ("n_q", "n_k", "d_k", "d_v"), [(1, 1, 1, 1), (3, 5, 4, 2), (6, 6, 8, 8), (5, 2, 3, 7)]
)
def test_masked_attention_matches_naive(seed, n_q, n_k, d_k, d_v):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(n_q, d_k)), rng.normal(size=(n_k, d_k)), rng.normal(size=(n_k, d_v))
    mask = random_mask(rng, n_q, n_k)
    output, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    expected_output, expected_weights = naive_attention(q.tolist(), k.tolist(), v.tolist(), mask.tolist())
    assert_close(weights, expected_weights)
    assert_close(output, expected_output)


@pytest.mark.parametrize("seed", SEEDS)
def test_causal_attention_matches_naive(seed):
    rng = np.random.default_rng(seed)
    q, k, v = (rng.normal(size=(6, 4)) for _ in range(3))
    output, weights = scaled_dot_product_attention(q, k, v, mask=causal_mask(6))
    expected_output, expected_weights = naive_attention(
        q.tolist(), k.tolist(), v.tolist(), causal_mask(6).tolist()
    )
    assert_close(weights, expected_weights)
    assert_close(output, expected_output)


@pytest.mark.parametrize("seed", SEEDS)
def test_batched_attention_matches_naive_per_item(seed):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(2, 3, 4, 5))  # (batch, heads, n_q, d_k)
    k = rng.normal(size=(3, 6, 5))  # (heads, n_k, d_k), broadcast over the batch
    v = rng.normal(size=(3, 6, 2))
    mask = random_mask(rng, 4, 6)
    output, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    for b in range(2):
        for h in range(3):
            expected_output, expected_weights = naive_attention(
                q[b, h].tolist(), k[h].tolist(), v[h].tolist(), mask.tolist()
            )
            assert_close(weights[b, h], expected_weights)
            assert_close(output[b, h], expected_output)


def test_float32_attention_is_close_to_the_float64_reference():
    rng = np.random.default_rng(7)
    q, k, v = (rng.normal(size=(4, 8)).astype(np.float32) for _ in range(3))
    output, weights = scaled_dot_product_attention(q, k, v)
    expected_output, expected_weights = naive_attention(q.tolist(), k.tolist(), v.tolist())
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(output, expected_output, rtol=1e-5, atol=1e-6)


# multi-head attention


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("n", "d_model", "n_heads"), [(5, 4, 1), (5, 4, 2), (3, 6, 3), (4, 8, 4), (2, 6, 6)])
def test_multi_head_matches_naive(seed, n, d_model, n_heads):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d_model))
    w_q, w_k, w_v, w_o = (rng.normal(size=(d_model, d_model)) / math.sqrt(d_model) for _ in range(4))
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=n_heads)
    expected_output, expected_weights = naive_multi_head(
        x.tolist(), w_q.tolist(), w_k.tolist(), w_v.tolist(), w_o.tolist(), n_heads
    )
    assert weights.shape == (n_heads, n, n)
    assert_close(weights, expected_weights)
    assert_close(output, expected_output)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("causal", [True, False])
def test_masked_multi_head_matches_naive(seed, causal):
    rng = np.random.default_rng(seed)
    n, d_model, n_heads = 5, 6, 2
    x = rng.normal(size=(n, d_model))
    w_q, w_k, w_v, w_o = (rng.normal(size=(d_model, d_model)) / math.sqrt(d_model) for _ in range(4))
    mask = causal_mask(n) if causal else random_mask(rng, n, n)
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=n_heads, mask=mask)
    expected_output, expected_weights = naive_multi_head(
        x.tolist(), w_q.tolist(), w_k.tolist(), w_v.tolist(), w_o.tolist(), n_heads, mask.tolist()
    )
    assert (weights[:, ~mask] == 0.0).all()
    assert_close(weights, expected_weights)
    assert_close(output, expected_output)


def test_batched_multi_head_matches_naive_per_item():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 4, 6))  # (batch, n, d_model)
    w_q, w_k, w_v, w_o = (rng.normal(size=(6, 6)) / math.sqrt(6) for _ in range(4))
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=3, mask=causal_mask(4))
    assert output.shape == (3, 4, 6)
    assert weights.shape == (3, 3, 4, 4)
    for b in range(3):
        expected_output, expected_weights = naive_multi_head(
            x[b].tolist(), w_q.tolist(), w_k.tolist(), w_v.tolist(), w_o.tolist(), 3, causal_mask(4).tolist()
        )
        assert_close(weights[b], expected_weights)
        assert_close(output[b], expected_output)


def test_split_and_merge_heads_match_column_blocks():
    x = np.arange(30.0).reshape(5, 6)
    heads = split_heads(x, 3)
    for h in range(3):
        assert heads[h].tolist() == [[row[2 * h], row[2 * h + 1]] for row in x.tolist()]
    assert merge_heads(heads).tolist() == x.tolist()


# The worked example, recomputed by the reference


def test_example_matches_naive():
    ex = example()
    q, k, v = (naive_matmul(ex.x.tolist(), w.tolist()) for w in (ex.w_q, ex.w_k, ex.w_v))
    expected_output, expected_weights = naive_attention(q, k, v)
    assert_close(ex.weights, expected_weights)
    assert_close(ex.output, expected_output)
    expected_mh, expected_head_weights = naive_multi_head(
        ex.x.tolist(), ex.w_q.tolist(), ex.w_k.tolist(), ex.w_v.tolist(), ex.w_o.tolist(), ex.n_heads
    )
    assert_close(ex.multi_head_output, expected_mh)
    assert_close(ex.head_weights, expected_head_weights)


# softmax_jacobian_norm


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_jacobian_norm_matches_naive(seed):
    rng = np.random.default_rng(seed)
    p = softmax(rng.normal(scale=3.0, size=(5, 6)))
    assert_close(softmax_jacobian_norm(p), [naive_jacobian_norm(row) for row in p.tolist()])


def test_softmax_jacobian_norm_extremes():
    # flat over n keys: sqrt(n * (1/n - 1/n^2)^2 + (n^2 - n) / n^4); one-hot: 0
    n = 4
    flat = math.sqrt(n * (1 / n - 1 / n**2) ** 2 + (n**2 - n) / n**4)
    assert_close(softmax_jacobian_norm(np.array([[0.25] * 4, [0.0, 1.0, 0.0, 0.0]])), [flat, 0.0])
