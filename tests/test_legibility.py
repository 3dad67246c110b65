"""Can a reader read the clips where the site shows them (736 px and 480 px wide)?

Sizes are measured on the mobjects manim draws, converted to pixels of the 720p
frame: a glyph ``h`` units high is ``h * 720 / frame_height`` px. Every phase is
constructed with drawing skipped (nothing is rasterised), and text overlap is
checked at the start, middle and end of every animation.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from manim import Scene, SingleStringMathTex, Text, config, tempconfig

from scenes import builders, layout
from scenes.base import PhaseScene
from scenes.registry import MAX_CAPTION_CPS, PHASES, Cue
from scenes.stage import Stage

PX_PER_UNIT = layout.REFERENCE_HEIGHT_PX / 8.0  # manim's frame is 8 units high at every quality


def options(media) -> dict:
    return {"media_dir": str(media), "disable_caching": True, "verbosity": "WARNING", "progress_bar": "none"}


def digit_heights(number: Text) -> list[float]:
    """Pixel heights of the digit glyphs of a number (``Text`` keeps one glyph per non-space character)."""
    characters = [c for c in number.text if not c.isspace()]
    assert len(characters) == len(number.submobjects), number.text
    return [
        glyph.height * PX_PER_UNIT
        for c, glyph in zip(characters, number.submobjects, strict=True)
        if c.isdigit()
    ]


def numbers_in(*mobjects) -> list[Text]:
    return [m for top in mobjects for m in top.get_family() if isinstance(m, Text) and hasattr(m, "value")]


def subject(stage: Stage, number: int) -> tuple[list[Text], list[Text]]:
    """(numbers, token labels) of what phase ``number`` is about, as its last frame shows them."""
    axes = stage.heatmap_axes
    if number == 2:
        qkv = stage.qkv_subject
        return numbers_in(*(panel.grid for panel in qkv.panels)), list(qkv.labels)
    if number == 3:
        return numbers_in(stage.score_cells), [*axes.rows, *axes.columns]
    if number == 4:
        return numbers_in(stage.weight_cells), [*axes.rows, *axes.columns]
    if number == 5:
        cards = stage.output_subject
        return numbers_in(*(card.values for card in cards)), [card.name for card in cards]
    if number == 7:
        cards = stage.multi_head_cards
        return numbers_in(*(card.values for card in cards)), [card.name for card in cards]
    raise ValueError(number)


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    with tempconfig(options(tmp_path_factory.mktemp("legibility"))):
        yield Stage()


# -- Size -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "floor"),
    [
        (2, layout.MIN_SUBJECT_DIGIT_PX),
        (3, layout.MIN_SUBJECT_DIGIT_PX),
        (4, layout.MIN_SUBJECT_DIGIT_PX),
        (5, layout.MIN_SUBJECT_DIGIT_PX),
        (7, layout.MIN_SUBJECT_DIGIT_PX),
    ],
)
def test_subject_digits_are_readable_at_480_px_and_token_labels_as_large(number, floor, stage):
    """Q, K and V in phase 2, the heatmap of phases 3 and 4, the outputs of phase 5 and the mixed outputs
    of phase 7: at least 27 px in the 720p frame (10 px on a page 480 px wide)."""
    numbers, labels = subject(stage, number)
    assert numbers and labels
    smallest = min(h for n in numbers for h in digit_heights(n))
    assert smallest >= floor, (number, round(smallest, 1))
    type_size = max(n.font_size for n in numbers)
    assert all(label.font_size >= type_size - 1e-6 for label in labels), number


def test_x_is_drawn_as_large_as_a_subject_while_it_is_alone(stage):
    """Phase 2 opens on the embeddings X alone, where Q will be (under Q's token labels, which the test
    above measures): the subject of that moment."""
    x = stage.embeddings_subject
    assert min(h for n in numbers_in(x.grid) for h in digit_heights(n)) >= layout.MIN_SUBJECT_DIGIT_PX


def test_heads_are_drawn_as_large_as_a_subject_while_they_are_explained(stage):
    """Phase 7 opens on the two heads' weights alone in the middle and output bands (its subject then),
    their token labels as large as their numbers; they shrink to context only when the outputs come."""
    for head in stage.heads_subject:
        numbers = numbers_in(head.cells)
        assert min(h for n in numbers for h in digit_heights(n)) >= layout.MIN_SUBJECT_DIGIT_PX
        labels = (*head.axes.rows, *head.axes.columns)
        assert all(label.font_size >= numbers[0].font_size - 1e-6 for label in labels)


def test_names_side_by_side_stand_on_one_line_and_card_names_equally_far_from_their_numbers(stage):
    """X's feature names ("place" has a descender) sit on one baseline: the last letter of each,
    none of which descends, ends within a pixel of the others. Each output card's name stands as
    far from its first number as every other card's, whatever its length ("on", "mat")."""
    lasts = [label.submobjects[-1].get_bottom()[1] * PX_PER_UNIT for label in stage.embeddings.features]
    assert max(lasts) - min(lasts) <= 1.0, [round(b, 1) for b in lasts]
    for cards in (stage.output_cards, stage.output_subject, stage.multi_head_cards):
        gaps = [(card.values.get_left()[0] - card.name.get_right()[0]) * PX_PER_UNIT for card in cards]
        assert max(gaps) - min(gaps) <= 1.0, [round(g, 1) for g in gaps]


def test_formula_letters_are_at_least_20_px(stage):
    """Phase 6 is about the formula's parts: its capital Q, K and V are at least 20 px tall."""
    for part in ("k", "v"):
        height = stage.formula_part(part)[0].height * PX_PER_UNIT
        assert height >= layout.MIN_FORMULA_LETTER_PX, (part, round(height, 1))


def test_every_number_on_the_stage_is_at_least_14_px(stage):
    pictures = [m for n in range(9) for m in stage.picture_after(n)]
    extra = [
        stage.embeddings,
        stage.embeddings_subject,
        stage.heads_subject,
        stage.scaled_cells,
        stage.scaled_scale,
        stage.concat_cards,
        stage.plain_score_cells,
    ]
    for number in numbers_in(*pictures, *extra):
        assert min(digit_heights(number)) >= layout.MIN_CONTEXT_DIGIT_PX, number.text


def test_numbers_side_by_side_in_a_grid_stand_a_character_apart(stage):
    """With less room between them, numbers run together ("0.00.01.0" reads as one number). Heatmap
    numbers are kept apart by their cells' colours and borders; every plain grid keeps a character."""
    pictures = [m for n in range(9) for m in stage.picture_after(n)]
    extra = [stage.qkv_subject, stage.embeddings, stage.embeddings_subject, stage.concat_cards]
    grids = {
        id(g): g
        for top in [*pictures, *extra]
        for g in top.get_family()
        if isinstance(g, builders.NumberGrid)
    }
    assert len(grids) > 10
    for grid in grids.values():
        for row in grid.rows:
            for a, b in itertools.pairwise(row):
                character = max(a.width / len(a.text), b.width / len(b.text))
                gap = b.get_left()[0] - a.get_right()[0]
                assert gap >= layout.MIN_NUMBER_GAP * character, (a.text, b.text, round(gap / character, 2))


# -- Contrast ------------------------------------------------------------------------------------


def test_ink_on_every_coloured_cell_meets_wcag_aa(stage):
    heads = [*stage.heads, *stage.heads_subject]
    grids = [stage.score_cells, stage.scaled_cells, stage.weight_cells, *(head.cells for head in heads)]
    ratios = [cell.ink_contrast for grid in grids for cell in grid.cells()]
    assert min(ratios) >= layout.MIN_INK_CONTRAST, round(min(ratios), 2)


def test_black_or_white_ink_meets_wcag_aa_on_the_whole_colour_scale():
    """Whatever the values, a cell of any viridis colour gets an ink with at least 4.5:1."""
    for t in np.linspace(0, 1, 201):
        fill = builders.viridis(t)
        assert builders.contrast_ratio(builders.ink_for(fill), fill) >= layout.MIN_INK_CONTRAST, t


def test_row_maximum_outline_never_covers_a_digit(stage):
    # cairo draws a stroke stroke_width * 0.01 units wide, centred on the path
    half_stroke = layout.OUTLINE_WIDTH * 0.01 / 2
    for cells, outlines in [
        (stage.weight_cells, stage.max_outlines),
        *((h.cells, h.outlines) for h in (*stage.heads, *stage.heads_subject)),
    ]:
        for outline, cell in itertools.product(outlines, cells.cells()):
            number = cell.number
            inside = (
                number.get_left()[0] >= outline.get_left()[0] + half_stroke
                and number.get_right()[0] <= outline.get_right()[0] - half_stroke
                and number.get_bottom()[1] >= outline.get_bottom()[1] + half_stroke
                and number.get_top()[1] <= outline.get_top()[1] - half_stroke
            )
            outside = (
                number.get_right()[0] <= outline.get_left()[0] - half_stroke
                or number.get_left()[0] >= outline.get_right()[0] + half_stroke
                or number.get_top()[1] <= outline.get_bottom()[1] - half_stroke
                or number.get_bottom()[1] >= outline.get_top()[1] + half_stroke
            )
            assert inside or outside, (outline.row, outline.column, number.text)


# -- Bottom band -------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", range(1, 9))
def test_last_frame_leaves_the_bottom_band_empty(number, stage):
    """Players draw their controls over the bottom 12 %; the last frame is also the poster."""
    band_top = stage.regions.bottom.get_top()[1]
    assert band_top == pytest.approx(-config.frame_height / 2 + layout.BOTTOM_BAND * config.frame_height)
    for mobject in stage.picture_after(number):
        for part in mobject.get_family():
            if part.has_points():
                assert part.get_bottom()[1] >= band_top - 1e-6, (number, type(part).__name__)


# -- Overlap -----------------------------------------------------------------------------------------


def visible_texts(scene: Scene) -> list:
    """Text and TeX on screen with some opacity, outermost only (a formula counts once, not per glyph)."""
    found = []

    def walk(mobject):
        if isinstance(mobject, Text | SingleStringMathTex):
            if mobject.has_points() or mobject.submobjects:
                opacity = max(
                    (float(np.max(m.get_fill_opacities())) for m in mobject.get_family() if m.has_points()),
                    default=0,
                )
                if opacity > 0.05:
                    found.append(mobject)
            return
        for sub in mobject.submobjects:
            walk(sub)

    for top in scene.mobjects:
        walk(top)
    return found


def overlapping(texts: list, tolerance: float = 0.01) -> list[tuple[str, str]]:
    """Pairs of texts whose bounding boxes overlap by more than ``tolerance`` units (about 1 px)."""
    if len(texts) < 2:
        return []
    lows = np.array([t.get_corner(np.array([-1, -1, 0]))[:2] for t in texts])
    highs = np.array([t.get_corner(np.array([1, 1, 0]))[:2] for t in texts])
    overlap = np.minimum(highs[:, None], highs[None]) - np.maximum(lows[:, None], lows[None])  # (n, n, 2)
    hits = np.argwhere((overlap > tolerance).all(axis=-1))
    return [(texts[i].text if hasattr(texts[i], "text") else texts[i].tex_string,
             texts[j].text if hasattr(texts[j], "text") else texts[j].tex_string)
            for i, j in hits if i < j]  # fmt: skip


@pytest.mark.parametrize("phase", PHASES, ids=[p.slug for p in PHASES])
def test_no_text_overlaps_other_text_at_the_start_middle_and_end_of_any_animation(
    phase, tmp_path, monkeypatch
):
    problems = []
    original = Scene.play_internal

    def sampled(self, skip_rendering=False):
        duration = self.get_run_time(self.animations)
        for t in (0.0, duration / 2):
            self.update_to_time(t)
            problems.extend((self.renderer.num_plays, t, pair) for pair in overlapping(visible_texts(self)))
        original(self, skip_rendering)
        problems.extend(
            (self.renderer.num_plays, duration, pair) for pair in overlapping(visible_texts(self))
        )

    monkeypatch.setattr(Scene, "play_internal", sampled)
    with tempconfig({**options(tmp_path), "dry_run": True, "frame_rate": 15}):
        scene: PhaseScene = phase.load_scene()(skip_animations=True)
        scene.renderer.save_static_frame_data = lambda *a, **k: None
        scene.renderer.update_frame = lambda *a, **k: None
        scene.setup()
        scene.construct()
    assert not problems, problems[:10]


# -- Captions ------------------------------------------------------------------------------------------


def test_every_caption_reads_at_17_characters_per_second_or_fewer():
    cues = [cue for phase in PHASES for cue in phase.cues]
    assert max(len(cue.caption) / cue.seconds for cue in cues) <= MAX_CAPTION_CPS
    assert all(len(cue.description) > len(cue.caption) for cue in cues)  # the long text is kept


def test_a_caption_too_long_for_its_cue_is_refused_with_the_limit():
    with pytest.raises(ValueError, match=r"at most 17 per second: shorten it to 34 characters or fewer"):
        Cue(2.0, "x" * 35, "a description")
