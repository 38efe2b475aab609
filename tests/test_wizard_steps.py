"""The wizard's step numbers, without a database."""

from __future__ import annotations

import pytest

from assessments.wizard import CONTEXT_STEP, WizardSteps

STEPS = WizardSteps(dimension_count=4)
RESPONDENT = WizardSteps(dimension_count=4, respondent=True)


def test_context_then_one_step_per_dimension_then_figures_then_review():
    assert CONTEXT_STEP == 1
    assert [STEPS.for_dimension(i) for i in range(4)] == [2, 3, 4, 5]
    assert STEPS.figures == 6
    assert STEPS.review == STEPS.last == 7
    assert [STEPS.dimension_index(step) for step in range(0, 9)] == [
        None,
        None,
        0,
        1,
        2,
        3,
        None,
        None,
        None,
    ]
    assert [STEPS.is_figures(step) for step in (5, 6, 7)] == [False, True, False]
    assert [STEPS.contains(step) for step in (0, 1, 7, 8)] == [False, True, True, False]
    with pytest.raises(IndexError):
        STEPS.for_dimension(4)


def test_titles_number_every_step():
    assert STEPS.titles(["A", "B", "C", "D"]) == [
        (1, "Context"),
        (2, "A"),
        (3, "B"),
        (4, "C"),
        (5, "D"),
        (6, "Outcome figures"),
        (7, "Review and submit"),
    ]


def test_a_respondent_has_neither_the_context_nor_the_figures_step():
    assert RESPONDENT.titles(["A", "B", "C", "D"]) == [
        (2, "A"),
        (3, "B"),
        (4, "C"),
        (5, "D"),
        (7, "Review and submit"),
    ]
    assert [RESPONDENT.is_shown(step) for step in range(0, 9)] == [
        False,
        False,
        True,
        True,
        True,
        True,
        False,
        True,
        False,
    ]
    assert RESPONDENT.first == 2
    assert RESPONDENT.has_back(2) is False
    assert STEPS.has_back(2) is True


@pytest.mark.parametrize(
    "step, nav, goto, expected",
    [
        (1, "next", "", 2),
        (5, "next", "", 6),  # the last dimension leads to the figures
        (6, "next", "", 7),
        (7, "next", "", 7),  # the review is the last step
        (7, "back", "", 6),
        (3, "back", "", 2),
        (1, "back", "", 1),
        (4, "save", "", 4),
        (2, "next", "5", 5),  # a step link wins over the button
        (2, "back", "7", 7),
        (2, "next", "8", 3),  # beyond the last step: ignored
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
        ([5, 5, 5, 5], [True] * 4, 7),  # all answered: the review
    ],
)
def test_a_draft_resumes_at_the_first_unfinished_dimension(answered, complete, expected):
    assert STEPS.resume(answered, complete) == expected


def test_progress_and_back():
    assert [STEPS.previous(step) for step in (1, 2, 6, 7)] == [1, 1, 5, 6]
    assert [STEPS.position(step) for step in (1, 6, 7)] == [1, 6, 7]


def test_a_respondent_s_steps_count_from_their_first_and_skip_the_lead_s():
    assert [RESPONDENT.position(step) for step in (2, 4, 5, 7)] == [1, 3, 4, 5]
    assert RESPONDENT.previous(7) == 5  # back from the review skips the figures
    assert RESPONDENT.previous(2) == 2
    assert RESPONDENT.next(5) == 7
    assert RESPONDENT.after_save(5) == 7
    assert RESPONDENT.after_save(3, goto="6") == 4  # a link to the lead's step is ignored
    assert RESPONDENT.after_save(3, goto="1") == 4
    assert RESPONDENT.resume([0, 0, 0, 0], [False] * 4) == 2
