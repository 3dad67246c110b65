"""Multi-head attention: several scaled dot-product attentions side by side."""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array
from .core import _check_mask, scaled_dot_product_attention


def split_heads(x: np.ndarray, n_heads: int) -> np.ndarray:
    """Split the last axis into ``n_heads`` contiguous blocks: (..., n, d) -> (..., h, n, d/h).

    With ``h = n_heads``, head ``i`` gets columns ``i*d/h`` to ``(i+1)*d/h``, the
    paper's and PyTorch's layout.

    >>> split_heads(np.arange(8.0).reshape(2, 4), 2)[1].tolist()
    [[2.0, 3.0], [6.0, 7.0]]
    """
    *batch, n, d = x.shape
    return np.moveaxis(x.reshape(*batch, n, n_heads, d // n_heads), -2, -3)


def merge_heads(x: np.ndarray) -> np.ndarray:
    """Undo :func:`split_heads`: (..., h, n, d_h) -> (..., n, h*d_h), heads side by side.

    >>> x = np.arange(8.0).reshape(2, 4)
    >>> bool(np.array_equal(merge_heads(split_heads(x, 2)), x))
    True
    """
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
    if isinstance(n_heads, bool) or not isinstance(n_heads, (int, np.integer)) or n_heads < 1:
        raise ValueError(f"n_heads must be a positive integer; got {n_heads!r}.")
    if d_model % n_heads:
        raise ValueError(
            f"n_heads={n_heads} does not divide d_model={d_model} (x is {x.shape}); "
            f"choose n_heads from {[h for h in range(1, d_model + 1) if d_model % h == 0]}."
        )
    weights_in = {}
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v), ("w_o", w_o)):
        w = as_float_array(name, w)
        if w.shape != (d_model, d_model):
            raise ValueError(f"{name} must be (d_model, d_model) = ({d_model}, {d_model}); got {w.shape}.")
        weights_in[name] = w
    if mask is not None:
        n = x.shape[-2]
        mask = _check_mask(mask, (*x.shape[:-2], n, n))  # checked as the caller gave it
        mask = mask[..., None, :, :] if mask.ndim >= 2 else mask  # the same mask for every head

    # 1) project, then split the columns into heads: (..., n_heads, n, d_k)
    q = split_heads(x @ weights_in["w_q"], n_heads)
    k = split_heads(x @ weights_in["w_k"], n_heads)
    v = split_heads(x @ weights_in["w_v"], n_heads)
    # 2) attend, every head on its own block
    heads, weights = scaled_dot_product_attention(q, k, v, mask=mask)
    # 3) concatenate the heads and mix them with w_o: (..., n, d_model)
    return merge_heads(heads) @ weights_in["w_o"], weights
