"""The task the tiny trained model learns: a run of random tokens that repeats once.

Each sequence is ``CONTEXT`` = 25 tokens: the start token, then a run of
``length`` distinct tokens and the same run again, with random filler before and
after it::

    <s>  f f f  a b c d e  a b c d e  f f f
                first      second     filler

The first copy is unpredictable; in the second, each next token can be copied
from the earlier occurrence, *if* the model finds it. The run's length and
where it starts vary from sequence to sequence, so neither a fixed offset nor a
fixed position finds the earlier copy: only a head that looks for "the token after
the last time I saw this one" does. The run's tokens are distinct; the filler is
any tokens, so a token of the repeat may also occur in the filler, but its most
recent earlier occurrence is always the one in the first copy, and the token after
that one is the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import positive_int

VOCAB = 16  # the ordinary tokens 0..15
START = VOCAB  # the start-of-sequence token <s>, id 16: read, never predicted
CONTEXT = 25  # tokens per sequence, <s> included
SHORTEST_RUN, LONGEST_RUN = 3, 12  # 2 * 12 + 1 = 25: the longest run leaves no filler


@dataclass(frozen=True)
class RepeatedRuns:
    """A batch of task sequences and where each one's run sits.

    ``tokens`` is (B, CONTEXT) of ints; the first copy of sequence ``b`` starts at
    ``first[b]``, the second at ``first[b] + length[b]``.
    """

    tokens: np.ndarray  # (B, CONTEXT) int
    first: np.ndarray  # (B,) start of the first copy
    length: np.ndarray  # (B,) the run's length

    @property
    def second(self) -> np.ndarray:
        """Where each sequence's repeat starts: (B,)."""
        return self.first + self.length

    def repeat_positions(self) -> tuple[np.ndarray, np.ndarray]:
        """``(b, t)`` index arrays of every position in the repeat (the second copy).

        >>> runs = repeated_runs(1, seed=0)
        >>> b, t = runs.repeat_positions()
        >>> bool((runs.tokens[b, t] == runs.tokens[b, t - runs.length[b]]).all())
        True
        """
        return _spans(self.second, self.length)

    def copyable_positions(self) -> tuple[np.ndarray, np.ndarray]:
        """``(b, t)`` of the positions whose *next* token can be copied from earlier.

        These are the repeat's positions but its last: at position ``t`` of the
        repeat the next token is the one after the earlier occurrence. (At the
        last position of the first copy the next token starts the repeat, which
        nothing announces, so it is not copyable.)

        >>> runs = repeated_runs(1, seed=0)
        >>> b, t = runs.copyable_positions()
        >>> len(t) == int(runs.length[0]) - 1
        True
        """
        return _spans(self.second, self.length - 1)


def repeated_runs(count: int, seed: int) -> RepeatedRuns:
    """``count`` task sequences drawn from ``np.random.default_rng(seed)``; the same seed, the same batch.

    >>> runs = repeated_runs(2, seed=1)
    >>> runs.tokens.shape
    (2, 25)
    >>> bool((runs.tokens[:, 0] == START).all())
    True
    >>> bool((SHORTEST_RUN <= runs.length).all() and (runs.length <= LONGEST_RUN).all())
    True
    """
    count = positive_int("count", count, owner="repeated_runs", meaning="how many sequences")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"repeated_runs needs a seed that is an integer >= 0; got {seed!r}.")
    rng = np.random.default_rng(seed)
    tokens = np.empty((count, CONTEXT), dtype=np.int64)
    length = rng.integers(SHORTEST_RUN, LONGEST_RUN + 1, size=count)
    first = 1 + rng.integers(0, CONTEXT - 2 * length)  # 0 .. (room for filler) tokens of it come first
    for b in range(count):
        run = rng.permutation(VOCAB)[: length[b]]  # the run's tokens are distinct
        filler = rng.integers(0, VOCAB, size=CONTEXT - 1 - 2 * length[b])  # any token, repeats allowed
        before = first[b] - 1
        tokens[b] = np.concatenate([[START], filler[:before], run, run, filler[before:]])
    return RepeatedRuns(tokens=tokens, first=first, length=length)


def token_label(token: int) -> str:
    """How the page and the clip write a token: ``<s>`` for the start token, the letters A to P for 0 to 15.

    >>> token_label(START), token_label(0), token_label(15)
    ('<s>', 'A', 'P')
    """
    return "<s>" if token == START else chr(ord("A") + token)


def _spans(start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flattened ``(b, t)`` for ``t`` in ``start[b] .. start[b] + length[b] - 1``."""
    b = np.repeat(np.arange(len(start)), length)
    offsets = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    return b, np.repeat(start, length) + offsets
