"""Multi-head attention: several scaled dot-product attentions side by side."""

from __future__ import annotations

import math

import numpy as np

from ._checks import as_float_array, positive_int
from .core import _check_mask, attend


def split_heads(x: np.ndarray, n_heads: int) -> np.ndarray:
    """Split the last axis into ``n_heads`` contiguous blocks: (..., n, d) -> (..., h, n, d/h).

    With ``h = n_heads``, head ``i`` gets columns ``i*d/h`` to ``(i+1)*d/h``, the
    paper's and PyTorch's layout.

    >>> split_heads(np.arange(8.0).reshape(2, 4), 2)[1].tolist()
    [[2.0, 3.0], [6.0, 7.0]]
    >>> split_heads(np.ones((2, 4)), 3)
    Traceback (most recent call last):
    ...
    ValueError: n_heads=3 does not divide d=4 (x is (2, 4)); choose n_heads from [1, 2, 4].
    """
    x = np.asarray(x)
    if x.ndim < 2 or 0 in x.shape[-2:]:
        raise ValueError(
            f"split_heads needs x of shape (..., n, d) with n, d >= 1; got shape {x.shape}. "
            "Add a token axis to a single vector, e.g. x[None, :]."
        )
    _check_n_heads(n_heads)
    *batch, n, d = x.shape
    if d % n_heads:
        raise ValueError(
            f"n_heads={n_heads} does not divide d={d} (x is {x.shape}); choose n_heads from {_divisors(d)}."
        )
    return np.moveaxis(x.reshape(*batch, n, n_heads, d // n_heads), -2, -3)  # (..., h, n, d/h)


def merge_heads(x: np.ndarray) -> np.ndarray:
    """Undo :func:`split_heads`: (..., h, n, d_h) -> (..., n, h*d_h), heads side by side.

    >>> x = np.arange(8.0).reshape(2, 4)
    >>> bool(np.array_equal(merge_heads(split_heads(x, 2)), x))
    True
    """
    x = np.asarray(x)
    if x.ndim < 3 or 0 in x.shape[-3:]:
        raise ValueError(
            f"merge_heads needs heads of shape (..., h, n, d_h) with h, n, d_h >= 1; got shape {x.shape}. "
            "Pass what split_heads returned."
        )
    *batch, h, n, d_h = x.shape
    return np.moveaxis(x, -3, -2).reshape(*batch, n, h * d_h)


def multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads: int, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """Multi-head self-attention of ``x``, returning ``(output, weights)``.

    ``x`` is (..., n, d_model) and each of ``w_q, w_k, w_v, w_o`` is
    (d_model, d_model), applied as ``x @ w``. Head ``i`` attends with the
    contiguous column block ``i`` of width ``d_k = d_model // n_heads``; the heads'
    outputs are concatenated and projected by ``w_o``. ``output`` is
    (..., n, d_model) and ``weights``, one attention matrix A per head, is
    (..., n_heads, n, n).

    >>> x = np.eye(4)
    >>> out, w = multi_head_attention(x, np.eye(4), np.eye(4), np.eye(4), np.eye(4), n_heads=2)
    >>> out.shape, w.shape
    ((4, 4), (2, 4, 4))
    >>> bool(np.allclose(w.sum(axis=-1), 1))
    True
    """
    x = as_float_array("x", x)
    d_model = x.shape[-1]
    _check_n_heads(n_heads)
    if d_model % n_heads:
        raise ValueError(
            f"n_heads={n_heads} does not divide d_model={d_model} (x is {x.shape}); "
            f"choose n_heads from {_divisors(d_model)}."
        )
    weights_in = {}
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        w = as_float_array(name, w, min_ndim=0)  # its shape is checked here, as a weight matrix's
        if w.shape != (d_model, d_model):
            raise ValueError(_weight_shape_error(name, w.shape, d_model))
        weights_in[name] = w
    if mask is not None:
        n = x.shape[-2]
        mask = _check_mask(mask, (*x.shape[:-2], n, n))  # checked as the caller gave it
        mask = mask[..., None, :, :] if mask.ndim >= 2 else mask  # the same mask for every head

    # 1) project, then split the columns into heads: (..., n_heads, n, d_k)
    q = split_heads(_product(x, weights_in, "w_q"), n_heads)
    k = split_heads(_product(x, weights_in, "w_k"), n_heads)
    v = split_heads(_product(x, weights_in, "w_v"), n_heads)
    # 2) attend, every head on its own block
    too_large = (
        f"the heads' scores (x @ w_q) @ (x @ w_k)^T overflowed {{dtype}} (largest |x| = "
        f"{np.abs(x).max():.3g}, |w_q| = {np.abs(weights_in['w_q']).max():.3g}, "
        f"|w_k| = {np.abs(weights_in['w_k']).max():.3g}); inputs this large are outside what attention can score."
    )
    heads, weights = attend(q, k, v, mask, too_large)
    # 3) concatenate the heads and mix them with w_o: (..., n, d_model)
    return _product(merge_heads(heads), weights_in, "w_o", left="the heads' outputs"), weights


def _weight_shape_error(name: str, shape: tuple, d_model: int) -> str:
    """What is wrong with a weight of ``shape`` and how to fix it.

    >>> _weight_shape_error("w_o", (16,), 4)
    'w_o must be a (d_model, d_model) = (4, 4) matrix, applied as x @ w_o; got shape (16,). It holds 16 values: np.reshape(w_o, (4, 4)) makes it a matrix, if its values are in row order.'
    """
    fix = (
        f"It holds {d_model * d_model} values: np.reshape({name}, ({d_model}, {d_model})) makes it a matrix, "
        "if its values are in row order."
        if math.prod(shape) == d_model * d_model
        else f"Give one weight matrix with d_model = {d_model} rows (x's last axis) and {d_model} columns."
    )
    return f"{name} must be a (d_model, d_model) = ({d_model}, {d_model}) matrix, applied as x @ {name}; got shape {shape}. {fix}"


def _check_n_heads(n_heads) -> None:
    positive_int("n_heads", n_heads)


def _divisors(d: int) -> list[int]:
    return [h for h in range(1, d + 1) if d % h == 0]


def _product(x: np.ndarray, weights: dict, name: str, left: str = "x") -> np.ndarray:
    """``x @ weights[name]``, or a ``ValueError`` naming both if the product overflows."""
    w = weights[name]
    with np.errstate(over="ignore", invalid="ignore"):
        product = x @ w
    if not np.isfinite(product).all():
        raise ValueError(
            f"{left} @ {name} overflowed {product.dtype} (largest magnitude in {left}: "
            f"{np.abs(x).max():.3g}, in {name}: {np.abs(w).max():.3g}); "
            "inputs this large are outside what attention can compute."
        )
    return product
