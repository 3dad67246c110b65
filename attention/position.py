"""Where position comes from: sinusoidal encodings, rotary embeddings (RoPE) and ALiBi.

Attention itself ignores order (shuffle the tokens and the outputs shuffle with
them). Three common ways to give it positions:

- :func:`sinusoidal_encoding`, *Attention Is All You Need*: a fixed vector per
  position, added to the embeddings once, before the first layer.
- :func:`rotary`, RoPE (Su et al., RoFormer): rotate each query and key by an angle
  proportional to its position, inside every attention layer, so a score depends
  on the two positions only through their distance.
- :func:`alibi_bias`, ALiBi (Press et al.): add to the scores a penalty that grows
  linearly with the distance between query and key, in every layer.
"""

from __future__ import annotations

import numpy as np

from ._checks import as_float_array, positive_int


def _frequencies(d: int, base: float) -> np.ndarray:
    """One angular frequency per pair of components: base^(-2c/d) for c = 0 .. d/2 - 1."""
    return base ** (-np.arange(0, d, 2) / d)  # (d/2,)


def sinusoidal_encoding(n: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    """The paper's positional encodings, shape (n, d_model): sin and cos at geometric frequencies.

    Row ``pos``, columns ``2c`` and ``2c + 1``: sin and cos of ``pos / base**(2c / d_model)``.
    Every row has norm sqrt(d_model / 2), and row 0 is ``[0, 1, 0, 1, ...]``.

    >>> sinusoidal_encoding(3, 4).round(2)
    array([[ 0.  ,  1.  ,  0.  ,  1.  ],
           [ 0.84,  0.54,  0.01,  1.  ],
           [ 0.91, -0.42,  0.02,  1.  ]])
    """
    n, d_model = positive_int("n", n), positive_int("d_model", d_model)
    if d_model % 2:
        raise ValueError(f"d_model must be even (sin and cos come in pairs); got d_model={d_model}.")
    angles = np.arange(n)[:, None] * _frequencies(d_model, base)  # (n, d_model/2)
    encoding = np.empty((n, d_model))
    encoding[:, 0::2], encoding[:, 1::2] = np.sin(angles), np.cos(angles)
    return encoding


def rotary(x, positions=None, base: float = 10000.0) -> np.ndarray:
    """Rotary position embedding (RoPE) of queries or keys ``x``, shape (..., n, d) with d even.

    Components ``2c`` and ``2c + 1`` of the row at position ``m`` are rotated by the
    angle ``m * base**(-2c / d)`` (the RoFormer paper's pairing; some libraries pair
    ``c`` with ``c + d/2`` instead, the same up to a fixed reordering of components).
    ``positions`` defaults to ``0 .. n-1``. Rotations keep lengths, and rotating q
    by position m and k by position m' makes their dot product depend on m - m' only.

    >>> q = np.array([[1.0, 0.0]])
    >>> rotary(q, positions=[1]).round(3)  # angle 1 radian: (cos 1, sin 1)
    array([[0.54 , 0.841]])
    """
    x = as_float_array("x", x)
    *_, n, d = x.shape
    if d % 2:
        raise ValueError(f"rotary needs an even last axis (components are rotated in pairs); x is {x.shape}.")
    positions = np.arange(n) if positions is None else np.asarray(positions, dtype=float)
    if positions.shape != (n,):
        raise ValueError(
            f"positions must have one entry per token, shape ({n},) for x of shape {x.shape}; "
            f"got shape {positions.shape}."
        )
    angles = positions[:, None] * _frequencies(d, base)  # (n, d/2)
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[..., 0::2], x[..., 1::2]  # (..., n, d/2) each
    rotated = np.empty_like(x)
    rotated[..., 0::2] = even * cos - odd * sin
    rotated[..., 1::2] = even * sin + odd * cos
    return rotated


def alibi_bias(n: int, slope: float) -> np.ndarray:
    """ALiBi's bias for ``n`` tokens, shape (n, n): ``-slope * |i - j|``, added to the scores.

    For the keys a causal model lets query ``i`` see (``j <= i``) this is the ALiBi
    paper's ``-slope * (i - j)``: the further back a key, the lower its score. The
    paper gives each head its own slope. Entries above the diagonal are those a
    causal mask removes.

    >>> alibi_bias(3, 0.5)
    array([[ 0. , -0.5, -1. ],
           [-0.5,  0. , -0.5],
           [-1. , -0.5,  0. ]])
    """
    n = positive_int("n", n)
    if not np.isfinite(slope) or slope < 0:
        raise ValueError(f"slope must be a finite number >= 0; got {slope!r}.")
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    return -float(slope) * np.abs(i - j) + 0.0  # + 0.0 turns -0.0 into 0.0
