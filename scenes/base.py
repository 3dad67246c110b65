"""``PhaseScene``: one phase of the registry, played cue by cue, frame-exact.

A subclass names its registry ``slug`` and lists its steps in ``storyboard()``,
one step method per cue. ``construct`` puts up the picture where the previous
phase ended, then for each cue: adds the cue's caption as a subcaption, runs the
step and waits out the rest of the cue. Time is counted in frames: every
``play`` is snapped to a whole number of frames, so a phase lasts exactly its
registry duration at 15, 30 and 60 fps. A step that overruns its cue, or a
phase that does not end on its stage picture, raises :class:`StoryboardError`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import ClassVar

import numpy as np
from manim import Camera, Scene, Wait, config
from manim.animation.animation import prepare_animation
from manim.constants import RendererType
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from . import palette
from .builders import color
from .registry import Phase, get_phase
from .stage import Stage

#: Subtracted from a snapped run time so ``np.arange(0, run_time, 1 / fps)`` yields exactly n frames.
FRAME_EPSILON = 1e-9


class FastCamera(Camera):
    """manim's Cairo camera with the path tracing done by numpy: same paths, same pixels, ~5x faster.

    ``Camera.set_cairo_context_path`` finds where subpaths break with a Python
    comparison per curve; with hundreds of digit glyphs on screen that was most
    of the render time. Here the breaks come from one vectorised comparison
    (the same ``isclose`` rule as ``VMobject.consider_points_equals_2d``).
    """

    def set_cairo_context_path(self, ctx, vmobject):
        points = self.transform_points_pre_display(vmobject, vmobject.points)
        if len(points) == 0:
            return self
        nppcc = vmobject.n_points_per_cubic_curve
        if len(points) % nppcc:  # not whole cubic curves: leave it to manim
            return super().set_cairo_context_path(ctx, vmobject)
        curves = points.reshape(-1, nppcc, points.shape[-1])[:, :, :2]  # (n_curves, 4, 2)
        atol, rtol = vmobject.tolerance_for_point_equality, 1.0e-5
        ends, starts = curves[:-1, -1], curves[1:, 0]
        apart = (np.abs(ends - starts) > atol + rtol * np.abs(starts)).any(axis=1)
        breaks = [0, *(np.flatnonzero(apart) + 1).tolist(), len(curves)]
        ctx.new_path()
        for first, last in itertools.pairwise(breaks):
            subpath = curves[first:last].tolist()
            ctx.new_sub_path()
            ctx.move_to(*subpath[0][0])
            for _p0, p1, p2, p3 in subpath:
                ctx.curve_to(*p1, *p2, *p3)
            (x0, y0), (x1, y1) = subpath[0][0], subpath[-1][-1]
            if abs(x0 - x1) <= atol + rtol * abs(x1) and abs(y0 - y1) <= atol + rtol * abs(y1):
                ctx.close_path()
        return self


class StoryboardError(RuntimeError):
    """A phase's animation does not fit its storyboard (timing or final picture)."""


def frames_in(run_time: float, fps: float) -> int:
    """How many frames manim writes for a play of ``run_time`` seconds (it samples ``arange(0, t, 1/fps)``)."""
    return len(np.arange(0, run_time, 1 / fps))


class PhaseScene(Scene):
    """A phase of the video; subclasses set ``slug`` and define ``storyboard()``."""

    slug: ClassVar[str]
    mobjects: list  #: manim's: what is on screen, bottom first

    def __init__(self, file_writer_class: Callable[..., SceneFileWriter] = SceneFileWriter, **kwargs) -> None:
        """``file_writer_class`` replaces manim's file writer (the worker passes a :class:`ClipWriter`)."""
        kwargs.setdefault("camera_class", FastCamera)
        if kwargs.get("renderer") is None and config.renderer == RendererType.CAIRO:
            kwargs["renderer"] = CairoRenderer(
                camera_class=kwargs["camera_class"],
                file_writer_class=file_writer_class,
                skip_animations=kwargs.get("skip_animations", False),
            )
        super().__init__(**kwargs)

    # -- Set-up ------------------------------------------------------------------

    def setup(self) -> None:
        self.camera.background_color = color(palette.BACKGROUND)
        self.phase: Phase = get_phase(self.slug)
        self.stage = Stage()
        self.fps = float(config.frame_rate)
        self.frames_played = 0  #: frames written so far, counted the way manim counts them

    def storyboard(self) -> list[Callable[[], None]]:
        """The step methods, one per cue of the phase, in order."""
        raise NotImplementedError

    # -- Timing --------------------------------------------------------------------

    def frames_for(self, seconds: float) -> int:
        """Whole frames in ``seconds`` at the current frame rate (at least one)."""
        return max(1, round(seconds * self.fps))

    def snapped(self, seconds: float) -> float:
        """A run time that makes manim write exactly ``frames_for(seconds)`` frames."""
        return self.frames_for(seconds) / self.fps - FRAME_EPSILON

    def play(self, *args, run_time: float | None = None, **kwargs) -> None:
        """``Scene.play`` with the run time snapped to whole frames, and the frames counted."""
        animations = [prepare_animation(a) for a in args]
        if run_time is None:
            run_time = max(a.get_run_time() for a in animations)
        for animation in animations:
            if isinstance(animation, Wait):
                animation.is_static_wait = False  # a frozen wait counts frames with int(), not ceil()
        run_time = self.snapped(run_time)
        super().play(*animations, run_time=run_time, **kwargs)
        self.frames_played += frames_in(run_time, self.fps)

    def wait(self, duration: float = 1.0, stop_condition=None, frozen_frame: bool | None = None) -> None:
        """Hold the picture for ``duration`` seconds, snapped to whole frames."""
        if stop_condition is not None:
            raise StoryboardError("waits with a stop condition have no fixed length; storyboards need one.")
        self.play(Wait(run_time=duration, frozen_frame=False))

    def hold_frames(self, frames: int) -> None:
        """Hold the picture for exactly ``frames`` frames."""
        if frames > 0:
            self.wait(frames / self.fps)

    @property
    def seconds_played(self) -> float:
        return self.frames_played / self.fps

    # -- The storyboard --------------------------------------------------------------

    def opening_picture(self) -> list:
        """What is on screen when the phase starts: where the previous phase ended."""
        return self.stage.picture_after(self.phase.number - 1)

    def construct(self) -> None:
        self.add(*self.opening_picture())
        steps = self.storyboard()
        if len(steps) != len(self.phase.cues):
            raise StoryboardError(
                f"{self.phase.name}: storyboard() lists {len(steps)} steps but the "
                f"registry has {len(self.phase.cues)} cues; they must match one to one."
            )
        for index, ((_, end, _), cue, step) in enumerate(
            zip(self.phase.cue_times(), self.phase.cues, steps, strict=True)
        ):
            cue_start = self.frames_played
            cue_end = round(end * self.fps)
            if abs(end * self.fps - cue_end) > 1e-6:
                raise StoryboardError(
                    f"{self.phase.name}: cue {index + 1} ends at {end} s, which is not a "
                    f"whole frame at {self.fps:g} fps; make cue seconds multiples of 0.2 s."
                )
            self.add_subcaption(cue.caption, duration=cue.seconds)
            step()
            if self.frames_played > cue_end:
                raise StoryboardError(
                    f"{self.phase.name}: step {step.__name__} (cue {index + 1}) runs "
                    f"{(self.frames_played - cue_start) / self.fps:.3f} s from {cue_start / self.fps:.3f} s, "
                    f"but its cue lasts {cue.seconds} s (to {cue_end / self.fps:.3f} s)."
                )
            last = index == len(steps) - 1
            if last and self.frames_played == cue_end:
                raise StoryboardError(
                    f"{self.phase.name}: the last step {step.__name__} ends exactly at "
                    f"{cue_end / self.fps:.3f} s; leave at least one frame to show the final picture."
                )
            if last:
                self.check_final_picture()
            self.hold_frames(cue_end - self.frames_played)
        total = self.frames_for(self.phase.duration)
        if self.frames_played != total:
            raise StoryboardError(
                f"{self.phase.name}: played {self.frames_played} frames, "
                f"the card's {self.phase.duration} s is {total} frames at {self.fps:g} fps."
            )

    def check_final_picture(self) -> None:
        """Raise unless what is drawn is exactly the stage's picture after this phase.

        Compares the drawn leaves (mobjects with points) of the scene and of the
        picture, so helper groups that animations leave behind do not count.
        """
        expected = self.stage.picture_after(self.phase.number)
        drawn = {id(m): m for top in self.mobjects for m in top.get_family() if m.has_points()}
        wanted = {id(m): m for top in expected for m in top.get_family() if m.has_points()}
        extra = [m for key, m in drawn.items() if key not in wanted]
        missing = [m for key, m in wanted.items() if key not in drawn]
        if extra or missing:
            raise StoryboardError(
                f"{self.phase.name} must end on Stage.picture_after({self.phase.number}); "
                f"{len(extra)} extra mobjects on screen (e.g. {[type(m).__name__ for m in extra[:5]]}), "
                f"{len(missing)} missing (e.g. {[type(m).__name__ for m in missing[:5]]})."
            )
        self.mobjects = list(expected)  # the picture's own stacking order, as the next phase adds it


class StandaloneScene(PhaseScene):
    """A clip beside the phases (:class:`~scenes.registry.StandaloneClip`): it starts from an empty
    frame and ends on its own picture, since no phase comes before or after it."""

    def opening_picture(self) -> list:
        return []

    def check_final_picture(self) -> None:
        """Nothing follows a standalone clip, so any final picture joins seamlessly."""
