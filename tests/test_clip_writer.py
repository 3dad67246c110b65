"""The clip writer: frames go from manim's camera into the published clip, encoded once.

What a reader and a maintainer rely on: every drawn frame is in the clip, in order
and faithful to what was drawn; keyframes fall where x264 puts them, not at every
animation; the index is at the front; the poster is the last frame as drawn; a scene
that draws nothing fails loudly instead of leaving an empty clip. Renders are at
low quality (480p, 15 fps).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from manim import tempconfig
from PIL import Image

from scenes.clip_writer import ClipWriter
from scenes.registry import get_phase
from scenes.video import H264Writer, probe
from scenes.worker import ENCODER_OPTIONS, ENCODER_THREADS, MANIM_CACHE_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
INTRO = get_phase("intro")


class RecordingClipWriter(ClipWriter):
    """A :class:`ClipWriter` that also keeps a copy of every frame it is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drawn: list[np.ndarray] = []

    def write_frame(self, frame_or_renderer, num_frames: int = 1) -> None:
        self.drawn.extend([np.array(frame_or_renderer)] * num_frames)
        super().write_frame(frame_or_renderer, num_frames)


@pytest.fixture(scope="module")
def intro_render(tmp_path_factory):
    """The intro rendered in this process through the clip writer: (writer, clip path, plays)."""
    folder = tmp_path_factory.mktemp("clip-writer")
    clip = folder / "clip.mp4"
    options = {
        "quality": "low_quality",
        "media_dir": str(folder / "media"),
        "disable_caching": True,
        "progress_bar": "none",
        "verbosity": "WARNING",
        "write_to_movie": True,
    }
    writer = functools.partial(
        RecordingClipWriter, destination=clip, options=ENCODER_OPTIONS, threads=ENCODER_THREADS
    )
    with tempconfig(options):
        scene = INTRO.load_scene()(file_writer_class=writer)
        scene.render()
    return scene.renderer.file_writer, clip, scene.renderer.num_plays


@pytest.mark.render
def test_every_drawn_frame_is_in_the_clip_in_order(intro_render):
    writer, clip, _ = intro_render
    frames = [frame.to_ndarray(format="rgb24").astype(float) for frame in av.open(str(clip)).decode(video=0)]
    assert len(frames) == len(writer.drawn) == round(INTRO.duration * 15)
    for index, (decoded, drawn) in enumerate(zip(frames, writer.drawn, strict=True)):
        error = np.mean((decoded - drawn[..., :3]) ** 2)
        psnr = 10 * np.log10(255**2 / max(error, 1e-9))
        assert psnr > 30, f"frame {index} differs from what was drawn (PSNR {psnr:.1f} dB)"


@pytest.mark.render
def test_keyframes_are_not_cut_at_every_animation(intro_render):
    _, clip, plays = intro_render
    with av.open(str(clip)) as container:
        keyframes = sum(1 for packet in container.demux(video=0) if packet.size and packet.is_keyframe)
    assert plays > 3
    assert keyframes < plays, f"{keyframes} keyframes for {plays} animations: cut per animation"


@pytest.mark.render
def test_the_clip_index_comes_before_its_data(intro_render):
    _, clip, _ = intro_render
    data = clip.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat"), (
        "not fast-start: the player must download it all first"
    )
    assert probe(clip).duration == INTRO.duration


@pytest.mark.render
def test_the_last_frame_is_kept_as_drawn(intro_render):
    writer, _, _ = intro_render
    assert np.array_equal(writer.last_frame, writer.drawn[-1])


@pytest.mark.render
def test_the_worker_saves_the_last_drawn_frame_as_poster(tmp_path, intro_render):
    result = subprocess.run(
        [sys.executable, "-m", "scenes.worker", INTRO.slug, "low", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    poster = np.asarray(Image.open(tmp_path / "poster.png").convert("RGB"))
    assert np.array_equal(poster, intro_render[0].drawn[-1][..., :3])
    info = json.loads((tmp_path / "info.json").read_text())
    assert info == {"duration": INTRO.duration, "frames": 45, "width": 854, "height": 480}


@pytest.mark.render
def test_the_manim_cache_path_of_the_bench_still_renders(tmp_path):
    """``nox -s bench`` measures manim's own cache through manim's writer; that path must keep working."""
    env = {**os.environ, MANIM_CACHE_VARIABLE: str(tmp_path / "manim-media")}
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "scenes.worker", INTRO.slug, "low", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert probe(out / "clip.mp4").frames == 45
    assert list((tmp_path / "manim-media").rglob("partial_movie_files/**/*.mp4")), (
        "manim's cache was not used"
    )


def test_a_scene_that_draws_nothing_is_an_error(tmp_path):
    with tempconfig({"media_dir": str(tmp_path / "media"), "verbosity": "WARNING"}):
        scene = INTRO.load_scene()(
            file_writer_class=functools.partial(
                ClipWriter, destination=tmp_path / "clip.mp4", options=ENCODER_OPTIONS, threads=1
            )
        )
        with pytest.raises(RuntimeError, match=r"clip\.mp4: the scene drew no frames"):
            scene.renderer.file_writer.finish()
    assert not (tmp_path / "clip.mp4").exists()


def test_frames_of_the_wrong_size_are_refused(tmp_path):
    with H264Writer(tmp_path / "clip.mp4", 64, 48, 15, {"crf": "28"}, threads=1) as writer:
        with pytest.raises(ValueError, match=r"64x48.*got 32x48"):
            writer.add(np.zeros((48, 32, 4), dtype=np.uint8))
        writer.add(np.zeros((48, 64, 4), dtype=np.uint8))
    assert probe(tmp_path / "clip.mp4").frames == 1
