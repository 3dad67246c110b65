"""A two-layer, attention-only Transformer small enough to read, with its trained weights.

The model that the page "A trained head" shows. It has no MLPs and no layer norm:
the residual stream is the token's embedding plus its position's, and each layer
adds what its heads read::

    x   = embed[tokens] + position[:n]                  # (B, n, d_model)
    x  += multi_head_attention(x, layer 0, causal)      # 2 heads, d_head = 16
    x  += multi_head_attention(x, layer 1, causal)
    logits = x @ unembed                                # (B, n, VOCAB)

Every attention weight comes from :func:`attention.multi_head_attention`, the
tested function the rest of the site uses. ``python -m attention.train`` makes the
shipped weights (``attention/data/tiny_model.npz``) from a fixed seed.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np

from .core import causal_mask, scaled_dot_product_attention
from .induction_task import CONTEXT, START, VOCAB
from .multihead import merge_heads, multi_head_attention, split_heads

N_LAYERS, N_HEADS, D_MODEL = 2, 2, 32
D_HEAD = D_MODEL // N_HEADS
PROJECTIONS = ("w_q", "w_k", "w_v", "w_o")
FORMAT = 1  # bump when the file's layout changes


def weight_shapes() -> dict[str, tuple[int, ...]]:
    """The name and shape of every array in a weights file.

    >>> shapes = weight_shapes()
    >>> shapes["embed"], shapes["layer1.w_o"], shapes["unembed"]
    ((17, 32), (32, 32), (32, 16))
    >>> sum(int(np.prod(s)) for s in shapes.values())
    10048
    """
    shapes: dict[str, tuple[int, ...]] = {"embed": (VOCAB + 1, D_MODEL), "position": (CONTEXT, D_MODEL)}
    for layer in range(N_LAYERS):
        for name in PROJECTIONS:
            shapes[f"layer{layer}.{name}"] = (D_MODEL, D_MODEL)
    shapes["unembed"] = (D_MODEL, VOCAB)
    return shapes


@dataclass(frozen=True)
class TinyModel:
    """The model's weights by name (see :func:`~attention.tiny_model.weight_shapes`), float64."""

    weights: dict[str, np.ndarray]

    def layer(self, layer: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(w_q, w_k, w_v, w_o)`` of ``layer``, each (D_MODEL, D_MODEL), applied as ``x @ w``."""
        w_q, w_k, w_v, w_o = (self.weights[f"layer{layer}.{name}"] for name in PROJECTIONS)
        return w_q, w_k, w_v, w_o

    def without_head(self, layer: int, head: int) -> TinyModel:
        """This model with one head silenced: its rows of ``w_o`` set to zero, so it adds nothing.

        >>> model = load()
        >>> silenced = model.without_head(1, 0)
        >>> float(np.abs(silenced.weights["layer1.w_o"][:16]).max())
        0.0
        >>> bool(np.array_equal(model.weights["layer1.w_o"][16:], silenced.weights["layer1.w_o"][16:]))
        True
        """
        if layer not in range(N_LAYERS) or head not in range(N_HEADS):
            raise ValueError(
                f"there is no head {head} in layer {layer}: the model has layers 0..{N_LAYERS - 1}, "
                f"each with heads 0..{N_HEADS - 1}."
            )
        w_o = self.weights[f"layer{layer}.w_o"].copy()
        w_o[head * D_HEAD : (head + 1) * D_HEAD] = 0.0  # merge_heads puts head h's output in these columns
        return replace(self, weights={**self.weights, f"layer{layer}.w_o": w_o})


@dataclass(frozen=True)
class ModelRun:
    """What one forward pass computed: next-token logits and each layer's attention weights."""

    logits: np.ndarray  # (B, n, VOCAB): row t scores the token at t + 1
    attention: tuple[np.ndarray, ...]  # per layer, (B, N_HEADS, n, n); rows sum to 1


def run(model: TinyModel, tokens) -> ModelRun:
    """The forward pass over ``tokens`` (B, n) or (n,), n <= CONTEXT, each starting with ``START``.

    >>> from attention.induction_task import repeated_runs
    >>> out = run(load(), repeated_runs(4, seed=7).tokens)
    >>> out.logits.shape, out.attention[1].shape
    ((4, 25, 16), (4, 2, 25, 25))
    """
    tokens = _check_tokens(tokens)
    n = tokens.shape[-1]
    w = model.weights
    x = w["embed"][tokens] + w["position"][:n]  # (B, n, D_MODEL): the residual stream
    mask = causal_mask(n)  # (n, n): each token sees itself and what came before
    attention = []
    for layer in range(N_LAYERS):
        added, weights = multi_head_attention(x, *model.layer(layer), n_heads=N_HEADS, mask=mask)
        x = x + added  # (B, n, D_MODEL): each layer adds to the stream, nothing replaces it
        attention.append(weights)  # (B, N_HEADS, n, n)
    return ModelRun(logits=x @ w["unembed"], attention=tuple(attention))


#: The inputs of a layer-1 head that a layer-0 head's output can reach: its queries, keys and values.
LAYER1_INPUTS = ("query", "key", "value")


def run_without_route(model: TinyModel, tokens, head: int, inputs: str) -> ModelRun:
    """The forward pass with layer 0's ``head`` hidden from layer 1's ``inputs`` only.

    ``inputs`` is ``"query"``, ``"key"`` or ``"value"``: layer 1 computes that
    projection from the stream *without* the head's output, and everything else as
    usual (the stream that reaches the unembedding keeps it). Which route matters
    says how the layers compose: through keys is K-composition, through queries
    Q-composition (Elhage et al., 2021).

    >>> from attention.induction_task import repeated_runs
    >>> tokens = repeated_runs(2, seed=7).tokens
    >>> out = run_without_route(load(), tokens, head=0, inputs="key")
    >>> out.attention[0].shape == run(load(), tokens).attention[0].shape
    True
    """
    if inputs not in LAYER1_INPUTS:
        raise ValueError(f"inputs must be one of {', '.join(LAYER1_INPUTS)}; got {inputs!r}.")
    if head not in range(N_HEADS):
        raise ValueError(f"there is no head {head} in layer 0: its heads are 0..{N_HEADS - 1}.")
    tokens = _check_tokens(tokens)
    n = tokens.shape[-1]
    w = model.weights
    mask = causal_mask(n)
    x0 = w["embed"][tokens] + w["position"][:n]  # (B, n, D_MODEL)
    added0, weights0 = multi_head_attention(x0, *model.layer(0), n_heads=N_HEADS, mask=mask)
    _, _, w_v0, w_o0 = model.layer(0)
    cols = slice(head * D_HEAD, (head + 1) * D_HEAD)
    from_head = weights0[:, head] @ (x0 @ w_v0[:, cols]) @ w_o0[cols]  # (B, n, D_MODEL): what the head added
    x1 = x0 + added0
    w_q, w_k, w_v, w_o = model.layer(1)
    streams = {name: x1 - from_head if name == inputs else x1 for name in LAYER1_INPUTS}
    q, k, v = (
        split_heads(streams[name] @ m, N_HEADS)
        for name, m in zip(LAYER1_INPUTS, (w_q, w_k, w_v), strict=True)
    )  # each (B, N_HEADS, n, D_HEAD)
    heads, weights1 = scaled_dot_product_attention(q, k, v, mask=mask)
    x2 = x1 + merge_heads(heads) @ w_o
    return ModelRun(logits=x2 @ w["unembed"], attention=(weights0, weights1))


def shipped_path() -> Path:
    """Where the package keeps the trained weights."""
    return Path(str(resources.files("attention") / "data" / "tiny_model.npz"))


def load(path: str | Path | None = None) -> TinyModel:
    """The trained model, or the weights in ``path``; a file that is not one is a clear ``ValueError``.

    >>> load().weights["embed"].shape
    (17, 32)
    """
    path = shipped_path() if path is None else Path(path)
    fix = "Make a weights file with `python -m attention.train --output FILE`."
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except FileNotFoundError:
        raise ValueError(f"no weights file at {path}. {fix}") from None
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path} is not a weights file numpy can read ({error}). {fix}") from None
    if not isinstance(arrays, dict) or "format" not in arrays or int(arrays["format"]) != FORMAT:
        found = arrays.get("format") if isinstance(arrays, dict) else None
        raise ValueError(
            f"{path} is not a tiny-model weights file of format {FORMAT} (format: {found}). {fix}"
        )
    expected = weight_shapes()
    missing = sorted(set(expected) - set(arrays))
    if missing:
        raise ValueError(f"{path} lacks the weights {', '.join(missing)}. {fix}")
    weights = {}
    for name, shape in expected.items():
        array = arrays[name]
        if array.shape != shape or not np.issubdtype(array.dtype, np.floating):
            raise ValueError(
                f"{path}: {name} must be a float array of shape {shape}; got {array.dtype} {array.shape}. {fix}"
            )
        if not np.isfinite(array).all():
            raise ValueError(f"{path}: {name} holds NaN or infinite values. {fix}")
        weights[name] = array.astype(np.float64)
    return TinyModel(weights=weights)


def _check_tokens(tokens) -> np.ndarray:
    tokens = np.asarray(tokens)
    if tokens.ndim == 1:
        tokens = tokens[None, :]
    if tokens.ndim != 2 or not 1 <= tokens.shape[1] <= CONTEXT:
        raise ValueError(f"tokens must be (B, n) or (n,) with 1 <= n <= {CONTEXT}; got shape {tokens.shape}.")
    if tokens.dtype == bool or not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(f"tokens must be integer ids; got dtype {tokens.dtype}.")
    if ((tokens < 0) | (tokens > START)).any():
        raise ValueError(f"token ids run from 0 to {START} (<s>); got {tokens.min()} .. {tokens.max()}.")
    if (tokens[:, 0] != START).any():
        raise ValueError(f"every sequence starts with the start token {START}, as in training.")
    return tokens
