"""What generating with a KV cache costs: the cache's bytes per token.

A decoder that generates keeps, in every layer, the key and the value of every
token so far for each of its key-value heads (all ``h`` heads in multi-head
attention, ``g < h`` with grouped-query attention, one with multi-query).
"""

from __future__ import annotations

from ._checks import positive_int


def kv_cache_bytes(n_layers: int, n_kv_heads: int, d_head: int, bytes_per_number: int = 2) -> int:
    """Bytes the KV cache holds per token: 2 (a key and a value) x layers x key-value heads x d_head x bytes.

    ``bytes_per_number`` is 2 for float16 or bfloat16, 4 for float32, 1 for an 8-bit cache.

    >>> kv_cache_bytes(n_layers=2, n_kv_heads=1, d_head=4)  # 2 x 2 x 1 x 4 x 2
    32
    >>> kv_cache_bytes(n_layers=2, n_kv_heads=0, d_head=4)
    Traceback (most recent call last):
    ...
    ValueError: kv_cache_bytes needs a positive integer n_kv_heads; got 0.
    """
    sizes = {
        "n_layers": n_layers,
        "n_kv_heads": n_kv_heads,
        "d_head": d_head,
        "bytes_per_number": bytes_per_number,
    }
    layers, heads, width, size = (positive_int(name, v, owner="kv_cache_bytes") for name, v in sizes.items())
    return 2 * layers * heads * width * size
