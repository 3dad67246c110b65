"""Property tests of ``attention``: the invariants that hold for every input, checked by hypothesis.

Shapes stay small and example counts modest, so the whole file runs in a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from attention import (
    causal_mask,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
    split_heads,
)

FAST = settings(max_examples=50, deadline=None)

sizes = st.integers(min_value=1, max_value=5)  # n_q, n_k, d_k, d_v
float_dtypes = st.sampled_from([np.float32, np.float64])


def matrices(shape, dtype=np.float64, bound: float = 10.0):
    """Arrays of ``shape`` with finite entries in [-bound, bound], exactly representable in ``dtype``."""
    width = 32 if dtype == np.float32 else 64
    bound = float(np.asarray(bound, dtype=dtype))  # the nearest representable bound
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=width)
    return hnp.arrays(dtype, shape, elements=elements)


@st.composite
def qkv(draw, dtype=np.float64, self_attention: bool = False):
    """(q, k, v) of shapes (n_q, d_k), (n_k, d_k), (n_k, d_v); n_q == n_k when ``self_attention``."""
    n_q, n_k, d_k, d_v = draw(sizes), draw(sizes), draw(sizes), draw(sizes)
    if self_attention:
        n_k = n_q
    return (
        draw(matrices((n_q, d_k), dtype)),
        draw(matrices((n_k, d_k), dtype)),
        draw(matrices((n_k, d_v), dtype)),
    )


@st.composite
def masks(draw, n_q: int, n_k: int):
    """A random boolean (n_q, n_k) mask with at least one True in every row."""
    mask = draw(hnp.arrays(bool, (n_q, n_k)))
    allowed = draw(st.lists(st.integers(0, n_k - 1), min_size=n_q, max_size=n_q))
    mask[np.arange(n_q), allowed] = True
    return mask


# Weights


@FAST
@given(qkv())
def test_weight_rows_are_probabilities(inputs):
    q, k, v = inputs
    _, weights = scaled_dot_product_attention(q, k, v)
    assert weights.shape == (q.shape[0], k.shape[0])
    assert (weights >= 0).all()
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


@FAST
@given(st.data())
def test_masked_weights_are_exactly_zero(data):
    q, k, v = data.draw(qkv())
    mask = data.draw(masks(q.shape[0], k.shape[0]))
    output, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    assert (weights[~mask] == 0.0).all()  # exactly 0, not merely small
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(output, weights @ v, rtol=1e-12, atol=1e-12)


@FAST
@given(st.data())
def test_causal_mask_gives_lower_triangular_weights(data):
    q, k, v = data.draw(qkv(self_attention=True))
    n = q.shape[0]
    _, weights = scaled_dot_product_attention(q, k, v, mask=causal_mask(n))
    assert (np.triu(weights, k=1) == 0.0).all()
    assert weights[0, 0] == 1.0  # the first token can only attend to itself
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=1e-12)


@FAST
@given(st.integers(1, 8))
def test_causal_mask_is_the_lower_triangle(n):
    mask = causal_mask(n)
    assert mask.dtype == bool
    assert mask.shape == (n, n)
    assert np.array_equal(mask, np.tril(np.ones((n, n), dtype=bool)))


# Symmetries


@FAST
@given(st.data())
def test_permuting_tokens_permutes_the_output(data):
    q, k, v = data.draw(qkv(self_attention=True))
    perm = np.array(data.draw(st.permutations(range(q.shape[0]))))
    output, weights = scaled_dot_product_attention(q, k, v)
    output_p, weights_p = scaled_dot_product_attention(q[perm], k[perm], v[perm])
    np.testing.assert_allclose(output_p, output[perm], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights_p, weights[perm][:, perm], rtol=1e-10, atol=1e-12)


@FAST
@given(st.data())
def test_softmax_is_shift_invariant_per_row(data):
    rows, cols = data.draw(sizes), data.draw(sizes)
    x = data.draw(matrices((rows, cols), bound=50.0))
    shift = data.draw(matrices((rows, 1), bound=100.0))
    np.testing.assert_allclose(softmax(x + shift), softmax(x), rtol=1e-9, atol=1e-12)


@FAST
@given(st.data())
def test_softmax_along_axis_0_is_softmax_of_the_transpose(data):
    x = data.draw(matrices((data.draw(sizes), data.draw(sizes))))
    np.testing.assert_allclose(softmax(x, axis=0), softmax(x.T).T, rtol=1e-12)


# Multi-head


@FAST
@given(st.data())
def test_one_head_is_plain_attention_then_w_o(data):
    n, d_model = data.draw(sizes), data.draw(sizes)
    x = data.draw(matrices((n, d_model), bound=2.0))
    w_q, w_k, w_v, w_o = (data.draw(matrices((d_model, d_model), bound=2.0)) for _ in range(4))
    output, weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=1)
    expected_heads, expected_weights = scaled_dot_product_attention(x @ w_q, x @ w_k, x @ w_v)
    np.testing.assert_allclose(output, expected_heads @ w_o, rtol=1e-10, atol=1e-12)
    assert weights.shape == (1, n, n)
    np.testing.assert_allclose(weights[0], expected_weights, rtol=1e-10, atol=1e-12)


@FAST
@given(st.data())
def test_merge_heads_undoes_split_heads(data):
    n_heads, d_head, n = data.draw(sizes), data.draw(sizes), data.draw(sizes)
    batch = data.draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    x = data.draw(matrices((*batch, n, n_heads * d_head)))
    heads = split_heads(x, n_heads)
    assert heads.shape == (*batch, n_heads, n, d_head)
    for h in range(n_heads):  # head h is the contiguous column block h
        assert np.array_equal(heads[..., h, :, :], x[..., h * d_head : (h + 1) * d_head])
    assert np.array_equal(merge_heads(heads), x)


# Dtypes and batches


@FAST
@given(st.data())
def test_softmax_keeps_the_float_dtype(data):
    dtype = data.draw(float_dtypes)
    x = data.draw(matrices((data.draw(sizes), data.draw(sizes)), dtype))
    assert softmax(x).dtype == dtype


@FAST
@given(st.data())
def test_attention_keeps_the_float_dtype(data):
    dtype = data.draw(float_dtypes)
    q, k, v = data.draw(qkv(dtype))
    output, weights = scaled_dot_product_attention(q, k, v)
    assert output.dtype == dtype
    assert weights.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multi_head_attention_keeps_the_float_dtype(dtype):
    x = np.arange(12, dtype=dtype).reshape(3, 4) / 12
    w = np.eye(4, dtype=dtype)
    output, weights = multi_head_attention(x, w, w, w, w, n_heads=2)
    assert output.dtype == dtype
    assert weights.dtype == dtype


def test_integers_become_float64():
    assert softmax(np.array([1, 2, 3])).dtype == np.float64
    output, weights = scaled_dot_product_attention([[1, 0]], [[1, 0], [0, 1]], [[1], [2]])
    assert output.dtype == weights.dtype == np.float64


@FAST
@given(st.data())
def test_leading_batch_dimensions_broadcast(data):
    n_q, n_k, d_k, d_v = (data.draw(sizes) for _ in range(4))
    q = data.draw(matrices((2, 3, n_q, d_k)))
    k = data.draw(matrices((3, n_k, d_k)))
    v = data.draw(matrices((3, n_k, d_v)))
    output, weights = scaled_dot_product_attention(q, k, v)
    assert output.shape == (2, 3, n_q, d_v)
    assert weights.shape == (2, 3, n_q, n_k)
    for i in range(2):
        for j in range(3):
            out_ij, w_ij = scaled_dot_product_attention(q[i, j], k[j], v[j])
            np.testing.assert_allclose(output[i, j], out_ij, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(weights[i, j], w_ij, rtol=1e-12, atol=1e-12)


@FAST
@given(st.data())
def test_a_mask_broadcasts_over_the_batch(data):
    n, d = data.draw(sizes), data.draw(sizes)
    q, k, v = (data.draw(matrices((2, n, d))) for _ in range(3))
    mask = data.draw(masks(n, n))
    _, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    assert (weights[:, ~mask] == 0.0).all()
    for b in range(2):
        _, w_b = scaled_dot_product_attention(q[b], k[b], v[b], mask=mask)
        np.testing.assert_allclose(weights[b], w_b, rtol=1e-12, atol=1e-12)


# Extreme logits


@FAST
@given(st.data())
def test_softmax_is_finite_for_extreme_float64_logits(data):
    shape = (data.draw(sizes), data.draw(sizes))
    x = data.draw(matrices(shape, bound=1e308))
    p = softmax(x)
    assert np.isfinite(p).all()
    assert (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    assert (p[np.arange(shape[0]), x.argmax(axis=-1)] > 0).all()  # the largest logit keeps weight


@FAST
@given(st.data())
def test_softmax_is_finite_for_extreme_float32_logits(data):
    shape = (data.draw(sizes), data.draw(sizes))
    x = data.draw(matrices(shape, np.float32, bound=3e38))
    p = softmax(x)
    assert p.dtype == np.float32
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-5)


def test_softmax_of_plus_and_minus_1e308():
    assert softmax(np.array([1e308, -1e308])).tolist() == [1.0, 0.0]
    assert softmax(np.array([1e308, 1e308])).tolist() == [0.5, 0.5]
    assert softmax(np.array([-1e308, -1e308])).tolist() == [0.5, 0.5]


def test_softmax_gives_minus_inf_exactly_zero_weight():
    p = softmax(np.array([[0.0, -np.inf, 0.0], [-np.inf, 5.0, -np.inf]]))
    assert p.tolist() == [[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]
