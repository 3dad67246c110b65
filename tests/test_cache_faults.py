"""Faults a maintainer can cause by accident, and what the render cache does about each.

Each test reproduces one fault of issue 16 (a wrong or damaged clip served, a crash
while publishing, a worker left running) and checks the behaviour a maintainer
relies on instead. Renders here are fakes: a tiny real H.264 clip written by a fake
worker (in-process tests), or a one-square manim scene put in place of the intro
in a private copy of the packages (tests that need the real worker process).
"""

from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from scenes import cache as render_cache
from scenes import cache_key, render
from scenes import publish as publish_module
from scenes.cache import CacheError, RenderCache
from scenes.publish import PublishError, publish
from scenes.registry import PHASES, get_phase
from scenes.video import H264Writer

ROOT = Path(__file__).resolve().parents[1]
INTRO = get_phase("intro")
FAKE_FRAMES = 6


# -- A fake worker: a tiny, real, decodable clip --------------------------------------
def write_fake_render(directory: Path, key: str, shade: int = 90) -> None:
    """What a worker leaves in its staging folder, for a 64x48 clip of ``FAKE_FRAMES`` grey frames."""
    with H264Writer(directory / "clip.mp4", 64, 48, 15, {"crf": "28"}, threads=1) as writer:
        for _ in range(FAKE_FRAMES):
            writer.add(np.full((48, 64, 4), shade, dtype=np.uint8))
    Image.new("RGB", (64, 48), (shade, shade, shade)).save(directory / "poster.png")
    info = {"duration": FAKE_FRAMES / 15, "frames": FAKE_FRAMES, "width": 64, "height": 48}
    (directory / "info.json").write_text(json.dumps(info))
    (directory / "source.json").write_text(json.dumps({"key": key, "files": {}}))


@pytest.fixture
def fake_worker(monkeypatch) -> list[str]:
    """Replace the worker process with :func:`write_fake_render`; returns the slugs rendered, in order."""
    return use_fake_worker(monkeypatch)


def use_fake_worker(monkeypatch) -> list[str]:
    """What :func:`fake_worker` does, for other test modules' fixtures."""
    rendered: list[str] = []

    def run(command, cwd, env):
        slug, directory, key = command[3], Path(command[5]), command[6]
        write_fake_render(directory, key)
        rendered.append(slug)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(render, "_run_worker", run)
    monkeypatch.setattr(render, "require_tools", lambda language="en": None)
    return rendered


def decoded_frames(path: Path) -> int:
    """Frames actually decoded from ``path`` (a truncated or corrupt file fails or comes up short)."""
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def render_intro(cache: RenderCache, log: list[str]) -> render.Clip:
    [clip] = render.render_phases([INTRO], "low", cache, jobs=1, log=log.append)
    return clip


# -- Fault 3: damaged cached clips are re-rendered, never published -----------------------
def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def delete(path: Path) -> None:
    path.unlink()


@pytest.mark.parametrize(
    "damage", [truncate, flip_a_bit, delete], ids=["truncated", "bit-flipped", "deleted"]
)
def test_a_damaged_cached_clip_is_rendered_again_and_published_whole(tmp_path, fake_worker, damage):
    cache = RenderCache(tmp_path / "cache")
    first = render_intro(cache, [])
    out = tmp_path / "site" / "_clips"
    publish([first], None, out)

    damage(first.video)
    log: list[str] = []
    again = render_intro(cache, log)

    assert again.rendered and fake_worker == ["intro", "intro"]
    assert any("01-intro is damaged" in line and "rendering it again" in line for line in log), log
    publish([again], None, out)
    assert decoded_frames(out / "01-intro.mp4") == FAKE_FRAMES
    assert render_cache.RenderCache(cache.root).problem(again.entry) is None
    assert [p.name for p in cache.root.iterdir() if p.name.startswith(".damaged-")], "not moved aside"


def test_every_entry_records_its_files_sizes_and_sha256(tmp_path, fake_worker):
    clip = render_intro(RenderCache(tmp_path), [])
    manifest = json.loads((clip.entry / "complete.json").read_text())
    assert set(manifest["files"]) == {"clip.mp4", "poster.png", "info.json", "source.json"}
    assert manifest["files"]["clip.mp4"]["size"] == clip.video.stat().st_size


def test_a_damaged_poster_or_info_is_a_miss_too(tmp_path, fake_worker):
    cache = RenderCache(tmp_path)
    first = render_intro(cache, [])
    (first.entry / "info.json").write_text("{}")
    assert render_intro(cache, []).rendered


# -- Fault 4: an entry folder without complete.json is replaced, never published ----------
def test_an_entry_without_complete_json_is_replaced(tmp_path, fake_worker):
    cache = RenderCache(tmp_path)
    cache.prepare()  # a cache the build made, into which a stale folder came
    key = cache_key.phase_key(INTRO, render.settings_for("low"))
    stale = cache.entry(INTRO.stem, key)
    stale.mkdir(parents=True)
    (stale / "clip.mp4").write_bytes(b"stale bytes from some other render")
    (stale / "poster.png").write_bytes(b"stale")

    log: list[str] = []
    clip = render_intro(cache, log)
    assert clip.rendered and clip.entry == stale
    assert decoded_frames(clip.video) == FAKE_FRAMES
    assert any("no complete.json" in line for line in log), log
    out = tmp_path / "out"
    publish([clip], None, out)
    assert (out / "01-intro.mp4").read_bytes() == clip.video.read_bytes()


def test_commit_replaces_an_incomplete_entry_that_appeared_meanwhile(tmp_path):
    cache = RenderCache(tmp_path)
    final = cache.entry("01-intro", "k" * 64)
    final.mkdir(parents=True)
    (final / "clip.mp4").write_bytes(b"half")
    staging = cache.staging("01-intro")
    write_fake_render(staging, "k" * 64)
    log: list[str] = []
    entry = cache.commit(staging, "01-intro", "k" * 64, {}, log=log.append)
    assert entry == final and decoded_frames(final / "clip.mp4") == FAKE_FRAMES
    assert cache.problem(final) is None and not staging.exists()
    assert log and "replacing 01-intro" in log[0]


def test_commit_keeps_an_intact_entry_another_build_finished_first(tmp_path):
    cache = RenderCache(tmp_path)
    theirs = cache.staging("01-intro")
    write_fake_render(theirs, "k" * 64, shade=90)
    entry = cache.commit(theirs, "01-intro", "k" * 64, {})
    before = (entry / "clip.mp4").read_bytes()
    ours = cache.staging("01-intro")
    write_fake_render(ours, "k" * 64, shade=90)
    assert cache.commit(ours, "01-intro", "k" * 64, {}) == entry
    assert (entry / "clip.mp4").read_bytes() == before and not ours.exists()


def test_commit_reports_other_os_errors_with_the_cache_setting(tmp_path, monkeypatch):
    cache = RenderCache(tmp_path)
    staging = cache.staging("01-intro")
    write_fake_render(staging, "k" * 64)

    def refuse(source, destination):
        raise PermissionError(errno.EACCES, "Permission denied", str(destination))

    monkeypatch.setattr(render_cache.os, "replace", refuse)
    with pytest.raises(CacheError, match=r"(?s)render cache .*Permission denied.*ATTENTION_RENDER_CACHE"):
        cache.commit(staging, "01-intro", "k" * 64, {})


def test_an_unusable_cache_folder_is_one_error_naming_the_setting(tmp_path, fake_worker):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CacheError, match=r"(?s)a-file/cache.*ATTENTION_RENDER_CACHE"):
        render_intro(RenderCache(blocker / "cache"), [])


# -- Fault 5: publishing is safe with two publishers and on a full disk --------------------
def _publish_rounds(clips, folders, barrier) -> None:
    for folder in folders:
        barrier.wait()
        publish(clips, None, folder)


def test_two_publishers_into_one_folder_both_succeed_with_identical_files(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    clips = render.render_phases(PHASES[:3], "low", cache, jobs=1)
    folders = [tmp_path / f"site-{i}" / "_clips" for i in range(25)]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    publishers = [context.Process(target=_publish_rounds, args=(clips, folders, barrier)) for _ in range(2)]
    for publisher in publishers:
        publisher.start()
    for publisher in publishers:
        publisher.join(timeout=120)
    assert [p.exitcode for p in publishers] == [0, 0]
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            f"{clip.stem}{suffix}"
            for clip in clips
            for suffix in (".mp4", ".png", ".webp", ".vtt", ".descriptions.vtt")
        ), "a temporary file was left in the site"
        for clip in clips:
            assert (folder / f"{clip.stem}.mp4").read_bytes() == clip.video.read_bytes()


def test_a_full_disk_while_publishing_is_one_error_and_leaves_no_temporary_file(
    tmp_path, fake_worker, monkeypatch
):
    clips = render.render_phases([INTRO], "low", RenderCache(tmp_path / "cache"), jobs=1)
    copy = shutil.copyfile

    def fill_the_disk(source, destination):
        Path(destination).write_bytes(Path(source).read_bytes()[:100])
        raise OSError(errno.ENOSPC, "No space left on device", str(destination))

    monkeypatch.setattr(publish_module.shutil, "copyfile", fill_the_disk)
    out = tmp_path / "site" / "_clips"
    with pytest.raises(PublishError, match=r"(?s)could not publish the clips into .*_clips.*No space left"):
        publish(clips, None, out)
    assert not list(out.iterdir()), "a temporary file was left in the site"
    monkeypatch.setattr(publish_module.shutil, "copyfile", copy)
    publish(clips, None, out)
    assert decoded_frames(out / "01-intro.mp4") == FAKE_FRAMES


# -- Fault 8: the key covers the tools that draw pixels; prune and verify ---------------
def test_the_key_covers_tex_dvisvgm_fonts_cairo_and_pango(monkeypatch):
    versions = cache_key.tool_versions()
    assert {"latex", "dvisvgm", "cairo", "pango", "font DejaVu Sans", "font DejaVu Sans Mono"} <= set(
        versions
    )
    assert versions["latex"] != "missing" and versions["cairo"].count(".") == 2
    before = cache_key.phase_key(INTRO, render.settings_for("low"))
    monkeypatch.setattr(
        cache_key, "tool_versions", lambda: {**versions, "latex": "pdfTeX 3.2 (TeX Live 2030)"}
    )
    assert cache_key.phase_key(INTRO, render.settings_for("low")) != before


def run_cache_command(cache: Path, action: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scenes", "cache", action, "--cache", str(cache)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_cache_prune_removes_what_no_current_source_maps_to(tmp_path, fake_worker):
    cache = RenderCache(tmp_path)
    current = render_intro(cache, [])
    old = cache.staging("01-intro")
    write_fake_render(old, "0" * 64)
    old_entry = cache.commit(old, "01-intro", "0" * 64, {})  # an entry of sources that no longer exist
    result = run_cache_command(tmp_path, "prune")
    assert result.returncode == 0, result.stderr
    assert f"removed  {old_entry.name}" in result.stdout
    assert current.entry.is_dir() and not old_entry.exists()


def test_cache_verify_finds_and_moves_aside_a_damaged_entry(tmp_path, fake_worker):
    cache = RenderCache(tmp_path)
    clip = render_intro(cache, [])
    clean = run_cache_command(tmp_path, "verify")
    assert clean.returncode == 0 and f"ok       {clip.entry.name}" in clean.stdout
    flip_a_bit(clip.video)
    damaged = run_cache_command(tmp_path, "verify")
    assert damaged.returncode == 1
    assert f"damaged  {clip.entry.name}: clip.mp4 has the stored size but different bytes" in damaged.stdout
    assert not clip.entry.exists()


# -- A fake project: the intro replaced by one square, in a private copy -------------------
FAKE_SCENE = '''"""A stand-in for the intro: one filled square, drawn for a few frames."""

import os
import time

from manim import CairoRenderer, Scene, Square

COLOUR = "{colour}"


class Intro(Scene):
    def __init__(self, file_writer_class):  # as the worker calls a PhaseScene
        super().__init__(renderer=CairoRenderer(file_writer_class=file_writer_class))

    def construct(self):
        self.add(Square(side_length=6, color=COLOUR, fill_color=COLOUR, fill_opacity=1))
        self.wait(0.2)
        if os.environ.get("FAKE_SCENE_HANG"):  # a render that takes long enough to be killed
            time.sleep(600)
'''
RED, BLUE = "#FF0000", "#0000FF"


@pytest.fixture
def fake_project(tmp_path) -> Path:
    """A copy of both packages whose intro scene is a red square (the real one takes a while to render)."""
    copy = tmp_path / "project"
    for package in ("scenes", "attention"):
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "scenes/phases/intro.py").write_text(FAKE_SCENE.format(colour=RED))
    return copy


def run_in(project: Path, cache: Path, *args: str, pythonpath: str | None = None, script=None, **kwargs):
    """``python -m scenes render ... --quality low`` (or ``script``) in ``project``, with ``project`` on the path."""
    env = {**os.environ, "PYTHONPATH": pythonpath or str(project), "ATTENTION_RENDER_CACHE": str(cache)}
    command = [sys.executable, *([str(script)] if script else ["-m", "scenes"])]
    return subprocess.run(
        [*command, "render", "--quality", "low", "--out", str(project / "out"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        **kwargs,
    )


def centre_colour(clip: Path) -> tuple[int, int, int]:
    with av.open(str(clip)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    height, width, _ = frame.shape
    return tuple(round(c / 64) * 64 for c in frame[height // 2, width // 2])  # coarse: codec noise


def reported(output: str) -> dict[str, str]:
    """``stem -> "rendered" | "cached"`` from the command's report lines."""
    return {
        Path(line.split()[0]).stem: line.rsplit(",", 1)[1].strip(" )")
        for line in output.splitlines()
        if line.endswith(("rendered)", "cached)"))
    }


# -- Fault 1: a scene edited during its render, then restored -------------------------------
EDIT_DURING_RENDER = '''"""Run the render command, editing the intro scene just after the build hashed it."""

import sys
from pathlib import Path

from scenes import __main__ as command, render

scene = Path(render.__file__).with_name("phases") / "intro.py"
real_run_worker = render._run_worker
edits = [scene.read_text().replace("{red}", "{blue}")]


def run_worker_after_an_edit(*args, **kwargs):
    if edits:  # the maintainer saves an edit while the build is starting its render
        scene.write_text(edits.pop())
    return real_run_worker(*args, **kwargs)


render._run_worker = run_worker_after_an_edit
sys.exit(command.main(sys.argv[1:]))
'''


def test_a_scene_edited_during_its_render_then_restored_is_rendered_again(fake_project, tmp_path):
    cache = tmp_path / "cache"
    scene = fake_project / "scenes/phases/intro.py"
    original = scene.read_text()
    driver = tmp_path / "edit_during_render.py"
    driver.write_text(EDIT_DURING_RENDER.format(red=RED, blue=BLUE))

    during = run_in(fake_project, cache, "1", script=driver)
    assert during.returncode == 0, during.stderr
    assert "imported sources that differ from the ones this build hashed" in during.stdout
    assert centre_colour(fake_project / "out/01-intro.mp4") == centre_colour_of(BLUE)

    scene.write_text(original)  # the edit is undone
    after = run_in(fake_project, cache, "1")
    assert after.returncode == 0, after.stderr
    assert reported(after.stdout) == {"01-intro": "rendered"}, "served the edited clip as the original's"
    assert centre_colour(fake_project / "out/01-intro.mp4") == centre_colour_of(RED)


def centre_colour_of(colour: str) -> tuple[int, int, int]:
    """The coarse colour a square of ``colour`` comes out as after encoding (what the fake scene draws)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(round(c / 64) * 64 for c in (red, green, blue))


# -- Fault 2: a relative PYTHONPATH, and the worker's folder is the staging folder --------
def test_a_relative_pythonpath_renders_the_tree_the_build_hashed(fake_project, tmp_path):
    cache = tmp_path / "cache"
    result = run_in(fake_project, cache, "1", pythonpath=".")
    assert result.returncode == 0, result.stderr
    assert reported(result.stdout) == {"01-intro": "rendered"}
    assert centre_colour(fake_project / "out/01-intro.mp4") == centre_colour_of(RED)
    [entry] = [p for p in cache.iterdir() if p.name.startswith("01-intro-")]
    imported = json.loads((entry / "source.json").read_text())["files"]
    assert (
        Path(imported["scenes.phases.intro"]).resolve() == (fake_project / "scenes/phases/intro.py").resolve()
    )


# -- Fault 7: a killed build leaves no worker, and the next build cleans up -------------------
def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the worker")
def test_a_killed_build_leaves_no_worker_and_the_next_build_cleans_up(fake_project, tmp_path):
    cache = tmp_path / "cache"
    env = {
        **os.environ,
        "PYTHONPATH": str(fake_project),
        "ATTENTION_RENDER_CACHE": str(cache),
        "FAKE_SCENE_HANG": "1",
    }
    build = subprocess.Popen(
        [sys.executable, "-m", "scenes", "render", "1", "--quality", "low", "--out", str(tmp_path / "out")],
        cwd=fake_project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: children_of(build.pid) and list(cache.glob(".tmp-01-intro-*"))), (
            "no worker started"
        )
        [worker] = children_of(build.pid)
        os.kill(build.pid, signal.SIGKILL)  # the build only, as `kill -9 <pid>` would
        build.wait()
        assert wait_for(lambda: not running(worker)), "the worker outlived its build"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)  # whatever is left of the build's session
    assert list(cache.glob(".tmp-01-intro-*")), "the killed build's staging folder should still be there"
    again = run_in(fake_project, cache, "1")
    assert again.returncode == 0, again.stderr
    assert not list(cache.glob(".tmp-*")), "the next build did not remove the killed build's staging folder"
    assert reported(again.stdout) == {"01-intro": "rendered"}


# -- Fault 6: a failed render says which phase and what to run ------------------------------
def test_a_failed_render_names_the_phase_and_the_command_that_reproduces_it(tmp_path, monkeypatch):
    def fail(command, cwd, env):
        return subprocess.CompletedProcess(
            command, 1, "", "Traceback ...\nRuntimeError: the scene is broken\n"
        )

    monkeypatch.setattr(render, "_run_worker", fail)
    monkeypatch.setattr(render, "require_tools", lambda language="en": None)
    cache = RenderCache(tmp_path)
    with pytest.raises(render.RenderError) as error:
        render.render_phases([get_phase("attention-scores")], "low", cache, jobs=1)
    message = str(error.value)
    assert "phase 3 (attention-scores) failed to render" in message
    assert "RuntimeError: the scene is broken" in message
    assert "Reproduce it on its own with: python -m scenes render 3 --quality low" in message
    assert [p.name for p in tmp_path.iterdir()] == ["CACHEDIR.TAG"], (
        "the failed render's staging folder was left behind"
    )


def test_sources_that_keep_changing_under_the_render_are_an_error_not_a_wrong_clip(tmp_path, monkeypatch):
    def imported_something_else(command, cwd, env):
        write_fake_render(Path(command[5]), "another key")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(render, "_run_worker", imported_something_else)
    monkeypatch.setattr(render, "require_tools", lambda language="en": None)
    log: list[str] = []
    with pytest.raises(
        render.RenderError, match=r"phase 1 \(intro\) kept changing .*python -m scenes render 1"
    ):
        render.render_phases([INTRO], "low", RenderCache(tmp_path), jobs=1, log=log.append)
    assert sum("imported sources that differ" in line for line in log) == render.RENDER_ATTEMPTS
    assert [p.name for p in tmp_path.iterdir()] == ["CACHEDIR.TAG"], "a render of other sources was kept"


def test_a_render_that_runs_out_of_disk_names_the_cache_setting(tmp_path, monkeypatch):
    def disk_full(command, cwd, env):
        return subprocess.CompletedProcess(command, 1, "", "OSError: [Errno 28] No space left on device\n")

    monkeypatch.setattr(render, "_run_worker", disk_full)
    monkeypatch.setattr(render, "require_tools", lambda language="en": None)
    with pytest.raises(render.RenderError, match=r"(?s)No space left.*render cache .*ATTENTION_RENDER_CACHE"):
        render.render_phases([INTRO], "low", RenderCache(tmp_path), jobs=1)


def test_two_builds_finding_the_same_damaged_entry_both_carry_on(tmp_path, fake_worker):
    cache = RenderCache(tmp_path)
    clip = render_intro(cache, [])
    truncate(clip.video)
    first, second = RenderCache(tmp_path), RenderCache(tmp_path)
    assert first.move_aside(clip.entry) is not None
    assert second.move_aside(clip.entry) is None  # already gone: no error
    assert second.lookup(INTRO.stem, clip.key) is None
