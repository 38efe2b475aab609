"""Failures and odd input leave the data as it was."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
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
#
# Each example runs in a savepoint that is rolled back afterwards, so every example starts from
# the fixture's state however the ones before it went. Posts that are refused must leave the
# data exactly as it was; posts that are accepted must store exactly what they asked for.

FIELD_NAMES = st.sampled_from(
    [*CODES, *(f"{c}-note" for c in CODES), *(f"shown-{c}" for c in CODES)]
    + ["nav", "goto", "company_stage", "customer_segment", "touch_model", "onboarding_weeks"]
    + ["team", "period", "file", "size", "page", "x"]
)
VALUES = st.one_of(
    st.sampled_from(
        ["", "0", "1", "3", "5", "6", "-1", "abc", "3.5", "next", "back", "save", "99"]
        + ["²", "①", "٣", "\x00"]  # digits int() refuses or reads; a NUL
        + ["early", "growth", "smb", "enterprise", "high", "low", "3.0", " 12 "]  # valid context
    ),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
BODIES = st.dictionaries(FIELD_NAMES, VALUES, max_size=12)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
STEP_CODES = {step: CODES[(step - 2) * 5 : (step - 1) * 5] for step in (2, 3, 4, 5)}


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is always undone: the next one starts afresh."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def answers_by_code(answers) -> dict[str, tuple]:
    return {code: (score, note, text) for code, score, note, text in answers}


def posted_note(value: str) -> str:
    """A note as the wizard stores it: trimmed, with the browser's CRLF counted as one break."""
    return value.strip().replace("\r\n", "\n").replace("\r", "\n").strip()


def posted_weeks(value: str) -> int | None:
    value = value.strip()
    return int(value.split(".")[0]) if value else None


def assert_context_saved(before, after, body):
    row_before, answers_before = before
    row_after, answers_after = after
    assert answers_after == answers_before
    for field in ("company_stage", "customer_segment", "touch_model"):
        assert row_after[field] == body.get(field, "")
    assert row_after["onboarding_weeks"] == posted_weeks(body.get("onboarding_weeks", ""))
    assert (row_after["status"], row_after["submitted_at"]) == ("draft", None)


def assert_only_this_steps_answers_changed(before, after, step, body):
    row_before, answers_before = before
    row_after, answers_after = after
    assert row_after == row_before
    old, new = answers_by_code(answers_before), answers_by_code(answers_after)
    others = set(CODES) - set(STEP_CODES[step])
    assert {c: old.get(c) for c in others} == {c: new.get(c) for c in others}
    for code in STEP_CODES[step]:
        score_before, note_before, _ = old.get(code, (None, "", ""))
        score_after, note_after, text_after = new.get(code, (None, "", ""))
        assert text_after == ""  # a draft freezes no wording
        if score_after != score_before:
            assert str(score_after) == body[code]
        if note_after != note_before:
            assert note_after == posted_note(body.get(f"{code}-note", ""))


@pytest.fixture
def fuzz_target(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 3)
    Answer.objects.filter(assessment=draft, question__code__in=CODES[15:]).delete()
    client = Client()
    client.force_login(lead_a)
    return client, draft


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 6, 7])
@FUZZ
@given(body=BODIES)
def test_random_wizard_posts(fuzz_target, step, body):
    client, draft = fuzz_target
    with rolled_back():
        before = snapshot(draft)
        response = client.post(reverse("assessments:step", args=[draft.pk, step]), body)
        after = snapshot(draft)
        # 409: the body claimed its page showed something other than what is saved
        assert response.status_code in (302, 400, 409)
        if response.status_code in (400, 409) or step in (6, 7):  # figures, review
            assert after == before
        elif step == 1:
            assert_context_saved(before, after, body)
        else:
            assert_only_this_steps_answers_changed(before, after, step, body)


SCORES = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
NOTES = st.one_of(
    st.sampled_from(["", "  spaced  ", "two\r\nlines", "cr\ronly", "=1+1", "<b>x</b>"]),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=30,
    ),
)


@pytest.mark.parametrize("step", [2, 3, 4, 5])
@FUZZ
@given(
    answers=st.lists(st.tuples(SCORES, NOTES), min_size=5, max_size=5),
    nav=st.sampled_from(["next", "save", "back", ""]),
)
def test_valid_wizard_posts_store_exactly_what_was_posted(fuzz_target, step, answers, nav):
    """What the browser posts: the shown values in hidden shown-* fields, the chosen ones beside."""
    client, draft = fuzz_target
    with rolled_back():
        old = answers_by_code(snapshot(draft)[1])
        body, expected = {"nav": nav}, {}
        for code, (score, note) in zip(STEP_CODES[step], answers, strict=True):
            score_before, note_before, _ = old.get(code, (None, "", ""))
            body[f"shown-{code}"] = "" if score_before is None else str(score_before)
            body[f"shown-{code}-note"] = note_before
            if score is not None:
                body[code] = str(score)
            body[f"{code}-note"] = note
            stored = (score if score is not None else score_before, posted_note(note), "")
            if stored[:2] != (None, ""):
                expected[code] = stored
        response = client.post(reverse("assessments:step", args=[draft.pk, step]), body)
        assert response.status_code == 302
        target = {"next": step + 1, "": step + 1, "save": step, "back": step - 1}[nav]
        assert response["Location"] == reverse("assessments:step", args=[draft.pk, target])
        new = answers_by_code(snapshot(draft)[1])
        assert {c: new[c] for c in STEP_CODES[step] if c in new} == expected
        assert {c: new.get(c) for c in CODES if c not in STEP_CODES[step]} == {
            c: old.get(c) for c in CODES if c not in STEP_CODES[step]
        }


@FUZZ
@given(
    stage=st.sampled_from(["", *Assessment.CompanyStage.values]),
    segment=st.sampled_from(["", *Assessment.CustomerSegment.values]),
    touch=st.sampled_from(["", *Assessment.TouchModel.values]),
    weeks=st.one_of(st.none(), st.integers(min_value=1, max_value=104)),
)
def test_valid_context_posts_store_exactly_what_was_posted(
    fuzz_target, stage, segment, touch, weeks
):
    client, draft = fuzz_target
    body = {
        "company_stage": stage,
        "customer_segment": segment,
        "touch_model": touch,
        "onboarding_weeks": "" if weeks is None else str(weeks),
        "nav": "next",
    }
    with rolled_back():
        before = snapshot(draft)
        response = client.post(reverse("assessments:step", args=[draft.pk, 1]), body)
        assert response.status_code == 302
        row, answers = snapshot(draft)
        assert answers == before[1]
        assert (row["company_stage"], row["customer_segment"], row["touch_model"]) == (
            stage,
            segment,
            touch,
        )
        assert row["onboarding_weeks"] == weeks


@FUZZ
@given(body=BODIES)
def test_random_submit_posts_never_submit_an_incomplete_draft(fuzz_target, body):
    client, draft = fuzz_target
    with rolled_back():
        before = snapshot(draft)
        response = client.post(reverse("assessments:submit", args=[draft.pk]), body)
        assert response.status_code == 302
        assert snapshot(draft) == before
        assert before[0]["status"] == "draft"


@FUZZ
@given(
    body=BODIES,
    own_team=st.booleans(),
    period=st.sampled_from([None, "current", "previous", "next"]),
)
def test_random_start_posts(fuzz_target, body, own_team, period):
    client, draft = fuzz_target
    today = Quarter.containing(timezone.localdate())
    quarters = {"current": today, "previous": today.previous(), "next": today.next()}
    body = dict(body)
    if own_team:
        body["team"] = str(draft.team_id)
    if period:
        body["period"] = quarters[period].key
    with rolled_back():
        rows_before = list(Assessment.objects.order_by("pk").values())
        draft_before = snapshot(draft)
        response = client.post(reverse("assessments:new"), body)
        assert response.status_code in (302, 400, 404)
        assert snapshot(draft) == draft_before
        new_rows = Assessment.objects.exclude(pk__in=[row["id"] for row in rows_before])
        if response.status_code != 302:
            assert list(Assessment.objects.order_by("pk").values()) == rows_before
            return
        # Accepted: the posted team's draft for the posted quarter, created only if need be.
        quarter = Quarter.parse(body["period"])
        started = Assessment.objects.get(
            team_id=int(body["team"]), year=quarter.year, quarter=quarter.quarter
        )
        assert response["Location"] == reverse("assessments:step", args=[started.pk, 1])
        assert started.status == "draft"
        assert list(new_rows) == ([] if started.pk == draft.pk else [started])
        assert quarter <= today


@FUZZ
@given(params=BODIES)
def test_random_export_requests(fuzz_target, params):
    client, draft = fuzz_target
    with rolled_back():
        before = snapshot(draft), Assessment.objects.count()
        for url in (
            reverse("assessments:export-json", args=[draft.pk]),
            reverse("assessments:export-csv", args=["acme"]),
            reverse("assessments:dashboard"),
        ):
            assert client.get(url, params).status_code == 200
            assert client.post(url, params).status_code in (403, 405)
        assert (snapshot(draft), Assessment.objects.count()) == before


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    size=st.one_of(
        st.sampled_from(["a4", "A4", "letter", "LETTER", "a3", ""]), st.text(max_size=12)
    )
)
def test_random_pdf_sizes(client, submitted_assessment, lead_a, size):
    client.force_login(lead_a)
    before = snapshot(submitted_assessment)
    response = client.get(
        reverse("assessments:report-pdf", args=[submitted_assessment.pk]), {"size": size}
    )
    if size.lower() in ("a4", "letter"):
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
    else:
        assert response.status_code == 400
    assert snapshot(submitted_assessment) == before
