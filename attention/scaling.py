"""Why divide by sqrt(d_k): the vanishing-gradient argument, in numbers.

The paper's footnote assumes, "to illustrate why the dot products get large",
that q and k have d_k independent components of mean 0 and variance 1: random
vectors, closest to a model at initialisation, not a claim about trained models. Then the dot product q.k is a sum of d_k terms of
variance 1, so Var(q.k) = d_k and its standard deviation is sqrt(d_k). Unscaled,
large d_k pushes the scores far apart and softmax puts nearly all weight on one
key: it saturates. Dividing by sqrt(d_k) brings the standard deviation back to
about 1.

Two derivatives are measured, and they differ by a constant. Write s = q.k for
the raw score and z for what softmax sees (z = s unscaled, z = s / sqrt(d_k)
scaled), and p = softmax(z):

- dp/dz = diag(p) - p p^T, softmax's own Jacobian. It depends on p alone and is
  near 0 when p is nearly one-hot, so it is what "saturated" is measured on.
- dp/ds = dp/dz * dz/ds: the same for the unscaled model, and dp/dz / sqrt(d_k)
  for the scaled one. It is the derivative the gradient to W_Q and W_K flows
  through.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import positive_int
from .core import softmax

#: A query's softmax counts as saturated when its Jacobian's Frobenius norm is below this.
SATURATION_THRESHOLD = 1e-3


@dataclass(frozen=True)
class ScalingRow:
    """One d_k of :func:`scaling_demo`: unscaled against scaled scores.

    ``z`` is what softmax sees (``s`` unscaled, ``s / sqrt(d_k)`` scaled) and
    ``s = q.k`` the raw score. ``gradient_*``, ``median_gradient_*`` and
    ``saturated_*`` measure dp/dz; ``score_gradient_*`` and
    ``median_score_gradient_*`` measure dp/ds, which for the scaled model is
    dp/dz divided by sqrt(d_k).
    """

    d_k: int
    std_unscaled: float  #: standard deviation of q.k, about sqrt(d_k)
    std_scaled: float  #: standard deviation of q.k / sqrt(d_k), about 1
    max_weight_unscaled: float  #: mean largest softmax weight per query
    max_weight_scaled: float
    gradient_unscaled: float  #: mean over queries of the Frobenius norm of dp/dz (softmax's own Jacobian)
    gradient_scaled: float
    median_gradient_unscaled: float  #: median over queries of the Frobenius norm of dp/dz
    median_gradient_scaled: float
    saturated_unscaled: float  #: share of queries (in [0, 1]) with norm of dp/dz below SATURATION_THRESHOLD
    saturated_scaled: float
    score_gradient_unscaled: float  #: mean over queries of the Frobenius norm of dp/ds, s = q.k the raw score
    score_gradient_scaled: float  #: the same with the scaled model's extra factor 1/sqrt(d_k)
    median_score_gradient_unscaled: float  #: median over queries of the Frobenius norm of dp/ds
    median_score_gradient_scaled: float


def softmax_jacobian_norm(p: np.ndarray) -> np.ndarray:
    """Frobenius norm of the softmax Jacobian diag(p) - p p^T for each row of ``p``.

    It is 0 for a one-hot row (saturation), small for a row spread flat over many
    keys (sqrt(n - 1) / n for n keys) and largest when the weight is split among a
    few keys (0.5 for an even split between two).

    >>> softmax_jacobian_norm(np.array([[0.5, 0.5], [1.0, 0.0]])).round(3)
    array([0.5, 0. ])
    """
    p = np.asarray(p, dtype=float)
    jacobian = p[..., :, None] * (np.eye(p.shape[-1]) - p[..., None, :])  # (..., n, n)
    return np.sqrt((jacobian**2).sum(axis=(-2, -1)))


def sample_scores(d_k: int, n_queries: int = 256, n_keys: int = 16, seed: int = 0) -> np.ndarray:
    """Raw scores q.k, shape ``(n_queries, n_keys)``, for q and k with iid N(0, 1) components.

    Seeded by ``(seed, d_k)``: the same d_k gives the same sample whatever else is asked for.

    >>> scores = sample_scores(64)
    >>> scores.shape, round(float(scores.std()))
    ((256, 16), 8)
    """
    rng = np.random.default_rng([seed, d_k])
    q = rng.standard_normal((n_queries, 1, d_k))  # (queries, 1, d_k)
    k = rng.standard_normal((n_queries, n_keys, d_k))  # (queries, n_keys, d_k)
    return (q @ np.swapaxes(k, -1, -2))[:, 0, :]  # (queries, n_keys)


def aligned_scores(d_k: int, alignment: float, n: int = 1000, seed: int = 0) -> np.ndarray:
    """Raw scores q.k, shape ``(n,)``, for queries and keys that training has aligned.

    Each component of q and of k is N(0, 1), as at initialisation, but k's component
    has correlation ``alignment`` (from -1 to 1) with q's: k = a q + sqrt(1 - a^2) e,
    e independent noise. Then E[q.k] = a d_k: the mean grows like d_k, not sqrt(d_k)
    (the standard deviation stays about sqrt(d_k (1 + a^2))). Seeded by ``(seed, d_k)``.

    >>> [round(float(aligned_scores(d_k, 0.5).mean() / d_k), 1) for d_k in (64, 1024)]
    [0.5, 0.5]
    >>> round(float(aligned_scores(64, 0.0).mean()))  # independent, as the footnote assumes
    0
    """
    d_k = positive_int("d_k", d_k)
    if not -1.0 <= float(alignment) <= 1.0:
        raise ValueError(f"alignment is a correlation, from -1 to 1; got {alignment!r}.")
    n = positive_int("n", n, meaning="how many query-key pairs")
    rng = np.random.default_rng([seed, d_k])
    q = rng.standard_normal((n, d_k))  # (n, d_k)
    noise = rng.standard_normal((n, d_k))
    k = alignment * q + math.sqrt(1.0 - alignment**2) * noise  # (n, d_k), unit variance per component
    return np.einsum("nd,nd->n", q, k)  # (n,)


def scaling_demo(
    d_ks: tuple[int, ...] = (4, 64, 1024), n_keys: int = 16, n_queries: int = 256, seed: int = 0
) -> list[ScalingRow]:
    """Sample q and k with iid N(0, 1) components and measure what scaling changes.

    For each ``d_k``: ``n_queries`` queries each score ``n_keys`` keys, seeded, so
    the table is the same on every run.

    >>> rows = scaling_demo()
    >>> [(r.d_k, round(r.std_unscaled), round(r.std_scaled, 1)) for r in rows]
    [(4, 2, 1.0), (64, 8, 1.0), (1024, 32, 1.0)]
    >>> rows[-1].max_weight_unscaled > 0.9 > 0.5 > rows[-1].max_weight_scaled
    True
    >>> rows[-1].saturated_unscaled > 0.5 > 0 == rows[-1].saturated_scaled
    True
    >>> rows[-1].median_score_gradient_unscaled < 1e-3 < rows[-1].median_score_gradient_scaled
    True
    """
    d_ks = tuple(d_ks)
    for d_k in d_ks:
        if isinstance(d_k, bool) or not isinstance(d_k, (int, np.integer)) or d_k < 1:
            raise ValueError(f"every d_k must be a positive integer; got {d_k!r} in {d_ks!r}.")
    if n_keys < 2 or n_queries < 1:
        raise ValueError(f"need n_keys >= 2 and n_queries >= 1; got n_keys={n_keys}, n_queries={n_queries}.")
    rows = []
    for d_k in d_ks:
        scores = sample_scores(int(d_k), n_queries, n_keys, seed)
        scaled = scores / math.sqrt(d_k)
        p_unscaled, p_scaled = softmax(scores), softmax(scaled)
        # dp/dz, softmax's own Jacobian, and dp/ds = dp/dz * dz/ds with dz/ds = 1/sqrt(d_k) when scaled
        norm_unscaled, norm_scaled = softmax_jacobian_norm(p_unscaled), softmax_jacobian_norm(p_scaled)
        score_norm_scaled = norm_scaled / math.sqrt(d_k)
        rows.append(
            ScalingRow(
                d_k=int(d_k),
                std_unscaled=float(scores.std()),
                std_scaled=float(scaled.std()),
                max_weight_unscaled=float(p_unscaled.max(axis=-1).mean()),
                max_weight_scaled=float(p_scaled.max(axis=-1).mean()),
                gradient_unscaled=float(norm_unscaled.mean()),
                gradient_scaled=float(norm_scaled.mean()),
                median_gradient_unscaled=float(np.median(norm_unscaled)),
                median_gradient_scaled=float(np.median(norm_scaled)),
                saturated_unscaled=float(np.mean(norm_unscaled < SATURATION_THRESHOLD)),
                saturated_scaled=float(np.mean(norm_scaled < SATURATION_THRESHOLD)),
                score_gradient_unscaled=float(norm_unscaled.mean()),  # dz/ds = 1 unscaled
                score_gradient_scaled=float(score_norm_scaled.mean()),
                median_score_gradient_unscaled=float(np.median(norm_unscaled)),
                median_score_gradient_scaled=float(np.median(score_norm_scaled)),
            )
        )
    return rows
