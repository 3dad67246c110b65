"""WebVTT from the registry's cues: captions and descriptions for each clip, chapters for the full video.

Captions carry each cue's short ``caption`` (read while the clip plays);
the descriptions track (``kind="descriptions"``) and the page's transcript carry
its long ``description``, for a reader who cannot see the clip.

>>> from scenes.registry import get_phase
>>> captions_webvtt(get_phase(1)).splitlines()[:4]  # doctest: +ELLIPSIS
['WEBVTT', '', '1', '00:00:00.000 --> 00:00:0...']
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .registry import SPEAKING_RATE, Phase, phase_starts


def timestamp(seconds: float) -> str:
    """WebVTT timestamp ``hh:mm:ss.ttt``.

    >>> timestamp(61.5)
    '00:01:01.500'
    """
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def cue_text(text: str) -> str:
    """Text made safe for a WebVTT cue: ``&``, ``<`` and ``>`` escaped, as the format requires.

    >>> cue_text("3. Scale & Softmax")
    '3. Scale &amp; Softmax'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _webvtt(cues: Iterable[tuple[float, float, str]]) -> str:
    blocks = ["WEBVTT"]
    for number, (start, end, text) in enumerate(cues, start=1):
        blocks.append(f"{number}\n{timestamp(start)} --> {timestamp(end)}\n{cue_text(text)}")
    return "\n\n".join(blocks) + "\n"


def captions_webvtt(phase: Phase) -> str:
    """The phase's short captions as a WebVTT captions file."""
    return _webvtt(phase.cue_times("caption"))


def descriptions_webvtt(phase: Phase) -> str:
    """The phase's long descriptions as a WebVTT file for a ``<track kind="descriptions">``.

    >>> from scenes.registry import get_phase
    >>> "Transformer Self-Attention." in descriptions_webvtt(get_phase(1))
    True
    """
    return _webvtt(phase.cue_times("description"))


def chapters_webvtt(phases: Iterable[Phase]) -> str:
    """One chapter cue per phase, back to back, for the full-length video.

    >>> from scenes.registry import PHASES
    >>> chapters_webvtt(PHASES).count(" --> ")
    8
    """
    cues = [
        (start, round(start + phase.duration, 6), f"{phase.number}. {phase.title}")
        for start, phase in phase_starts(tuple(phases))
    ]
    return _webvtt(cues)


def full_captions_webvtt(phases: Iterable[Phase], text: str = "caption") -> str:
    """Every phase's captions (or, with ``text="description"``, descriptions), shifted to their place
    in the full-length video.

    >>> from scenes.registry import PHASES
    >>> full_captions_webvtt(PHASES).count(" --> ") == sum(len(p.cues) for p in PHASES)
    True
    """
    cues = [
        (round(offset + start, 6), round(offset + end, 6), words)
        for offset, phase in phase_starts(tuple(phases))
        for start, end, words in phase.cue_times(text)
    ]
    return _webvtt(cues)


def full_descriptions_webvtt(phases: Iterable[Phase]) -> str:
    """Every phase's descriptions, shifted to their place in the full-length video."""
    return full_captions_webvtt(phases, text="description")


def description_pauses(phases: Iterable[Phase], language: str) -> list[float]:
    """Seconds a player waits at the end of each description cue of ``phases`` (in order), so a screen
    reader at its default rate (:data:`~scenes.registry.SPEAKING_RATE`) finishes the description
    before the picture moves on: an extended description. 0 where the cue itself is long enough.

    >>> from scenes.registry import get_phase
    >>> description_pauses([get_phase(4)], "en")  # its first description: 396 characters in a 2 s cue
    [24.4, 5.4, 11.0]
    """
    rate = SPEAKING_RATE[language]
    return [
        max(0.0, math.ceil((len(text) / rate - (end - start)) * 10) / 10)
        for phase in phases
        for start, end, text in phase.cue_times("description")
    ]


def transcript(phase: Phase) -> list[tuple[float, str]]:
    """``(start, description)`` pairs: the text alternative shown under a clip."""
    return [(start, text) for start, _, text in phase.cue_times("description")]
