"""Padding masks: a padded batch attends exactly as its sentences would one by one."""

from __future__ import annotations

import numpy as np
import pytest

from attention import causal_mask, example, multi_head_attention, padding_mask, scaled_dot_product_attention


def padded_batch(lengths, n, d=4, seed=0):
    """Random q, k, v for sentences of ``lengths``, padded with garbage rows up to ``n``."""
    rng = np.random.default_rng(seed)
    q, k, v = rng.standard_normal((3, len(lengths), n, d))
    return q, k, v


def test_mask_shape_and_pattern():
    mask = padding_mask([5, 3, 1], 5)
    assert mask.shape == (3, 1, 5) and mask.dtype == bool
    assert mask.sum(axis=-1).ravel().tolist() == [5, 3, 1]
    assert mask[1, 0].tolist() == [True, True, True, False, False]


@pytest.mark.parametrize("lengths", [[5, 3], [2, 5, 1], [4]])
def test_padded_batch_matches_each_sentence_alone(lengths):
    n = max(lengths)
    q, k, v = padded_batch(lengths, n)
    out, weights = scaled_dot_product_attention(q, k, v, mask=padding_mask(lengths, n))
    for b, length in enumerate(lengths):
        alone, alone_weights = scaled_dot_product_attention(q[b, :length], k[b, :length], v[b, :length])
        np.testing.assert_allclose(out[b, :length], alone, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(weights[b, :length, :length], alone_weights, rtol=1e-12, atol=1e-12)
        assert (weights[b, :, length:] == 0).all()  # no query, real or padded, sees the filler


def test_padded_rows_are_finite_and_sum_to_one():
    q, k, v = padded_batch([5, 2], 5)
    _, weights = scaled_dot_product_attention(q, k, v, mask=padding_mask([5, 2], 5))
    assert np.isfinite(weights).all()
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0)


def test_combined_with_a_causal_mask():
    mask = padding_mask([3, 2], 3) & causal_mask(3)
    assert mask.shape == (2, 3, 3)
    assert mask[1].astype(int).tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 0]]
    q, k, v = padded_batch([3, 2], 3)
    _, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    assert (weights[~mask] == 0).all()


def test_multi_head_attention_accepts_it_for_every_head():
    ex = example()
    pad = np.zeros((2, ex.d_model))
    x = np.stack([ex.x, np.concatenate([ex.x[:3], pad])])  # "The cat sat on mat" and "The cat sat"
    out, weights = multi_head_attention(
        x, ex.w_q, ex.w_k, ex.w_v, ex.w_o, ex.n_heads, mask=padding_mask([5, 3], 5)
    )
    alone, _ = multi_head_attention(ex.x[:3], ex.w_q, ex.w_k, ex.w_v, ex.w_o, ex.n_heads)
    np.testing.assert_allclose(out[0], ex.multi_head_output, rtol=1e-12)
    np.testing.assert_allclose(out[1, :3], alone, rtol=1e-12)
    assert (weights[1, :, :, 3:] == 0).all()


@pytest.mark.parametrize(
    ("lengths", "n", "message"),
    [
        ([3, 0], 4, "sentence 1 has length 0"),
        ([3, 5], 4, "sentence 1 has length 5"),
        ([[3, 2]], 4, r"1-D list.*shape \(1, 2\)"),
        ([], 4, r"non-empty.*shape \(0,\)"),
        ([2.0, 3.0], 4, "must be integers; got dtype float64"),
        ([True], 4, "must be integers; got dtype bool"),
        ([2], 0, "positive integer n"),
        ([2], 2.5, "positive integer n"),
    ],
)
def test_bad_input_is_named(lengths, n, message):
    with pytest.raises(ValueError, match=message):
        padding_mask(lengths, n)


# Generating with a cache: the last n_q queries against n_k keys
@pytest.mark.parametrize(("n_q", "n_k"), [(1, 1), (1, 6), (3, 6), (6, 6)])
def test_a_cached_step_with_a_rectangular_mask_gives_the_last_rows_of_the_full_pass(n_q, n_k):
    rng = np.random.default_rng(n_q * 10 + n_k)
    q, k, v = rng.standard_normal((3, n_k, 4))
    full, full_weights = scaled_dot_product_attention(q, k, v, mask=causal_mask(n_k))
    step, step_weights = scaled_dot_product_attention(q[-n_q:], k, v, mask=causal_mask(n_q, n_k))
    assert np.allclose(step, full[-n_q:]) and np.allclose(step_weights, full_weights[-n_q:])
    assert causal_mask(n_q, n_k)[-1].all(), "the newest query sees every key"
