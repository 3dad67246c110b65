"""Padding masks: which keys of a padded batch are real tokens.

Sentences of different lengths are batched by padding the short ones with filler
rows up to a common length ``n``. A padding mask keeps every query from attending
to the filler. True means "may attend", as in :func:`attention.causal_mask`.
"""

from __future__ import annotations

import numpy as np

from ._checks import positive_int


def padding_mask(lengths, n: int) -> np.ndarray:
    """The (B, 1, n) boolean mask letting every query of sentence ``b`` attend to its first ``lengths[b]`` keys.

    The middle axis has length 1 so the mask broadcasts over queries: every query,
    padded or not, sees the same real keys, so no row is left empty. Combine it
    with a causal mask by ``&``: ``padding_mask(lengths, n) & causal_mask(n)`` is
    (B, n, n).

    >>> padding_mask([3, 1], 4).astype(int)
    array([[[1, 1, 1, 0]],
    <BLANKLINE>
           [[1, 0, 0, 0]]])
    """
    n = positive_int("n", n, owner="padding_mask", meaning="the padded length")
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or lengths.size == 0:
        raise ValueError(
            f"lengths must be a non-empty 1-D list, one length per sentence (shape (B,)); got shape {lengths.shape}."
        )
    if lengths.dtype == bool or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths must be integers; got dtype {lengths.dtype} ({lengths.tolist()!r}).")
    bad = (lengths < 1) | (lengths > n)
    if bad.any():
        b = int(np.argmax(bad))
        raise ValueError(
            f"every length must be between 1 and n={n}; sentence {b} has length {int(lengths[b])}. "
            "A sentence with no tokens leaves its queries nothing to attend to."
        )
    return (np.arange(n) < lengths[:, None])[:, None, :]  # (B, 1, n)
