"""The peer benchmark rules, without a database: cohorts, quartiles and the minimum."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest

from assessments.benchmarks import (
    ALL,
    MIN_OTHERS,
    Quartiles,
    TeamTotals,
    choose_cohort,
    cohort_figures,
    cohort_key,
    describe,
    enough_peers,
    plain,
    quartiles,
)

GROWTH_SMB_LOW = cohort_key("growth", "smb", "low")
SCALE_ENT_HIGH = cohort_key("scale", "enterprise", "high")


def q(lower: str, median: str, upper: str) -> Quartiles:
    return Quartiles(Decimal(lower), Decimal(median), Decimal(upper))


def team(organization: int, cohort: str | None, total: int, code: str = "VO") -> TeamTotals:
    return TeamTotals(organization_id=organization, cohort=cohort, totals={code: total})


def figure(figures, cohort: str, code: str = "VO"):
    (found,) = [f for f in figures if f.cohort == cohort and f.dimension_code == code]
    return found


# --- Cohorts -------------------------------------------------------------------------------


def test_the_cohort_is_stage_segment_and_touch_together():
    assert GROWTH_SMB_LOW == "stage=growth|segment=smb|touch=low"
    assert cohort_key("growth", "smb", "high") != GROWTH_SMB_LOW


@pytest.mark.parametrize(
    "context", [("", "smb", "low"), ("growth", "", "low"), ("growth", "smb", "")]
)
def test_a_context_missing_any_part_has_no_exact_cohort(context):
    assert cohort_key(*context) is None


def test_the_description_names_the_cohort_in_words_or_says_all():
    assert describe(GROWTH_SMB_LOW, 12) == "12 growth-stage, SMB, low-touch organizations"
    assert describe(SCALE_ENT_HIGH, 6) == "6 scale-up, enterprise, high-touch organizations"
    assert describe(ALL, 40) == "all 40 organizations"


# --- Quartiles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [[5, 25], [10, 12, 19], [7, 8, 9, 15, 22], [5, 6, 11, 11, 18, 19, 25, 25], list(range(5, 26))],
)
def test_quartiles_interpolate_like_statistics_quantiles_inclusive(values):
    expected = statistics.quantiles(values, n=4, method="inclusive")
    got = quartiles(values)
    assert [got.lower, got.median, got.upper] == [
        Decimal(str(v)).quantize(Decimal("0.01")) for v in expected
    ]


def test_a_single_value_is_its_own_quartiles():
    assert quartiles([17]) == q("17", "17", "17")


def test_ties_give_the_tied_value():
    assert quartiles([12, 12, 12, 12, 12, 12]) == q("12", "12", "12")
    assert quartiles([10, 12, 12, 12, 20]) == q("12", "12", "12")


def test_quartiles_are_rounded_to_hundredths_half_up():
    # Positions 0.75, 1.5, 2.25 between 10, 11, 13, 14: 10.75, 12, 13.25.
    assert quartiles([13, 10, 14, 11]) == q("10.75", "12", "13.25")
    # Two values: a quarter, half and three quarters of the way from one to the other.
    assert quartiles([5, 6]) == q("5.25", "5.5", "5.75")


def test_no_values_is_an_error():
    with pytest.raises(ValueError):
        quartiles([])


# --- What feeds a cohort ---------------------------------------------------------------------


def test_each_organization_feeds_its_cohort_and_all_once():
    teams = [team(org, GROWTH_SMB_LOW, 10 + org) for org in range(1, 7)]
    teams.append(team(7, SCALE_ENT_HIGH, 25))

    figures = cohort_figures(teams)

    assert figure(figures, GROWTH_SMB_LOW).organizations == 6
    assert figure(figures, SCALE_ENT_HIGH).organizations == 1
    everyone = figure(figures, ALL)
    assert everyone.organizations == 7
    assert everyone.quartiles == quartiles([11, 12, 13, 14, 15, 16, 25])


def test_an_organization_with_several_teams_feeds_the_median_of_their_totals():
    teams = [team(1, GROWTH_SMB_LOW, total) for total in (6, 10, 23)]  # median 10
    teams += [team(2, GROWTH_SMB_LOW, 20), team(2, GROWTH_SMB_LOW, 21)]  # median 20.5

    (smb, everyone) = [f for f in cohort_figures(teams) if f.cohort in (GROWTH_SMB_LOW, ALL)]

    assert smb.organizations == everyone.organizations == 2
    assert smb.quartiles == quartiles([10, 20.5]) == q("12.63", "15.25", "17.88")


def test_teams_of_one_organization_in_two_cohorts_feed_each_its_own_way():
    teams = [team(1, GROWTH_SMB_LOW, 8), team(1, SCALE_ENT_HIGH, 20)]

    figures = cohort_figures(teams)

    assert figure(figures, GROWTH_SMB_LOW).quartiles.median == Decimal("8")
    assert figure(figures, SCALE_ENT_HIGH).quartiles.median == Decimal("20")
    assert figure(figures, ALL).organizations == 1
    assert figure(figures, ALL).quartiles.median == Decimal("14")


def test_a_team_without_an_exact_cohort_feeds_only_all():
    figures = cohort_figures([team(1, None, 9)])
    assert [(f.cohort, f.organizations) for f in figures] == [(ALL, 1)]


def test_every_dimension_gets_its_own_figures():
    teams = [TeamTotals(1, GROWTH_SMB_LOW, {"VO": 5, "CX": 25})]
    figures = cohort_figures(teams)
    assert figure(figures, GROWTH_SMB_LOW, "VO").quartiles.median == Decimal("5")
    assert figure(figures, GROWTH_SMB_LOW, "CX").quartiles.median == Decimal("25")


# --- The minimum and the fallback --------------------------------------------------------------


def test_four_others_is_not_enough_five_is():
    # The figures count the viewing organization too.
    assert MIN_OTHERS == 5
    assert not enough_peers(1 + 4)
    assert enough_peers(1 + 5)


def test_a_cohort_of_four_others_shows_nothing():
    assert choose_cohort({GROWTH_SMB_LOW: 5, ALL: 5}, GROWTH_SMB_LOW) is None


def test_a_cohort_of_five_others_is_shown():
    assert choose_cohort({GROWTH_SMB_LOW: 6, ALL: 40}, GROWTH_SMB_LOW) == GROWTH_SMB_LOW


def test_too_small_a_cohort_falls_back_to_all():
    assert choose_cohort({GROWTH_SMB_LOW: 5, ALL: 6}, GROWTH_SMB_LOW) == ALL


def test_without_an_exact_cohort_all_is_used():
    assert choose_cohort({ALL: 6}, None) == ALL
    assert choose_cohort({ALL: 5}, None) is None


def test_no_figures_at_all_shows_nothing():
    assert choose_cohort({}, GROWTH_SMB_LOW) is None


def test_figures_print_without_trailing_zeros():
    assert [plain(Decimal(v)) for v in ("17.50", "11.25", "20.00", "20", "0.50")] == [
        "17.5",
        "11.25",
        "20",
        "20",
        "0.5",
    ]
