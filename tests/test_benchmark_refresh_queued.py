"""A submission or an import queues a peer benchmark refresh for the worker, once committed."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from assessments.periods import Quarter
from assessments.services import AssessmentError, assessment_start, assessment_submit
from tests.conftest import fill

REFRESH = "assessments.benchmark_tasks.refresh_peer_benchmarks"


def queued() -> int:
    return DBTaskResult.objects.filter(task_path=REFRESH).count()


def test_submitting_queues_a_refresh_after_the_commit(
    model_v0, team_a, lead_a, django_capture_on_commit_callbacks
):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    fill(draft, 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assessment_submit(assessment=draft, user=lead_a)
        assert queued() == 0  # nothing is queued until the submission is committed
    assert len(callbacks) == 1
    assert queued() == 1


def test_a_refused_submit_queues_nothing(
    model_v0, team_a, lead_a, django_capture_on_commit_callbacks
):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(AssessmentError, match="Missing"),
    ):
        assessment_submit(assessment=draft, user=lead_a)  # nothing answered: refused
    assert queued() == 0
