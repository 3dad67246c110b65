"""The worked example "The cat sat on mat": every number the site and the clips show.

A toy, designed by hand, not a trained model. Each embedding has four readable
features, ``noun, verb, relation, place``, and the projections encode a small
story: a noun looks for its verb, a verb for its noun, a relation word ("The",
"on") for a noun, and a place word for relations and places. The result is that
"The" attends most to "cat", "cat" to "sat", "sat" to "cat", "on" to "mat" and
"mat" to "on".
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from .core import scaled_dot_product_attention, softmax
from .multihead import multi_head_attention, split_heads

TOKENS = ("The", "cat", "sat", "on", "mat")
FEATURES = ("noun", "verb", "relation", "place")

# Token embeddings, one row per token, one column per feature: (n, d_model)
X = (
    (0.0, 0.0, 1.0, 0.0),  # The: a relation word
    (1.0, 0.2, 0.0, 0.0),  # cat: a noun
    (0.0, 1.0, 0.0, 0.0),  # sat: a verb
    (0.0, 0.2, 1.0, 0.8),  # on:  a relation about a place
    (0.6, 0.0, 0.0, 1.0),  # mat: a noun that is a place
)
# W_Q: row = feature a token has, column = feature it looks for: (d_model, d_k)
W_Q = (
    (0.0, 2.0, 0.0, 0.0),  # a noun looks for a verb
    (2.0, 0.0, 0.0, 0.0),  # a verb looks for a noun
    (3.0, 0.0, 0.0, 0.5),  # a relation word looks for a noun (and a little for a place)
    (0.0, 0.0, 2.0, 2.0),  # a place word looks for relations and places
)
# W_K: row = feature a token has, column = feature it offers: (d_model, d_k)
W_K = (
    (1.0, 0.0, 0.0, 0.0),
    (0.0, 1.0, 0.0, 0.0),
    (0.0, 0.0, 1.0, 0.0),
    (0.0, 0.0, 0.5, 1.0),  # a place also offers itself as something to relate to
)
# W_V: what a token passes on when attended to: (d_model, d_v)
W_V = (
    (1.0, 0.0, 0.0, 0.0),
    (0.0, 1.0, 0.0, 0.0),
    (0.0, 0.0, 0.5, 0.0),  # relation words pass on little of themselves
    (0.0, 0.0, 0.0, 1.0),
)
# W_O mixes the two heads' outputs back into d_model: (d_model, d_model)
W_O = (
    (1.0, 0.0, 0.25, 0.0),
    (0.0, 1.0, 0.0, 0.25),
    (0.25, 0.0, 1.0, 0.0),
    (0.0, 0.25, 0.0, 1.0),
)
N_HEADS = 2


def _frozen(values) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Example:
    """The worked example's inputs and every intermediate result, read-only.

    Single head (the phases 2 to 6): ``x`` (n, d_model) projected by ``w_q``,
    ``w_k``, ``w_v`` into ``q``, ``k``, ``v`` (n, d_k); ``scores = q @ k.T``;
    ``scaled_scores = scores / sqrt(d_k)``; ``weights = softmax(scaled_scores)``
    row by row, the attention matrix the pages call A (activations computed from
    ``x``, not learned parameters); ``output = weights @ v``.

    Multi-head (phase 7): the same projections split into ``n_heads`` column
    blocks of width ``d_head``; ``head_weights`` is (n_heads, n, n),
    ``head_outputs`` is (n_heads, n, d_head), and ``multi_head_output`` is the
    concatenated heads times ``w_o``.
    """

    tokens: tuple[str, ...]
    features: tuple[str, ...]
    x: np.ndarray
    w_q: np.ndarray
    w_k: np.ndarray
    w_v: np.ndarray
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    d_model: int
    d_k: int
    scores: np.ndarray
    scaled_scores: np.ndarray
    weights: np.ndarray
    output: np.ndarray
    n_heads: int
    d_head: int
    w_o: np.ndarray
    head_weights: np.ndarray
    head_outputs: np.ndarray
    multi_head_output: np.ndarray

    @property
    def n(self) -> int:
        """The number of tokens."""
        return len(self.tokens)

    @property
    def strongest_keys(self) -> tuple[str, ...]:
        """For each query token, the key token it attends to most (the row's argmax).

        >>> example().strongest_keys
        ('cat', 'sat', 'cat', 'mat', 'on')
        """
        return tuple(self.tokens[j] for j in self.weights.argmax(axis=-1))


@functools.cache
def example() -> Example:
    """The worked example "The cat sat on mat", computed once.

    >>> ex = example()
    >>> ex.tokens, ex.d_k
    (('The', 'cat', 'sat', 'on', 'mat'), 4)
    >>> ex.weights.round(2)
    array([[0.09, 0.41, 0.09, 0.11, 0.29],
           [0.13, 0.2 , 0.36, 0.16, 0.15],
           [0.13, 0.36, 0.13, 0.13, 0.24],
           [0.08, 0.2 , 0.04, 0.26, 0.43],
           [0.13, 0.06, 0.09, 0.5 , 0.22]])
    >>> bool(np.allclose(ex.weights.sum(axis=1), 1))
    True
    """
    x, w_q, w_k, w_v, w_o = (_frozen(m) for m in (X, W_Q, W_K, W_V, W_O))
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (n, d_k) each
    d_k = q.shape[-1]
    scores = q @ k.T  # (n, n): row i = query token i, column j = key token j
    scaled_scores = scores / math.sqrt(d_k)
    weights = softmax(scaled_scores, axis=-1)
    output, _ = scaled_dot_product_attention(q, k, v)

    multi_out, head_weights = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads=N_HEADS)
    head_outputs, _ = scaled_dot_product_attention(
        split_heads(q, N_HEADS), split_heads(k, N_HEADS), split_heads(v, N_HEADS)
    )  # (n_heads, n, d_head)
    return Example(
        tokens=TOKENS,
        features=FEATURES,
        x=x,
        w_q=w_q,
        w_k=w_k,
        w_v=w_v,
        q=_frozen(q),
        k=_frozen(k),
        v=_frozen(v),
        d_model=x.shape[-1],
        d_k=d_k,
        scores=_frozen(scores),
        scaled_scores=_frozen(scaled_scores),
        weights=_frozen(weights),
        output=_frozen(output),
        n_heads=N_HEADS,
        d_head=x.shape[-1] // N_HEADS,
        w_o=w_o,
        head_weights=_frozen(head_weights),
        head_outputs=_frozen(head_outputs),
        multi_head_output=_frozen(multi_out),
    )
