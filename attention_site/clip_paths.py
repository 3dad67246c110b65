"""Where clips live in the built site: one folder, names made of phase number and slug.

The same for every builder (html, dirhtml) and every page, so a cited address stays put.

>>> clip_path("03-attention-scores", ".mp4"), clip_anchor("03-attention-scores")
('_clips/03-attention-scores.mp4', 'clip-03-attention-scores')
"""

CLIPS_DIR = "_clips"  #: folder under the site root holding every clip, poster and captions file


def clip_path(stem: str, suffix: str) -> str:
    """The clip file's path from the site root: ``_clips/<stem><suffix>``."""
    return f"{CLIPS_DIR}/{stem}{suffix}"


def clip_anchor(stem: str) -> str:
    """The HTML id of a clip's figure on its page."""
    return f"clip-{stem}"
