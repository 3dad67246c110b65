"""Bad inputs: each raises ``ValueError`` with a message that names what was received."""

from __future__ import annotations

import re

import numpy as np
import pytest

from attention import (
    causal_mask,
    merge_heads,
    multi_head_attention,
    scaled_dot_product_attention,
    scaling_demo,
    softmax,
    split_heads,
)


def qkv(n_q=3, n_k=5, d_k=4, d_v=2):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n_q, d_k)), rng.normal(size=(n_k, d_k)), rng.normal(size=(n_k, d_v))


def mha_inputs(n=5, d_model=4):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, d_model))
    return x, *(rng.normal(size=(d_model, d_model)) for _ in range(4))


def all_of(*parts: str) -> str:
    """A regex that matches a message containing every one of ``parts`` literally, in any order."""
    return "(?s)" + "".join(f"(?=.*{re.escape(part)})" for part in parts)


# scaled_dot_product_attention: shapes


def test_q_and_k_with_different_d_k():
    q, _, v = qkv()
    k = np.ones((5, 3))
    with pytest.raises(ValueError, match=all_of("q is (3, 4) with d_k=4", "k is (5, 3) with d_k=3")):
        scaled_dot_product_attention(q, k, v)


def test_k_and_v_of_different_lengths():
    q, k, _ = qkv()
    v = np.ones((6, 2))
    with pytest.raises(ValueError, match=all_of("k is (5, 4) with n_k=5", "v is (6, 2) with n_k=6")):
        scaled_dot_product_attention(q, k, v)


@pytest.mark.parametrize("name", ["q", "k", "v"])
@pytest.mark.parametrize("shape", [(4,), ()])
def test_input_of_fewer_than_2_dimensions(name, shape):
    inputs = dict(zip("qkv", qkv(), strict=True))
    inputs[name] = np.ones(shape)
    with pytest.raises(
        ValueError, match=all_of(f"{name} must have at least 2 dimensions", f"got shape {shape}")
    ):
        scaled_dot_product_attention(**inputs)


def test_multi_head_x_of_fewer_than_2_dimensions():
    _, *ws = mha_inputs()
    with pytest.raises(ValueError, match=all_of("x must have at least 2 dimensions", "got shape (4,)")):
        multi_head_attention(np.ones(4), *ws, n_heads=2)


def test_batch_dimensions_that_do_not_broadcast():
    q = np.ones((2, 3, 4))
    k = np.ones((3, 5, 4))
    v = np.ones((3, 5, 2))
    with pytest.raises(
        ValueError, match=all_of("batch dimensions", "q (2, 3, 4)", "k (3, 5, 4)", "(2,)", "(3,)")
    ):
        scaled_dot_product_attention(q, k, v)


def test_batch_dimensions_of_q_and_v_that_do_not_broadcast():
    # q (2,) broadcasts against k (1,), and k (1,) against v (3,), but q (2,) not against v (3,).
    # Found: the q-v pair is not checked, so numpy's matmul raises "operands could not be broadcast
    # together with remapped shapes ..." naming neither q nor v nor their shapes.
    q = np.ones((2, 5, 4))
    k = np.ones((1, 6, 4))
    v = np.ones((3, 6, 2))
    with pytest.raises(ValueError, match=all_of("q", "(2, 5, 4)", "v", "(3, 6, 2)")):
        scaled_dot_product_attention(q, k, v)


# scaled_dot_product_attention: values


def test_nan_in_q():
    q, k, v = qkv()
    q[1, 2] = np.nan
    with pytest.raises(ValueError, match=all_of("q contains 1 non-finite", "index (1, 2): nan")):
        scaled_dot_product_attention(q, k, v)


def test_inf_in_k():
    q, k, v = qkv()
    k[4, 0] = np.inf
    k[4, 1] = -np.inf
    with pytest.raises(ValueError, match=all_of("k contains 2 non-finite", "index (4, 0): inf")):
        scaled_dot_product_attention(q, k, v)


def test_nan_in_v():
    q, k, v = qkv()
    v[0, 1] = np.nan
    with pytest.raises(ValueError, match=all_of("v contains 1 non-finite", "index (0, 1): nan")):
        scaled_dot_product_attention(q, k, v)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        ([["a", "b"], ["c", "d"]], "<U1"),
        (np.array([[1.0, None]], dtype=object), "object"),
        (np.ones((3, 4), dtype=bool), "bool"),
        (np.ones((3, 4), dtype=complex), "complex128"),
    ],
    ids=["strings", "objects", "booleans", "complex"],
)
@pytest.mark.parametrize("name", ["q", "k", "v"])
def test_non_numeric_array(name, value, dtype):
    inputs = dict(zip("qkv", qkv(), strict=True))
    inputs[name] = value
    with pytest.raises(ValueError, match=all_of(f"{name} must hold real numbers", f"got dtype {dtype}")):
        scaled_dot_product_attention(**inputs)


def test_ragged_nested_list():
    _, k, v = qkv()
    with pytest.raises(ValueError, match=all_of("q must be a numeric array", "could not read it")):
        scaled_dot_product_attention([[1.0, 2.0, 3.0, 4.0], [1.0]], k, v)


# masks


@pytest.mark.parametrize(
    "mask_shape", [(2, 3), (3, 4), (2, 3, 5)], ids=["no-broadcast", "wrong-n_k", "extra-batch"]
)
def test_mask_that_does_not_broadcast(mask_shape):
    q, k, v = qkv()  # scores are (3, 5)
    mask = np.ones(mask_shape, dtype=bool)
    with pytest.raises(ValueError, match=all_of(f"mask of shape {mask_shape}", "scores' shape (3, 5)")):
        scaled_dot_product_attention(q, k, v, mask=mask)


@pytest.mark.parametrize("dtype", ["int64", "float64", "uint8"])
def test_non_boolean_mask(dtype):
    q, k, v = qkv()
    mask = np.ones((3, 5), dtype=dtype)
    with pytest.raises(ValueError, match=all_of("mask must be boolean", f"got dtype {dtype}")):
        scaled_dot_product_attention(q, k, v, mask=mask)


def test_mask_row_that_allows_no_key():
    q, k, v = qkv()
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False
    with pytest.raises(ValueError, match=all_of("mask lets query (1,) attend to no key")):
        scaled_dot_product_attention(q, k, v, mask=mask)


def test_batched_mask_row_that_allows_no_key():
    q = np.ones((2, 3, 4))
    _, k, v = qkv()
    mask = np.ones((2, 3, 5), dtype=bool)
    mask[1, 2] = False
    with pytest.raises(ValueError, match=all_of("mask lets query (1, 2) attend to no key")):
        scaled_dot_product_attention(q, k, v, mask=mask)


def test_multi_head_mask_row_that_allows_no_key():
    mask = causal_mask(5)
    mask[3] = False
    with pytest.raises(ValueError, match="attend to no key"):
        multi_head_attention(*mha_inputs(), n_heads=2, mask=mask)


# multi_head_attention


def test_n_heads_that_does_not_divide_d_model():
    with pytest.raises(
        ValueError, match=all_of("n_heads=3 does not divide d_model=4", "x is (5, 4)", "[1, 2, 4]")
    ):
        multi_head_attention(*mha_inputs(), n_heads=3)


@pytest.mark.parametrize("n_heads", [0, -2, 2.0, "2", True, None])
def test_n_heads_zero_or_not_a_positive_integer(n_heads):
    with pytest.raises(ValueError, match=all_of("n_heads must be a positive integer", f"got {n_heads!r}")):
        multi_head_attention(*mha_inputs(), n_heads=n_heads)


@pytest.mark.parametrize("index", range(4), ids=["w_q", "w_k", "w_v", "w_o"])
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (4, 4, 1)])
def test_projection_of_the_wrong_shape(index, shape):
    x, *ws = mha_inputs()
    name = ("w_q", "w_k", "w_v", "w_o")[index]
    ws[index] = np.ones(shape)
    with pytest.raises(
        ValueError, match=all_of(f"{name} must be a (d_model, d_model) = (4, 4) matrix", f"got shape {shape}")
    ):
        multi_head_attention(x, *ws, n_heads=2)


def test_projection_with_nan():
    x, w_q, w_k, w_v, w_o = mha_inputs()
    w_v[2, 3] = np.nan
    with pytest.raises(ValueError, match=all_of("w_v contains 1 non-finite", "index (2, 3): nan")):
        multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=2)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        ([["a"] * 4] * 5, "<U1"),
        (np.full((5, 4), None, dtype=object), "object"),
        (np.ones((5, 4), bool), "bool"),
    ],
    ids=["strings", "objects", "booleans"],
)
def test_multi_head_non_numeric_x(value, dtype):
    _, *ws = mha_inputs()
    with pytest.raises(ValueError, match=all_of("x must hold real numbers", f"got dtype {dtype}")):
        multi_head_attention(value, *ws, n_heads=2)


# softmax


def test_softmax_with_nan():
    with pytest.raises(ValueError, match=all_of("softmax input contains NaN")):
        softmax(np.array([[1.0, np.nan, 2.0]]))


def test_softmax_with_plus_inf():
    with pytest.raises(ValueError, match=all_of("softmax input contains", "+inf")):
        softmax(np.array([[1.0, np.inf]]))


def test_softmax_with_a_row_that_is_all_minus_inf():
    x = np.array([[0.0, 1.0], [-np.inf, -np.inf]])
    with pytest.raises(ValueError, match=all_of("-inf everywhere", "fully masked row")):
        softmax(x)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (np.array(["a", "b"]), "<U1"),
        (np.array([1.0, None], dtype=object), "object"),
        (np.array([True]), "bool"),
    ],
    ids=["strings", "objects", "booleans"],
)
def test_softmax_of_non_numeric(value, dtype):
    with pytest.raises(ValueError, match=all_of("softmax needs real numbers", f"got dtype {dtype}")):
        softmax(value)


# causal_mask and scaling_demo


@pytest.mark.parametrize("n", [0, -3, 2.0, "3", True, None])
def test_causal_mask_of_a_non_positive_or_non_integer_n(n):
    with pytest.raises(ValueError, match=all_of("causal_mask needs a positive integer n", f"got {n!r}")):
        causal_mask(n)


@pytest.mark.parametrize("bad", [0, -4, 2.5, "8", True])
def test_scaling_demo_with_a_bad_d_k(bad):
    d_ks = (4, bad, 64)
    with pytest.raises(
        ValueError, match=all_of("every d_k must be a positive integer", f"got {bad!r} in {d_ks!r}")
    ):
        scaling_demo(d_ks)


@pytest.mark.parametrize(("n_keys", "n_queries"), [(1, 8), (0, 8), (4, 0)])
def test_scaling_demo_with_too_few_keys_or_queries(n_keys, n_queries):
    with pytest.raises(ValueError, match=all_of(f"n_keys={n_keys}", f"n_queries={n_queries}")):
        scaling_demo((4,), n_keys=n_keys, n_queries=n_queries)


# split_heads and merge_heads


@pytest.mark.parametrize("n_heads", [0, -1, 2.0, None])
def test_split_heads_with_n_heads_zero_or_not_a_positive_integer(n_heads):
    with pytest.raises(ValueError, match=all_of("n_heads must be a positive integer", f"got {n_heads!r}")):
        split_heads(np.ones((5, 4)), n_heads)


def test_split_heads_with_n_heads_that_does_not_divide_d():
    with pytest.raises(ValueError, match=all_of("n_heads=3 does not divide d=4", "x is (5, 4)", "[1, 2, 4]")):
        split_heads(np.ones((5, 4)), 3)


@pytest.mark.parametrize("shape", [(4,), (), (0, 4), (5, 0)])
def test_split_heads_of_a_vector_or_an_empty_axis(shape):
    with pytest.raises(
        ValueError, match=all_of("split_heads needs x of shape (..., n, d)", f"got shape {shape}")
    ):
        split_heads(np.ones(shape), 2)


@pytest.mark.parametrize("shape", [(5, 4), (4,), (0, 5, 2), (2, 5, 0)])
def test_merge_heads_of_too_few_axes_or_an_empty_one(shape):
    with pytest.raises(
        ValueError, match=all_of("merge_heads needs heads of shape (..., h, n, d_h)", f"got shape {shape}")
    ):
        merge_heads(np.ones(shape))


# softmax of nothing, and overflow named after what the caller passed


@pytest.mark.parametrize(("value", "shape"), [([], "(0,)"), (np.ones((3, 0)), "(3, 0)")])
def test_softmax_of_nothing(value, shape):
    with pytest.raises(
        ValueError, match=all_of("softmax needs at least one entry along axis -1", f"got shape {shape}")
    ):
        softmax(value)


def test_softmax_of_a_scalar():
    with pytest.raises(ValueError, match="softmax needs an array with at least one axis"):
        softmax(3.0)


def test_multi_head_projection_overflow_names_x_and_the_weight():
    x, w_q, w_k, w_v, w_o = mha_inputs()
    x = x * 1e300
    w_q = np.full_like(w_q, 1e10)
    with pytest.raises(
        ValueError, match=all_of("x @ w_q overflowed float64", "in x: ", "in w_q: 1e+10")
    ) as error:
        multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=2)
    assert "q @ k" not in str(error.value) and "q contains" not in str(error.value)


def test_multi_head_score_overflow_names_x_w_q_and_w_k():
    _, _, _, w_v, w_o = mha_inputs()
    big = np.eye(4) * 1e160  # each projection is finite; their scores are not
    with pytest.raises(
        ValueError, match=all_of("(x @ w_q) @ (x @ w_k)^T overflowed float64", "|w_q| = 1e+160")
    ):
        multi_head_attention(np.eye(4), big, big, w_v, w_o, n_heads=2)


def test_multi_head_output_never_inf(recwarn):
    x, w_q, w_k, w_v, w_o = mha_inputs()
    w_v = np.eye(4) * 1e300
    w_o = np.full((4, 4), 1e300)
    with pytest.raises(
        ValueError, match=all_of("the heads' outputs @ w_o overflowed float64", "in w_o: 1e+300")
    ):
        multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=2)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# Issue 27: the package's own errors for the inputs that got numpy's


@pytest.mark.parametrize("name", ["q", "k", "v"])
def test_an_empty_batch_axis_is_refused_naming_the_shape(name):
    arrays = dict(zip("qkv", (a[None] for a in qkv()), strict=True))
    arrays[name] = np.zeros((0, *arrays[name].shape[1:]))
    with pytest.raises(ValueError, match=all_of(f"{name} has an empty batch axis", "(0, ")):
        scaled_dot_product_attention(*arrays.values())


def test_multi_head_x_with_an_empty_batch_axis_is_refused_naming_the_shape():
    x, *weights = mha_inputs()
    with pytest.raises(ValueError, match=all_of("x has an empty batch axis", "(0, 5, 4)")):
        multi_head_attention(np.zeros((0, *x.shape)), *weights, n_heads=2)


@pytest.mark.parametrize("axis", [5, -3, 1.0, True])
def test_softmax_along_an_axis_the_array_does_not_have(axis):
    with pytest.raises(ValueError, match=all_of(f"axis={axis!r}", "(2, 3)", "from -2 to 1")):
        softmax(np.zeros((2, 3)), axis=axis)


@pytest.mark.parametrize(
    ("shape", "fix"),
    [((4,), "Give one weight matrix with d_model = 4 rows"), ((16,), "np.reshape(w_o, (4, 4))")],
)
def test_a_one_dimensional_output_projection_gets_the_fix_for_a_weight(shape, fix):
    x, w_q, w_k, w_v, _ = mha_inputs()
    with pytest.raises(
        ValueError, match=all_of("w_o must be a (d_model, d_model) = (4, 4) matrix", fix)
    ) as error:
        multi_head_attention(x, w_q, w_k, w_v, np.ones(shape), n_heads=2)
    assert "token axis" not in str(error.value)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((3, 2), ("causal_mask(3, 2): more queries than keys", "give n_k >= n_q")),
        ((2, 0), ("positive integer n_k", "got 0")),
    ],
)
def test_causal_mask_with_fewer_keys_than_queries_or_no_keys(args, says):
    with pytest.raises(ValueError, match=all_of(*says)):
        causal_mask(*args)
