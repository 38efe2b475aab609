"""The improvement loop's pure rules: gaps to target, the suggested theme, action counts, the
verdict on last quarter's theme, and which high scores no recorded figure backs. No database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.improvement import (
    EVIDENCE,
    ActionCounts,
    DimensionGoal,
    MetricChange,
    Verdict,
    action_counts,
    suggest_theme,
    unbacked_scores,
)


def goal(code: str, total: int, target: int | None = None, *, for_stage: bool = False):
    return DimensionGoal(code=code, total=total, target=target, for_stage=for_stage)


# --- Gap to target ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "target", "gap", "below"),
    [
        (13, 12, -1, False),  # one above target
        (12, 12, 0, False),  # at target: nothing to close
        (11, 12, 1, True),  # one below target
        (5, 25, 20, True),
        (25, 5, -20, False),
    ],
)
def test_the_gap_is_target_minus_total_and_only_a_positive_gap_is_below_target(
    total, target, gap, below
):
    assert goal("VO", total, target).gap == gap
    assert goal("VO", total, target).below_target is below


def test_without_a_target_there_is_no_gap_and_nothing_is_below_target():
    assert goal("VO", 5).gap is None
    assert goal("VO", 5).below_target is False


def test_a_stage_mark_never_changes_the_gap():
    assert goal("VO", 8, 20, for_stage=True).gap == 12
    assert goal("VO", 8, 20, for_stage=True).below_target is True


# --- The suggested theme ----------------------------------------------------------------------


def test_the_largest_gap_below_target_is_suggested_even_over_a_lower_total():
    goals = [goal("VO", 8, 10), goal("CX", 14, 22), goal("AO", 6, 7), goal("MP", 20, 21)]
    assert suggest_theme(goals) == "CX"  # gap 8 beats AO's lowest total with gap 1


def test_on_equal_gaps_the_lower_total_wins():
    goals = [goal("VO", 14, 18), goal("CX", 9, 13), goal("AO", 20, 22), goal("MP", 12, 16)]
    assert suggest_theme(goals) == "CX"  # VO, CX and MP all 4 short; CX has the lowest total


def test_on_equal_gaps_and_totals_model_order_wins():
    goals = [goal("VO", 20, 21), goal("CX", 10, 14), goal("AO", 10, 14), goal("MP", 10, 14)]
    assert suggest_theme(goals) == "CX"
    assert suggest_theme(list(reversed(goals))) == "MP"  # order given is the model order


def test_when_every_dimension_is_at_target_the_lowest_total_is_suggested():
    goals = [goal("VO", 15, 15), goal("CX", 9, 9), goal("AO", 12, 12), goal("MP", 20, 20)]
    assert suggest_theme(goals) == "CX"


def test_when_every_dimension_is_above_target_the_lowest_total_is_suggested():
    goals = [goal("VO", 18, 10), goal("CX", 21, 20), goal("AO", 11, 5), goal("MP", 25, 24)]
    assert suggest_theme(goals) == "AO"


def test_at_or_above_target_the_lowest_total_ties_go_to_model_order():
    goals = [goal("VO", 15, 10), goal("CX", 11, 11), goal("AO", 11, 5), goal("MP", 11, 11)]
    assert suggest_theme(goals) == "CX"


def test_nothing_is_suggested_when_every_dimension_is_right_for_the_stage():
    goals = [
        goal("VO", 5, 25, for_stage=True),
        goal("CX", 6, for_stage=True),
        goal("AO", 20, 10, for_stage=True),
        goal("MP", 7, 7, for_stage=True),
    ]
    assert suggest_theme(goals) is None


def test_a_dimension_right_for_the_stage_is_skipped_even_with_the_largest_gap():
    goals = [
        goal("VO", 5, 25, for_stage=True),  # gap 20
        goal("CX", 14, 17),  # gap 3
        goal("AO", 10, 12),  # gap 2
        goal("MP", 22, 22),
    ]
    assert suggest_theme(goals) == "CX"


def test_a_dimension_right_for_the_stage_is_skipped_even_with_the_lowest_total():
    goals = [
        goal("VO", 16, 15),
        goal("CX", 5, 5, for_stage=True),
        goal("AO", 11, for_stage=True),
        goal("MP", 12),
    ]
    assert suggest_theme(goals) == "MP"


def test_without_targets_the_lowest_total_is_suggested():
    assert suggest_theme([goal("VO", 14), goal("CX", 12), goal("AO", 9), goal("MP", 19)]) == "AO"


def test_without_targets_ties_on_the_lowest_total_go_to_model_order():
    goals = [goal("VO", 14), goal("CX", 9), goal("AO", 9), goal("MP", 9)]
    assert suggest_theme(goals) == "CX"


def test_a_dimension_below_its_target_beats_an_untargeted_lower_total():
    goals = [goal("VO", 6), goal("CX", 14, 15), goal("AO", 7), goal("MP", 20)]
    assert suggest_theme(goals) == "CX"


def test_with_targets_all_met_the_lowest_total_counts_untargeted_dimensions_too():
    goals = [goal("VO", 12, 10), goal("CX", 10), goal("AO", 11, 11), goal("MP", 15)]
    assert suggest_theme(goals) == "CX"


def test_a_team_without_dimensions_gets_no_suggestion():
    assert suggest_theme([]) is None


# Up to six dimensions with codes in model order; totals and targets over the model's range.
goal_lists = st.lists(
    st.tuples(st.integers(5, 25), st.one_of(st.none(), st.integers(5, 25)), st.booleans()),
    max_size=6,
).map(
    lambda rows: [
        goal(f"D{index}", total, target, for_stage=stage)
        for index, (total, target, stage) in enumerate(rows)
    ]
)


@given(goal_lists)
def test_the_suggestion_is_a_dimension_not_marked_for_the_stage_or_none_when_all_are(goals):
    suggested = suggest_theme(goals)
    workable = [g.code for g in goals if not g.for_stage]
    if workable:
        assert suggested in workable
    else:
        assert suggested is None


@given(goal_lists)
def test_the_suggestion_closes_the_largest_gap_or_else_has_the_lowest_total(goals):
    suggested = suggest_theme(goals)
    workable = [g for g in goals if not g.for_stage]
    if not workable:
        return
    chosen = next(g for g in goals if g.code == suggested)
    below = [g for g in workable if g.below_target]
    pool = below or workable

    def rank(g: DimensionGoal) -> tuple[int, ...]:
        return (-g.gap, g.total) if below else (g.total,)

    best = min(rank(g) for g in pool)
    assert rank(chosen) == best
    assert chosen is next(g for g in pool if rank(g) == best)  # the first in model order


# --- Actions, metric changes and the verdict ---------------------------------------------------


def test_actions_are_counted_done_dropped_and_open_with_planned_and_doing_open():
    counts = action_counts(["planned", "done", "doing", "dropped", "done", "planned"])
    assert counts == ActionCounts(done=2, dropped=1, open=3)
    assert counts.total == 6


def test_no_actions_count_zero_everywhere():
    assert action_counts([]) == ActionCounts(done=0, dropped=0, open=0)
    assert action_counts([]).total == 0


@pytest.mark.parametrize(
    ("before", "after", "delta"),
    [
        (None, 40, None),  # no figure last quarter
        (40, None, None),  # none this quarter
        (None, None, None),
        (40, 28, -12),
        (28, 28, 0),  # unchanged is 0, not "no figure"
        (Decimal("3.90"), Decimal("4.25"), Decimal("0.35")),
    ],
)
def test_a_metric_change_needs_both_figures(before, after, delta):
    assert MetricChange("time_to_value_days", before, after).delta == delta


def verdict(before: int, after: int, band_before: str, band_after: str) -> Verdict:
    return Verdict(
        dimension_code="MP",
        before=before,
        after=after,
        band_before=band_before,
        band_after=band_after,
        actions=ActionCounts(done=1),
    )


def test_the_verdict_reports_the_change_and_whether_the_band_moved():
    unchanged = verdict(12, 15, "Room for improvement", "Room for improvement")
    assert (unchanged.delta, unchanged.band_changed) == (3, False)
    up = verdict(9, 12, "Needs immediate attention", "Room for improvement")
    assert (up.delta, up.band_changed) == (3, True)
    down = verdict(19, 17, "Excellent", "Room for improvement")
    assert (down.delta, down.band_changed) == (-2, True)
    assert verdict(14, 14, "Room for improvement", "Room for improvement").delta == 0


# --- Evidence: high scores without a figure ---------------------------------------------------


@pytest.mark.parametrize(("score", "unbacked"), [(3, []), (4, ["VO-3"]), (5, ["VO-3"])])
def test_only_a_score_of_4_or_5_asks_for_a_figure(score, unbacked):
    assert unbacked_scores({"VO-3": score}, set()) == unbacked


@pytest.mark.parametrize("score", [4, 5])
def test_a_recorded_time_to_value_backs_a_high_vo_3(score):
    assert unbacked_scores({"VO-3": score}, {"time_to_value_days"}) == []


def test_a_figure_that_measures_something_else_backs_nothing():
    recorded = {"nps", "customers_onboarded", "time_to_first_value_days"}
    assert unbacked_scores({"VO-3": 5, "CX-4": 4, "MP-1": 5}, recorded) == ["VO-3", "CX-4", "MP-1"]


@pytest.mark.parametrize(
    ("code", "figure"),
    [(code, figure) for code, figures in EVIDENCE.items() for figure in figures],
)
def test_any_one_of_a_questions_figures_backs_it(code, figure):
    assert unbacked_scores({code: 4}, set()) == [code]
    assert unbacked_scores({code: 4}, {figure}) == []
    assert unbacked_scores({code: 3}, set()) == []


def test_questions_not_scored_or_without_evidence_are_never_listed():
    assert unbacked_scores({}, set()) == []
    assert unbacked_scores({"VO-1": 5, "AO-2": 5}, set()) == []


def test_unbacked_scores_come_in_the_evidence_order_whatever_the_order_of_the_scores():
    scores = {"MP-1": 4, "CX-4": 5, "VO-3": 4}
    assert unbacked_scores(scores, {"milestones_on_time_pct"}) == ["VO-3", "MP-1"]
