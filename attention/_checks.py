"""Input checks shared by the public functions: every error names what it received."""

from __future__ import annotations

import numpy as np


def as_float_array(name: str, value, *, min_ndim: int = 2) -> np.ndarray:
    """Return ``value`` as a float array, or raise ``ValueError`` saying why not.

    float32 and float64 are kept; integers become float64. Booleans, strings,
    objects and complex numbers are refused, as are NaN and infinities.

    >>> as_float_array("q", [[1, 2]]).dtype
    dtype('float64')
    >>> as_float_array("q", [1, 2])
    Traceback (most recent call last):
    ...
    ValueError: q must have at least 2 dimensions (..., n, d); got shape (2,). Add a token axis, e.g. q[None, :].
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise ValueError(f"{name} must be a numeric array; numpy could not read it: {error}") from None
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise ValueError(
            f"{name} must hold real numbers (int or float); got dtype {array.dtype}. "
            f"Convert it first, e.g. np.asarray({name}, dtype=float)."
        )
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    if array.ndim < min_ndim:
        raise ValueError(
            f"{name} must have at least {min_ndim} dimensions (..., n, d); got shape {array.shape}. "
            f"Add a token axis, e.g. {name}[None, :]."
        )
    if 0 in array.shape[:-2]:
        raise ValueError(
            f"{name} has an empty batch axis: shape {array.shape}; attention over no sequences has no "
            "result. Pass at least one sequence, or skip the call when the batch is empty."
        )
    if 0 in array.shape[-2:]:
        raise ValueError(
            f"{name} has an empty token or feature axis: shape {array.shape}; "
            "attention needs at least one token and one feature."
        )
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} contains {int(bad.sum())} non-finite value(s) (NaN or inf), the first "
            f"at index {where}: {array[where]}. Attention needs finite inputs; use mask= "
            "to exclude positions instead of -inf."
        )
    return array


def positive_int(name: str, value, *, owner: str | None = None, meaning: str = "") -> int:
    """``value`` as an ``int`` if it is a positive integer (never a bool), else ``ValueError`` naming it.

    The one check for every count the package takes (tokens, heads, widths, layers).

    >>> positive_int("n_heads", 2)
    2
    >>> positive_int("n", 0, owner="padding_mask", meaning="the padded length")
    Traceback (most recent call last):
    ...
    ValueError: padding_mask needs a positive integer n (the padded length); got 0.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        named = f"{name} ({meaning})" if meaning else name
        what = f"{owner} needs a positive integer {named}" if owner else f"{named} must be a positive integer"
        raise ValueError(f"{what}; got {value!r}.")
    return int(value)


def broadcast_batch(**shapes: tuple) -> tuple:
    """Broadcast the leading (batch) dimensions of named shapes, or raise ``ValueError`` naming them.

    >>> broadcast_batch(q=(2, 5, 4), k=(1, 6, 4))
    (2,)
    >>> broadcast_batch(q=(2, 5, 4), k=(1, 6, 4), v=(3, 6, 2))
    Traceback (most recent call last):
    ...
    ValueError: the batch dimensions (all but the last two axes) do not broadcast: q (2, 5, 4) has (2,), k (1, 6, 4) has (1,), v (3, 6, 2) has (3,).
    """
    try:
        return np.broadcast_shapes(*(shape[:-2] for shape in shapes.values()))
    except ValueError:
        listed = ", ".join(f"{name} {shape} has {shape[:-2]}" for name, shape in shapes.items())
        raise ValueError(
            f"the batch dimensions (all but the last two axes) do not broadcast: {listed}."
        ) from None
