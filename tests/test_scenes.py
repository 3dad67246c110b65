"""Tests of the clips: the storyboard, its timing, the numbers on screen, the layout and the joins.

Fast tests construct every phase with manim skipping the drawing (``skip_animations``):
the mobjects reach their final states and the frames are counted, nothing is
rasterised. Tests marked ``render`` write real low-quality clips and compare pixels.
"""

from __future__ import annotations

import ast
import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest
from manim import Scene, config, tempconfig

import attention
from scenes import builders, layout, palette
from scenes.base import PhaseScene, StoryboardError
from scenes.registry import PHASES
from scenes.stage import FORMULA_GLYPHS, SCORES_PARTS, WEIGHTS_PARTS

EXAMPLE = attention.example()
CARD = [("intro", 3), ("qkv-projection", 8), ("attention-scores", 10), ("scale-softmax", 6), ("output", 8),
        ("full-formula", 6), ("multi-head", 5), ("outro", 4)]  # fmt: skip
PHASE_IDS = [phase.slug for phase in PHASES]


def options(media: Path, **extra) -> dict:
    return {
        "media_dir": str(media),
        "disable_caching": True,
        "verbosity": "WARNING",
        "progress_bar": "none",
        **extra,
    }


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("manim-media")


def construct_skipping(phase, media: Path, fps: int = 30) -> tuple[PhaseScene, list]:
    """Run ``phase``'s construct with drawing skipped; return the scene and every number it built."""
    built = []
    original = builders.build_number

    def recording(*args, **kwargs):
        number = original(*args, **kwargs)
        built.append(number)
        return number

    builders.build_number = recording
    try:
        with tempconfig(options(media, dry_run=True, frame_rate=fps)):
            scene = phase.load_scene()(skip_animations=True)
            scene.renderer.save_static_frame_data = lambda *a, **k: None  # nothing to draw when skipping
            scene.renderer.update_frame = lambda *a, **k: None
            scene.setup()
            scene.construct()
    finally:
        builders.build_number = original
    return scene, built


@pytest.fixture(scope="module")
def constructed(media) -> dict:
    """Every phase constructed once at 30 fps: slug -> (scene, numbers built)."""
    return {phase.slug: construct_skipping(phase, media) for phase in PHASES}


def allowed_values() -> np.ndarray:
    """Every value a number on screen may show: arrays of ``attention.example()`` and what follows from them."""
    ex = EXAMPLE
    arrays = [ex.x, ex.w_q, ex.w_k, ex.w_v, ex.w_o, ex.q, ex.k, ex.v, ex.scores, ex.scaled_scores, ex.weights,
              ex.output, ex.head_weights, ex.head_outputs, ex.multi_head_output]  # fmt: skip
    derived = [
        ex.q[:, None, :] * ex.k[None, :, :],  # the products q_i[d] * k_j[d] of every dot product
        ex.weights.sum(axis=1),
        np.array([math.sqrt(ex.d_k)]),
    ]
    return np.unique(np.concatenate([np.ravel(a) for a in arrays + derived]))


# -- Registry and modules ------------------------------------------------------------


def test_registry_has_the_card_phases_in_order():
    assert [(p.slug, p.duration) for p in PHASES] == CARD
    assert [p.number for p in PHASES] == list(range(1, 9))
    for phase in PHASES:
        scene = phase.load_scene()
        assert issubclass(scene, PhaseScene) and scene.slug == phase.slug
        assert phase.module == f"scenes.phases.{Path(phase.module.replace('.', '/')).name}"
        for cue in phase.cues:
            assert abs(cue.seconds * 5 - round(cue.seconds * 5)) < 1e-9, (
                phase.slug,
                cue,
            )  # multiples of 0.2 s


def test_storyboards_have_one_step_per_cue(constructed):
    for phase in PHASES:
        scene, _ = constructed[phase.slug]
        steps = scene.storyboard()
        assert len(steps) == len(phase.cues), phase.slug
        assert all(step.__self__ is scene and step.__name__ in vars(type(scene)) for step in steps), (
            phase.slug
        )


def test_phase_modules_do_not_import_other_phases():
    root = Path(__file__).resolve().parents[1]
    for phase in PHASES:
        path = root / (phase.module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text())
        imported = {
            node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
        }
        imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert not any(name.startswith("scenes.phases") for name in imported), (phase.slug, imported)


def test_palette_is_plain_hex_without_manim():
    source = Path(palette.__file__).read_text()
    assert "manim" not in re.sub(r'""".*?"""', "", source, flags=re.S).replace("#", "")
    hexes = [v for k, v in vars(palette).items() if k.isupper() and isinstance(v, str)]
    hexes += [*palette.TOKEN_HUES, *palette.VIRIDIS]
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", h) for h in hexes)
    assert len(set(palette.TOKEN_HUES)) == len(EXAMPLE.tokens) == 5
    for role in ("BACKGROUND", "TEXT", "QUERY", "KEY", "VALUE", "HIGHLIGHT", "BRAND_PRIMARY"):
        assert hasattr(palette, role)


def test_viridis_runs_dark_to_bright():
    luminance = [sum(c * w for c, w in zip(builders.viridis(t).to_rgb(), (0.2126, 0.7152, 0.0722), strict=True))
                 for t in np.linspace(0, 1, 11)]  # fmt: skip
    assert luminance == sorted(luminance)
    assert builders.viridis(0).to_hex().upper() == palette.VIRIDIS[0]
    assert builders.viridis(1).to_hex().upper() == palette.VIRIDIS[-1]


# -- Timing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fps", [15, 60])  # 30 fps: the `constructed` fixture
@pytest.mark.parametrize("phase", PHASES, ids=PHASE_IDS)
def test_phase_lasts_its_card_duration(phase, fps, media, monkeypatch):
    """Frames are counted as manim writes them; manim itself is not run (the render tests check the file)."""
    monkeypatch.setattr(Scene, "play", lambda self, *args, **kwargs: None)
    monkeypatch.setattr(PhaseScene, "check_final_picture", lambda self: None)
    with tempconfig(options(media, dry_run=True, frame_rate=fps)):
        scene = phase.load_scene()(skip_animations=True)
        scene.setup()
        scene.construct()
    assert scene.frames_played == round(phase.duration * fps)


def test_constructed_phases_end_on_time_and_on_their_picture(constructed):
    for phase in PHASES:
        scene, _ = constructed[phase.slug]  # construct() raised if the final picture was wrong
        assert scene.frames_played == round(phase.duration * 30), phase.slug
        assert abs(scene.renderer.time - phase.duration) < 1 / 30, phase.slug


def test_a_step_that_overruns_its_cue_names_phase_step_and_times(media, monkeypatch):
    from scenes.phases.intro import Intro

    class SlowIntro(Intro):
        def show_title(self):
            self.wait(2.0)

    monkeypatch.setattr(Scene, "play", lambda self, *args, **kwargs: None)
    with tempconfig(options(media, dry_run=True, frame_rate=15)):
        scene = SlowIntro(skip_animations=True)
        scene.setup()
        with pytest.raises(
            StoryboardError, match=r"phase 1 \(intro\): step show_title .* 2\.000 s .* 1\.4 s"
        ):
            scene.construct()


# -- Numbers ---------------------------------------------------------------------------------------


def test_every_number_shown_comes_from_attention(constructed):
    allowed = allowed_values()
    for slug, (_, numbers) in constructed.items():
        for number in numbers:
            assert number.text == builders.format_number(number.value, number.digits)
            assert np.isclose(allowed, number.value, rtol=0, atol=1e-12).any(), (slug, number.value)


def test_final_screens_hold_the_module_arrays(constructed):
    large = constructed["qkv-projection"][0].stage.qkv_subject  # phase 2 ends on Q, K, V at subject size
    for panel, expected in zip(large.panels, (EXAMPLE.q, EXAMPLE.k, EXAMPLE.v), strict=True):
        np.testing.assert_array_equal([[n.value for n in row] for row in panel.grid], expected)
    stage = constructed["output"][0].stage  # the picture after phase 5 shows panels, weights and outputs
    for panel, expected in zip(stage.panels, (EXAMPLE.q, EXAMPLE.k, EXAMPLE.v), strict=True):
        shown = np.array([[n.value for n in row] for row in panel.grid])
        np.testing.assert_array_equal(shown, expected)
    weights = np.array([[cell.number.value for cell in row] for row in stage.weight_cells])
    np.testing.assert_array_equal(weights, EXAMPLE.weights)
    sums = [entry.number.value for entry in stage.row_sums]
    assert [builders.format_number(s) for s in sums] == ["1.00"] * EXAMPLE.n
    outputs = np.array([[n.value for n in card.values[0]] for card in stage.output_cards])
    np.testing.assert_array_equal(outputs, EXAMPLE.output)

    scores = constructed["attention-scores"][0].stage.score_cells
    np.testing.assert_array_equal([[c.number.value for c in row] for row in scores], EXAMPLE.scores)

    heads = constructed["multi-head"][0].stage
    for h, head in enumerate(heads.heads):
        np.testing.assert_array_equal(
            [[c.number.value for c in row] for row in head.cells], EXAMPLE.head_weights[h]
        )
        np.testing.assert_array_equal([[n.value for n in row] for row in head.out], EXAMPLE.head_outputs[h])
    mixed = np.array([[n.value for n in card.values[0]] for card in heads.multi_head_cards])
    np.testing.assert_array_equal(mixed, EXAMPLE.multi_head_output)
    joined = np.array([[n.value for n in card.values[0]] for card in heads.concat_cards])
    np.testing.assert_array_equal(joined, np.concatenate(list(EXAMPLE.head_outputs), axis=-1))
    for h, head in enumerate(heads.heads_subject):  # the heads as phase 7 opens on them
        np.testing.assert_array_equal(
            [[c.number.value for c in row] for row in head.cells], EXAMPLE.head_weights[h]
        )


def test_highlighted_cell_of_each_row_is_the_argmax(constructed):
    stage = constructed["scale-softmax"][0].stage
    assert stage.max_outlines.highlighted == list(EXAMPLE.weights.argmax(axis=-1))
    assert [EXAMPLE.tokens[j] for j in stage.max_outlines.highlighted] == list(EXAMPLE.strongest_keys)
    for outline in stage.max_outlines:
        np.testing.assert_allclose(
            outline.get_center(), stage.weight_cells[outline.row][outline.column].get_center()
        )
    heads = constructed["multi-head"][0].stage.heads
    assert heads[0].outlines.highlighted == list(EXAMPLE.head_weights[0].argmax(axis=-1))
    second = heads[1].outlines.highlighted
    assert second[1] is None and second[2] is None  # cat and sat: uniform rows, no maximum to claim
    assert [second[i] for i in (0, 3, 4)] == [int(EXAMPLE.head_weights[1][i].argmax()) for i in (0, 3, 4)]


def test_formula_is_one_mathtex_with_the_expected_glyphs(constructed):
    stage = constructed["full-formula"][0].stage
    assert len(stage.formula[0]) == FORMULA_GLYPHS
    assert stage.formula_part("v").get_center()[0] == max(g.get_center()[0] for g in stage.formula[0])


@pytest.mark.parametrize(
    ("slug", "name", "parts"),
    [("attention-scores", "score_formula", SCORES_PARTS), ("scale-softmax", "weight_formula", WEIGHTS_PARTS)],
)
def test_the_formula_so_far_colours_the_glyphs_the_full_formula_colours(slug, name, parts, constructed):
    """S = QK^T and A = softmax(QK^T / sqrt(d_k)) are read against phase 6's formula: the same Q, K^T and
    sqrt(d_k), in the same hues."""
    stage = constructed[slug][0].stage
    so_far = getattr(stage, name)
    for part, glyphs in parts.items():
        shown, full = so_far[0][glyphs], stage.formula_part(part)
        assert len(shown) == len(full), part
        for a, b in zip(shown, full, strict=True):
            np.testing.assert_allclose(a.points - a.get_center(), b.points - b.get_center(), atol=1e-6)
            assert a.get_fill_color() == b.get_fill_color(), part
    coloured = {i for glyphs in parts.values() for i in range(glyphs.start, glyphs.stop)}
    plain = {glyph.get_fill_color().to_hex() for i, glyph in enumerate(so_far[0]) if i not in coloured}
    assert plain == {builders.color(palette.TEXT).to_hex()}


@pytest.mark.parametrize("number", [3, 4, 5, 6])
def test_while_the_heatmap_is_on_screen_the_lower_bands_hold_what_it_leads_to(number, constructed):
    """A last frame is also its clip's poster: under the heatmap stands the formula so far (3, 4), the
    outputs (5) or the whole formula (6), never an empty lower half."""
    stage = constructed[PHASES[number - 1].slug][0].stage
    below = [m for m in stage.picture_after(number) if stage.region_of(m) in ("output", "formula", "lower")]
    assert below, number


# -- Layout -----------------------------------------------------------------------------------


def boxes_overlap(a, b) -> bool:
    return not (
        a.get_right()[0] <= b.get_left()[0] + 1e-6
        or b.get_right()[0] <= a.get_left()[0] + 1e-6
        or a.get_top()[1] <= b.get_bottom()[1] + 1e-6
        or b.get_top()[1] <= a.get_bottom()[1] + 1e-6
    )


def test_regions_are_inside_the_frame_and_apart(media):
    with tempconfig(options(media)):
        regions = layout.build_regions()
        named = regions.named()
        for name, region in named.items():
            assert (
                region.get_left()[0] >= -config.frame_width / 2
                and region.get_right()[0] <= config.frame_width / 2
            )
            assert region.get_bottom()[1] >= -config.frame_height / 2, name
            assert region.get_top()[1] <= config.frame_height / 2, name
        separate = [n for n in named if n not in ("middle", "lower", "upper")]
        for a, b in itertools.combinations(separate, 2):
            assert not boxes_overlap(named[a], named[b]), (a, b)
        assert layout.fits_inside(named["qkv"], named["middle"]) and layout.fits_inside(
            named["heatmap"], named["middle"]
        )
        assert layout.fits_inside(named["output"], named["lower"]) and layout.fits_inside(
            named["formula"], named["lower"]
        )
        assert layout.fits_inside(named["middle"], named["upper"]) and layout.fits_inside(
            named["output"], named["upper"]
        )
        for name in separate:  # the band players draw their controls over holds no region
            assert not boxes_overlap(named[name], regions.bottom), name


@pytest.mark.parametrize("number", range(1, 9))
def test_final_picture_keeps_each_region_in_its_place(number, constructed):
    stage = constructed[PHASES[number - 1].slug][0].stage
    named = stage.regions.named()
    picture = stage.picture_after(number)
    used = {stage.region_of(m) for m in picture}
    assert not ("middle" in used and used & {"qkv", "heatmap"}), used  # the middle band is one or two regions
    assert not ("lower" in used and used & {"output", "formula"}), used  # so is the lower one
    assert not ("upper" in used and used & {"middle", "qkv", "heatmap", "output"}), used  # and the upper
    for mobject in picture:
        region = stage.region_of(mobject)
        assert layout.fits_inside(mobject, named[region]), (number, region)


def test_what_phase_7_shows_between_its_boundaries_keeps_to_its_regions(constructed):
    """The heads while they are the subject, and the joined cards, standing where the mixed outputs will."""
    stage = constructed["multi-head"][0].stage
    for mobject in (stage.heads_subject, stage.concat_cards):
        assert layout.fits_inside(mobject, stage.regions.named()[stage.region_of(mobject)])
    for joined, mixed in zip(stage.concat_cards, stage.multi_head_cards, strict=True):
        np.testing.assert_allclose(joined.get_center(), mixed.get_center(), atol=1e-9)


# -- Rendered clips ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    """Every phase drawn at low quality (480p15): slug -> (frame count, first frame, last frame).

    The frames are taken as manim hands them to its movie writer, before any
    video codec, so the pixels compare exactly.
    """
    clips = {}
    for phase in PHASES:
        media = tmp_path_factory.mktemp(f"render-{phase.slug}")
        written = {"count": 0, "first": None, "last": None}

        def record(frame, num_frames=1, written=written):
            if written["first"] is None:
                written["first"] = np.array(frame)
            written["last"] = np.array(frame)
            written["count"] += num_frames

        with tempconfig(options(media, quality="low_quality", write_to_movie=False, output_file=phase.stem)):
            scene = phase.load_scene()()
            scene.renderer.file_writer.write_frame = record
            scene.setup()
            scene.construct()
        clips[phase.slug] = (written["count"], written["first"][..., :3], written["last"][..., :3])
    return clips


@pytest.mark.render
def test_rendered_clips_have_exactly_their_frames(rendered):
    for phase in PHASES:
        assert rendered[phase.slug][0] == round(phase.duration * 15), phase.slug


@pytest.mark.render
@pytest.mark.parametrize("number", range(1, 8))
def test_each_phase_starts_on_the_last_frame_of_the_one_before(number, rendered):
    last = rendered[PHASES[number - 1].slug][2].astype(int)
    first = rendered[PHASES[number].slug][1].astype(int)
    difference = np.abs(last - first)
    assert difference.max() <= 2, (number, difference.max(), int((difference > 2).sum()))


@pytest.mark.render
def test_first_frame_of_the_intro_is_the_empty_background(rendered):
    first = rendered["intro"][1].reshape(-1, 3).astype(int)
    background = np.array(builders.color(palette.BACKGROUND).to_int_rgb())
    assert np.abs(first - background).max() <= 3
