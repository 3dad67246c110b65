"""Where clips live in the built site: one folder, names made of phase number and slug.

The same for every builder (html, dirhtml) and every page, so a cited address stays put. The
files' names are the ones ``scenes`` publishes them under (:func:`scenes.clips.file_name`).

>>> clip_path("03-attention-scores", "video"), clip_anchor("03-attention-scores")
('_clips/03-attention-scores.mp4', 'clip-03-attention-scores')
"""

from scenes.clips import file_name

CLIPS_DIR = "_clips"  #: folder under the site root holding every clip, poster and captions file


def clip_path(stem: str, role: str) -> str:
    """The path from the site root of the clip's file for ``role`` (``video``, ``poster``, ``captions``...)."""
    return f"{CLIPS_DIR}/{file_name(stem, role)}"


def clip_anchor(stem: str) -> str:
    """The HTML id of a clip's figure on its page."""
    return f"clip-{stem}"
