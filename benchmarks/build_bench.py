"""Build speed and reader weight: ``nox -s bench`` (or ``python benchmarks/build_bench.py``).

Works in a temporary copy of the work tree with its own render cache,
touching nothing here. Measures:

- build seconds from cold, warm (nothing changed), after a prose edit, after a one-scene edit,
  and how many clips each build rendered;
- render seconds per second of video, per phase;
- the render stage sequential (one process) against parallel (one per core), the median of
  ``--repeat`` pairs (default 3);
- re-rendering with manim's own partial-movie cache instead of ours;
- clip bytes, and the weight of each phase page and figure page without video (HTML, CSS, JavaScript);
- the languages: a cold build of both (English, then zh-Hant into ``zh-tw/``, as ``nox -s docs``)
  against English alone, a warm build of both, and a one-``.po`` edit (the Chinese build alone:
  it renders nothing); the Chinese pages' weight and clips' bytes.

Prints a table and writes JSON (``--json``, default ``.bench/bench.json``). Timings are
measurements, not assertions: the tests check behaviour, never speed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RENDERED = re.compile(r"phase clips: (\d+) rendered, (\d+) from the cache")
PROSE_PAGE = "docs/phases/03-attention-scores.md"
SCENE_MODULE = "scenes/phases/scores.py"
CATALOG = "docs/locales/zh_TW/LC_MESSAGES/phases/03-attention-scores.po"
CHINESE = "zh_TW"  #: Sphinx's code for the site's Chinese, built into FOLDER below the English site
FOLDER = "zh-tw"


def copy_tree(destination: Path) -> Path:
    """Copy the files git knows of (tracked and untracked, not ignored) into ``destination``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def build(tree: Path, env: dict, out: str = "docs/_build/html", language: str | None = None) -> dict:
    """One ``sphinx-build -b html`` like ``nox -s docs`` (``language``: ``-D language=...``); seconds and
    clips rendered."""
    started = time.perf_counter()
    chosen = ["-D", f"language={language}"] if language else []
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-n",
            "--keep-going",
            *chosen,
            "-b",
            "html",
            "docs",
            out,
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"build failed in {tree}:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    match = RENDERED.search(result.stdout + result.stderr)
    return {"seconds": round(seconds, 2), "rendered": int(match.group(1)) if match else None}


def build_both(tree: Path, env: dict, out: str) -> dict:
    """English into ``out`` and zh-Hant into ``out/zh-tw``, as ``nox -s docs`` builds them."""
    english = build(tree, env, out)
    chinese = build(tree, env, f"{out}/{FOLDER}", CHINESE)
    return {
        "seconds": round(english["seconds"] + chinese["seconds"], 2),
        "rendered": (english["rendered"] or 0) + (chinese["rendered"] or 0),
        "english_seconds": english["seconds"],
        "chinese_seconds": chinese["seconds"],
    }


def edit_one_message(catalog: Path) -> None:
    """Change one translation in ``catalog``: the first non-empty msgstr gains a full stop's worth of text."""
    text = catalog.read_text(encoding="utf-8")
    marker = '\nmsgstr "'
    start = text.index(marker, text.index("\nmsgid", text.index('msgstr ""') + 1))
    at = start + len(marker)
    catalog.write_text(text[:at] + "（基準測試）" + text[at:], encoding="utf-8")


def children_cpu_seconds() -> float:
    """User and system CPU seconds of every finished child process (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def render_all(tree: Path, env: dict, jobs: int, cache: Path, extra_env: dict | None = None) -> float:
    """Wall time of ``python -m scenes render`` for every phase into ``cache``."""
    return render_all_timed(tree, env, jobs, cache, extra_env)["seconds"]


def render_all_timed(tree: Path, env: dict, jobs: int, cache: Path, extra_env: dict | None = None) -> dict:
    """Wall and CPU seconds of ``python -m scenes render`` for every phase into ``cache``.

    ``cores_busy`` (CPU over wall) tells the pool's use of the machine apart from the
    machine's own speed, which on shared hosts drifts between runs.
    """
    cpu_before = children_cpu_seconds()
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scenes",
            "render",
            "--jobs",
            str(jobs),
            "--cache",
            str(cache),
            "--out",
            str(cache / "out"),
        ],
        cwd=tree,
        env={**env, **(extra_env or {})},
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "cores_busy": round(cpu / seconds, 2)}


#: Pages other than the phases whose weight the bench reports: they carry build-time figures.
FIGURE_PAGES = ("saturation", "trained-head")


def page_weight(site: Path, page: str) -> dict:
    """Bytes of a page's own HTML and the CSS and JavaScript it links to (no video, no images)."""
    html_path = site / page
    text = html_path.read_text(encoding="utf-8")
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"?#]+)', text)
    assets += re.findall(r'<script[^>]+src="([^"?#]+)', text)
    sizes = {"html": html_path.stat().st_size, "css": 0, "js": 0}
    for asset in set(assets):
        path = (html_path.parent / asset).resolve()
        if path.is_file():
            sizes["css" if asset.endswith(".css") else "js"] += path.stat().st_size
    sizes["total"] = sizes["html"] + sizes["css"] + sizes["js"]
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, default=ROOT / ".bench" / "bench.json")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="sequential/parallel render pairs to take the median of (default 3)",
    )
    args = parser.parse_args()
    if args.repeat < 1 or args.jobs < 1:
        parser.error(
            f"--repeat and --jobs take a whole number of at least 1 (got {args.repeat} and {args.jobs})."
        )

    from scenes.registry import PHASES, STANDALONE_CLIPS

    work = Path(tempfile.mkdtemp(prefix="attention-bench-"))
    tree = copy_tree(work / "tree")
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),  # the copy's scenes and attention, ahead of the editable install
        "ATTENTION_RENDER_CACHE": str(work / "cache"),
        "ATTENTION_RENDER_JOBS": str(args.jobs),
    }
    results: dict = {"cpus": os.cpu_count(), "jobs": args.jobs, "builds": {}}
    print(f"benchmarking in {work} ({os.cpu_count()} cores, {args.jobs} render processes)", flush=True)

    results["builds"]["cold"] = build(tree, env)
    results["builds"]["warm"] = build(tree, env)
    with (tree / PROSE_PAGE).open("a", encoding="utf-8") as page:
        page.write("\nA sentence added by the benchmark.\n")
    results["builds"]["prose_edit"] = build(tree, env)
    with (tree / SCENE_MODULE).open("a", encoding="utf-8") as scene:
        scene.write("\n# a comment added by the benchmark: changes this scene's cache key only\n")
    results["builds"]["scene_edit"] = build(tree, env)

    # -- Both languages, from cold, in their own caches and output folder ------------------------------
    both_env = {
        **env,
        "ATTENTION_RENDER_CACHE": str(work / "cache-both"),
    }
    both_out = "docs/_build/both"
    languages = {"cold_english": results["builds"]["cold"]}
    languages["cold_both"] = build_both(tree, both_env, both_out)
    languages["warm_both"] = build_both(tree, both_env, both_out)
    edit_one_message(tree / CATALOG)
    languages["po_edit_chinese"] = build(tree, both_env, f"{both_out}/{FOLDER}", CHINESE)
    results["languages"] = languages
    chinese_site = tree / both_out / FOLDER
    results["chinese_clip_bytes_total"] = sum(
        clip.stat().st_size for clip in (chinese_site / "_clips").glob("0[1-9]-*.mp4")
    )
    results["chinese_page_weight"] = {
        p.stem: page_weight(chinese_site, f"phases/{p.stem}.html") for p in PHASES
    } | {page: page_weight(chinese_site, f"{page}.html") for page in FIGURE_PAGES}
    print(f"languages: {languages}", flush=True)

    cache = work / "cache"
    per_phase = {}
    for phase in PHASES:
        entries = sorted(cache.glob(f"{phase.stem}-*/complete.json"), key=lambda p: p.stat().st_mtime)
        record = json.loads(entries[0].read_text())  # the cold build's render
        per_phase[phase.stem] = round(record["render_seconds"] / phase.duration, 2)
    results["render_seconds_per_video_second"] = per_phase

    runs = []  # sequential and parallel in turn, so drift in the machine's speed hits both alike
    for run in range(args.repeat):
        sequential = render_all_timed(tree, env, 1, work / f"sequential-{run}")
        parallel = render_all_timed(tree, env, args.jobs, work / f"parallel-{run}")
        runs.append(
            {
                "sequential": sequential["seconds"],
                "parallel": parallel["seconds"],
                "ratio": round(parallel["seconds"] / sequential["seconds"], 3),
                "sequential_cores_busy": sequential["cores_busy"],
                "parallel_cores_busy": parallel["cores_busy"],
            }
        )
        print(f"render stage, run {run + 1}/{args.repeat}: {runs[-1]}", flush=True)
    results["render_runs"] = runs
    results["render_sequential_seconds"] = statistics.median(r["sequential"] for r in runs)
    results["render_parallel_seconds"] = statistics.median(r["parallel"] for r in runs)
    manim_media = {"ATTENTION_MANIM_CACHE_DIR": str(work / "manim-media")}
    results["manim_cache_cold_seconds"] = render_all(tree, env, args.jobs, work / "manim-1", manim_media)
    results["manim_cache_warm_seconds"] = render_all(tree, env, args.jobs, work / "manim-2", manim_media)

    site = tree / "docs/_build/html"
    clips = sorted((site / "_clips").glob("0[1-9]-*.mp4"))
    results["clip_bytes"] = {clip.name: clip.stat().st_size for clip in clips}
    results["clip_bytes_total"] = sum(results["clip_bytes"].values())
    results["full_video_bytes"] = (site / "_clips/00-full.mp4").stat().st_size
    # Clips beside the phases (the trained head): not part of the phases' 2 MB, reported on their own.
    results["standalone_clip_bytes"] = {
        clip.stem: (site / "_clips" / f"{clip.stem}.mp4").stat().st_size for clip in STANDALONE_CLIPS
    }
    results["page_weight"] = {p.stem: page_weight(site, f"phases/{p.stem}.html") for p in PHASES}
    # The pages that draw figures from the package at build time are held to the same budget.
    results["page_weight"] |= {page: page_weight(site, f"{page}.html") for page in FIGURE_PAGES}
    # The temperature explorer's stops: fetched when the explorer nears the screen, not with the page.
    stops = (site / "_static" / "explorer-temperature.js").read_bytes()
    results["explorer_stops_bytes"] = {"raw": len(stops), "gzip": len(gzip.compress(stops))}

    cold = results["builds"]["cold"]["seconds"]
    results["ratios"] = {
        "warm_over_cold": round(results["builds"]["warm"]["seconds"] / cold, 3),
        "prose_edit_over_cold": round(results["builds"]["prose_edit"]["seconds"] / cold, 3),
        "scene_edit_over_cold": round(results["builds"]["scene_edit"]["seconds"] / cold, 3),
        "parallel_over_sequential": statistics.median(r["ratio"] for r in runs),
        "parallel_cores_busy": statistics.median(r["parallel_cores_busy"] for r in runs),
        "manim_cache_warm_over_ours_warm": round(
            results["manim_cache_warm_seconds"] / max(results["builds"]["warm"]["seconds"], 0.01), 2
        ),
        "cold_both_over_cold_english": round(languages["cold_both"]["seconds"] / cold, 3),
        "warm_both_over_cold_both": round(
            languages["warm_both"]["seconds"] / languages["cold_both"]["seconds"], 3
        ),
        "po_edit_over_cold_both": round(
            languages["po_edit_chinese"]["seconds"] / languages["cold_both"]["seconds"], 3
        ),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nJSON: {args.json}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def print_table(r: dict) -> None:
    rows = [("build", "seconds", "clips rendered")]
    rows += [(name, f"{b['seconds']:.1f}", str(b["rendered"])) for name, b in r["builds"].items()]
    width = max(len(row[0]) for row in rows) + 2
    print()
    for row in rows:
        print(f"{row[0]:<{width}}{row[1]:>10}{row[2]:>16}")
    print()
    runs = len(r["render_runs"])
    print(f"render stage, sequential (1 process), median of {runs}: {r['render_sequential_seconds']:.1f} s")
    print(
        f"render stage, parallel ({r['jobs']} processes), median of {runs}:   {r['render_parallel_seconds']:.1f} s"
    )
    print(
        f"manim's own cache: cold {r['manim_cache_cold_seconds']:.1f} s, warm {r['manim_cache_warm_seconds']:.1f} s"
    )
    print(
        "render seconds per second of video: "
        + ", ".join(f"{k} {v}" for k, v in r["render_seconds_per_video_second"].items())
    )
    print(
        f"phase clips: {r['clip_bytes_total'] / 1e6:.2f} MB in all; full video {r['full_video_bytes'] / 1e6:.2f} MB; "
        + ", ".join(f"{stem} {size / 1e6:.2f} MB" for stem, size in r["standalone_clip_bytes"].items())
    )
    heaviest = max(r["page_weight"].items(), key=lambda item: item[1]["total"])
    print(
        f"heaviest page without video: {heaviest[0]} {heaviest[1]['total'] / 1e3:.0f} KB "
        f"(HTML {heaviest[1]['html'] / 1e3:.0f}, CSS {heaviest[1]['css'] / 1e3:.0f}, JS {heaviest[1]['js'] / 1e3:.0f})"
    )
    stops = r["explorer_stops_bytes"]
    print(
        f"temperature explorer's stops (fetched when it nears the screen): {stops['raw'] / 1e3:.0f} KB, "
        f"{stops['gzip'] / 1e3:.0f} KB compressed"
    )
    languages = r["languages"]
    print(
        f"languages: cold English {languages['cold_english']['seconds']:.1f} s, cold both "
        f"{languages['cold_both']['seconds']:.1f} s ({languages['cold_both']['rendered']} clips rendered), warm both "
        f"{languages['warm_both']['seconds']:.1f} s, one .po edit (Chinese build) "
        f"{languages['po_edit_chinese']['seconds']:.1f} s ({languages['po_edit_chinese']['rendered']} rendered)"
    )
    heaviest_zh = max(r["chinese_page_weight"].items(), key=lambda item: item[1]["total"])
    print(
        f"Chinese: phase clips {r['chinese_clip_bytes_total'] / 1e6:.2f} MB in all; heaviest page without video "
        f"{heaviest_zh[0]} {heaviest_zh[1]['total'] / 1e3:.0f} KB"
    )
    print("ratios: " + ", ".join(f"{k} {v}" for k, v in r["ratios"].items()))


if __name__ == "__main__":
    sys.exit(main())
