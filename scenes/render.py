"""Render phases through the cache, in parallel, and publish them under stable names.

``render_phases`` renders what the cache lacks, one process per clip in a pool
of ``jobs`` processes; ``render_full`` joins the phase clips into the
full-length video; ``publish`` copies clips, posters and captions into a folder
under names made of number and slug (``03-attention-scores.mp4``), never counters.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .cache import RenderCache, combined_key, phase_key
from .captions import (
    captions_webvtt,
    chapters_webvtt,
    descriptions_webvtt,
    full_captions_webvtt,
    full_descriptions_webvtt,
)
from .registry import FULL_STEM, PHASES, Phase
from .worker import QUALITIES

DEFAULT_QUALITY = "medium"
SYSTEM_PACKAGES_HINT = (
    "Install them with: sudo apt-get install texlive-latex-base texlive-latex-extra "
    "texlive-fonts-recommended dvisvgm (Debian/Ubuntu); sudo dnf install texlive-scheme-medium "
    "dvisvgm (Fedora); brew install --cask mactex-no-gui (macOS)."
)


class RenderError(RuntimeError):
    """A clip could not be rendered; the message names the phase and the cause."""


@dataclass(frozen=True)
class Clip:
    """A finished render in the cache."""

    stem: str
    key: str
    entry: Path  #: the cache directory holding clip.mp4, poster.png, info.json
    rendered: bool  #: True if rendered by this call, False if it came from the cache
    seconds: float  #: wall time of the render (0 for a cache hit)
    phase: Phase | None = None  #: None for the full-length video

    @property
    def video(self) -> Path:
        return self.entry / "clip.mp4"

    @property
    def poster(self) -> Path:
        return self.entry / "poster.png"

    @property
    def info(self) -> dict:
        return json.loads((self.entry / "info.json").read_text())


def settings_for(quality: str) -> dict:
    """The render settings that enter the cache key."""
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r}; choose one of {', '.join(QUALITIES)}.")
    _, width, height, fps = QUALITIES[quality]
    return {"quality": quality, "width": width, "height": height, "fps": fps}


def require_tools() -> None:
    """Fail early, with the fix, if LaTeX or dvisvgm (which manim's MathTex needs) is missing."""
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        raise RenderError(
            f"manim needs {' and '.join(missing)} on PATH to typeset maths. {SYSTEM_PACKAGES_HINT}"
        )


def default_jobs() -> int:
    """``$ATTENTION_RENDER_JOBS``, else one render process per core."""
    value = os.environ.get("ATTENTION_RENDER_JOBS", "")
    return max(1, int(value)) if value.strip() else (os.cpu_count() or 1)


def _render_in_subprocess(phase: Phase, quality: str, cache: RenderCache, key: str) -> Clip:
    staging = cache.staging(phase.stem)
    started = time.perf_counter()
    try:
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        result = subprocess.run(
            [sys.executable, "-m", "scenes.worker", phase.slug, quality, str(staging)],
            cwd=staging,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
            raise RenderError(f"phase {phase.number} ({phase.slug}) failed to render:\n{tail}")
        seconds = time.perf_counter() - started
        record = {
            "phase": phase.slug,
            "key": key,
            "render_seconds": round(seconds, 3),
            **settings_for(quality),
        }
        entry = cache.commit(staging, phase.stem, key, record)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone after a commit; else the half-done render
    return Clip(phase.stem, key, entry, rendered=True, seconds=seconds, phase=phase)


def render_phases(
    phases: Iterable[Phase] = PHASES,
    quality: str = DEFAULT_QUALITY,
    cache: RenderCache | None = None,
    jobs: int | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> list[Clip]:
    """Return a finished clip for each phase, rendering in parallel only those the cache lacks."""
    phases = list(phases)
    cache = cache or RenderCache()
    settings = settings_for(quality)
    cache.discard_staging()
    keys = {phase.slug: phase_key(phase, settings) for phase in phases}
    found: dict[str, Clip] = {}
    missing = []
    for phase in phases:
        entry = cache.lookup(phase.stem, keys[phase.slug])
        if entry:
            found[phase.slug] = Clip(
                phase.stem, keys[phase.slug], entry, rendered=False, seconds=0.0, phase=phase
            )
        else:
            missing.append(phase)
    if missing:
        require_tools()
        jobs = max(1, min(jobs or default_jobs(), len(missing)))
        log(
            f"rendering {len(missing)} clip(s) at {quality} quality in {jobs} process(es): "
            + ", ".join(p.stem for p in missing)
        )
        errors = []
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            # Longest clips first, so no process is left rendering a long one alone at the end.
            longest_first = sorted(missing, key=lambda p: p.duration, reverse=True)
            futures = {
                p.slug: pool.submit(_render_in_subprocess, p, quality, cache, keys[p.slug])
                for p in longest_first
            }
            for slug, future in futures.items():
                try:
                    found[slug] = future.result()
                    log(f"rendered {found[slug].stem} in {found[slug].seconds:.1f} s")
                except RenderError as error:
                    errors.append(str(error))
        if errors:
            raise RenderError("\n\n".join(errors))
    return [found[phase.slug] for phase in phases]


#: The phase whose last frame is the full video's poster: heatmap, outputs and formula all on screen.
FULL_POSTER_PHASE = "full-formula"


def _finished_picture(clips: list[Clip]) -> Clip:
    """The clip whose poster shows the finished picture (falls back to the last clip given)."""
    return next((clip for clip in clips if clip.phase and clip.phase.slug == FULL_POSTER_PHASE), clips[-1])


def render_full(clips: list[Clip], quality: str = DEFAULT_QUALITY, cache: RenderCache | None = None) -> Clip:
    """The full-length video: the phase clips joined in order (a stream copy, no re-render)."""
    from .video import concatenate, probe

    cache = cache or RenderCache()
    # The poster's phase enters the key, so changing it never serves a full video with a stale poster.
    key = combined_key([clip.key for clip in clips], {**settings_for(quality), "poster": FULL_POSTER_PHASE})
    entry = cache.lookup(FULL_STEM, key)
    if entry:
        return Clip(FULL_STEM, key, entry, rendered=False, seconds=0.0)
    started = time.perf_counter()
    staging = cache.staging(FULL_STEM)
    try:
        concatenate([clip.video for clip in clips], staging / "clip.mp4", title="Transformer Self-Attention")
        shutil.copyfile(_finished_picture(clips).poster, staging / "poster.png")
        info = probe(staging / "clip.mp4")
        record = {
            "duration": info.duration,
            "frames": info.frames,
            "width": info.width,
            "height": info.height,
        }
        (staging / "info.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        seconds = time.perf_counter() - started
        entry = cache.commit(staging, FULL_STEM, key, {"parts": [clip.stem for clip in clips], **record})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Clip(FULL_STEM, key, entry, rendered=True, seconds=seconds)


def _copy_if_changed(source: Path, destination: Path) -> None:
    """Copy atomically, and only when the bytes differ (keeps mtimes stable for servers and caches)."""
    if destination.is_file() and filecmp.cmp(source, destination, shallow=False):
        return
    temporary = destination.with_name(f".{destination.name}.tmp")
    shutil.copyfile(source, temporary)
    os.replace(temporary, destination)


def _write_if_changed(text: str, destination: Path) -> None:
    if destination.is_file() and destination.read_text(encoding="utf-8") == text:
        return
    temporary = destination.with_name(f".{destination.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, destination)


def publish(clips: list[Clip], full: Clip | None, directory: Path) -> dict[str, dict[str, Path]]:
    """Copy each clip with its poster and captions into ``directory`` under its stable stem.

    Returns, per stem, the paths written: ``video``, ``poster``, ``captions``, ``descriptions``
    (and ``chapters`` for the full video).
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, Path]] = {}
    for clip in clips:
        paths = {
            "video": directory / f"{clip.stem}.mp4",
            "poster": directory / f"{clip.stem}.png",
            "captions": directory / f"{clip.stem}.vtt",
            "descriptions": directory / f"{clip.stem}.descriptions.vtt",
        }
        _copy_if_changed(clip.video, paths["video"])
        _copy_if_changed(clip.poster, paths["poster"])
        _write_if_changed(captions_webvtt(clip.phase), paths["captions"])
        _write_if_changed(descriptions_webvtt(clip.phase), paths["descriptions"])
        written[clip.stem] = paths
    if full is not None:
        paths = {
            "video": directory / f"{full.stem}.mp4",
            "poster": directory / f"{full.stem}.png",
            "captions": directory / f"{full.stem}.vtt",
            "descriptions": directory / f"{full.stem}.descriptions.vtt",
            "chapters": directory / f"{full.stem}.chapters.vtt",
        }
        _copy_if_changed(full.video, paths["video"])
        _copy_if_changed(full.poster, paths["poster"])
        phases = [clip.phase for clip in clips]
        _write_if_changed(full_captions_webvtt(phases), paths["captions"])
        _write_if_changed(full_descriptions_webvtt(phases), paths["descriptions"])
        _write_if_changed(chapters_webvtt(phases), paths["chapters"])
        written[full.stem] = paths
    return written
