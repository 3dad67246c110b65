"""MP4 writing with PyAV: the one H.264 encode of a clip, concatenation, posters, probing.

Output is reproducible: no creation time, no muxer version string, a fixed
encoder thread count. Concatenation is a stream copy, so the full video holds
exactly the phase clips' bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from av.video.frame import PictureType
from av.video.stream import VideoStream

# +faststart puts the index (moov) before the data, so playback starts while downloading;
# +bitexact keeps the muxer's version string out of the file, so bytes depend on content only.
MP4_OPTIONS = {"movflags": "+faststart", "fflags": "+bitexact"}


@dataclass(frozen=True)
class VideoInfo:
    """What a citation or a ``<video>`` tag needs to know about a clip."""

    duration: float  #: seconds: frames / frame rate
    frames: int
    width: int
    height: int
    fps: float


def probe(path: Path) -> VideoInfo:
    """Count the frames of the first video stream and read its size and rate."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for packet in container.demux(stream) if packet.size)
        measured = stream.average_rate or stream.guessed_rate
        width, height = stream.codec_context.width, stream.codec_context.height
    if measured is None:
        raise ValueError(f"{path}: its video stream has no frame rate")
    rate = Fraction(measured)
    return VideoInfo(
        duration=float(frames / rate), frames=frames, width=width, height=height, fps=float(rate)
    )


def concatenate(sources: list[Path], destination: Path, title: str = "") -> None:
    """Join MP4 clips of identical encoding into one, by stream copy, in order.

    Timestamps of each clip are shifted by the length of the clips before it,
    so the result plays seamlessly from first frame to last.
    """
    with av.open(str(destination), "w", format="mp4", options=MP4_OPTIONS) as output:
        if title:
            output.metadata["title"] = title
        out_stream = None
        offset = 0
        for source in sources:
            with av.open(str(source)) as container:
                stream = container.streams.video[0]
                if out_stream is None:
                    out_stream = output.add_stream(template=stream)
                end = offset
                for packet in container.demux(stream):
                    if packet.dts is None or packet.pts is None:  # the demuxer's flushing packet
                        continue
                    packet.pts += offset
                    packet.dts += offset
                    end = max(end, packet.pts + (packet.duration or 0))
                    packet.stream = out_stream
                    output.mux(packet)
                offset = end


class H264Writer:
    """One H.264 stream being written to an MP4, a frame at a time, fast-start and bit-exact.

    Frames are numbered as they come (``pts`` 0, 1, 2 ...) and carry no picture type, so x264
    places keyframes where the content changes, not where an animation starts.

    >>> import numpy as np, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "grey.mp4"
    >>> with H264Writer(path, 64, 48, 15, {"crf": "28"}, threads=1) as writer:
    ...     for _ in range(15):
    ...         writer.add(np.full((48, 64, 4), 128, dtype=np.uint8))
    >>> probe(path).frames, probe(path).duration
    (15, 1.0)
    """

    def __init__(
        self, destination: Path, width: int, height: int, rate, options: dict, threads: int, title: str = ""
    ):
        self.path = Path(destination)
        self.rate = Fraction(rate)
        self.container = av.open(str(destination), "w", format="mp4", options=MP4_OPTIONS)
        if title:
            self.container.metadata["title"] = title
        self.stream = cast(
            VideoStream, self.container.add_stream("libx264", rate=self.rate, options=dict(options))
        )
        self.stream.width = width
        self.stream.height = height
        self.stream.pix_fmt = "yuv420p"
        self.stream.codec_context.thread_count = threads
        self.stream.codec_context.thread_type = "FRAME"
        self.frames = 0

    def add(self, picture) -> None:
        """Append one frame: an RGBA array of shape (height, width, 4) or a decoded ``av.VideoFrame``."""
        if isinstance(picture, av.VideoFrame):
            frame = picture
        else:
            picture = np.asarray(picture)
            width, height = self.stream.width, self.stream.height
            if picture.shape != (height, width, 4) or picture.dtype != np.uint8:
                got = f"{picture.shape[1]}x{picture.shape[0]}" if picture.ndim >= 2 else "no picture"
                raise ValueError(
                    f"{self.path.name} takes {width}x{height} RGBA frames (uint8 arrays of shape "
                    f"({height}, {width}, 4)); got {got}: array of shape {picture.shape}, {picture.dtype}."
                )
            frame = av.VideoFrame.from_ndarray(picture, format="rgba")
        frame.pts = self.frames
        frame.time_base = 1 / self.rate
        frame.pict_type = PictureType.NONE
        self.container.mux(self.stream.encode(frame))
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and finish the file (index at the front)."""
        self.container.mux(self.stream.encode(None))
        self.container.close()

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is None:
            self.close()
        else:  # leave a broken file broken: the caller's staging folder is thrown away
            self.container.close()


def encode(source: Path, destination: Path, options: dict, threads: int, title: str = "") -> None:
    """Re-encode ``source`` as one H.264 stream with x264 ``options`` (see :class:`H264Writer`).

    Used when manim writes its own files, one per animation, each starting on a keyframe:
    encoding the joined clip once lets x264 reuse what stays still across animations.
    """
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        context = stream.codec_context
        with H264Writer(destination, context.width, context.height, rate, options, threads, title) as writer:
            for frame in container.decode(stream):
                writer.add(frame)


def save_last_frame(source: Path, destination: Path) -> None:
    """Write the clip's last frame as a PNG: the finished picture of the phase, used as its poster."""
    last = None
    with av.open(str(source)) as container:
        for frame in container.decode(video=0):
            last = frame
    if last is None:
        raise ValueError(f"{source} has no video frames to take a poster from.")
    last.to_image().save(destination, format="PNG", optimize=True)
