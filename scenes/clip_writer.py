"""``ClipWriter``: manim's file writer replaced by one that encodes the published clip directly.

manim's own writer encodes each animation into a file of its own, starting on a
keyframe, on a second thread, then joins the files. We want one H.264 stream per
phase encoded once with our settings, so before this writer every frame was encoded
twice (manim's files, then the final encode after decoding them). ``ClipWriter``
hands each frame straight to :class:`scenes.video.H264Writer` on the drawing
thread, so a render is one process's work and renders scale with the pool.
It keeps the last frame, uncompressed, for the clip's poster.

Use it through ``PhaseScene(file_writer_class=...)`` with the destination bound::

    writer = functools.partial(ClipWriter, destination=path, options={...}, threads=2)
    scene = SomePhase(file_writer_class=writer)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from manim import config
from manim.scene.scene_file_writer import SceneFileWriter

from .video import H264Writer


class ClipWriter(SceneFileWriter):
    """Write every frame the scene draws into ``destination``: one MP4, encoded once."""

    def __init__(
        self, renderer, scene_name: str, *, destination: Path, options: dict, threads: int, title: str = ""
    ):
        super().__init__(renderer, scene_name)
        self.destination = Path(destination)
        self.encoder_settings: dict[str, Any] = {"options": dict(options), "threads": threads, "title": title}
        self.encoder: H264Writer | None = None
        self.last_frame: np.ndarray | None = None  #: RGBA, as drawn: the poster

    # manim calls these around every animation to open and close a file per animation;
    # here one stream spans the scene, opened at the first frame and closed in finish().
    def begin_animation(self, allow_write: bool = False, file_path=None) -> None:
        pass

    def end_animation(self, allow_write: bool = False) -> None:
        pass

    def is_already_cached(self, hash_invocation: str) -> bool:
        return False  # the render cache above decides what to render

    def write_frame(self, frame_or_renderer, num_frames: int = 1) -> None:
        frame = np.asarray(frame_or_renderer)
        if self.encoder is None:
            self.destination.parent.mkdir(parents=True, exist_ok=True)
            self.encoder = H264Writer(
                self.destination,
                config.pixel_width,
                config.pixel_height,
                config.frame_rate,
                **self.encoder_settings,
            )
        for _ in range(num_frames):
            self.encoder.add(frame)
        self.last_frame = frame

    def finish(self) -> None:
        if self.encoder is None:
            raise RuntimeError(
                f"{self.destination.name}: the scene drew no frames, so there is no clip to write."
            )
        self.encoder.close()
