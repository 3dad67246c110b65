"""Numbers for the prose: MyST substitutions computed from ``attention`` when the site builds.

Write ``{{ w_sat_cat }}`` in a page and it becomes the weight with which "sat"
attends to "cat", formatted as the tables and clips format it. Inside maths too:
``$d_k = {{ d_k }}$`` sets the number in the formula (:mod:`attention_site.values_in_maths`).

>>> values = substitutions()
>>> values["w_sat_cat"], values["top_sat"], values["d_k"]
('0.36', 'cat', '4')
"""

from __future__ import annotations

import inspect
import math

import attention
from scenes.formats import format_magnitude, format_number, format_share

from .trained_head import substitutions as trained_head_values


def _vector(values) -> str:
    return "[" + ", ".join(format_number(float(v)) for v in values) + "]"


def substitutions() -> dict[str, str]:
    """Every value the pages quote, by name."""
    ex = attention.example()
    names = [token.lower() for token in ex.tokens]
    values: dict[str, str] = {
        "d_k": str(ex.d_k),
        "d_model": str(ex.d_model),
        "sqrt_d_k": format_number(math.sqrt(ex.d_k), 0 if math.sqrt(ex.d_k).is_integer() else 2),
        "n_tokens": str(ex.n),
        "n_heads": str(ex.n_heads),
        "d_head": str(ex.d_head),
        "tokens": ", ".join(ex.tokens),
    }
    unscaled_weights = attention.softmax(ex.scores)  # what the toy's weights would be without the scaling
    values["std_scaled_toy"] = format_number(float(ex.scaled_scores.std()))
    for i, query in enumerate(names):
        values[f"x_{query}"] = _vector(ex.x[i])
        values[f"q_{query}"] = _vector(ex.q[i])
        values[f"k_{query}"] = _vector(ex.k[i])
        values[f"v_{query}"] = _vector(ex.v[i])
        values[f"out_{query}"] = _vector(ex.output[i])
        values[f"top_{query}"] = ex.tokens[int(ex.weights[i].argmax())]
        values[f"rowsum_{query}"] = format_number(float(ex.weights[i].sum()))
        for j, key in enumerate(names):
            values[f"s_{query}_{key}"] = format_number(float(ex.scores[i, j]))
            values[f"ss_{query}_{key}"] = format_number(float(ex.scaled_scores[i, j]))
            values[f"w_{query}_{key}"] = format_number(float(ex.weights[i, j]))
            values[f"wu_{query}_{key}"] = format_number(float(unscaled_weights[i, j]))
            values[f"xx_{query}_{key}"] = format_number(float(ex.x[i] @ ex.x[j]))
            values[f"qk_{query}_{key}"] = " + ".join(
                f"{format_number(float(a))}×{format_number(float(b))}"
                for a, b in zip(ex.q[i], ex.k[j], strict=True)
            )
    for row in attention.scaling_demo():
        values[f"std_{row.d_k}"] = format_number(row.std_unscaled, 1)
        values[f"maxw_{row.d_k}"] = format_number(row.max_weight_unscaled)
        values[f"maxw_scaled_{row.d_k}"] = format_number(row.max_weight_scaled)
        # dp/dz: softmax's own Jacobian; dp/ds: with respect to the raw score s = q.k
        values[f"dpdz_median_{row.d_k}"] = format_magnitude(row.median_gradient_unscaled)
        values[f"dpdz_median_scaled_{row.d_k}"] = format_magnitude(row.median_gradient_scaled)
        values[f"dpds_median_{row.d_k}"] = format_magnitude(row.median_score_gradient_unscaled)
        values[f"dpds_median_scaled_{row.d_k}"] = format_magnitude(row.median_score_gradient_scaled)
        values[f"dpds_mean_{row.d_k}"] = format_magnitude(row.score_gradient_unscaled)
        values[f"dpds_mean_scaled_{row.d_k}"] = format_magnitude(row.score_gradient_scaled)
        values[f"saturated_{row.d_k}"] = format_share(row.saturated_unscaled)
        values[f"saturated_scaled_{row.d_k}"] = format_share(row.saturated_scaled)
    defaults = inspect.signature(attention.scaling_demo).parameters
    values["scaling_n_queries"] = str(defaults["n_queries"].default)
    values["scaling_n_keys"] = str(defaults["n_keys"].default)
    values["saturation_threshold"] = format_magnitude(attention.scaling.SATURATION_THRESHOLD)
    values |= trained_head_values()  # "A trained head": the tiny model's measured numbers, th_*
    return values
