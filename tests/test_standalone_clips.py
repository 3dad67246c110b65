"""Clips beside the phases (the trained head): their own address and key, kept by prune, out of the full video.

Renders here are fakes (a tiny real H.264 clip, see ``test_cache_faults``), except the
one test marked ``render``, which constructs the real scene with drawing skipped.
"""

from __future__ import annotations

import re
import shutil

import pytest
from manim import tempconfig
from test_cache_faults import use_fake_worker

from attention.induction_task import token_label
from scenes import __main__ as command
from scenes import cache_key as cache_module
from scenes import render
from scenes.cache import RenderCache
from scenes.cache_key import phase_key
from scenes.captions import captions_webvtt
from scenes.publish import publish
from scenes.registry import ALL_CLIPS, PHASES, STANDALONE_CLIPS, StandaloneClip, get_phase
from scenes.worker import settings_for

TRAINED = get_phase("trained-head")


@pytest.fixture
def fake_worker(monkeypatch) -> list[str]:
    return use_fake_worker(monkeypatch)


def test_the_trained_head_clip_is_found_by_slug_and_named_by_it():
    assert isinstance(TRAINED, StandaloneClip) and TRAINED.stem == "trained-head"
    assert TRAINED not in PHASES and (*PHASES, *STANDALONE_CLIPS) == ALL_CLIPS
    with pytest.raises(ValueError, match="other clips: trained-head"):
        get_phase("9")
    assert all(cue.characters_per_second <= 17 for cue in TRAINED.cues)


def test_its_cache_key_follows_the_weights_it_draws(tmp_path, monkeypatch):
    settings = settings_for("low")
    before = phase_key(TRAINED, settings)
    root = tmp_path / "tree"
    weights = root / "attention" / "data" / "tiny_model.npz"
    weights.parent.mkdir(parents=True)
    shutil.copyfile(cache_module.data_files(TRAINED)["attention/data/tiny_model.npz"], weights)
    monkeypatch.setattr(cache_module, "__file__", str(root / "scenes" / "cache_key.py"))
    assert phase_key(TRAINED, settings) == before  # same bytes, same key
    weights.write_bytes(weights.read_bytes() + b"\0")
    assert phase_key(TRAINED, settings) != before  # retrained weights: a new clip
    weights.unlink()
    with pytest.raises(FileNotFoundError, match=re.escape("nox -s train -- --output")):
        phase_key(TRAINED, settings)


def test_prune_keeps_the_standalone_clip_the_build_made(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    [clip] = render.render_phases(STANDALONE_CLIPS, "low", cache, jobs=1)
    assert command.main(["cache", "prune", "--cache", str(cache.root)]) == 0
    assert clip.entry.is_dir()
    assert render.render_phases(STANDALONE_CLIPS, "low", cache, jobs=1)[0].rendered is False


def test_the_full_video_joins_the_phases_and_never_the_standalone_clip(tmp_path, fake_worker):
    cache = RenderCache(tmp_path / "cache")
    clips = render.render_phases(ALL_CLIPS, "low", cache, jobs=1)
    with pytest.raises(ValueError, match="joins every phase's clip in order and nothing else"):
        render.render_full(clips, "low", cache)
    full = render.render_full(clips[: len(PHASES)], "low", cache)
    written = publish(clips, full, tmp_path / "out")
    assert written["trained-head"]["video"].name == "trained-head.mp4"
    assert written["trained-head"]["captions"].read_text() == captions_webvtt(TRAINED)
    full_captions = written["00-full"]["captions"].read_text()
    assert TRAINED.cues[0].caption not in full_captions and PHASES[-1].cues[-1].caption in full_captions


def test_the_command_line_lists_and_renders_it_apart_from_the_full_video(tmp_path, fake_worker, capsys):
    assert command.main(["list"]) == 0
    assert "trained-head" in capsys.readouterr().out.splitlines()[-1]
    out = tmp_path / "clips"
    assert (
        command.main(
            ["render", "trained-head", "--quality", "low", "--out", str(out), "--cache", str(tmp_path / "c")]
        )
        == 0
    )
    assert fake_worker == ["trained-head"] and (out / "trained-head.mp4").is_file()


@pytest.mark.render
def test_what_the_descriptions_say_is_what_the_model_computes(tmp_path):
    """The registry's cues are fixed text: they must stay true of the shipped model and its sequence."""
    from scenes.further.trained_head import TrainedHeadFacts

    facts = TrainedHeadFacts()
    text = " ".join(cue.description for cue in TRAINED.cues)
    run = " ".join(token_label(t) for t in facts.tokens[facts.first : facts.second])
    assert (
        f"a run of seven tokens {run}" in text and facts.length == 7 and facts.first - 1 == 3
    )  # "three filler"
    assert f"first {facts.shown} positions" in text
    assert f"layer {facts.previous.layer}'s head {facts.previous.head}" in text
    assert f"layer {facts.induction.layer}'s head {facts.induction.head}" in text
    query, key = token_label(facts.tokens[facts.query]), token_label(facts.tokens[facts.key])
    predicted = token_label(facts.prediction)
    assert f"at position {facts.query} the token is {query}" in text
    assert f"the head looks at position {facts.key}, the {key}" in text
    assert f"the model predicts {predicted} next, which is right" in text
    assert facts.prediction == facts.tokens[facts.query + 1]
    with tempconfig({"media_dir": str(tmp_path), "dry_run": True, "verbosity": "WARNING"}):
        scene = TRAINED.load_scene()(skip_animations=True)
        scene.renderer.save_static_frame_data = lambda *a, **k: None
        scene.renderer.update_frame = lambda *a, **k: None
        scene.setup()
        scene.construct()
    assert round(scene.seconds_played, 6) == TRAINED.duration
