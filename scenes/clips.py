"""The clips as the site receives them: one call, one typed manifest.

:func:`publish_clips` has every phase's clip, the full-length video and the standalone clips rendered (or taken from
the render cache), copies them with their posters and caption tracks into a folder under stable
names, and returns a :class:`ClipManifest`: for each clip the files published, its duration and
frame size, and the SHA-256 of its video as the render cache recorded and verified it (the
published video is a copy of those bytes), so nothing is hashed twice.

The site (``attention_site``) imports this module and the modules of facts (``registry``,
``captions``, ``formats``, ``palette``) and nothing else of ``scenes``: the import contracts in
``pyproject.toml`` keep it so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .cache import CacheError, RenderCache, recorded_sha256
from .publish import FILE_SUFFIXES, PublishError, file_name, publish
from .registry import ALL_CLIPS, FULL_STEM, PHASES, Phase
from .render import (
    JOBS_VARIABLE,
    Clip,
    RenderError,
    SettingError,
    parse_jobs,
    render_full,
    render_phases,
)
from .worker import QUALITIES, settings_for

__all__ = [
    "CLIP_ERRORS",
    "FILE_SUFFIXES",
    "JOBS_VARIABLE",
    "QUALITIES",
    "ClipManifest",
    "PublishedClip",
    "SettingError",
    "file_name",
    "frame_size",
    "parse_jobs",
    "publish_clips",
]

#: The errors a build reports as one clear message (each names the cause and what to run).
CLIP_ERRORS = (RenderError, CacheError, PublishError, SettingError)


def frame_size(quality: str) -> tuple[int, int]:
    """Width and height in pixels of the clips at ``quality``.

    >>> frame_size("medium")
    (1280, 720)
    """
    settings = settings_for(quality)
    return settings["width"], settings["height"]


@dataclass(frozen=True)
class PublishedClip:
    """One clip as published: its files (``video``, ``poster``, ``captions``, ``descriptions``,
    a phase's ``still``, and ``chapters`` for the full video), what the render measured, and the
    SHA-256 of its video and of its still."""

    stem: str
    phase: Phase | None  #: None for the full-length video
    files: Mapping[str, Path]
    duration: float  #: seconds, as the encoder wrote them
    width: int
    height: int
    sha256: str  #: of the published video, from the render cache's verified record
    rendered: bool  #: rendered by this build, not taken from the cache
    still_sha256: str | None = None  #: of the published still (a phase's only)

    @property
    def video(self) -> Path:
        return self.files["video"]


@dataclass(frozen=True)
class ClipManifest:
    """Everything one build published: each phase's clip in order, the full video, the standalone
    clips (:data:`~scenes.registry.STANDALONE_CLIPS`, not part of the full video), the quality."""

    quality: str
    phases: tuple[PublishedClip, ...]
    full: PublishedClip
    standalone: tuple[PublishedClip, ...] = ()

    @property
    def every_clip(self) -> tuple[PublishedClip, ...]:
        """The phases, the full video, then the standalone clips."""
        return (*self.phases, self.full, *self.standalone)

    def clip(self, stem: str) -> PublishedClip:
        """The published clip of ``stem`` (a phase's or standalone clip's stem, or :data:`~scenes.registry.FULL_STEM`)."""
        found = next((c for c in self.every_clip if c.stem == stem), None)
        if found is None:
            raise KeyError(f"no clip {stem!r} was published")
        return found

    @property
    def rendered(self) -> list[str]:
        """The stems this build rendered (the others came from the render cache)."""
        return [clip.stem for clip in self.every_clip if clip.rendered]


def _published(clip: Clip, files: Mapping[str, Path]) -> PublishedClip:
    info = clip.info
    return PublishedClip(
        stem=clip.stem,
        phase=clip.phase,
        files=dict(files),
        duration=float(info["duration"]),
        width=int(info["width"]),
        height=int(info["height"]),
        sha256=recorded_sha256(clip.entry, clip.video.name),
        rendered=clip.rendered,
        still_sha256=recorded_sha256(clip.entry, clip.still.name) if clip.still else None,
    )


def publish_clips(
    directory: Path,
    quality: str,
    *,
    jobs: int | None = None,
    cache: Path | None = None,
    language: str = "en",
    log: Callable[[str], None] = lambda message: None,
) -> ClipManifest:
    """Render what the cache lacks (``jobs`` processes; None: one per core), publish into ``directory``.

    ``language`` (``en`` or ``zh_TW``) is the language the clips are drawn in and their tracks written in.

    ``cache`` is the render cache's folder (None: ``ATTENTION_RENDER_CACHE`` or the default).
    Raises one of :data:`CLIP_ERRORS` with a message that names the cause and the fix.
    """
    render_cache = RenderCache(cache)
    clips = render_phases(ALL_CLIPS, quality, render_cache, jobs=jobs, log=log, language=language)
    phases, standalone = clips[: len(PHASES)], clips[len(PHASES) :]
    full = render_full(phases, quality, render_cache, log=log, language=language)
    written = publish(clips, full, Path(directory), language)
    return ClipManifest(
        quality=quality,
        phases=tuple(_published(clip, written[clip.stem]) for clip in phases),
        full=_published(full, written[FULL_STEM]),
        standalone=tuple(_published(clip, written[clip.stem]) for clip in standalone),
    )
