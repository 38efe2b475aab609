"""Scoring rules, without a database."""

from __future__ import annotations

import pytest

from catalogue.scoring import (
    BandRule,
    DimensionSpec,
    ModelSpec,
    ScoringError,
    band_for,
    check_bands,
    compare,
    progress,
    score_assessment,
)

BANDS = (
    BandRule(5, 10, "Needs immediate attention", "critical"),
    BandRule(11, 18, "Room for improvement", "caution"),
    BandRule(19, 25, "Excellent", "good"),
)
SPEC = ModelSpec(
    dimensions=tuple(
        DimensionSpec(code, name, tuple(f"{code}-{n}" for n in range(1, 6)))
        for code, name in [
            ("VO", "Value Orientation"),
            ("CX", "CX & Delivery"),
            ("AO", "Adaptability & Organization"),
            ("MP", "Manageability & Productivity"),
        ]
    ),
    bands=BANDS,
)


def scores_with(default: int = 3, **per_dimension: list[int]) -> dict[str, int]:
    scores = dict.fromkeys(SPEC.question_codes, default)
    for dim, values in per_dimension.items():
        for n, value in enumerate(values, 1):
            scores[f"{dim}-{n}"] = value
    return scores


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (5, "Needs immediate attention"),
        (10, "Needs immediate attention"),
        (11, "Room for improvement"),
        (18, "Room for improvement"),
        (19, "Excellent"),
        (25, "Excellent"),
    ],
)
def test_band_boundaries(total, label):
    assert band_for(total, BANDS).label == label


@pytest.mark.parametrize(
    ("values", "total", "label"),
    [
        ([1, 1, 1, 1, 1], 5, "Needs immediate attention"),
        ([2, 2, 2, 2, 2], 10, "Needs immediate attention"),
        ([3, 2, 2, 2, 2], 11, "Room for improvement"),
        ([4, 4, 4, 3, 3], 18, "Room for improvement"),
        ([4, 4, 4, 4, 3], 19, "Excellent"),
        ([5, 5, 5, 5, 5], 25, "Excellent"),
    ],
)
def test_dimension_totals_land_in_their_band(values, total, label):
    result = score_assessment(SPEC, scores_with(CX=values))
    cx = result.dimension("CX")
    assert (cx.total, cx.band.label, cx.max_total) == (total, label, 25)


@pytest.mark.parametrize("total", [4, 26, 0])
def test_a_total_outside_every_band_is_an_error(total):
    with pytest.raises(ScoringError, match=f"total of {total}"):
        band_for(total, BANDS)


def test_all_ones_gives_the_minimum_everywhere():
    result = score_assessment(SPEC, scores_with(1))
    assert result.overall_total == 20
    assert {d.band.label for d in result.dimensions} == {"Needs immediate attention"}
    assert [d.code for d in result.focus] == ["VO", "CX", "AO", "MP"]
    assert result.focus[0].weakest_questions == ("VO-1", "VO-2", "VO-3", "VO-4", "VO-5")


def test_all_fives_gives_the_maximum_and_no_weak_questions():
    result = score_assessment(SPEC, scores_with(5))
    assert (result.overall_total, result.max_overall) == (100, 100)
    assert {d.band.label for d in result.dimensions} == {"Excellent"}
    assert all(d.weakest_questions == () for d in result.focus)


def test_focus_is_the_lowest_dimension_with_its_lowest_questions():
    result = score_assessment(SPEC, scores_with(4, AO=[3, 1, 2, 1, 4]))
    assert [d.code for d in result.focus] == ["AO"]
    assert result.focus[0].weakest_questions == ("AO-2", "AO-4")
    assert result.overall_total == 20 * 4 - 20 + 11


def test_tied_lowest_dimensions_are_all_focus_in_model_order():
    result = score_assessment(SPEC, scores_with(4, MP=[2, 2, 2, 2, 2], CX=[1, 3, 2, 2, 2]))
    assert [d.code for d in result.focus] == ["CX", "MP"]


def test_overall_total_is_the_sum_of_dimensions():
    result = score_assessment(SPEC, scores_with(3, VO=[5, 5, 5, 5, 5], MP=[1, 1, 1, 1, 2]))
    assert [d.total for d in result.dimensions] == [25, 15, 15, 6]
    assert result.overall_total == 61


def test_missing_answers_are_named():
    scores = scores_with(3)
    del scores["CX-4"], scores["MP-1"]
    with pytest.raises(ScoringError, match="No score yet for: CX-4, MP-1"):
        score_assessment(SPEC, scores)


def test_unknown_question_codes_are_named():
    with pytest.raises(ScoringError, match="Unknown question code.*XX-9"):
        score_assessment(SPEC, {**scores_with(3), "XX-9": 3})


@pytest.mark.parametrize("bad", [0, 6, -1, 3.0, "3", None, True])
def test_scores_outside_one_to_five_or_not_whole_numbers_are_refused(bad):
    with pytest.raises(ScoringError, match="VO-2"):
        score_assessment(SPEC, {**scores_with(3), "VO-2": bad})


def test_check_bands_accepts_the_v0_bands():
    check_bands(SPEC)


@pytest.mark.parametrize(
    "bands",
    [
        (BandRule(5, 10, "a"), BandRule(12, 25, "b")),  # 11 uncovered
        (BandRule(5, 11, "a"), BandRule(11, 25, "b")),  # 11 covered twice
        (BandRule(6, 25, "a"),),  # 5 uncovered
    ],
)
def test_check_bands_rejects_gaps_and_overlaps(bands):
    with pytest.raises(ScoringError, match="needs one"):
        check_bands(ModelSpec(SPEC.dimensions, bands))


def test_progress_totals_and_bands_only_complete_dimensions():
    scores = scores_with(2, MP=[4, 4, 4, 4, 4])
    del scores["AO-3"]
    result = progress(SPEC, scores)
    totals = {
        dim.code: (dim.total, dim.answered, dim.band and dim.band.label)
        for dim in result.dimensions
    }
    assert totals == {
        "VO": (10, 5, "Needs immediate attention"),
        "CX": (10, 5, "Needs immediate attention"),
        "AO": (None, 4, None),
        "MP": (20, 5, "Excellent"),
    }
    assert result.overall_total is None
    assert result.answered == 19


def test_progress_of_a_complete_assessment_agrees_with_score_assessment():
    scores = scores_with(3, VO=[1, 1, 1, 1, 1], CX=[5, 5, 5, 5, 5], AO=[2, 2, 2, 2, 3])
    done = progress(SPEC, scores)
    scored = score_assessment(SPEC, scores)
    assert done.overall_total == scored.overall_total == 5 + 25 + 11 + 15
    assert [(d.total, d.band) for d in done.dimensions] == [
        (d.total, d.band) for d in scored.dimensions
    ]


def test_progress_refuses_an_out_of_range_score():
    with pytest.raises(ScoringError, match="from 1 to 5"):
        progress(SPEC, {**scores_with(3), "VO-1": 6})


def test_compare_reports_deltas_and_band_changes():
    before = score_assessment(SPEC, scores_with(3, VO=[4, 4, 4, 3, 3]))
    after = score_assessment(SPEC, scores_with(3, VO=[4, 4, 4, 4, 4], MP=[2, 2, 2, 2, 2]))
    comparison = compare(after, before)
    vo, cx, _, mp = comparison.dimensions
    assert (vo.previous_total, vo.current_total, vo.delta) == (18, 20, 2)
    assert vo.band_changed
    assert (vo.previous_band.label, vo.current_band.label) == ("Room for improvement", "Excellent")
    assert (cx.delta, cx.band_changed) == (0, False)
    assert (mp.delta, mp.current_band.label, mp.band_changed) == (
        -5,
        "Needs immediate attention",
        True,
    )
    assert comparison.overall_delta == after.overall_total - before.overall_total == -3


def test_compare_refuses_different_structures():
    other = ModelSpec(SPEC.dimensions[:3], BANDS)
    other_scores = dict.fromkeys(other.question_codes, 3)
    with pytest.raises(ScoringError, match="same model version"):
        compare(score_assessment(SPEC, scores_with(3)), score_assessment(other, other_scores))
