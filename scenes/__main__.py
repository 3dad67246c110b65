"""Command line: ``python -m scenes render [PHASE ...] [--quality low|medium|high] [--full]``.

Phases are given by number or slug, standalone clips (``trained-head``) by slug; every
clip by default. ``--full`` joins the phases, never a standalone clip, into the full video. Clips come from the
render cache when nothing they depend on changed; each new render runs in its own
process. Prints where each clip landed.

``python -m scenes cache verify`` checks every cache entry's files against the sizes
and SHA-256 sums it recorded; ``python -m scenes cache prune`` removes the entries
that no current source maps to (at any quality) and what interrupted builds left.
Both run only in a folder that holds the cache's ``CACHEDIR.TAG`` (exit status 2
otherwise) and leave alone anything in it that is not an entry.
"""

from __future__ import annotations

import argparse
import contextlib
import stat
import sys
from pathlib import Path

from .cache import NotACache, RenderCache, remove_folder
from .cache_key import clip_key, full_video_key
from .clips import CLIP_ERRORS
from .publish import publish
from .registry import ALL_CLIPS, FULL_STEM, PHASES, STANDALONE_CLIPS, get_phase
from .render import (
    DEFAULT_QUALITY,
    JOBS_VARIABLE,
    MAX_JOBS,
    SettingError,
    default_jobs,
    parse_jobs,
    render_full,
    render_phases,
)
from .screen_words import LANGUAGES
from .worker import QUALITIES, settings_for


def jobs_argument(text: str) -> int:
    """``--jobs``: a whole number from 1 to MAX_JOBS, else argparse's usage error naming the range."""
    try:
        return parse_jobs(text, "--jobs")
    except SettingError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render phase clips (and the full video)")
    render.add_argument(
        "phases",
        nargs="*",
        metavar="PHASE",
        help="phase number or slug, or a standalone clip's slug; every clip if none: "
        + ", ".join([*(f"{p.number} {p.slug}" for p in PHASES), *(c.slug for c in STANDALONE_CLIPS)]),
    )
    render.add_argument("--quality", choices=list(QUALITIES), default=DEFAULT_QUALITY)
    render.add_argument("--full", action="store_true", help="also join all phases into the full video")
    render.add_argument("--out", type=Path, default=Path("media/clips"), help="where to put the clips")
    render.add_argument(
        "--jobs",
        type=jobs_argument,
        default=None,
        help=f"render processes, 1 to {MAX_JOBS} (default: ${JOBS_VARIABLE}, else one per core)",
    )
    render.add_argument("--cache", type=Path, default=None, help="render cache folder")
    render.add_argument(
        "--language",
        choices=list(LANGUAGES),
        default="en",
        help="the language the clips are drawn in and their tracks written in (default: en)",
    )
    commands.add_parser("list", help="list the phases")
    cache = commands.add_parser("cache", help="check or clean the render cache")
    cache.add_argument("action", choices=["verify", "prune"], help="verify every entry, or prune unused ones")
    cache.add_argument("--cache", type=Path, default=None, help="render cache folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "list":
        for phase in PHASES:
            print(f"{phase.number}  {phase.slug:<18} {phase.duration:>4.0f} s  {phase.title}")
        for clip in STANDALONE_CLIPS:
            print(f"-  {clip.slug:<18} {clip.duration:>4.0f} s  {clip.title} (not in the full video)")
        return 0
    try:
        if args.command == "cache":
            cache = RenderCache(args.cache)
            with cache.os_errors(f"{args.action} the entries"):
                return verify(cache) if args.action == "verify" else prune(cache)
        return render(args)
    except CLIP_ERRORS as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, (SettingError, NotACache)) else 1


def render(args: argparse.Namespace) -> int:
    try:
        phases = [get_phase(key) for key in args.phases] if args.phases else list(ALL_CLIPS)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.full:  # the full video is always every phase, in order (standalone clips stay out of it)
        phases = [*PHASES, *(p for p in phases if p not in PHASES)]
    jobs = args.jobs if args.jobs is not None else default_jobs()
    cache = RenderCache(args.cache)
    log = lambda message: print(message, flush=True)  # noqa: E731
    language = args.language
    clips = render_phases(phases, args.quality, cache, jobs=jobs, log=log, language=language)
    parts = [clip for clip in clips if clip.phase in PHASES]
    full = render_full(parts, args.quality, cache, log=log, language=language) if args.full else None
    written = publish(clips, full, args.out, language)
    for clip in [*clips, *([full] if full else [])]:
        source = "rendered" if clip.rendered else "cached"
        print(f"{written[clip.stem]['video']}  ({clip.info['duration']:.2f} s, {source})")
    return 0


def verify(cache: RenderCache) -> int:
    """Check every entry against its recorded sizes and SHA-256; move damaged ones aside. 1 if any was.

    Only in a folder the cache owns (its ``CACHEDIR.TAG``); anything there that is not an
    entry is listed and left alone.
    """
    cache.require_owned(log=print)
    entries = cache.entries()
    report_others(cache)
    damaged = 0
    for entry in entries:
        problem = cache.problem(entry)
        if problem is None:
            print(f"ok       {entry.name}")
            continue
        damaged += 1
        aside = cache.move_aside(entry)
        print(
            f"damaged  {entry.name}: {problem}; moved aside to {aside.name if aside else '-'}, the next build renders it again"
        )
    print(f"{len(entries)} entries in {cache.root}: {len(entries) - damaged} intact, {damaged} damaged")
    return 1 if damaged else 0


def report_others(cache: RenderCache) -> None:
    for path in cache.others():
        print(f"left     {path.name}: not an entry, left alone")


def current_entries(cache: RenderCache) -> set[Path]:
    """The entries today's sources map to, at every quality and in every language: each phase, the full
    video, each standalone clip."""
    wanted: set[Path] = set()
    for quality in QUALITIES:
        for language in LANGUAGES:
            keys = [clip_key(phase, quality, language) for phase in PHASES]
            wanted.update(cache.entry(phase.stem, key) for phase, key in zip(PHASES, keys, strict=True))
            wanted.add(cache.entry(FULL_STEM, full_video_key(keys, settings_for(quality, language))))
            wanted.update(
                cache.entry(clip.stem, clip_key(clip, quality, language)) for clip in STANDALONE_CLIPS
            )
    return wanted


def bytes_in(path: Path) -> int:
    """The bytes of the files under ``path`` that are still there (0 once it is gone).

    Symlinks count as themselves, never as what they point at: removing a link frees no
    more than the link.
    """
    total = 0
    for file in path.rglob("*"):
        with contextlib.suppress(OSError):
            info = file.lstat()
            if stat.S_ISREG(info.st_mode):
                total += info.st_size
    return total


def prune(cache: RenderCache) -> int:
    """Remove entries no current source maps to, and leftovers of killed builds; report what went.

    Only in a folder the cache owns; only entries, staging folders and damaged entries set
    aside are ever removed. A folder that could not be removed is named with the OS error,
    counts in no total, and makes the exit status 1.
    """
    cache.require_owned(log=print)
    wanted = current_entries(cache)
    doomed = [entry for entry in cache.entries() if entry not in wanted] + cache.stale_leftovers()
    report_others(cache)
    removed, failed, freed = 0, 0, 0
    for path in doomed:
        before = bytes_in(path)
        errors = remove_folder(path)
        freed += before - bytes_in(path)
        if path.exists():
            failed += 1
            first = errors[0] if errors else OSError("it is still there")
            where = f" ({first.filename})" if getattr(first, "filename", None) else ""
            more = f" and {len(errors) - 1} more error(s)" if len(errors) > 1 else ""
            print(
                f"failed   {path.name}: could not remove it: {first.strerror or first}{where}{more}",
                file=sys.stderr,
            )
        else:
            removed += 1
            print(f"removed  {path.name}")
    kept = sum(entry.is_dir() for entry in wanted)
    print(
        f"pruned {removed} folder(s), {freed / 1e6:.1f} MB, from {cache.root}; {kept} current entries kept"
        + (f"; {failed} folder(s) could not be removed (see above)" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
