"""The render cache and the render command: what a maintainer relies on when rebuilding.

A second render renders nothing; an edited scene is rendered again and only it;
an interrupted or failed render leaves no clip behind; clips are byte-identical
from run to run. Renders here are at low quality (480p, 15 fps) in a private
copy of the packages, so nothing in the work tree or the user's cache is touched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenes import cache as render_cache
from scenes import cache_key, imports
from scenes.registry import PHASES, get_phase
from scenes.render import RenderError, settings_for

ROOT = Path(__file__).resolve().parents[1]
LOW = settings_for("low")


# -- Keys ------------------------------------------------------------------------
def test_each_phase_depends_on_no_other_phase_module():
    phase_modules = {phase.module for phase in PHASES}
    for phase in PHASES:
        closure = imports.module_closure(phase.module)
        assert phase.module in closure
        assert not (set(closure) & phase_modules) - {phase.module}, f"{phase.slug} imports another phase"
        assert "attention.example" in closure, f"{phase.slug} should read its numbers from attention"


def test_keys_are_stable_distinct_and_follow_the_quality():
    keys = [cache_key.phase_key(phase, LOW) for phase in PHASES]
    assert keys == [cache_key.phase_key(phase, LOW) for phase in PHASES]
    assert len(set(keys)) == len(PHASES)
    assert cache_key.phase_key(PHASES[0], settings_for("medium")) != keys[0]


def pretend_edited(monkeypatch, module: str) -> None:
    """Make the cache see ``module``'s source as changed, without touching the file."""
    edited = imports.module_path(module)
    original = cache_key.sha256_file
    monkeypatch.setattr(cache_key, "sha256_file", lambda path: "edited" if path == edited else original(path))


def test_editing_one_scene_changes_only_its_key(monkeypatch):
    before = {phase.slug: cache_key.phase_key(phase, LOW) for phase in PHASES}
    pretend_edited(monkeypatch, get_phase("attention-scores").module)
    after = {phase.slug: cache_key.phase_key(phase, LOW) for phase in PHASES}
    changed = {slug for slug in before if before[slug] != after[slug]}
    assert changed == {"attention-scores"}


def test_editing_shared_code_changes_every_key(monkeypatch):
    before = [cache_key.phase_key(phase, LOW) for phase in PHASES]
    pretend_edited(monkeypatch, "attention.core")
    after = [cache_key.phase_key(phase, LOW) for phase in PHASES]
    assert all(b != a for b, a in zip(before, after, strict=True))


def test_the_registry_counts_only_through_each_phase_entry(monkeypatch):
    import dataclasses

    before = [cache_key.phase_key(phase, LOW) for phase in PHASES]
    pretend_edited(monkeypatch, "scenes.registry")
    assert [cache_key.phase_key(phase, LOW) for phase in PHASES] == before  # e.g. another phase's captions
    intro = get_phase("intro")
    edited = dataclasses.replace(intro, summary=intro.summary + " (edited)")
    assert cache_key.phase_key(edited, LOW) != before[0]


def test_staging_is_renamed_into_place_only_when_complete(tmp_path):
    store = render_cache.RenderCache(tmp_path)
    staging = store.staging("01-intro")
    (staging / "clip.mp4").write_bytes(b"half")
    assert store.lookup("01-intro", "k" * 64) is None  # a staging folder is never served
    entry = store.commit(staging, "01-intro", "k" * 64, {"phase": "intro"})
    assert store.lookup("01-intro", "k" * 64) == entry
    assert not staging.exists()


# -- Real renders, through the command line, in a private copy --------------------
@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the two packages, first on PYTHONPATH, so tests may edit scenes freely."""
    copy = tmp_path / "project"
    for package in ("scenes", "attention"):
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def run_cli(project: Path, cache: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project), "ATTENTION_RENDER_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "scenes", "render", "--quality", "low", "--out", str(project / "out"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        **kwargs,
    )


def sources(output: str) -> dict[str, str]:
    """``stem -> "rendered" | "cached"`` from the command's report lines."""
    found = {}
    for line in output.splitlines():
        if line.endswith(("rendered)", "cached)")):
            stem = Path(line.split()[0]).stem
            found[stem] = line.rsplit(",", 1)[1].strip(" )")
    return found


@pytest.mark.render
def test_second_render_is_cached_and_an_edited_scene_renders_again(project_copy, tmp_path):
    cache = tmp_path / "cache"
    first = run_cli(project_copy, cache, "1", "2")
    assert first.returncode == 0, first.stderr
    assert sources(first.stdout) == {"01-intro": "rendered", "02-qkv-projection": "rendered"}

    second = run_cli(project_copy, cache, "intro", "qkv-projection")
    assert second.returncode == 0, second.stderr
    assert sources(second.stdout) == {"01-intro": "cached", "02-qkv-projection": "cached"}

    with (project_copy / "scenes/phases/intro.py").open("a") as scene:
        scene.write("\n# an edit\n")
    third = run_cli(project_copy, cache, "1", "2")
    assert sources(third.stdout) == {"01-intro": "rendered", "02-qkv-projection": "cached"}
    assert (project_copy / "out/01-intro.mp4").is_file() and (project_copy / "out/01-intro.vtt").is_file()


@pytest.mark.render
def test_an_interrupted_render_leaves_no_clip(project_copy, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(project_copy), "ATTENTION_RENDER_CACHE": str(cache)}
    process = subprocess.Popen(
        [sys.executable, "-m", "scenes", "render", "1", "--quality", "low", "--out", str(tmp_path / "out")],
        cwd=project_copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(cache.glob(".tmp-01-intro-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(cache.glob(".tmp-01-intro-*")), "the render never started"
    os.killpg(process.pid, signal.SIGKILL)  # the whole group: the command and its render worker
    process.wait()

    assert not render_cache.RenderCache(cache).entries(), "a clip was left behind"
    assert not (tmp_path / "out").exists()
    again = run_cli(project_copy, cache, "1")
    assert again.returncode == 0, again.stderr
    assert sources(again.stdout) == {"01-intro": "rendered"}


@pytest.mark.render
def test_a_failing_scene_fails_with_its_name_and_leaves_nothing(project_copy, tmp_path):
    scene = project_copy / "scenes/phases/intro.py"
    scene.write_text(scene.read_text() + "\nraise RuntimeError('the scene is broken')\n")
    cache = tmp_path / "cache"
    result = run_cli(project_copy, cache, "1")
    assert result.returncode == 1
    assert "phase 1 (intro) failed to render" in result.stderr
    assert "the scene is broken" in result.stderr
    assert [p.name for p in cache.iterdir()] == [render_cache.CACHEDIR_TAG]


def test_an_unknown_phase_lists_the_valid_ones(tmp_path):
    result = run_cli(ROOT, tmp_path / "cache", "softmax")
    assert result.returncode == 2
    assert "unknown phase 'softmax'" in result.stderr and "4 scale-softmax" in result.stderr


@pytest.mark.render
def test_clips_are_byte_identical_from_scratch(tmp_path):
    digests = []
    for run in ("a", "b"):
        result = run_cli(ROOT, tmp_path / run, "1", "--out", str(tmp_path / f"out-{run}"))
        assert result.returncode == 0, result.stderr
        digests.append(
            {
                name: hashlib.sha256((tmp_path / f"out-{run}" / name).read_bytes()).hexdigest()
                for name in ("01-intro.mp4", "01-intro.png", "01-intro.webp", "01-intro.vtt")
            }
        )
    assert digests[0] == digests[1]


def test_missing_latex_is_a_clear_error(monkeypatch):
    from scenes import render

    monkeypatch.setattr(render.shutil, "which", lambda tool: None)
    with pytest.raises(RenderError, match=r"manim needs latex and dvisvgm.*apt-get install"):
        render.require_tools()
