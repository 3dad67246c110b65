"""MP4 post-processing with PyAV: the final encode, concatenation, posters, probing.

Output is reproducible: no creation time, no muxer version string, a fixed
encoder thread count. Concatenation is a stream copy, so the full video holds
exactly the phase clips' bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.video.frame import PictureType

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
        rate = Fraction(stream.average_rate or stream.guessed_rate)
        return VideoInfo(
            duration=float(frames / rate),
            frames=frames,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            fps=float(rate),
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
                    if packet.dts is None:  # the demuxer's flushing packet
                        continue
                    packet.pts += offset
                    packet.dts += offset
                    end = max(end, packet.pts + packet.duration)
                    packet.stream = out_stream
                    output.mux(packet)
                offset = end


def encode(source: Path, destination: Path, options: dict, threads: int, title: str = "") -> None:
    """Re-encode ``source`` as one H.264 stream with x264 ``options``, fast-start and bit-exact.

    manim writes one short file per animation, each starting on a keyframe; encoding the
    joined clip once lets x264 reuse what stays still across animations, which is most of it.
    """
    with (
        av.open(str(source)) as container,
        av.open(str(destination), "w", format="mp4", options=MP4_OPTIONS) as output,
    ):
        if title:
            output.metadata["title"] = title
        source_stream = container.streams.video[0]
        rate = Fraction(source_stream.average_rate or source_stream.guessed_rate or source_stream.base_rate)
        stream = output.add_stream("libx264", rate=rate, options=dict(options))
        stream.width = source_stream.codec_context.width
        stream.height = source_stream.codec_context.height
        stream.pix_fmt = "yuv420p"
        stream.codec_context.thread_count = threads
        stream.codec_context.thread_type = "FRAME"
        for index, frame in enumerate(container.decode(source_stream)):
            frame.pts = index
            frame.time_base = 1 / rate
            frame.pict_type = PictureType.NONE  # let x264 place keyframes, not the source's cuts
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))


def remux(source: Path, destination: Path, title: str = "") -> None:
    """Copy ``source`` to ``destination`` with the index at the front and no volatile metadata."""
    concatenate([source], destination, title=title)


def save_last_frame(source: Path, destination: Path) -> None:
    """Write the clip's last frame as a PNG: the finished picture of the phase, used as its poster."""
    last = None
    with av.open(str(source)) as container:
        for frame in container.decode(video=0):
            last = frame
    if last is None:
        raise ValueError(f"{source} has no video frames to take a poster from.")
    last.to_image().save(destination, format="PNG", optimize=True)
