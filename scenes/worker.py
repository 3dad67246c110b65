"""Render one phase in its own process: ``python -m scenes.worker SLUG QUALITY DIRECTORY [KEY [LANGUAGE]]``.

A fresh interpreter per render keeps manim's global ``config`` from leaking
between scenes and lets renders run in parallel. The worker writes into
DIRECTORY (a private staging folder): ``clip.mp4`` (fast-start, reproducible
bytes), ``poster.png`` (the last frame, as drawn), for each of the eight phases
``still.png`` (its subject composed for a phone, :mod:`scenes.stills`), ``info.json`` (duration,
size) and ``source.json``: the cache key of the sources it actually imported,
hashed just before and just after importing them, and their files. Given the
KEY the build expects and a different one imported (a file edited during the
build, or another copy of the project on the path), it renders nothing and
exits with status 3, so no clip is ever stored under another source's key.
The worker ends when the process that started it ends, even on ``kill -9``. Frames go from the camera straight into the clip's encoder
(:class:`~scenes.clip_writer.ClipWriter`). manim's own partial-movie cache is off:
the render cache above it makes it redundant, and hashing every animation for it
costs more than it saves.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
from pathlib import Path

from .lifetime import die_with_parent

#: Our quality names and manim's, with the pixel size and frame rate they mean.
QUALITIES = {
    "low": ("low_quality", 854, 480, 15),
    "medium": ("medium_quality", 1280, 720, 30),
    "high": ("high_quality", 1920, 1080, 60),
}


#: Exit status of a worker whose imported sources do not have the key the build expected.
SOURCE_CHANGED = 3


def settings_for(quality: str, language: str = "en") -> dict:
    """The render settings that enter the cache key (the language only when it is not English).

    >>> settings_for("low")
    {'quality': 'low', 'width': 854, 'height': 480, 'fps': 15}
    >>> settings_for("low", "zh_TW")["language"]
    'zh_TW'
    """
    if quality not in QUALITIES:
        raise ValueError(f"unknown quality {quality!r}; choose one of {', '.join(QUALITIES)}.")
    _, width, height, fps = QUALITIES[quality]
    settings = {"quality": quality, "width": width, "height": height, "fps": fps}
    return settings if language == "en" else {**settings, "language": language}


#: x264's output depends on its thread count, and manim leaves the count to the machine's cores;
#: pinned, the same scene gives the same bytes on any machine. One thread: the pool already runs
#: one render per core, and a second encoder thread per render only competes with the other
#: renders (measured: cold renders of the eight phases on 2 cores took longer with 2 threads).
ENCODER_THREADS = 1
#: The published clip is encoded once, whole, for flat sharp-edged animation: about a third of
#: manim's default bytes with no visible loss at 720p, so the eight clips weigh under 2 MB.
#: x264's ``slow`` preset saves only 1 % of bytes over ``medium`` here, for 40 % more encoding time.
ENCODER_OPTIONS = {"crf": "28", "preset": "medium", "tune": "animation"}
#: Only when measuring manim's own cache: its files (one per animation) are an intermediate, quick and nearly lossless.
INTERMEDIATE_OPTIONS = {"crf": "16", "preset": "veryfast"}

#: For measuring manim's own partial-movie cache (``nox -s bench``): a folder to keep manim's media in.
MANIM_CACHE_VARIABLE = "ATTENTION_MANIM_CACHE_DIR"


def pin_intermediate_settings() -> None:
    """Give manim's own per-animation encoder our thread count and intermediate options (this process only)."""
    from manim.scene.scene_file_writer import SceneFileWriter

    open_stream = SceneFileWriter.open_partial_movie_stream

    def open_pinned(self, file_path=None) -> None:
        open_stream(self, file_path)
        context = self.video_stream.codec_context  # not opened until the first frame: still settable
        context.thread_count = ENCODER_THREADS
        context.options = {**context.options, **INTERMEDIATE_OPTIONS}

    SceneFileWriter.open_partial_movie_stream = open_pinned


def render(slug: str, quality: str, directory: Path, language: str = "en") -> dict:
    """Render phase ``slug`` at ``quality`` in ``language`` into ``directory``; return its info.

    Frames go straight from the camera to the clip's encoder (:class:`ClipWriter`).
    With ``ATTENTION_MANIM_CACHE_DIR`` set, manim's own writer and partial-movie
    cache are used instead and the clip is re-encoded from manim's file: slower,
    kept only so ``nox -s bench`` can measure manim's cache against ours.
    """
    from manim import tempconfig
    from PIL import Image

    from . import screen_words, stills
    from .clip_writer import ClipWriter
    from .registry import PHASES, get_phase
    from .translations import in_language
    from .video import probe, save_last_frame

    screen_words.use(language)  # before the scene runs: every word it draws is in this language
    phase = in_language(get_phase(slug), language)
    scene_class = phase.load_scene()
    manim_quality = QUALITIES[quality][0]
    manim_cache = os.environ.get(MANIM_CACHE_VARIABLE)
    clip = directory / "clip.mp4"
    poster = directory / "poster.png"
    title = f"{phase.title}: {screen_words.words()['title']}"
    if any(phase.slug == part.slug for part in PHASES):
        title = f"{phase.number}. {title}"
    # manim's media (TeX files too) inside the staging folder: a killed render leaves nothing elsewhere
    with tempfile.TemporaryDirectory(prefix=".manim-media-", dir=directory) as media:
        options = {
            "quality": manim_quality,
            "media_dir": str(Path(manim_cache) / slug) if manim_cache else media,
            "disable_caching": not manim_cache,
            "progress_bar": "none",
            "verbosity": "WARNING",
            "output_file": phase.stem,
            "write_to_movie": True,
        }
        with tempconfig(options):
            if manim_cache:
                _render_through_manim_files(scene_class, clip, title)
                save_last_frame(clip, poster)
            else:
                writer = functools.partial(
                    ClipWriter,
                    destination=clip,
                    options=ENCODER_OPTIONS,
                    threads=ENCODER_THREADS,
                    title=title,
                )
                scene = scene_class(file_writer_class=writer)
                scene.render()
                Image.fromarray(scene.renderer.file_writer.last_frame).convert("RGB").save(
                    poster, format="PNG", optimize=True
                )
            if any(phase.slug == part.slug for part in PHASES):
                stills.save_still(phase.number, directory / "still.png")
    info = probe(clip)
    record = {"duration": info.duration, "frames": info.frames, "width": info.width, "height": info.height}
    (directory / "info.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return record


def _render_through_manim_files(scene_class, clip: Path, title: str) -> None:
    """manim's stock path: its per-animation files and cache, joined, then encoded once more."""
    from .video import encode

    pin_intermediate_settings()
    scene = scene_class()
    scene.render()
    encode(
        Path(scene.renderer.file_writer.movie_file_path), clip, ENCODER_OPTIONS, ENCODER_THREADS, title=title
    )


def imported_source(slug: str, quality: str, language: str = "en") -> dict:
    """Import phase ``slug``'s scene and the render pipeline; return the key of what was imported.

    The key is hashed before and after the imports; if they differ, a file changed
    while it was being imported and no key describes what was loaded (``key`` is None).
    """
    import importlib

    from .registry import get_phase

    # Not a static import: the key's own code is no part of any clip's key (see UNKEYED_MODULES).
    keys = importlib.import_module("scenes.cache_key")
    phase = get_phase(slug)
    before = keys.clip_key(phase, quality, language)
    phase.load_scene()
    for module in keys.PIPELINE_MODULES:
        importlib.import_module(module)
    importlib.import_module("scenes.clip_writer")
    after = keys.clip_key(phase, quality, language)
    return {
        "key": after if after == before else None,
        "before_import": before,
        "after_import": after,
        "files": keys.source_files(phase),
    }


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4, 5) or argv[1] not in QUALITIES:
        print(
            f"usage: python -m scenes.worker SLUG {{{'|'.join(QUALITIES)}}} DIRECTORY [KEY [LANGUAGE]]",
            file=sys.stderr,
        )
        return 2
    die_with_parent()
    slug, quality, directory = argv[0], argv[1], Path(argv[2])
    language = argv[4] if len(argv) == 5 else "en"
    source = imported_source(slug, quality, language)
    (directory / "source.json").write_text(json.dumps(source, indent=2, sort_keys=True) + "\n")
    if len(argv) >= 4 and source["key"] != argv[3]:
        print(
            f"the sources of {slug} imported by this worker do not have the key the build expected "
            f"({argv[3][:12]}); imported {source['after_import'][:12]} from {source['files'].get('scenes')}",
            file=sys.stderr,
        )
        return SOURCE_CHANGED
    render(slug, quality, directory, language)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
