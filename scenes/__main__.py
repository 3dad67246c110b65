"""Command line: ``python -m scenes render [PHASE ...] [--quality low|medium|high] [--full]``.

Phases are given by number or slug (all of them by default). Clips come from the
render cache when nothing they depend on changed; each new render runs in its own
process. Prints where each clip landed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cache import RenderCache
from .registry import PHASES, get_phase
from .render import DEFAULT_QUALITY, RenderError, default_jobs, publish, render_full, render_phases
from .worker import QUALITIES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scenes", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render = commands.add_parser("render", help="render phase clips (and the full video)")
    render.add_argument(
        "phases",
        nargs="*",
        metavar="PHASE",
        help="phase number or slug; all phases if none: " + ", ".join(f"{p.number} {p.slug}" for p in PHASES),
    )
    render.add_argument("--quality", choices=list(QUALITIES), default=DEFAULT_QUALITY)
    render.add_argument("--full", action="store_true", help="also join all phases into the full video")
    render.add_argument("--out", type=Path, default=Path("media/clips"), help="where to put the clips")
    render.add_argument("--jobs", type=int, default=None, help=f"render processes (default {default_jobs()})")
    render.add_argument("--cache", type=Path, default=None, help="render cache folder")
    commands.add_parser("list", help="list the phases")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "list":
        for phase in PHASES:
            print(f"{phase.number}  {phase.slug:<18} {phase.duration:>4.0f} s  {phase.title}")
        return 0
    try:
        phases = [get_phase(key) for key in args.phases] if args.phases else list(PHASES)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.full:
        phases = list(PHASES)  # the full video is always every phase, in order
    cache = RenderCache(args.cache)
    try:
        clips = render_phases(phases, args.quality, cache, jobs=args.jobs, log=lambda m: print(m, flush=True))
        full = render_full(clips, args.quality, cache) if args.full else None
    except RenderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    written = publish(clips, full, args.out)
    for clip in [*clips, *([full] if full else [])]:
        source = "rendered" if clip.rendered else "cached"
        print(f"{written[clip.stem]['video']}  ({clip.info['duration']:.2f} s, {source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
