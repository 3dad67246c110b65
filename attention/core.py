"""Softmax, causal masks and scaled dot-product attention.

Shapes follow the paper: ``q`` is (..., n_q, d_k), ``k`` is (..., n_k, d_k) and
``v`` is (..., n_k, d_v). Row ``i`` of the weights belongs to query token ``i``;
column ``j`` to key token ``j``.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import as_float_array, broadcast_batch, positive_int


def softmax(x, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along ``axis``: exponentiate, then normalise to sum 1.

    The maximum is subtracted first, so logits as large as +-1e308 stay finite.
    ``-inf`` entries get weight exactly 0 (that is how masks enter); NaN and
    ``+inf`` are refused. float32 stays float32, float64 stays float64.

    >>> softmax(np.array([1.0, 2.0, 3.0])).round(3)
    array([0.09 , 0.245, 0.665])
    >>> softmax(np.array([1e308, -1e308])).tolist()
    [1.0, 0.0]
    >>> softmax(np.zeros(2, dtype=np.float32)).dtype
    dtype('float32')
    """
    x = np.asarray(x)
    if x.dtype == bool or not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise ValueError(f"softmax needs real numbers (int or float); got dtype {x.dtype}.")
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    if np.isnan(x).any() or np.isposinf(x).any():
        raise ValueError(
            "softmax input contains NaN or +inf; only finite values and -inf (masked) are allowed."
        )
    if x.ndim == 0:
        raise ValueError(
            f"softmax needs an array with at least one axis; got the scalar {x!r}. Wrap it: softmax([x])."
        )
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or not -x.ndim <= axis < x.ndim:
        raise ValueError(
            f"softmax axis={axis!r} is not an axis of an array of shape {x.shape}; "
            f"give an integer from {-x.ndim} to {x.ndim - 1} (-1, the last axis, is the usual one)."
        )
    if x.shape[axis] == 0:
        raise ValueError(
            f"softmax needs at least one entry along axis {axis}; got shape {x.shape}, "
            "and weights over nothing are undefined."
        )
    peak = np.max(x, axis=axis, keepdims=True)
    if np.isneginf(peak).any():
        raise ValueError(
            "softmax input has a slice that is -inf everywhere (a fully masked row); "
            "every row needs at least one finite entry."
        )
    with np.errstate(over="ignore"):  # x - peak may overflow to -inf: its weight is then 0
        e = np.exp(x - peak)
    return e / np.sum(e, axis=axis, keepdims=True)


def causal_mask(n_q: int, n_k: int | None = None) -> np.ndarray:
    """The (n_q, n_k) boolean mask that lets each query attend to its own position and earlier ones only.

    True means "may attend" (PyTorch's convention for boolean masks). With one argument
    the mask is square, (n, n), and token ``i`` sees tokens ``0..i``. With ``n_k`` keys
    and ``n_q <= n_k`` queries, the queries are the *last* ``n_q`` positions, as when
    generating with a cache of earlier keys: the mask is aligned to the bottom right, so
    query ``i`` sees keys ``0 .. i + n_k - n_q``. (PyTorch's ``is_causal=True`` aligns it
    to the top left instead, where the first query sees key 0 alone.)

    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    >>> causal_mask(2, 4).astype(int)  # the last two of four positions
    array([[1, 1, 1, 0],
           [1, 1, 1, 1]])
    """
    n_q = positive_int("n_q" if n_k is not None else "n", n_q, owner="causal_mask")
    n_k = n_q if n_k is None else positive_int("n_k", n_k, owner="causal_mask")
    if n_k < n_q:
        raise ValueError(
            f"causal_mask({n_q}, {n_k}): more queries than keys, so the first {n_q - n_k} queries "
            "would see no key at all. The queries are the last n_q of the n_k positions: give n_k >= n_q."
        )
    return np.tril(np.ones((n_q, n_k), dtype=bool), k=n_k - n_q)


def scaled_dot_product_attention(q, k, v, mask=None) -> tuple[np.ndarray, np.ndarray]:
    """Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V, returning ``(output, weights)``.

    ``q`` is (..., n_q, d_k), ``k`` is (..., n_k, d_k), ``v`` is (..., n_k, d_v);
    leading batch dimensions broadcast. ``mask`` is boolean and broadcastable to
    (..., n_q, n_k), True where query ``i`` may attend to key ``j``; masked
    weights are exactly 0. ``output`` is (..., n_q, d_v) and ``weights`` is
    (..., n_q, n_k), each row summing to 1.

    >>> q = k = v = np.eye(2)
    >>> out, w = scaled_dot_product_attention(q, k, v)
    >>> w.round(3)
    array([[0.67, 0.33],
           [0.33, 0.67]])
    >>> bool(np.allclose(out, w @ v))
    True
    >>> scaled_dot_product_attention(q, k, v, mask=causal_mask(2))[1].round(3)
    array([[1.  , 0.  ],
           [0.33, 0.67]])
    """
    q = as_float_array("q", q)
    k = as_float_array("k", k)
    v = as_float_array("v", v)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"q and k must share d_k (their last axis): q is {q.shape} with d_k={q.shape[-1]}, "
            f"k is {k.shape} with d_k={k.shape[-1]}."
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"k and v must have the same number of tokens (axis -2): k is {k.shape} with "
            f"n_k={k.shape[-2]}, v is {v.shape} with n_k={v.shape[-2]}."
        )
    broadcast_batch(q=q.shape, k=k.shape, v=v.shape)
    too_large = (
        f"q @ k^T overflowed {{dtype}} (largest |q| = {np.abs(q).max():.3g}, |k| = {np.abs(k).max():.3g}); "
        "inputs this large are outside what attention can score."
    )
    return attend(q, k, v, mask, too_large)


def attend(q, k, v, mask, too_large: str) -> tuple[np.ndarray, np.ndarray]:
    """The attention of checked arrays; ``too_large`` (with ``{dtype}``) is the message if the scores overflow.

    Callers that compute ``q`` and ``k`` themselves (multi-head attention) word that
    message in terms of the arguments their own caller passed.
    """
    d_k = q.shape[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        scores = q @ np.swapaxes(k, -1, -2)  # (..., n_q, n_k)
    if not np.isfinite(scores).all():
        raise ValueError(too_large.format(dtype=scores.dtype))
    scores = scores / np.asarray(math.sqrt(d_k), dtype=scores.dtype)
    if mask is not None:
        mask = _check_mask(mask, scores.shape)
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=-1)  # (..., n_q, n_k)
    return weights @ v, weights  # (..., n_q, d_v), (..., n_q, n_k)


def _check_mask(mask, scores_shape: tuple) -> np.ndarray:
    """Return ``mask`` as a boolean array, or raise ``ValueError`` naming the problem."""
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise ValueError(
            f"mask must be boolean (True = may attend); got dtype {mask.dtype}. "
            "Use mask.astype(bool), or causal_mask(n)."
        )
    try:
        full = np.broadcast_shapes(mask.shape, scores_shape)
    except ValueError:
        full = None
    if full != tuple(scores_shape):
        raise ValueError(
            f"mask of shape {mask.shape} does not broadcast to the scores' shape "
            f"{tuple(scores_shape)} (..., n_q, n_k)."
        )
    empty = ~np.broadcast_to(mask, scores_shape).any(axis=-1)
    if empty.any():
        where = tuple(int(i) for i in np.argwhere(empty)[0])
        raise ValueError(
            f"mask lets query {where} attend to no key at all; softmax over nothing is undefined. "
            "Every query row needs at least one True."
        )
    return mask
