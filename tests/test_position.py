"""Positional encodings: the paper's sinusoids, rotary embeddings (RoPE) and ALiBi's bias."""

from __future__ import annotations

import math

import numpy as np
import pytest

from attention import alibi_bias, example, rotary, scaled_dot_product_attention, sinusoidal_encoding


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12)


# Sinusoidal encodings


def test_sinusoidal_encoding_follows_the_papers_formula():
    n, d = 7, 6
    encoding = sinusoidal_encoding(n, d)
    for pos in range(n):
        for c in range(d // 2):
            angle = pos / 10000 ** (2 * c / d)
            assert encoding[pos, 2 * c] == pytest.approx(math.sin(angle))
            assert encoding[pos, 2 * c + 1] == pytest.approx(math.cos(angle))


def test_sinusoidal_rows_are_distinct_and_equally_long():
    encoding = sinusoidal_encoding(50, 8)
    assert_close(np.linalg.norm(encoding, axis=1), np.full(50, 2.0))  # sqrt(d_model / 2)
    assert len({tuple(row.round(9)) for row in encoding}) == 50


def test_adding_encodings_makes_attention_see_order():
    ex = example()
    order = [4, 3, 2, 1, 0]
    x = ex.x + sinusoidal_encoding(ex.n, ex.d_model)
    reversed_x = ex.x[order] + sinusoidal_encoding(ex.n, ex.d_model)
    out, _ = scaled_dot_product_attention(x @ ex.w_q, x @ ex.w_k, x @ ex.w_v)
    out_rev, _ = scaled_dot_product_attention(reversed_x @ ex.w_q, reversed_x @ ex.w_k, reversed_x @ ex.w_v)
    assert not np.allclose(out_rev, out[order])


# Rotary embeddings


def rotary_by_complex_numbers(x, positions, base=10000.0):
    """An independent reference: each pair (x[2c], x[2c+1]) is a complex number times e^(i m theta_c)."""
    d = x.shape[-1]
    theta = base ** (-np.arange(0, d, 2) / d)
    z = (x[..., 0::2] + 1j * x[..., 1::2]) * np.exp(1j * np.asarray(positions)[:, None] * theta)
    out = np.empty_like(x)
    out[..., 0::2], out[..., 1::2] = z.real, z.imag
    return out


def test_rotary_matches_complex_multiplication():
    x = np.random.default_rng(0).standard_normal((2, 5, 8))
    positions = [0, 3, 1, 7, 100]
    assert_close(rotary(x, positions), rotary_by_complex_numbers(x, positions))


def test_rotary_keeps_lengths_and_position_zero():
    x = np.random.default_rng(1).standard_normal((6, 4))
    assert_close(np.linalg.norm(rotary(x), axis=-1), np.linalg.norm(x, axis=-1))
    assert_close(rotary(x[:1]), x[:1])  # position 0: angle 0


@pytest.mark.parametrize("shift", [1, 5, 1000])
def test_rotary_scores_depend_on_distance_only(shift):
    rng = np.random.default_rng(2)
    q, k = rng.standard_normal((2, 1, 8))
    m, m_key = 7, 3
    near = rotary(q, [m]) @ rotary(k, [m_key]).T
    far = rotary(q, [m + shift]) @ rotary(k, [m_key + shift]).T
    assert_close(far, near)


def test_rotary_defaults_to_positions_0_to_n_minus_1():
    x = np.random.default_rng(3).standard_normal((4, 6))
    assert_close(rotary(x), rotary(x, [0, 1, 2, 3]))


# ALiBi


def test_alibi_bias_penalises_distance_linearly():
    bias = alibi_bias(5, 0.25)
    for i in range(5):
        for j in range(5):
            assert bias[i, j] == -0.25 * abs(i - j)
    assert not np.signbit(np.diag(bias)).any()  # 0.0, never -0.0


def test_alibi_with_slope_zero_changes_nothing():
    ex = example()
    scores = ex.scaled_scores + alibi_bias(ex.n, 0.0)
    assert_close(scores, ex.scaled_scores)


# Bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sinusoidal_encoding(4, 5), "d_model must be even"),
        (lambda: sinusoidal_encoding(0, 4), "n must be a positive integer"),
        (lambda: rotary(np.ones((3, 5))), r"even last axis.*\(3, 5\)"),
        (lambda: rotary(np.ones((3, 4)), positions=[0, 1]), r"shape \(3,\).*got shape \(2,\)"),
        (lambda: alibi_bias(3, -1.0), "slope must be a finite number >= 0"),
        (lambda: alibi_bias(3, float("nan")), "slope must be a finite number >= 0"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
