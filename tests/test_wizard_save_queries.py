"""Saving a wizard step costs the same few queries for one answer as for five."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer
from assessments.periods import Quarter
from assessments.services import answers_save, assessment_start
from tests.conftest import questions_of

# The lock, the step's rows, the upsert, the audit trail's rows, updated_at; savepoint, release.
MOST = 7


def save_queries(assessment, questions, score: int, note: str = "") -> int:
    with CaptureQueriesContext(connection) as queries:
        answers_save(assessment=assessment, answers=dict.fromkeys(questions, (score, note)))
    return len(queries)


def test_a_step_save_costs_the_same_queries_for_one_answer_and_for_five(model_v0, team_a, lead_a):
    first, _ = assessment_start(team=team_a, period=Quarter(2026, 2), user=lead_a)
    second, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    step = questions_of(model_v0)[:5]
    created = [save_queries(first, step[:1], 3), save_queries(second, step, 3)]
    changed = [save_queries(first, step[:1], 4, "why"), save_queries(second, step, 4, "why")]
    assert created[0] == created[1] <= MOST
    assert changed[0] == changed[1] <= MOST
    assert Answer.objects.filter(assessment=second, score=4, note="why").count() == 5


def test_each_created_and_changed_answer_has_its_row_in_the_audit_trail(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 2), user=lead_a)
    step = questions_of(model_v0)[:5]
    answers_save(assessment=draft, answers=dict.fromkeys(step, (3, "")))
    answers_save(assessment=draft, answers={step[0]: (5, "better"), step[1]: (3, None)})
    trail = Answer.history.filter(assessment_id=draft.pk).order_by("history_id")
    assert [(row.question_id, row.history_type, row.score, row.note) for row in trail] == [
        *((q.pk, "+", 3, "") for q in step),
        (step[0].pk, "~", 5, "better"),  # step[1] did not change: no row
    ]
    assert {row.id for row in trail} == set(
        Answer.objects.filter(assessment=draft).values_list("pk", flat=True)
    )
