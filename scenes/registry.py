"""The phases of the video, in reading order: the one list the CLI, the site and the tests read.

Each phase is a storyboard of cues. A cue is one step of the scene's
``construct``: how long it lasts on screen, a short caption read while it plays,
and a description of it for a reader who cannot see the video. A phase's cues add up to its duration
from the design card, checked when this module is imported.

This module does not import manim, so the docs and the tests can read it cheaply.

>>> [p.slug for p in PHASES][:3]
['intro', 'qkv-projection', 'attention-scores']
>>> get_phase("3").stem, get_phase("attention-scores").duration
('03-attention-scores', 10.0)
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

FULL_STEM = "00-full"  #: file stem of the full-length video (all phases in order)
#: The phase whose last frame is the full video's poster: heatmap, outputs and formula all on screen.
FULL_POSTER_PHASE = "full-formula"


#: Reading speed: a caption holds at most this many characters per second of its cue.
MAX_CAPTION_CPS = 17


@dataclass(frozen=True)
class CaptionLimits:
    """How much a caption may hold: characters per second of its cue, and characters per line."""

    per_second: float
    per_line: int | None = None


#: Each language's caption limits: English 17 a second; Chinese (zh-Hant) 9 a second and 16 a line,
#: the common Traditional Chinese subtitle limits.
CAPTION_LIMITS = {"en": CaptionLimits(MAX_CAPTION_CPS), "zh_TW": CaptionLimits(9, 16)}


#: How fast a screen reader voices a description at its default rate, in characters a second:
#: English about 180 words a minute; Chinese about 300 characters a minute.
SPEAKING_RATE = {"en": 15.0, "zh_TW": 5.0}


def check_caption(caption: str, seconds: float, language: str) -> None:
    """Refuse a caption that a reader of ``language`` could not finish while its cue plays.

    >>> check_caption("每個分數都除以 √d_k", 2.0, "zh_TW")
    >>> check_caption("每個查詢向量都與每個鍵向量相比", 1.0, "zh_TW")
    Traceback (most recent call last):
    ...
    ValueError: zh_TW caption '每個查詢向量都與每個鍵向量相比' has 15 characters for a 1.0 s cue (15 per second); at most 9 per second: shorten it to 9 characters or fewer.
    """
    limits = CAPTION_LIMITS[language]
    allowed = int(seconds * limits.per_second)
    length = len(caption.replace("\n", ""))
    if length > allowed:
        raise ValueError(
            f"{'' if language == 'en' else language + ' '}caption {caption!r} has {length} characters for a "
            f"{seconds} s cue ({length / seconds:.0f} per second); at most {limits.per_second:g} per second: "
            f"shorten it to {allowed} characters or fewer."
        )
    long_lines = [line for line in caption.split("\n") if limits.per_line and len(line) > limits.per_line]
    if long_lines:
        raise ValueError(
            f"{language} caption {caption!r} has a line of {len(long_lines[0])} characters; at most "
            f"{limits.per_line} per line: shorten it or break it with a newline."
        )


@dataclass(frozen=True)
class Cue:
    """One storyboard step: how long it lasts, a short caption and a long description of what is on screen.

    The ``caption`` is read while the clip plays, so it is short (at most
    :data:`MAX_CAPTION_CPS` characters per second); the ``description`` says
    everything a reader who cannot see the clip needs, for the transcript and
    the descriptions track.

    >>> Cue(1.0, "A caption far too long to read in one second.", "...")
    Traceback (most recent call last):
    ...
    ValueError: caption 'A caption far too long to read in one second.' has 45 characters for a 1.0 s cue (45 per second); at most 17 per second: shorten it to 17 characters or fewer.
    """

    seconds: float
    caption: str
    description: str

    def __post_init__(self) -> None:
        check_caption(self.caption, self.seconds, "en")

    @property
    def characters_per_second(self) -> float:
        return len(self.caption) / self.seconds


@dataclass(frozen=True)
class Phase:
    """One phase of the card: a scene class and its timed storyboard."""

    number: int
    slug: str
    title: str
    duration: float  #: seconds, from the design card
    scene: str  #: "module:ClassName" of the manim Scene
    summary: str  #: one sentence for tables and link previews
    cues: tuple[Cue, ...]

    def __post_init__(self) -> None:
        total = round(sum(cue.seconds for cue in self.cues), 6)
        if total != self.duration:
            raise ValueError(
                f"phase {self.number} ({self.slug}): its cues last {total} s, the card says {self.duration} s."
            )

    @property
    def stem(self) -> str:
        """File stem of the phase's clip, poster and captions: number and slug, e.g. ``03-attention-scores``."""
        return f"{self.number:02d}-{self.slug}"

    @property
    def name(self) -> str:
        """How messages name it: ``phase 3 (attention-scores)``."""
        return f"phase {self.number} ({self.slug})"

    @property
    def module(self) -> str:
        """The dotted module that defines the scene."""
        return self.scene.partition(":")[0]

    @property
    def class_name(self) -> str:
        """The scene's class name."""
        return self.scene.partition(":")[2]

    def cue_times(self, text: str = "caption") -> list[tuple[float, float, str]]:
        """``(start, end, text)`` for every cue, in seconds from the clip's start; ``text`` names the field.

        >>> get_phase(1).cue_times()[0]
        (0.0, 1.4, 'Title: self-attention')
        >>> get_phase(1).cue_times("description")[0]
        (0.0, 1.4, 'The title appears: Transformer Self-Attention.')
        """
        times, start = [], 0.0
        for cue in self.cues:
            end = round(start + cue.seconds, 6)
            times.append((start, end, getattr(cue, text)))
            start = end
        return times

    def load_scene(self):
        """Import and return the manim Scene class (this imports manim)."""
        return getattr(importlib.import_module(self.module), self.class_name)


PHASES: tuple[Phase, ...] = (
    Phase(
        1,
        "intro",
        "Intro",
        3.0,
        "scenes.phases.intro:Intro",
        "The title and the five input tokens: The, cat, sat, on, mat.",
        (
            Cue(1.4, "Title: self-attention", "The title appears: Transformer Self-Attention."),
            Cue(
                1.6,
                "Five tokens appear",
                "Five token boxes appear in a row, each in its own colour: The, cat, sat, on, mat.",
            ),
        ),
    ),
    Phase(
        2,
        "qkv-projection",
        "Q K V Projection",
        8.0,
        "scenes.phases.projection:QKVProjection",
        "Each token's embedding is multiplied by W_Q, W_K and W_V to give its query, key and value.",
        (
            Cue(
                2.0,
                "Embeddings X, one row per token",
                "Each token's embedding appears, large, next to its token's name: a row of four numbers per "
                "token, the matrix X, under its feature names noun, verb, relation and place.",
            ),
            Cue(
                3.0,
                "X is multiplied by W_Q, W_K and W_V",
                "X shrinks to the bottom left and is outlined while three empty panels appear across the "
                "frame, Q = X W_Q, K = X W_K and V = X W_V: the embeddings multiplied by the weight "
                "matrices W_Q, W_K and W_V.",
            ),
            Cue(
                3.0,
                "Q, K and V: one row per token",
                "The panels fill row by row: Q, what each token looks for; K, what it offers; V, what it "
                "passes on. Every entry is a multiple of 0.1, shown with one decimal. X fades.",
            ),
        ),
    ),
    Phase(
        3,
        "attention-scores",
        "Attention Scores",
        10.0,
        "scenes.phases.scores:AttentionScores",
        "Every query is compared with every key by a dot product, filling a 5 by 5 grid of scores.",
        (
            Cue(
                3.0,
                "Query of sat · key of cat = a score",
                "Q, K and V shrink to the left and an empty 5 by 5 grid appears, queries as rows and keys as "
                "columns. The query of 'sat' and the key of 'cat' are outlined; their four products are "
                "written under the grid and summed into one score, which fills its cell.",
            ),
            Cue(
                2.0,
                "Query of on · key of mat",
                "A second pair, the query of 'on' and the key of 'mat', is worked the same way; its score "
                "fills its cell.",
            ),
            Cue(
                3.0,
                "The other cells fill, row by row",
                "The remaining cells fill row by row: row i is query token i, column j is key token j.",
            ),
            Cue(
                2.0,
                "Dark: low score. Bright: high",
                "The grid becomes a heatmap: dark purple cells are low scores, bright yellow cells high, "
                "with a colour scale below it. At the bottom, the grid is named: S equals Q times K "
                "transpose.",
            ),
        ),
    ),
    Phase(
        4,
        "scale-softmax",
        "Scale & Softmax",
        6.0,
        "scenes.phases.softmax:ScaleSoftmax",
        "Scores are divided by the square root of d_k, then softmax turns each row into weights "
        "that sum to 1.",
        (
            Cue(
                2.0,
                "Every score is divided by √d_k",
                "S equals Q times K transpose gives way to a note, and every score is divided by the square root "
                "of d_k, which is 2 here. The note says why, and on "
                "which assumption: if the query's and the key's entries are independent, with mean 0 and "
                "variance 1, their dot product has variance d_k; divided, its variance is 1, which keeps "
                "softmax away from saturation, where its gradients become extremely small.",
            ),
            Cue(
                2.0,
                "Softmax: each row sums to 1",
                "Softmax is applied row by row, turning the scores into the attention matrix A; each row's "
                "sum is shown as 1.00.",
            ),
            Cue(
                2.0,
                "Largest weight per row outlined",
                "The largest weight in each row of A is outlined: the key each token attends to most. The "
                "note gives way to the formula so far: A equals softmax of Q times K transpose over the "
                "square root of d_k.",
            ),
        ),
    ),
    Phase(
        5,
        "output",
        "Output Computation",
        8.0,
        "scenes.phases.output:OutputComputation",
        "Each output row is the weighted sum of the value rows, with that token's attention weights.",
        (
            Cue(
                3.0,
                "Output of sat: its row of A times V",
                "The formula at the bottom gives way, and the output row of 'sat' is built: its row of A and "
                "the V panel are outlined, the sum of "
                "the rows of V weighted by that row is written at the bottom, and its output card appears.",
            ),
            Cue(
                3.0,
                "Every other output, the same way",
                "The other output rows are computed the same way, one after another, each a card of four "
                "numbers.",
            ),
            Cue(
                2.0,
                "Each token now carries context",
                "The output tokens are named: each token now carries context from the tokens it attended to.",
            ),
        ),
    ),
    Phase(
        6,
        "full-formula",
        "Full Formula",
        6.0,
        "scenes.phases.formula:FullFormula",
        "Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V, with each part tied to what came before.",
        (
            Cue(
                2.0,
                "The formula is written",
                "The output cards shrink to three a row to make room, and the formula is written: Attention "
                "of Q, K, V equals softmax of Q K transpose over the square root of d_k, times V.",
            ),
            Cue(
                4.0,
                "Each part lights up with its step",
                "Each part of the formula lights up with the step it names: scores, scaling, softmax, and "
                "the weighted sum with V.",
            ),
        ),
    ),
    Phase(
        7,
        "multi-head",
        "Multi-Head Note",
        5.0,
        "scenes.phases.multihead:MultiHeadNote",
        "Several heads attend in parallel, each with its own attention matrix A, computed from its own "
        "slice of the learned projections; their outputs are concatenated and mixed by W_O.",
        (
            Cue(
                2.6,
                "Two heads, each with its own matrix A",
                "The single head, its output cards and the formula give way to two heads side by side, each "
                "with its own heatmap of attention weights (its own matrix A), its numbers as large as the "
                "single head's; in head 2, cat and sat spread their attention evenly.",
            ),
            Cue(
                2.4,
                "Outputs joined, then mixed by W_O",
                "The heads shrink to the top, each with its output, h_1 and h_2, beside it. Below them, each "
                "token's card joins the two heads' outputs; the formula concat(h_1, h_2) W_O is written at "
                "the bottom, and W_O mixes them into four numbers per token again.",
            ),
        ),
    ),
    Phase(
        8,
        "outro",
        "Outro",
        4.0,
        "scenes.phases.outro:Outro",
        "A summary of the steps: project, score, scale and softmax, weighted sum.",
        (
            Cue(
                4.0,
                "Summary: project, score, softmax, sum",
                "The heads and cards fade and the attention formula returns at the bottom. A summary lists "
                "the steps: project to Q, K, V; score with Q K transpose; scale and softmax, giving the "
                "attention matrix A; take the weighted sum A V.",
            ),
        ),
    ),
)


@dataclass(frozen=True)
class StandaloneClip(Phase):
    """A clip beside the card's phases: the same storyboard rules and citation, but its own.

    It starts from an empty frame rather than where a phase ended, is not part of the
    full-length video, and its file stem is its slug (it has no place in the phases'
    numbering, so ``number`` is 0). ``data`` names the package files its scene draws
    from, relative to the repository (the render cache keys their bytes too).
    """

    data: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """File stem of the clip: its slug, e.g. ``trained-head``."""
        return self.slug

    @property
    def name(self) -> str:
        """How messages name it: ``clip trained-head``."""
        return f"clip {self.slug}"


#: Clips that are not phases of the card: each is shown on its own page and stays out of the full video.
STANDALONE_CLIPS: tuple[StandaloneClip, ...] = (
    StandaloneClip(
        0,
        "trained-head",
        "A Trained Head",
        14.0,
        "scenes.further.trained_head:TrainedHead",
        "A two-layer model trained to finish repeats: its previous-token head looks one token back, "
        "and its induction head looks just after the earlier copy of the current token.",
        (
            Cue(
                3.0,
                "A run of tokens, then its repeat",
                "A held-out sequence of 25 tokens, written as letters, appears under the title: the start "
                "token, three filler tokens, a run of seven tokens A M J I C N F, the same run again, and "
                "more filler. The run and its repeat are underlined.",
            ),
            Cue(
                4.0,
                "Layer 0 looks one token back",
                "A heatmap of layer 0's head 0 on the first 18 positions fills in, queries as rows and keys "
                "as columns, dark for weight 0 and yellow for weight 1; above the diagonal is blank. Each "
                "row's largest weight is outlined: almost every outline sits just left of the diagonal, on "
                "the previous token. Its previous-token score is shown.",
            ),
            Cue(
                4.0,
                "Layer 1 looks after the earlier copy",
                "The heatmap becomes layer 1's head 1. In the repeat, each row's outline moves to the "
                "position just after the earlier occurrence of the row's token, a stripe parallel to the "
                "diagonal; outside the repeat the outlines rest on the start token. Its induction score is "
                "shown.",
            ),
            Cue(
                3.0,
                "It copies the token found there",
                "One row is followed: at position 11 the token is A; the head looks at position 5, the M "
                "that followed the earlier A, and the model predicts M next, which is right.",
            ),
        ),
        data=("attention/data/tiny_model.npz",),
    ),
)

#: Every clip the site publishes: the phases in order, then the standalone clips.
ALL_CLIPS: tuple[Phase, ...] = (*PHASES, *STANDALONE_CLIPS)


def get_phase(key: str | int) -> Phase:
    """Find a phase by number (``3``, ``"03"``) or slug (``"attention-scores"``), or a standalone clip by slug.

    >>> get_phase("softmax")
    Traceback (most recent call last):
    ...
    ValueError: unknown phase 'softmax'; valid phases: 1 intro, 2 qkv-projection, 3 attention-scores, 4 scale-softmax, 5 output, 6 full-formula, 7 multi-head, 8 outro; other clips: trained-head
    """
    text = str(key).strip()
    for phase in PHASES:
        if text == phase.slug or text == phase.stem or (text.isdigit() and int(text) == phase.number):
            return phase
    for clip in STANDALONE_CLIPS:
        if text == clip.slug:
            return clip
    valid = ", ".join(f"{p.number} {p.slug}" for p in PHASES)
    others = ", ".join(clip.slug for clip in STANDALONE_CLIPS)
    raise ValueError(f"unknown phase {key!r}; valid phases: {valid}; other clips: {others}")


def phase_starts(phases: tuple[Phase, ...] = PHASES) -> list[tuple[float, Phase]]:
    """``(start, phase)`` for each phase: where it begins in the full-length video, in seconds.

    The one place phase start times are computed (captions, chapters and the site read it).

    >>> [(start, phase.number) for start, phase in phase_starts()][:3]
    [(0.0, 1), (3.0, 2), (11.0, 3)]
    """
    starts, start = [], 0.0
    for phase in phases:
        starts.append((start, phase))
        start = round(start + phase.duration, 6)
    return starts


def total_duration() -> float:
    """Length of the full video in seconds: every phase in order.

    >>> total_duration()
    50.0
    """
    return sum(phase.duration for phase in PHASES)
