"""The PDF's executive summary and trend: sentence rules over scoring results, no database."""

from __future__ import annotations

from assessments.report_summary import (
    TREND_QUARTERS,
    TrendQuarter,
    executive_summary,
    names,
    trend,
)
from catalogue.scoring import BandRule, DimensionSpec, ModelSpec, score_assessment

BANDS = (
    BandRule(5, 10, "Needs immediate attention", "critical"),
    BandRule(11, 18, "Room for improvement", "caution"),
    BandRule(19, 25, "Excellent", "good"),
)
DIMENSIONS = [
    ("VO", "Value Orientation"),
    ("CX", "CX & Delivery"),
    ("AO", "Adaptability & Organization"),
    ("MP", "Manageability & Productivity"),
]
SPEC = ModelSpec(
    dimensions=tuple(
        DimensionSpec(code, name, tuple(f"{code}-{n}" for n in range(1, 6)))
        for code, name in DIMENSIONS
    ),
    bands=BANDS,
)


def result(**totals: int):
    """A result whose dimensions have the given totals (others 15): 5 questions each, the
    total spread over them as evenly as whole scores allow."""
    scores = {}
    for code, _ in DIMENSIONS:
        total = totals.get(code, 15)
        base, extra = divmod(total, 5)
        for n in range(1, 6):
            scores[f"{code}-{n}"] = base + (1 if n <= extra else 0)
    return score_assessment(SPEC, scores)


def test_names_are_joined_as_in_a_sentence():
    assert names([]) == ""
    assert names(["A"]) == "A"
    assert names(["A", "B"]) == "A and B"
    assert names(["A", "B", "C"]) == "A, B and C"


def test_the_headline_gives_the_overall_total_and_how_many_dimensions_fall_in_each_band():
    summary = executive_summary(result(VO=20, CX=15, AO=10, MP=5))
    assert summary.overall == "Overall, the team scores 50 out of 100."
    assert summary.bands == (
        "Of its 4 dimensions, 1 in the band “Excellent”, 1 in “Room for improvement” "
        "and 2 in “Needs immediate attention”."
    )
    assert summary.headline == f"{summary.overall} {summary.bands}"


def test_every_dimension_in_one_band_is_said_once():
    summary = executive_summary(result(VO=25, CX=19, AO=22, MP=20))
    assert summary.bands == "All 4 dimensions are in the band “Excellent”."


def test_the_strongest_and_the_weakest_dimension_are_named_with_their_totals():
    summary = executive_summary(result(VO=20, CX=15, AO=12, MP=5))
    assert summary.extremes == (
        "The strongest dimension is Value Orientation (20 of 25); "
        "the weakest dimension is Manageability & Productivity (5 of 25)."
    )


def test_tied_strongest_and_weakest_dimensions_are_all_named_in_model_order():
    summary = executive_summary(result(VO=8, CX=22, AO=8, MP=22))
    assert summary.extremes == (
        "The strongest dimensions are CX & Delivery and Manageability & Productivity "
        "(22 of 25 each); the weakest dimensions are Value Orientation and "
        "Adaptability & Organization (8 of 25 each)."
    )


def test_all_dimensions_equal_names_no_strongest_or_weakest():
    summary = executive_summary(result(VO=15, CX=15, AO=15, MP=15))
    assert summary.extremes == (
        "All 4 dimensions have the same total, 15 of 25: none is stronger or weaker than another."
    )
    assert summary.bands == "All 4 dimensions are in the band “Room for improvement”."
    assert "strongest dimension is" not in " ".join(summary.sentences)


def test_without_a_previous_quarter_the_summary_says_there_is_nothing_to_compare():
    summary = executive_summary(result(VO=20), previous=None)
    assert summary.change == "There is no earlier submitted quarter to compare with yet."


def test_the_change_gives_the_overall_change_the_biggest_gain_and_the_biggest_drop():
    summary = executive_summary(
        result(VO=20, CX=15, AO=10, MP=5),
        previous=result(VO=15, CX=14, AO=12, MP=5),
        previous_label="2026 Q2",
    )
    assert summary.change == (
        "Since 2026 Q2 the overall total rose by 4 points, from 46 to 50. "
        "The biggest gain is in Value Orientation, up 5 points from 15 to 20. "
        "The biggest drop is in Adaptability & Organization, down 2 points from 12 to 10."
    )


def test_tied_gains_are_named_together_and_a_quarter_without_drops_says_so():
    summary = executive_summary(
        result(VO=16, CX=16, AO=11, MP=10),
        previous=result(VO=15, CX=15, AO=11, MP=10),
        previous_label="2026 Q2",
    )
    assert summary.change == (
        "Since 2026 Q2 the overall total rose by 2 points, from 51 to 53. "
        "The biggest gains, up 1 point each, are in Value Orientation and CX & Delivery. "
        "No dimension fell."
    )


def test_a_fall_without_gains_says_no_dimension_rose():
    summary = executive_summary(
        result(VO=10, CX=15, AO=15, MP=15), previous=result(VO=20, CX=15, AO=15, MP=15)
    )
    assert summary.change == (
        "Since the previous quarter the overall total fell by 10 points, from 65 to 55. "
        "No dimension rose. "
        "The biggest drop is in Value Orientation, down 10 points from 20 to 10."
    )


def test_an_unchanged_quarter_says_nothing_moved():
    same = result(VO=12, CX=18, AO=7, MP=25)
    summary = executive_summary(same, previous=same, previous_label="2026 Q2")
    assert summary.change == (
        "Since 2026 Q2 the overall total is unchanged at 62. No dimension's total changed."
    )


def test_dimensions_below_target_are_listed_with_their_gap():
    summary = executive_summary(
        result(VO=20, CX=15, AO=10, MP=12), targets={"VO": 19, "CX": 17, "MP": 18}
    )
    assert summary.targets == (
        "2 dimensions are below the team's target: CX & Delivery (15, target 17, 2 short) "
        "and Manageability & Productivity (12, target 18, 6 short)."
    )


def test_one_dimension_below_target_is_singular():
    summary = executive_summary(result(MP=12), targets={"MP": 13})
    assert summary.targets == (
        "1 dimension is below the team's target: Manageability & Productivity (12, target 13, "
        "1 short)."
    )


def test_everything_at_target_says_every_target_is_reached():
    at_target = result(VO=20, CX=15, AO=10, MP=12)
    every = {"VO": 20, "CX": 15, "AO": 10, "MP": 12}
    assert executive_summary(at_target, targets=every).targets == (
        "Every dimension has reached the team's target."
    )
    some = {"VO": 18, "MP": 12}
    assert executive_summary(at_target, targets=some).targets == (
        "All 2 dimensions with a target have reached it."
    )
    assert executive_summary(at_target, targets={"CX": 15}).targets == (
        "The one dimension with a target, CX & Delivery, has reached it."
    )


def test_no_targets_says_none_are_set():
    assert executive_summary(result(), targets={}).targets == "The team has set no targets yet."
    assert executive_summary(result()).targets == "The team has set no targets yet."


def test_the_theme_chosen_or_the_suggested_one_is_named():
    assert executive_summary(result(), theme="CX & Delivery").theme == (
        "The theme chosen for next quarter is CX & Delivery."
    )
    assert executive_summary(result(), suggested="Value Orientation").theme == (
        "No theme has been chosen for next quarter yet; the suggested one is Value Orientation."
    )
    assert executive_summary(result()).theme == "No theme has been chosen for next quarter yet."


def test_the_summary_is_the_same_every_time():
    args = {"targets": {"MP": 18}, "previous": result(VO=10), "previous_label": "2026 Q1"}
    first = executive_summary(result(VO=20, MP=9), **args)
    assert all(executive_summary(result(VO=20, MP=9), **args) == first for _ in range(3))
    assert len(first.sentences) == 6


# --- The trend ----------------------------------------------------------------------------------


def quarter(label: str, overall: int | None = None, **totals: int | None) -> TrendQuarter:
    return TrendQuarter(label, totals, overall)


def test_the_trend_keeps_the_last_quarters_oldest_first_with_a_row_per_dimension():
    quarters = [quarter(f"Q{n}", 40 + n, VO=10 + n, CX=15, AO=10, MP=5) for n in range(1, 11)]
    shown = trend(result(), quarters)
    assert shown.labels == tuple(f"Q{n}" for n in range(3, 11))
    assert len(shown.labels) == TREND_QUARTERS
    assert [row.name for row in shown.rows] == [name for _, name in DIMENSIONS]
    value_orientation = shown.rows[0]
    assert value_orientation.cells == tuple(range(13, 21))
    assert value_orientation.change == 7
    assert shown.rows[1].change == 0
    assert shown.overall.cells == tuple(range(43, 51))
    assert shown.has_history


def test_a_dimension_an_older_model_version_lacked_shows_no_total_there():
    quarters = [quarter("2026 Q1", 30, VO=10, CX=10), quarter("2026 Q2", 50, VO=12, CX=9, MP=14)]
    shown = trend(result(), quarters)
    manageability = shown.rows[3]
    assert manageability.cells == (None, 14)
    assert manageability.change is None  # nothing to compare with
    assert shown.rows[0].change == 2
    assert shown.rows[1].change == -1


def test_a_single_quarter_has_no_history():
    shown = trend(result(), [quarter("2026 Q3", 60, VO=15, CX=15, AO=15, MP=15)])
    assert not shown.has_history
    assert shown.rows[0].change is None
