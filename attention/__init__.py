"""A numpy reference of Transformer self-attention and the worked example "The cat sat on mat".

Every number on the site and in the clips comes from here.

>>> import attention
>>> attention.example().strongest_keys
('cat', 'sat', 'cat', 'mat', 'on')
"""

from .core import causal_mask, scaled_dot_product_attention, softmax
from .example import Example, example
from .generation import kv_cache_bytes
from .masks import padding_mask
from .multihead import merge_heads, multi_head_attention, split_heads
from .position import alibi_bias, rotary, sinusoidal_encoding
from .scaling import ScalingRow, aligned_scores, sample_scores, scaling_demo, softmax_jacobian_norm

__all__ = [
    "Example",
    "ScalingRow",
    "alibi_bias",
    "aligned_scores",
    "causal_mask",
    "example",
    "kv_cache_bytes",
    "merge_heads",
    "multi_head_attention",
    "padding_mask",
    "rotary",
    "sample_scores",
    "scaled_dot_product_attention",
    "scaling_demo",
    "sinusoidal_encoding",
    "softmax",
    "softmax_jacobian_norm",
    "split_heads",
]
# The one place the version is written: pyproject (hatch), the site, clips.json and CITATION.cff read it.
__version__ = "0.1.0"
