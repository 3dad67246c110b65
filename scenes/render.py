"""Render phases through the cache, in parallel, and join them into the full-length video.

``render_phases`` renders what the cache lacks, one process per clip in a pool
of ``jobs`` processes; ``render_full`` joins the phase clips into the
full-length video. Copying them into a site is :mod:`scenes.publish`'s job.

Workers import the project from the same folders as this process, whatever
``PYTHONPATH`` or the working directory say, and report the key of what they
imported; a render whose key is not the one asked for is thrown away and the
phase is looked up and rendered again. Every failure a maintainer can cause
raises :class:`RenderError` or :class:`~scenes.cache.CacheError`, whose message says what to run.
"""

from __future__ import annotations

import contextlib
import importlib
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

from .cache import ENVIRONMENT_VARIABLE, CacheError, RenderCache
from .cache_key import clip_fonts, clip_key, full_video_key
from .imports import TRACKED_PACKAGES
from .lifetime import PARENT_VARIABLE
from .registry import FULL_POSTER_PHASE, FULL_STEM, PHASES, Phase
from .worker import SOURCE_CHANGED, settings_for

DEFAULT_QUALITY = "medium"
SYSTEM_PACKAGES_HINT = (
    "Install them with: sudo apt-get install texlive-latex-base texlive-latex-extra "
    "texlive-fonts-recommended dvisvgm (Debian/Ubuntu); sudo dnf install texlive-scheme-medium "
    "dvisvgm (Fedora); brew install --cask mactex-no-gui (macOS)."
)


#: ``--jobs`` and ``ATTENTION_RENDER_JOBS``: how many render processes at most.
MAX_JOBS = 64
JOBS_VARIABLE = "ATTENTION_RENDER_JOBS"
#: How often a phase is rendered again when its sources change under the render.
RENDER_ATTEMPTS = 3


class RenderError(RuntimeError):
    """A clip could not be rendered; the message names the phase, the cause and the command to reproduce it."""


class SettingError(ValueError):
    """A setting (environment variable, option) has a value outside its range; the message gives the range."""


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
    def still(self) -> Path | None:
        """The phase's subject composed for a phone (:mod:`scenes.stills`); None for other clips."""
        path = self.entry / "still.png"
        return path if path.is_file() else None

    @property
    def info(self) -> dict:
        return json.loads((self.entry / "info.json").read_text())


def require_tools(language: str = "en") -> None:
    """Fail early, with the fix, if LaTeX or dvisvgm (which manim's MathTex needs) is missing, or,
    for a language written in Chinese, the CJK font (Pango would silently draw another one)."""
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if missing:
        raise RenderError(
            f"manim needs {' and '.join(missing)} on PATH to typeset maths. {SYSTEM_PACKAGES_HINT}"
        )
    if language != "en":
        family = clip_fonts()["CJK_FONT"]
        found = subprocess.run(["fc-list", family], capture_output=True, text=True, check=False).stdout
        if not found.strip():
            raise RenderError(
                f"the {language} clips are drawn in the font {family!r}, which is not installed; Pango would "
                "silently draw another font or boxes. Install Debian's fonts-noto-cjk (`nox -s docs` does it "
                "as root) and build again."
            )


def parse_jobs(value, setting: str = JOBS_VARIABLE) -> int:
    """A number of render processes, from a setting's text or number; :class:`SettingError` if out of range.

    >>> parse_jobs("4")
    4
    >>> parse_jobs("0")
    Traceback (most recent call last):
    ...
    scenes.render.SettingError: ATTENTION_RENDER_JOBS must be a whole number from 1 to 64 (render processes); got '0'. Leave it out for one process per core.
    """
    text = str(value).strip()
    if not isinstance(value, bool) and text.isdigit() and 1 <= int(text) <= MAX_JOBS:
        return int(text)
    raise SettingError(
        f"{setting} must be a whole number from 1 to {MAX_JOBS} (render processes); got {value!r}. "
        "Leave it out for one process per core."
    )


def default_jobs() -> int:
    """``$ATTENTION_RENDER_JOBS``, else one render process per core; :class:`SettingError` if invalid."""
    value = os.environ.get(JOBS_VARIABLE, "")
    return parse_jobs(value) if value.strip() else min(os.cpu_count() or 1, MAX_JOBS)


def reproduce_command(phase: Phase, quality: str, language: str = "en") -> str:
    """The command that renders ``phase`` alone, for error messages."""
    which = phase.number if phase in PHASES else phase.slug
    return f"python -m scenes render {which} --quality {quality}" + (
        f" --language {language}" if language != "en" else ""
    )


def worker_environment() -> dict[str, str]:
    """This process's environment for a worker, with the project found where this process found it.

    The folders holding our packages come first on ``PYTHONPATH``, and relative
    entries are made absolute, so a worker running in its staging folder imports
    the very files this process hashed (not an installed or neighbouring copy).
    """
    roots = []
    for package in TRACKED_PACKAGES:
        module_file = importlib.import_module(package).__file__
        if module_file is None:
            raise RenderError(
                f"the package {package!r} is not imported from files, so workers cannot import it"
            )
        root = str(Path(module_file).resolve().parents[1])
        if root not in roots:
            roots.append(root)
    inherited = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    path = [*roots, *(p for p in inherited if p not in roots)]
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(path),
        "PYTHONHASHSEED": "0",
        PARENT_VARIABLE: str(os.getpid()),
    }


def _run_worker(command: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Run one worker to the end (a seam: tests replace it with a fake render)."""
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


class SourceChanged(Exception):
    """The worker imported sources whose key is not the one it was asked to render."""


def _render_in_subprocess(
    phase: Phase, quality: str, cache: RenderCache, key: str, log, language: str = "en"
) -> Clip:
    staging = cache.staging(phase.stem)
    started = time.perf_counter()
    committed = False
    try:
        command = [sys.executable, "-m", "scenes.worker", phase.slug, quality, str(staging), key]
        if language != "en":
            command.append(language)
        result = _run_worker(command, staging, worker_environment())
        source = _read_source(staging)
        if result.returncode == SOURCE_CHANGED or (result.returncode == 0 and source.get("key") != key):
            files = source.get("files", {})
            raise SourceChanged(
                f"{phase.name}: the render worker imported sources that differ from "
                f"the ones this build hashed (a file changed during the build, or another copy of the project "
                f"was imported: scenes from {Path(files.get('scenes', '?')).parent}); "
                "that render is thrown away and the phase rendered again"
            )
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
            where = (
                f"\nThe render writes into the render cache {cache.root} ({ENVIRONMENT_VARIABLE} moves it): "
                "check its free space and permissions."
                if "[Errno" in tail
                else ""
            )
            raise RenderError(
                f"{phase.name} failed to render (exit status {result.returncode}):\n"
                f"{tail}{where}\nReproduce it on its own with: {reproduce_command(phase, quality, language)}"
            )
        seconds = time.perf_counter() - started
        record = {"phase": phase.slug, "render_seconds": round(seconds, 3), **settings_for(quality, language)}
        entry = cache.commit(staging, phase.stem, key, record, log=log)
        committed = True
    finally:
        if not committed:
            cache.discard(staging)  # the half-done, failed or rejected render
    return Clip(phase.stem, key, entry, rendered=True, seconds=seconds, phase=phase)


def _read_source(staging: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        return json.loads((staging / "source.json").read_text(encoding="utf-8"))
    return {}


def render_phases(
    phases: Iterable[Phase] = PHASES,
    quality: str = DEFAULT_QUALITY,
    cache: RenderCache | None = None,
    jobs: int | None = None,
    log: Callable[[str], None] = lambda message: None,
    language: str = "en",
) -> list[Clip]:
    """Return a finished clip for each phase, drawn in ``language``, rendering in parallel only those the cache lacks.

    A phase whose sources change while it renders is looked up and rendered again
    under the key of its sources as they are now, up to :data:`RENDER_ATTEMPTS` times.
    """
    phases = list(phases)
    cache = cache or RenderCache()
    jobs = parse_jobs(jobs, "--jobs") if jobs is not None else default_jobs()
    cache.prepare()
    found: dict[str, Clip] = {}
    pending = phases
    for _ in range(RENDER_ATTEMPTS):
        keys = {phase.slug: clip_key(phase, quality, language) for phase in pending}
        missing = []
        for phase in pending:
            entry = cache.lookup(phase.stem, keys[phase.slug], log=log)
            if entry:
                found[phase.slug] = Clip(
                    phase.stem, keys[phase.slug], entry, rendered=False, seconds=0.0, phase=phase
                )
            else:
                missing.append(phase)
        if not missing:
            break
        pending = _render_missing(missing, keys, quality, cache, jobs, log, found, language)
        if not pending:
            break
    else:
        names = ", ".join(f"{p.number} ({p.slug})" for p in pending)
        raise RenderError(
            f"the sources of phase {names} kept changing while rendering ({RENDER_ATTEMPTS} attempts). "
            "Build again once the edits are saved; to render it alone: "
            + reproduce_command(pending[0], quality, language)
        )
    return [found[phase.slug] for phase in phases]


def _render_missing(missing, keys, quality, cache, jobs, log, found, language="en") -> list[Phase]:
    """Render ``missing`` in a pool into ``found``; return the phases whose sources changed meanwhile."""
    require_tools(language)
    jobs = max(1, min(jobs, len(missing)))
    log(
        f"rendering {len(missing)} clip(s) at {quality} quality"
        + (f" in {language}" if language != "en" else "")
        + f" in {jobs} process(es): "
        + ", ".join(p.stem for p in missing)
    )
    errors, changed = [], []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        # Longest clips first, so no process is left rendering a long one alone at the end.
        longest_first = sorted(missing, key=lambda p: p.duration, reverse=True)
        futures = {
            p.slug: (p, pool.submit(_render_in_subprocess, p, quality, cache, keys[p.slug], log, language))
            for p in longest_first
        }
        for slug, (phase, future) in futures.items():
            try:
                found[slug] = future.result()
                log(f"rendered {found[slug].stem} in {found[slug].seconds:.1f} s")
            except SourceChanged as message:
                log(str(message))
                changed.append(phase)
            except (RenderError, CacheError) as error:
                errors.append(str(error))
    if errors:
        raise RenderError("\n\n".join(errors))
    return changed


def _finished_picture(clips: list[Clip]) -> Clip:
    """The clip whose poster shows the finished picture (falls back to the last clip given)."""
    return next((clip for clip in clips if clip.phase and clip.phase.slug == FULL_POSTER_PHASE), clips[-1])


def render_full(
    clips: list[Clip],
    quality: str = DEFAULT_QUALITY,
    cache: RenderCache | None = None,
    log: Callable[[str], None] = lambda message: None,
    language: str = "en",
) -> Clip:
    """The full-length video: the phase clips (drawn in ``language``) joined in order (a stream copy, no re-render)."""
    from . import screen_words
    from .video import concatenate, probe

    if [clip.phase for clip in clips] != list(PHASES):
        raise ValueError(
            "the full video joins every phase's clip in order and nothing else; got "
            + ", ".join(clip.stem for clip in clips)
        )

    cache = cache or RenderCache()
    key = full_video_key([clip.key for clip in clips], settings_for(quality, language))
    entry = cache.lookup(FULL_STEM, key, log=log)
    if entry:
        return Clip(FULL_STEM, key, entry, rendered=False, seconds=0.0)
    started = time.perf_counter()
    staging = cache.staging(FULL_STEM)
    committed = False
    try:
        title = screen_words.WORDS[language]["title"]
        concatenate([clip.video for clip in clips], staging / "clip.mp4", title=title)
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
        entry = cache.commit(
            staging, FULL_STEM, key, {"parts": [clip.stem for clip in clips], **record}, log=log
        )
        committed = True
    except OSError as error:
        raise CacheError(
            f"could not join the full-length video in the render cache {cache.root}: {error}. "
            "Free some space there or point ATTENTION_RENDER_CACHE at another folder."
        ) from error
    finally:
        if not committed:
            cache.discard(staging)
    return Clip(FULL_STEM, key, entry, rendered=True, seconds=seconds)
