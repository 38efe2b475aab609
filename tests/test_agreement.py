"""Agreeing one score from several people's answers: pure rules, no database."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.agreement import DISCUSS_SPREAD, Spread, conservative_median

scores = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=40)


@pytest.mark.parametrize(
    ("given_scores", "expected"),
    [
        ([4], 4),
        ([1, 5, 3], 3),
        ([5, 1, 2, 4, 3], 3),
        ([2, 2, 5], 2),
        ([5, 5, 1], 5),
    ],
)
def test_an_odd_number_of_scores_agrees_the_middle_one(given_scores, expected):
    assert conservative_median(given_scores) == expected


@pytest.mark.parametrize(
    ("given_scores", "expected"),
    [
        ([1, 2], 1),  # 1.5
        ([2, 3], 2),  # 2.5
        ([3, 4], 3),  # 3.5
        ([4, 5], 4),  # 4.5
        ([5, 1, 4, 2], 3),  # 3.0: the middle two are 2 and 4
        ([1, 3, 3, 5], 3),
        ([4, 4, 1, 5], 4),
        ([1, 1, 2, 2, 5, 5], 2),  # 2.0 though the mean is 2.67
    ],
)
def test_an_even_number_of_scores_agrees_the_median_with_halves_going_down(given_scores, expected):
    assert conservative_median(given_scores) == expected


@pytest.mark.parametrize(
    ("given_scores", "median", "default"),
    [((1, 2), 1.5, 1), ((2, 3), 2.5, 2), ((3, 4), 3.5, 3), ((4, 5), 4.5, 4)],
)
def test_a_spread_keeps_the_true_median_and_agrees_the_lower_score_at_every_half(
    given_scores, median, default
):
    spread = Spread(given_scores)
    assert spread.median == median
    assert spread.default_agreed == default


def test_a_spread_says_how_far_apart_the_scores_are():
    spread = Spread((4, 1, 3, 3))
    assert spread.count == 4
    assert (spread.lowest, spread.highest, spread.spread) == (1, 4, 3)
    assert spread.median == 3 and spread.default_agreed == 3


def test_a_spread_of_one_is_not_worth_discussing_and_a_spread_of_two_is():
    assert DISCUSS_SPREAD == 2
    assert not Spread((3, 3, 3)).to_discuss
    assert Spread((3, 4)).spread == 1 and not Spread((3, 4)).to_discuss
    assert Spread((3, 5)).spread == 2 and Spread((3, 5)).to_discuss
    assert Spread((2, 3, 4)).to_discuss
    assert Spread((1, 5)).to_discuss


def test_the_distribution_counts_each_score_given_lowest_first_and_leaves_out_the_others():
    assert Spread((5, 1, 3, 3, 5, 3)).distribution == ((1, 1), (3, 3), (5, 2))
    assert Spread((2,)).distribution == ((2, 1),)


def test_one_score_is_its_own_agreed_score_with_nothing_to_discuss():
    spread = Spread((4,))
    assert spread.count == 1
    assert spread.median == 4 and spread.default_agreed == 4
    assert (spread.lowest, spread.highest, spread.spread) == (4, 4, 0)
    assert not spread.to_discuss
    assert spread.distribution == ((4, 1),)
    assert conservative_median([4]) == 4


def test_no_scores_at_all_are_refused():
    with pytest.raises(ValueError, match="at least one score"):
        Spread(())
    with pytest.raises(ValueError, match="No scores"):
        conservative_median([])


@pytest.mark.parametrize("bad", [0, 6, -1, 10])
def test_a_score_outside_one_to_five_is_refused(bad):
    with pytest.raises(ValueError, match="from 1 to 5"):
        Spread((3, bad))


@given(scores)
def test_the_default_agreed_score_is_always_a_score_of_the_scale(given_scores):
    assert Spread(tuple(given_scores)).default_agreed in (1, 2, 3, 4, 5)


@given(scores)
def test_the_default_agreed_score_lies_between_the_lowest_and_the_highest(given_scores):
    agreed = conservative_median(given_scores)
    assert min(given_scores) <= agreed <= max(given_scores)


@given(scores)
def test_the_default_agreed_score_never_exceeds_the_true_median(given_scores):
    agreed = conservative_median(given_scores)
    true_median = statistics.median(given_scores)
    assert agreed <= true_median
    assert true_median - agreed < 1  # rounded down to the score just below, no further


@given(scores)
def test_the_order_of_the_answers_never_changes_the_agreed_score(given_scores):
    assert conservative_median(given_scores) == conservative_median(sorted(given_scores))
    assert conservative_median(given_scores) == conservative_median(given_scores[::-1])


@given(scores)
def test_the_distribution_accounts_for_every_score(given_scores):
    spread = Spread(tuple(given_scores))
    assert sum(count for _score, count in spread.distribution) == spread.count
    assert [score for score, _count in spread.distribution] == sorted(set(given_scores))
    assert spread.to_discuss == (spread.highest - spread.lowest >= 2)
