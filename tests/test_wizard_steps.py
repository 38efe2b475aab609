"""The wizard's step numbers, without a database."""

from __future__ import annotations

import pytest

from assessments.wizard import CONTEXT_STEP, WizardSteps

STEPS = WizardSteps(dimension_count=4)


def test_context_then_one_step_per_dimension_then_review():
    assert CONTEXT_STEP == 1
    assert [STEPS.for_dimension(i) for i in range(4)] == [2, 3, 4, 5]
    assert STEPS.review == STEPS.last == 6
    assert [STEPS.dimension_index(step) for step in range(0, 8)] == [
        None,
        None,
        0,
        1,
        2,
        3,
        None,
        None,
    ]
    assert [STEPS.contains(step) for step in (0, 1, 6, 7)] == [False, True, True, False]
    with pytest.raises(IndexError):
        STEPS.for_dimension(4)


def test_titles_number_every_step():
    assert STEPS.titles(["A", "B", "C", "D"]) == [
        (1, "Context"),
        (2, "A"),
        (3, "B"),
        (4, "C"),
        (5, "D"),
        (6, "Review and submit"),
    ]


@pytest.mark.parametrize(
    "step, nav, goto, expected",
    [
        (1, "next", "", 2),
        (5, "next", "", 6),
        (6, "next", "", 6),  # the review is the last step
        (3, "back", "", 2),
        (1, "back", "", 1),
        (4, "save", "", 4),
        (2, "next", "5", 5),  # a step link wins over the button
        (2, "back", "6", 6),
        (2, "next", "7", 3),  # beyond the last step: ignored
        (2, "next", "0", 3),
        (2, "next", "²", 3),  # not an ASCII digit
        (2, "next", "٣", 3),
        (2, "next", "9" * 5000, 3),  # past Python's int-string limit: ignored, not a crash
        (2, "", "", 3),
    ],
)
def test_where_a_save_leads(step, nav, goto, expected):
    assert STEPS.after_save(step, nav=nav, goto=goto) == expected


@pytest.mark.parametrize(
    "answered, complete, expected",
    [
        ([0, 0, 0, 0], [False] * 4, 1),  # nothing scored: start with the context
        ([5, 2, 0, 0], [True, False, False, False], 3),
        ([5, 5, 5, 4], [True, True, True, False], 5),
        ([0, 0, 3, 0], [False, False, False, False], 2),
        ([5, 5, 5, 5], [True] * 4, 6),  # all answered: the review
    ],
)
def test_a_draft_resumes_at_the_first_unfinished_dimension(answered, complete, expected):
    assert STEPS.resume(answered, complete) == expected


def test_progress_and_back():
    assert [STEPS.percent_done(step) for step in (1, 3, 6)] == [17, 50, 100]
    assert [STEPS.previous(step) for step in (1, 2, 6)] == [1, 1, 5]


def test_a_respondent_s_progress_counts_from_their_first_step():
    assert [STEPS.percent_done(step, skipped=1) for step in (2, 4, 6)] == [20, 60, 100]
