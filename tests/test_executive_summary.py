"""The client pack's executive summary: exact sentences from plain numbers, no database."""

from __future__ import annotations

from fractions import Fraction

from assessments.executive_summary import (
    DimensionFigures,
    TeamFigures,
    join_words,
    summarize,
    whole,
)

NAMES = {
    "VO": "Value Orientation",
    "CX": "CX & Delivery",
    "AO": "Adaptability & Organization",
    "MP": "Manageability & Productivity",
}


def team(name, totals, previous=None, targets=None) -> TeamFigures:
    """A team from totals per code in VO, CX, AO, MP order (and the quarter before's)."""
    targets = targets or {}
    dims = tuple(
        DimensionFigures(
            code=code,
            name=NAMES[code],
            total=total,
            max_total=25,
            previous=previous[i] if previous else None,
            target=targets.get(code),
        )
        for i, (code, total) in enumerate(zip(NAMES, totals, strict=True))
    )
    return TeamFigures(
        name=name,
        overall=sum(totals),
        max_overall=100,
        dimensions=dims,
        previous_overall=sum(previous) if previous else None,
    )


def summary_of(*teams, missing=()):
    return summarize(teams, period="2026 Q3", previous_period="2026 Q2", not_submitted=missing)


def test_the_headline_gives_the_average_out_of_100_and_its_change_since_last_quarter():
    summary = summary_of(
        team("Enterprise", (20, 15, 10, 5), previous=(15, 15, 10, 10)),
        team("SMB", (15, 20, 15, 15), previous=(15, 15, 15, 15)),
    )
    # (50 + 65) / 2 = 57.5, rounded half up; the change (0 + 5) / 2 = 2.5 -> 3.
    assert summary.headline == (
        "Across 2 teams, the average overall score is 58 / 100, up 3 since 2026 Q2."
    )


def test_a_fall_reads_down_and_no_change_reads_unchanged():
    down = summary_of(team("A", (10, 10, 10, 10), previous=(12, 12, 10, 10)))
    assert down.headline == (
        "For the one team assessed, the overall score is 40 / 100, down 4 since 2026 Q2."
    )
    same = summary_of(team("A", (10, 10, 10, 10), previous=(12, 8, 10, 10)))
    assert same.headline.endswith("40 / 100, unchanged since 2026 Q2.")


def test_the_change_counts_only_teams_assessed_in_both_quarters_and_says_so():
    summary = summary_of(
        team("A", (20, 20, 20, 20), previous=(18, 18, 18, 18)),
        team("B", (10, 10, 10, 10)),
        team("C", (12, 12, 12, 12)),
    )
    # (80 + 40 + 48) / 3 = 56; only A has a previous quarter: +8.
    assert summary.headline == (
        "Across 3 teams, the average overall score is 56 / 100, up 8 since 2026 Q2 "
        "(for the 1 team assessed in both quarters)."
    )


def test_without_a_previous_quarter_there_is_nothing_to_compare_and_no_change_sentences():
    summary = summary_of(team("A", (20, 15, 10, 5)), team("B", (15, 15, 15, 15)))
    assert summary.headline == (
        "Across 2 teams, the average overall score is 55 / 100; "
        "no team was assessed in 2026 Q2 to compare with."
    )
    assert summary.changes == ()


def test_no_team_at_all_says_so_and_nothing_else():
    summary = summary_of()
    assert summary.sentences == ("No team has submitted an assessment for 2026 Q3.",)


def test_each_team_gets_its_strongest_and_weakest_dimension_with_totals():
    summary = summary_of(team("Enterprise", (20, 15, 10, 5)))
    assert summary.team_lines == (
        "Enterprise: strongest Value Orientation (20 / 25), "
        "weakest Manageability & Productivity (5 / 25).",
    )


def test_tied_dimensions_are_all_named_and_a_flat_team_is_said_to_be_flat():
    summary = summary_of(team("SMB", (15, 20, 15, 15)), team("Flat", (12, 12, 12, 12)))
    assert summary.team_lines == (
        "SMB: strongest CX & Delivery (20 / 25), weakest Value Orientation, "
        "Adaptability & Organization and Manageability & Productivity (15 / 25).",
        "Flat: every dimension at 12 / 25.",
    )


def test_the_biggest_gain_and_drop_name_the_team_the_dimension_and_both_totals():
    summary = summary_of(
        team("Enterprise", (20, 15, 10, 5), previous=(17, 15, 10, 10)),
        team("SMB", (15, 16, 15, 15), previous=(15, 15, 15, 15)),
    )
    assert summary.changes == (
        "The biggest gain since 2026 Q2: Enterprise, Value Orientation, up 3 (17 → 20).",
        "The biggest drop since 2026 Q2: Enterprise, Manageability & Productivity, "
        "down 5 (10 → 5).",
    )


def test_tied_biggest_gains_are_listed_together():
    summary = summary_of(
        team("Enterprise", (20, 15, 10, 10), previous=(15, 15, 10, 10)),
        team("SMB", (15, 20, 15, 15), previous=(15, 15, 15, 15)),
    )
    assert summary.changes == (
        "The biggest gains since 2026 Q2, up 5 each: Enterprise, Value Orientation (15 → 20) "
        "and SMB, CX & Delivery (15 → 20).",
        "No dimension fell since 2026 Q2.",
    )


def test_nothing_rose_is_said_in_words():
    summary = summary_of(team("A", (10, 10, 10, 10), previous=(10, 10, 10, 12)))
    assert summary.changes[0] == "No dimension rose since 2026 Q2."


def test_without_targets_the_summary_says_none_are_set():
    assert summary_of(team("A", (10, 10, 10, 10))).targets == "No team has set targets yet."


def test_one_team_below_its_targets_is_named_with_each_shortfall():
    summary = summary_of(team("Enterprise", (20, 15, 10, 5), targets={"CX": 18, "MP": 12}))
    assert summary.targets == (
        "Enterprise is below target on CX & Delivery (15, target 18) and "
        "Manageability & Productivity (5, target 12)."
    )


def test_several_teams_with_targets_count_those_below():
    summary = summary_of(
        team("A", (20, 15, 10, 5), targets={"VO": 19}),  # met
        team("B", (10, 10, 10, 10), targets={"AO": 11}),
        team("C", (10, 10, 10, 10)),  # no targets: not counted
    )
    assert summary.targets == (
        "1 of 2 teams with targets is below target: B on Adaptability & Organization "
        "(10, target 11)."
    )


def test_targets_all_met_and_a_target_exactly_reached_counts_as_met():
    one = summary_of(team("A", (20, 15, 10, 5), targets={"VO": 20}))
    assert one.targets == "A meets every target it has set."
    two = summary_of(
        team("A", (20, 15, 10, 5), targets={"VO": 20}), team("B", (9, 9, 9, 9), targets={"MP": 5})
    )
    assert two.targets == "All 2 teams with targets meet them."


def test_teams_that_have_not_submitted_are_named():
    summary = summary_of(team("A", (10, 10, 10, 10)), missing=("Support", "Renewals"))
    assert summary.missing == "2 teams have not submitted for 2026 Q3: Support and Renewals."
    assert summary.sentences[-1] == summary.missing
    single = summary_of(team("A", (10, 10, 10, 10)), missing=("Support",))
    assert single.missing == "1 team has not submitted for 2026 Q3: Support."


def test_rounding_is_half_away_from_zero_and_words_join_like_prose():
    assert [whole(Fraction(n, 2)) for n in (5, -5, 3, 4)] == [3, -3, 2, 2]
    assert join_words([]) == ""
    assert join_words(["A"]) == "A"
    assert join_words(["A", "B"]) == "A and B"
    assert join_words(["A", "B", "C"]) == "A, B and C"


def test_the_same_figures_give_the_same_summary():
    teams = (team("A", (20, 15, 10, 5), previous=(17, 15, 10, 10)), team("B", (9, 9, 9, 9)))
    assert summary_of(*teams) == summary_of(*teams)
