"""The clips in each language: their keys, their fonts, their captions' limits, the cache's care of them.

Renders are fakes (see ``test_cache_faults``) except the test marked ``render``, which draws
the intro in Chinese at low quality.
"""

from __future__ import annotations

import dataclasses
import subprocess

import numpy as np
import pytest
from manim import tempconfig
from test_cache_faults import use_fake_worker
from test_scenes import options

from scenes import __main__ as command
from scenes import builders, render, screen_words, translations
from scenes.cache import RenderCache
from scenes.cache_key import clip_key, phase_key
from scenes.captions import captions_webvtt, chapters_webvtt
from scenes.publish import publish
from scenes.registry import PHASES, get_phase
from scenes.translations import check_caption, in_language
from scenes.worker import settings_for


@pytest.fixture
def fake_worker(monkeypatch) -> list[str]:
    return use_fake_worker(monkeypatch)


def test_an_english_key_is_the_one_it_always_was_and_ignores_the_translation(monkeypatch):
    phase = get_phase(3)
    english, chinese = clip_key(phase, "low", "en"), clip_key(phase, "low", "zh_TW")
    assert english == phase_key(phase, settings_for("low")) and chinese != english
    changed = dataclasses.replace(translations.ZH_TW[phase.slug], title="另一個標題")
    monkeypatch.setitem(translations.ZH_TW, phase.slug, changed)
    assert clip_key(phase, "low", "en") == english  # a new Chinese word never re-renders an English clip
    assert clip_key(phase, "low", "zh_TW") != chinese  # but it does re-render the Chinese one


def test_no_clip_is_keyed_by_the_translations_file_only_by_its_own_words():
    """Editing one Chinese caption must not re-render every clip (English ones included)."""
    from scenes.cache_key import source_files

    assert all("scenes.translations" not in source_files(phase) for phase in PHASES)


def test_chinese_captions_are_held_to_9_a_second_and_16_a_line():
    check_caption("每個分數都除以 √d_k", 2.0, "zh_TW")
    with pytest.raises(ValueError, match="at most 9 per second"):
        check_caption("每個分數都除以 √d_k", 1.0, "zh_TW")
    with pytest.raises(ValueError, match="at most 16 per line"):
        check_caption("一二三四五六七八九十一二三四五六七", 10.0, "zh_TW")
    check_caption("一二三四五六七八\n九十一二三四五六七", 10.0, "zh_TW")  # two lines: each within 16
    for phase in PHASES:
        shown = in_language(phase, "zh_TW")
        assert [cue.seconds for cue in shown.cues] == [cue.seconds for cue in phase.cues]
        assert all(len(cue.caption) <= 9 * cue.seconds for cue in shown.cues)


def test_a_missing_chinese_font_fails_the_render_and_names_the_package(monkeypatch):
    def no_fonts(command, **kwargs):
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(render.subprocess, "run", no_fonts)
    render.require_tools("en")  # English needs no CJK font
    with pytest.raises(render.RenderError, match="fonts-noto-cjk"):
        render.require_tools("zh_TW")


def test_a_scene_refuses_to_draw_chinese_without_the_font(monkeypatch):
    import manimpango

    builders.require_font.cache_clear()
    monkeypatch.setattr(manimpango, "list_fonts", lambda: ["DejaVu Sans"])
    assert builders.font_for("head 1", "DejaVu Sans") == "DejaVu Sans"  # Latin text keeps its font
    with pytest.raises(builders.MissingFont, match="fonts-noto-cjk"):
        builders.font_for("注意力頭 1", "DejaVu Sans")
    builders.require_font.cache_clear()


def test_prune_keeps_the_chinese_clips_and_the_chinese_full_video(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    clips = render.render_phases(PHASES, "low", cache, jobs=1, language="zh_TW")
    full = render.render_full(clips, "low", cache, language="zh_TW")
    english = render.render_phases(PHASES[:1], "low", cache, jobs=1)[0]
    assert english.key != clips[0].key
    assert command.main(["cache", "prune", "--cache", str(cache.root)]) == 0
    assert all(clip.entry.is_dir() for clip in (*clips, full, english))
    again = render.render_phases(PHASES, "low", cache, jobs=1, language="zh_TW")
    assert not any(clip.rendered for clip in again)


def test_chinese_tracks_are_published_beside_the_chinese_clips(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    clips = render.render_phases(PHASES, "low", cache, jobs=1, language="zh_TW")
    full = render.render_full(clips, "low", cache, language="zh_TW")
    written = publish(clips, full, tmp_path / "out", "zh_TW")
    chinese = [in_language(phase, "zh_TW") for phase in PHASES]
    assert written["03-attention-scores"]["captions"].read_text() == captions_webvtt(chinese[2])
    assert written["00-full"]["chapters"].read_text() == chapters_webvtt(chinese)


@pytest.mark.render
def test_the_intro_is_drawn_in_chinese_and_english_from_one_scene(tmp_path):
    """The same scene, two languages: only the title's pixels differ; the tokens are the same words."""
    phase = get_phase(1)
    last = {}
    for language in ("en", "zh_TW"):
        screen_words.use(language)
        frames = []
        with tempconfig(options(tmp_path / language, quality="low_quality", write_to_movie=False)):
            scene = phase.load_scene()()

            def record(frame, num_frames=1, frames=frames):
                frames.append(np.array(frame))

            scene.renderer.file_writer.write_frame = record
            scene.setup()
            scene.construct()
        last[language] = frames[-1][..., :3].astype(int)
    screen_words.use("en")
    differs = np.abs(last["en"] - last["zh_TW"]).sum(axis=2) > 0
    rows = np.flatnonzero(differs.any(axis=1))
    height = differs.shape[0]
    assert rows.size and rows.max() < 0.12 * height, "only the title (the top band) changes"
