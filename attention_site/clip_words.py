"""The words the site writes around its clips, by the build's language: players, phase table, transcripts, cite blocks.

The clips' own words (titles, summaries, captions, descriptions) are the registry's, translated in
:mod:`scenes.translations`; these are the site's frame around them, in the glossary's terms.
``{name}`` marks a value. Citations keep the English project title beside the Chinese one, so a
Chinese citation can still be found by the title the English site publishes.

>>> words_for("zh_TW")["phase_name"].format(number=3, title="注意力分數")
'第 3 階段：注意力分數'
>>> words_for(None)["phase_name"].format(number=3, title="Attention Scores")
'Phase 3, Attention Scores'
"""

from __future__ import annotations

from scenes.registry import PHASES, Phase
from scenes.translations import in_language

from .languages import language_of, pick

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "phase_name": "Phase {number}, {title}",
        "phase_in_text": "phase {number}",
        "clip_in_text": "“{title}”",
        "caption": "{title} ({seconds} s). {summary}",
        "transcript": "Transcript of the {name} clip",
        "captions_track": "English captions",
        "chapters_track": "English chapters",
        "descriptions_track": "English descriptions",
        "describe": "Describe the picture",
        "describe_hint": "each step is described here, and the clip waits for your screen reader",
        "download_clip": "Download the clip (MP4)",
        "still_label": "{name}: what it is about as it ends, arranged for a narrow screen (opens full size)",
        "full_label": "Transformer self-attention, all {count} phases ({seconds} s)",
        "full_caption": "The whole mechanism, all {count} phases in order ({seconds} s).",
        "full_summary": "Scaled dot-product attention in eight short clips.",
        "chapters": "Chapters",
        "number_header": "#",
        "phase_header": "Phase",
        "length_header": "Length",
        "shows_header": "What it shows",
        "seconds": "{seconds} s",
        "video_as_link": "Video ({label}): ",
        "cite_heading": "Cite this clip",
        "dev_lead": "This is the development version:",
        "dev_text": " its files change with every commit. To cite, use a release (",
        "dev_link": "this page in the latest release",
        "dev_end": ").",
        "on_page": "This clip on its page, version {version}: ",
        "video_file": "Video file, version {version}: ",
        "download_open": " (",
        "download_mp4": "download the MP4",
        "download_seconds": ", {seconds} s)",
        "sha256": "SHA-256 of the video file: ",
        "latest": "The latest release of this page: ",
        "fragment": "Just seconds {start} to {end}, as a media fragment: ",
        "bibtex": "BibTeX",
        "plain": "Plain text",
        "cited_phase": "Phase {number}{separator}{title}",
        "separator": ": ",
        "bib_separator": ", ",
        "site_title": "Transformer Self-Attention, Explained",
        "howpublished": "Video, {seconds} s",
        "bib_note": "Video file: ",
        "plain_citation": "{author}. “{site}. {clip}” (video, {seconds} s), version {version}, {date}. {url}",
    },
    "zh_TW": {
        "phase_name": "第 {number} 階段：{title}",
        "phase_in_text": "第 {number} 階段",
        "clip_in_text": "「{title}」",
        "caption": "{title}（{seconds} 秒）。{summary}",
        "transcript": "{name}影片的逐字稿",
        "captions_track": "中文字幕",
        "chapters_track": "中文章節",
        "descriptions_track": "中文口述影像",
        "describe": "口述影像",
        "describe_hint": "每個步驟的說明會顯示在這裡，影片會等螢幕閱讀器唸完再繼續",
        "download_clip": "下載影片（MP4）",
        "still_label": "「{name}」結尾時的重點畫面，已為窄螢幕重新排版（點選可看原尺寸）",
        "full_label": "Transformer 自注意力，全部 {count} 個階段（{seconds} 秒）",
        "full_caption": "完整的機制：依序播放全部 {count} 個階段（{seconds} 秒）。",
        "full_summary": "用八支短片解說縮放內積注意力。",
        "chapters": "章節",
        "number_header": "#",
        "phase_header": "階段",
        "length_header": "長度",
        "shows_header": "內容",
        "seconds": "{seconds} 秒",
        "video_as_link": "影片（{label}）：",
        "cite_heading": "引用這支影片",
        "dev_lead": "這是開發版本：",
        "dev_text": "其中的檔案會隨每次提交而變動。若要引用，請使用發行版本（",
        "dev_link": "最新發行版本中的本頁",
        "dev_end": "）。",
        "on_page": "這支影片所在的頁面，版本 {version}：",
        "video_file": "影片檔，版本 {version}：",
        "download_open": "（",
        "download_mp4": "下載 MP4",
        "download_seconds": "，{seconds} 秒）",
        "sha256": "影片檔的 SHA-256：",
        "latest": "本頁的最新發行版本：",
        "fragment": "只取第 {start} 到 {end} 秒，以媒體片段表示：",
        "bibtex": "BibTeX",
        "plain": "純文字",
        "cited_phase": "第 {number} 階段{separator}{title}",
        "separator": "：",
        "bib_separator": "：",
        "site_title": "Transformer 自注意力詳解（Transformer Self-Attention, Explained）",
        "howpublished": "影片，{seconds} 秒",
        "bib_note": "影片檔：",
        "plain_citation": "{author}。〈{site}：{clip}〉（影片，{seconds} 秒），版本 {version}，{date}。{url}",
    },
}


def words_for(language: str | None) -> dict[str, str]:
    """The site's clip words in the build's language (a language the site lacks is a clear error)."""
    return pick(WORDS, language)


def clip_in(clip: Phase, language: str | None) -> Phase:
    """The registry's ``clip`` with its words in the build's language."""
    return in_language(clip, language_of(language).code)


def clip_name(clip: Phase, language: str | None, title: bool = True) -> str:
    """How a clip is named in labels (``Phase 3, Attention Scores``) or, with ``title=False``, in
    running text (``phase 3``; a standalone clip by its quoted title).

    >>> from scenes.registry import get_phase
    >>> clip_name(get_phase(3), "zh_TW"), clip_name(get_phase("trained-head"), "zh_TW", title=False)
    ('第 3 階段：注意力分數', '「訓練出來的注意力頭」')
    """
    said, shown = words_for(language), clip_in(clip, language)
    is_phase = any(clip.slug == phase.slug for phase in PHASES)
    if title:
        return said["phase_name"].format(number=clip.number, title=shown.title) if is_phase else shown.title
    if is_phase:
        return said["phase_in_text"].format(number=clip.number)
    return said["clip_in_text"].format(title=shown.title)
