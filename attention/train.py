"""Train the tiny model from a fixed seed, in numpy, and check it against the shipped weights.

    python -m attention.train                  # retrain; compare with attention/data/tiny_model.npz
    python -m attention.train --output FILE    # retrain and write the weights to FILE

Why numpy, not PyTorch or JAX: the model has 10,048 parameters and the gradient of
an attention-only Transformer is a page of algebra (:func:`loss_and_gradients`),
checked against finite differences by the tests. Written out, it needs nothing
beyond the package's one dependency, and every step is plain float64 arithmetic,
so the same seed on the same numpy gives the same bytes.

The site's build and the tests never train: they read the shipped file.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .head_scores import head_scores, held_out
from .induction_task import repeated_runs
from .tiny_model import (
    D_HEAD,
    D_MODEL,
    FORMAT,
    N_HEADS,
    N_LAYERS,
    TinyModel,
    load,
    shipped_path,
    weight_shapes,
)


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the trained weights."""

    seed: int = 0
    steps: int = 5000
    batch: int = 64
    learning_rate: float = 5e-3
    weight_decay: float = 1e-4


def initial_weights(seed: int) -> dict[str, np.ndarray]:
    """Random starting weights: normal, scaled by 1/sqrt(fan-in) so the stream keeps its size.

    >>> w = initial_weights(0)
    >>> sorted(w) == sorted(weight_shapes())
    True
    """
    rng = np.random.default_rng(seed)
    weights = {}
    for name, shape in weight_shapes().items():
        scale = 1.0 if name in ("embed", "position") else 1.0 / math.sqrt(shape[0])
        weights[name] = rng.normal(0.0, scale, size=shape)
    return weights


def loss_and_gradients(
    weights: dict[str, np.ndarray], tokens: np.ndarray
) -> tuple[float, dict[str, np.ndarray]]:
    """Mean next-token cross-entropy over every position of ``tokens`` (B, n), and its gradient.

    The forward pass is the same algebra as :func:`attention.tiny_model.run`, batched by
    hand so that the backward pass can reuse what it kept.

    >>> runs = repeated_runs(2, seed=0)
    >>> loss, grads = loss_and_gradients(initial_weights(0), runs.tokens)
    >>> loss > 0, grads["embed"].shape
    (True, (17, 32))
    """
    B, n = tokens.shape
    mask = np.tril(np.ones((n, n), dtype=bool))
    x = weights["embed"][tokens] + weights["position"][:n]  # (B, n, d)
    kept = []
    for layer in range(N_LAYERS):
        w_q, w_k, w_v, w_o = (weights[f"layer{layer}.{p}"] for p in ("w_q", "w_k", "w_v", "w_o"))
        q, k, v = (_split(x @ w) for w in (w_q, w_k, w_v))  # (B, h, n, d_head)
        scores = np.where(mask, q @ k.swapaxes(-1, -2) / math.sqrt(D_HEAD), -np.inf)  # (B, h, n, n)
        a = np.exp(scores - scores.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        z = _merge(a @ v)  # (B, n, d)
        kept.append((x, q, k, v, a, z))
        x = x + z @ w_o
    logits = x[:, :-1] @ weights["unembed"]  # (B, n-1, VOCAB): position t predicts token t + 1
    targets = tokens[:, 1:]
    shifted = logits - logits.max(-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    count = B * (n - 1)
    loss = -float(np.take_along_axis(log_p, targets[..., None], -1).sum()) / count

    grads = {name: np.zeros_like(w) for name, w in weights.items()}
    d_logits = np.exp(log_p)
    np.put_along_axis(
        d_logits, targets[..., None], np.take_along_axis(d_logits, targets[..., None], -1) - 1, -1
    )
    d_logits /= count
    grads["unembed"] = _outer(x[:, :-1], d_logits)
    dx = np.zeros_like(x)
    dx[:, :-1] = d_logits @ weights["unembed"].T
    for layer in reversed(range(N_LAYERS)):
        x_in, q, k, v, a, z = kept[layer]
        w_q, w_k, w_v, w_o = (weights[f"layer{layer}.{p}"] for p in ("w_q", "w_k", "w_v", "w_o"))
        grads[f"layer{layer}.w_o"] = _outer(z, dx)
        dz = _split(dx @ w_o.T)  # (B, h, n, d_head)
        da = dz @ v.swapaxes(-1, -2)  # (B, h, n, n)
        dv = a.swapaxes(-1, -2) @ dz
        ds = a * (da - (da * a).sum(-1, keepdims=True)) / math.sqrt(D_HEAD)  # softmax's Jacobian
        dq, dk = ds @ k, ds.swapaxes(-1, -2) @ q
        dx_in = dx.copy()  # the residual path
        for name, w, d in (("w_q", w_q, dq), ("w_k", w_k, dk), ("w_v", w_v, dv)):
            d = _merge(d)  # (B, n, d)
            grads[f"layer{layer}.{name}"] = _outer(x_in, d)
            dx_in += d @ w.T
        dx = dx_in
    np.add.at(grads["embed"], tokens, dx)
    grads["position"][:n] = dx.sum(0)
    return loss, grads


def train(recipe: Recipe = Recipe(), log: Callable[[int, float], None] | None = None) -> TinyModel:
    """Adam on fresh task batches; ``log(step, loss)`` is called every 250 steps."""
    weights = initial_weights(recipe.seed)
    data = repeated_runs(recipe.steps * recipe.batch, seed=recipe.seed + 1).tokens
    first, second = (
        {n: np.zeros_like(w) for n, w in weights.items()},
        {n: np.zeros_like(w) for n, w in weights.items()},
    )
    beta1, beta2, eps = 0.9, 0.99, 1e-8
    for step in range(1, recipe.steps + 1):
        batch = data[(step - 1) * recipe.batch : step * recipe.batch]
        loss, grads = loss_and_gradients(weights, batch)
        for name, w in weights.items():
            g = grads[name]
            first[name] = beta1 * first[name] + (1 - beta1) * g
            second[name] = beta2 * second[name] + (1 - beta2) * g * g
            m = first[name] / (1 - beta1**step)
            s = second[name] / (1 - beta2**step)
            w -= recipe.learning_rate * (m / (np.sqrt(s) + eps) + recipe.weight_decay * w)
        if log is not None and (step % 250 == 0 or step == 1):
            log(step, loss)
    return TinyModel(weights={name: w.copy() for name, w in weights.items()})


def save(model: TinyModel, path: str | Path, recipe: Recipe = Recipe()) -> None:
    """Write ``model`` as a weights file that :func:`attention.tiny_model.load` reads (float32).

    The file appears whole or not at all: it is written beside ``path`` and then renamed.
    """
    path = Path(path)
    arrays = {"format": np.array(FORMAT), "seed": np.array(recipe.seed), "steps": np.array(recipe.steps)}
    arrays |= {name: model.weights[name].astype(np.float32) for name in weight_shapes()}
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as file:
            np.savez_compressed(file, allow_pickle=False, **arrays)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _outer(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The gradient of ``x @ w`` with respect to ``w``, summed over batch and positions: (d_in, d_out)."""
    return x.reshape(-1, x.shape[-1]).T @ d.reshape(-1, d.shape[-1])


def _split(x: np.ndarray) -> np.ndarray:
    return x.reshape(*x.shape[:-1], N_HEADS, D_HEAD).swapaxes(-2, -3)  # (B, n, d) -> (B, h, n, d_head)


def _merge(x: np.ndarray) -> np.ndarray:
    return x.swapaxes(-2, -3).reshape(*x.shape[:-3], x.shape[-2], D_MODEL)  # (B, h, n, d_head) -> (B, n, d)


SCORE_TOLERANCE = 0.05  # how far a retrained head's scores may be from the shipped head's


def reproduces(retrained: TinyModel, shipped: TinyModel, log: Callable[[str], None] = print) -> bool:
    """Whether ``retrained`` is the shipped model: the same float32 bytes, or every head score within tolerance.

    Float64 sums can differ in their last bits between BLAS builds and CPUs, and
    training amplifies such differences, so equal bytes are reported but the scores
    decide.
    """
    same = all(
        np.array_equal(retrained.weights[name].astype(np.float32), shipped.weights[name].astype(np.float32))
        for name in weight_shapes()
    )
    log("weights: " + ("the same bytes as the shipped file" if same else "differ from the shipped file"))
    runs = held_out()
    close = True
    for new, old in zip(head_scores(retrained, runs), head_scores(shipped, runs), strict=True):
        gaps = (abs(new.previous_token - old.previous_token), abs(new.induction - old.induction))
        ok = max(gaps) <= SCORE_TOLERANCE
        close &= ok
        log(
            f"layer {new.layer} head {new.head}: previous-token {new.previous_token:.3f} (shipped "
            f"{old.previous_token:.3f}), induction {new.induction:.3f} (shipped {old.induction:.3f})"
            + ("" if ok else f"  <- more than {SCORE_TOLERANCE} apart")
        )
    return same or close


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m attention.train", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--output", help="write the trained weights here (default: only compare them with the shipped file)"
    )
    args = parser.parse_args(argv)
    recipe = Recipe()
    start = time.perf_counter()
    model = train(recipe, log=lambda step, loss: print(f"step {step:5d}  loss {loss:.3f}", flush=True))
    print(f"trained in {time.perf_counter() - start:.0f} s: {recipe}")
    if args.output:
        save(model, args.output, recipe)
        print(f"wrote {args.output}")
        return 0
    if reproduces(model, load()):
        print(f"reproduced: the shipped model ({shipped_path()}) is what this recipe trains.")
        return 0
    print(f"NOT reproduced: retrain with --output {shipped_path()} if the recipe changed on purpose.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
