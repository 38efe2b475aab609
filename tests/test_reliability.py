"""Failures and odd input leave the data as it was."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import answers_save, assessment_start, assessment_submit
from catalogue.models import Question
from tests.conftest import fill

CODES = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]


def snapshot(assessment: Assessment):
    row = Assessment.objects.filter(pk=assessment.pk).values(
        "status",
        "company_stage",
        "customer_segment",
        "touch_model",
        "onboarding_weeks",
        "submitted_at",
    )[0]
    answers = sorted(
        Answer.objects.filter(assessment=assessment).values_list(
            "question__code", "score", "note", "question_text"
        )
    )
    return row, answers


def test_a_submit_that_fails_half_way_leaves_the_draft_as_it_was(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 3)
    before = snapshot(draft)
    real = Answer.objects.bulk_update

    def write_then_fail(*args, **kwargs):
        real(*args, **kwargs)  # the frozen texts are written...
        raise RuntimeError("power cut")  # ...and then the submit dies

    with (
        mock.patch.object(Answer.objects, "bulk_update", side_effect=write_then_fail),
        pytest.raises(RuntimeError),
    ):
        assessment_submit(assessment=draft, user=lead_a)
    assert snapshot(draft) == before
    assert before[0]["status"] == "draft" and all(text == "" for *_, text in before[1])


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_different_questions_at_once_keep_both(
    model_v0_tx, team_a, lead_a, consultant
):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    questions = {q.code: q for q in Question.objects.filter(dimension__model=model_v0_tx)}
    barrier = threading.Barrier(2)
    errors = []

    def save(codes, score):
        try:
            barrier.wait()
            for code in codes:
                answers_save(assessment=draft, answers={questions[code]: (score, f"by {score}")})
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(CODES[:10], 2)),
        threading.Thread(target=save, args=(CODES[10:], 4)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    saved = dict(Answer.objects.filter(assessment=draft).values_list("question__code", "score"))
    assert saved == {code: 2 if i < 10 else 4 for i, code in enumerate(CODES)}


# --- Random input never causes a 500, and rejected input changes nothing ---------------------

FIELD_NAMES = st.sampled_from(
    [*CODES, *(f"{c}-note" for c in CODES), *(f"initial-{c}" for c in CODES)]
    + ["nav", "goto", "company_stage", "customer_segment", "touch_model", "onboarding_weeks"]
    + ["team", "period", "file", "size", "page", "x"]
)
VALUES = st.one_of(
    st.sampled_from(
        ["", "0", "1", "3", "5", "6", "-1", "abc", "3.5", "next", "back", "save", "99"]
        + ["²", "①", "٣", "\x00"]  # digits int() refuses or reads; a NUL
    ),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
BODIES = st.dictionaries(FIELD_NAMES, VALUES, max_size=12)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def fuzz_target(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 3)
    Answer.objects.filter(assessment=draft, question__code__in=CODES[15:]).delete()
    client = Client()
    client.force_login(lead_a)
    return client, draft


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 6])
@FUZZ
@given(body=BODIES)
def test_random_wizard_posts(fuzz_target, step, body):
    client, draft = fuzz_target
    before = snapshot(draft)
    response = client.post(reverse("assessments:step", args=[draft.pk, step]), body)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert snapshot(draft) == before
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


@FUZZ
@given(body=BODIES)
def test_random_submit_posts_never_submit_an_incomplete_draft(fuzz_target, body):
    client, draft = fuzz_target
    before = snapshot(draft)
    response = client.post(reverse("assessments:submit", args=[draft.pk]), body)
    assert response.status_code == 302
    assert snapshot(draft) == before


@FUZZ
@given(body=BODIES)
def test_random_start_posts(fuzz_target, body):
    client, _ = fuzz_target
    count = Assessment.objects.count()
    response = client.post(reverse("assessments:new"), body)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert Assessment.objects.count() == count


@FUZZ
@given(params=BODIES)
def test_random_export_requests(fuzz_target, params):
    client, draft = fuzz_target
    before = snapshot(draft)
    for url in (
        reverse("assessments:export-json", args=[draft.pk]),
        reverse("assessments:export-csv", args=["acme"]),
        reverse("assessments:dashboard"),
    ):
        assert client.get(url, params).status_code < 500
        assert client.post(url, params).status_code in (403, 405)
    assert snapshot(draft) == before


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.text(max_size=12))
def test_random_pdf_sizes(client, submitted_assessment, lead_a, size):
    client.force_login(lead_a)
    response = client.get(
        reverse("assessments:report-pdf", args=[submitted_assessment.pk]), {"size": size}
    )
    assert response.status_code in (200, 400)
