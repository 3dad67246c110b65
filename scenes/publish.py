"""Publish rendered clips into a site folder under stable names, with their posters and tracks.

``publish`` copies each clip's video and poster out of the render cache and writes its
caption, description and chapter tracks, under names made of number and slug
(``03-attention-scores.mp4``), never counters. A file is replaced only when its bytes
differ, atomically and with an ordinary mode, so servers see stable mtimes and never a
half-written or unreadable file.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from .captions import (
    captions_webvtt,
    chapters_webvtt,
    descriptions_webvtt,
    full_captions_webvtt,
    full_descriptions_webvtt,
)
from .files import has_ordinary_mode, temporary_beside
from .page_image import write_page_image
from .registry import PHASES, Phase
from .render import Clip
from .translations import in_language

#: Each file published for a clip, by role: the suffix after the clip's stem (``03-attention-scores.mp4``).
#: The one place these names are made; the site links to them through :func:`file_name`.
FILE_SUFFIXES = {
    "video": ".mp4",
    "poster": ".png",  #: the cited poster: the clip's last frame
    "page_poster": ".webp",  #: the same frame for the page, about half the bytes (scenes.page_image)
    "still": ".still.png",  #: a phase's subject composed for a phone held upright (scenes.stills), cited
    "page_still": ".still.webp",  #: the same frame for the page (scenes.page_image)
    "captions": ".vtt",
    "descriptions": ".descriptions.vtt",
    "chapters": ".chapters.vtt",  #: the full-length video's only
}


def file_name(stem: str, role: str) -> str:
    """The name of ``stem``'s file for ``role`` (a key of :data:`FILE_SUFFIXES`).

    >>> file_name("03-attention-scores", "descriptions")
    '03-attention-scores.descriptions.vtt'
    """
    return stem + FILE_SUFFIXES[role]


class PublishError(RuntimeError):
    """A clip could not be copied into the site; the message names the folder."""


def _copy_if_changed(source: Path, destination: Path) -> bool:
    """Copy atomically, and only when the bytes (or a private mode) differ: mtimes stay stable for servers.

    Returns whether it copied.
    """
    if (
        destination.is_file()
        and has_ordinary_mode(destination)
        and filecmp.cmp(source, destination, shallow=False)
    ):
        return False
    with temporary_beside(destination) as temporary:
        shutil.copyfile(source, temporary)
    return True


def _write_if_changed(text: str, destination: Path) -> None:
    if (
        destination.is_file()
        and has_ordinary_mode(destination)
        and destination.read_text(encoding="utf-8") == text
    ):
        return
    with temporary_beside(destination) as temporary:
        temporary.write_text(text, encoding="utf-8")


def publish(
    clips: list[Clip], full: Clip | None, directory: Path, language: str = "en"
) -> dict[str, dict[str, Path]]:
    """Copy each clip with its poster and captions into ``directory`` under its stable stem.

    The caption, description and chapter tracks are written in ``language`` (Sphinx's code:
    ``en`` or ``zh_TW``), from the registry's words or their translation.

    Returns, per stem, the paths written: ``video``, ``poster`` (PNG, cited), ``page_poster``
    (the same frame as WebP, for the page), ``still`` and ``page_still`` (a phase's only), ``captions``,
    ``descriptions`` (and ``chapters`` for the full video). Several processes may publish into one folder at
    once. An OS error (a full disk, no permission) is a :class:`PublishError` naming the
    folder, and leaves no temporary file behind.
    """
    try:
        return _publish(clips, full, directory, language)
    except OSError as error:
        raise PublishError(
            f"could not publish the clips into {directory}: {error.strerror or error}"
            f"{f' ({error.filename})' if error.filename else ''}. Free some space or fix the folder's "
            "permissions, then build again."
        ) from error


def _phase_of(clip: Clip) -> Phase:
    if clip.phase is None:
        raise ValueError(f"{clip.stem} is not a phase's clip: publish takes the full video as `full`")
    return clip.phase


def _publish(
    clips: list[Clip], full: Clip | None, directory: Path, language: str
) -> dict[str, dict[str, Path]]:
    phases = [in_language(_phase_of(clip), language) for clip in clips]
    slugs = {phase.slug for phase in PHASES}
    parts = [phase for phase in phases if phase.slug in slugs]  # the full video's: phases, no standalone clip
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, Path]] = {}
    for clip, phase in zip(clips, phases, strict=True):
        tracks = {"captions": captions_webvtt(phase), "descriptions": descriptions_webvtt(phase)}
        written[clip.stem] = _publish_one(clip, tracks, directory)
    if full is not None:
        tracks = {
            "captions": full_captions_webvtt(parts),
            "descriptions": full_descriptions_webvtt(parts),
            "chapters": chapters_webvtt(parts),
        }
        written[full.stem] = _publish_one(full, tracks, directory)
    return written


def _publish_one(clip: Clip, tracks: dict[str, str], directory: Path) -> dict[str, Path]:
    """Copy ``clip``'s video and poster, make the page's poster and write its ``tracks`` (role -> WebVTT)."""
    paths = {
        role: directory / file_name(clip.stem, role) for role in ("video", "poster", "page_poster", *tracks)
    }
    _copy_if_changed(clip.video, paths["video"])
    _copy_if_changed(clip.poster, paths["poster"])
    write_page_image(paths["poster"], paths["page_poster"])
    if clip.still is not None:
        paths |= {role: directory / file_name(clip.stem, role) for role in ("still", "page_still")}
        _copy_if_changed(clip.still, paths["still"])
        write_page_image(paths["still"], paths["page_still"])
    for role, text in tracks.items():
        _write_if_changed(text, paths[role])
    return paths
