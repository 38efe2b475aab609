"""Carry forward: a new quarter starts from the last submitted answers, checked step by step."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.carry_forward import assessment_carry_forward, carry_source
from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import AssessmentError, answers_save, assessment_start
from catalogue.models import MaturityModel, Question
from tests.conftest import page_form, questions_of, submit

CURRENT = Quarter.containing(timezone.localdate())
LAST = CURRENT.previous()
VO_STEP = 2  # the first dimension: Value Orientation


@pytest.fixture
def lead_client(client, lead_a):
    client.force_login(lead_a)
    return client


def scores_of(model, base=3, **changes):
    return {q.code: changes.get(q.code.replace("-", "_"), base) for q in questions_of(model)}


@pytest.fixture
def last_quarter(model_v0, team_a, lead_a) -> Assessment:
    scores = scores_of(model_v0, VO_1=2, CX_1=4)
    return submit(team_a, lead_a, LAST, scores, notes={"VO-1": "No success plan yet."})


def start(client, team, carry=True):
    page = client.get(reverse("assessments:new"), {"team": team.pk})
    data = page_form(page, "start-form")
    data["team"], data["period"] = str(team.pk), CURRENT.key
    if not carry:
        data.pop("carry_forward", None)
    return client.post(reverse("assessments:new"), data)


def draft_of(team) -> Assessment:
    return Assessment.objects.get(team=team, year=CURRENT.year, quarter=CURRENT.quarter)


def step_url(assessment, step=VO_STEP):
    return reverse("assessments:step", kwargs={"pk": assessment.pk, "step": step})


def rows(assessment) -> dict[str, tuple[int | None, str, str]]:
    return {
        a.question.code: (a.score, a.note, a.carried_from)
        for a in Answer.objects.filter(assessment=assessment).select_related("question")
    }


@pytest.fixture
def carried(lead_client, last_quarter, team_a) -> Assessment:
    assert start(lead_client, team_a).status_code == 302
    return draft_of(team_a)


# --- Offering and copying --------------------------------------------------------------------


def test_the_offer_names_the_team_and_quarter_and_is_ticked(lead_client, last_quarter, team_a):
    page = lead_client.get(reverse("assessments:new"))
    assert f"Start from Enterprise Onboarding&#x27;s {LAST.label} answers" in page.content.decode()
    assert page_form(page, "start-form")["carry_forward"] == "on"


def test_no_offer_without_an_earlier_submission(lead_client, model_v0, team_a, lead_a):
    assessment_start(team=team_a, period=LAST, user=lead_a)  # a draft is not a submission
    page = lead_client.get(reverse("assessments:new"))
    assert "carry_forward" not in page_form(page, "start-form")
    assert "Start from" not in page.content.decode()


def test_no_offer_from_another_model_version(lead_client, last_quarter, team_a):
    MaturityModel.objects.create(  # new quarters start on this version
        code="customer-onboarding",
        version="v9",
        title="Newer",
        status=MaturityModel.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    page = lead_client.get(reverse("assessments:new"))
    assert "carry_forward" not in page_form(page, "start-form")


def test_starting_with_the_offer_copies_every_answer_marked(carried, last_quarter):
    copied = rows(carried)
    source = rows(last_quarter)
    assert len(copied) == 20
    assert copied == {code: (score, note, LAST.label) for code, (score, note, _) in source.items()}
    assert copied["VO-1"] == (2, "No success plan yet.", LAST.label)


def test_unticked_starts_empty(lead_client, last_quarter, team_a):
    assert start(lead_client, team_a, carry=False).status_code == 302
    assert rows(draft_of(team_a)) == {}


def test_resuming_a_draft_does_not_carry_again(lead_client, carried, team_a):
    answers_save(assessment=carried, answers={Question.objects.get(code="VO-2"): (5, None)})
    assert start(lead_client, team_a).status_code == 302
    assert rows(carried)["VO-2"] == (5, "", "")
    assert Answer.objects.filter(assessment=carried).count() == 20


def test_carrying_onto_a_draft_with_answers_is_refused(last_quarter, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=CURRENT, user=lead_a)
    answers_save(assessment=draft, answers={Question.objects.get(code="VO-2"): (5, "")})
    with pytest.raises(AssessmentError, match="already has answers"):
        assessment_carry_forward(assessment=draft, source=last_quarter, user=lead_a)
    assert rows(draft) == {"VO-2": (5, "", "")}


def test_only_an_earlier_submission_of_the_same_team_is_a_source(
    last_quarter, team_a, team_b, lead_a, lead_b
):
    other, _ = assessment_start(team=team_b, period=CURRENT, user=lead_b)
    assert carry_source(other) is None
    with pytest.raises(AssessmentError):
        assessment_carry_forward(assessment=other, source=last_quarter, user=lead_b)
    assert rows(other) == {}
    earlier, _ = assessment_start(team=team_a, period=LAST.previous(), user=lead_a)
    assert carry_source(earlier) is None


# --- The wizard --------------------------------------------------------------------------------


def test_each_carried_question_shows_its_badge(lead_client, carried):
    html = lead_client.get(step_url(carried)).content.decode()
    for n in range(1, 6):
        assert f'id="carried-VO-{n}">from {LAST.label}</span>' in html
    assert "I have checked these answers" in html


def test_saving_without_the_confirmation_is_refused_and_saves_nothing(lead_client, carried):
    data = page_form(lead_client.get(step_url(carried)))
    data.update({"nav": "next", "VO-2": "4"})  # VO-1, VO-3.. are left unchecked
    response = lead_client.post(step_url(carried), data)
    assert response.status_code == 400
    assert "Tick “I have checked these answers”" in response.content.decode()
    assert rows(carried)["VO-2"] == (3, "", LAST.label)


@pytest.mark.parametrize("nav", ["next", "save", "back"])
def test_confirming_clears_the_marks_of_that_step_only(lead_client, carried, nav):
    data = page_form(lead_client.get(step_url(carried)))
    data.update({"nav": nav, "confirm-carried": "on"})
    assert lead_client.post(step_url(carried), data).status_code == 302
    marks = {code: mark for code, (_s, _n, mark) in rows(carried).items()}
    assert {code for code, mark in marks.items() if mark} == {
        code for code in marks if not code.startswith("VO-")
    }
    html = lead_client.get(step_url(carried)).content.decode()
    assert "carried-VO-1" not in html and "I have checked these answers" not in html


def test_touching_an_answer_clears_its_mark(lead_client, carried):
    answers_save(assessment=carried, answers={Question.objects.get(code="CX-2"): (None, "Why")})
    answers_save(assessment=carried, answers={Question.objects.get(code="CX-3"): (4, None)})
    marks = {code: mark for code, (_s, _n, mark) in rows(carried).items()}
    assert marks["CX-2"] == marks["CX-3"] == ""
    assert marks["CX-1"] == LAST.label


def test_a_step_whose_carried_answers_were_all_changed_needs_no_confirmation(lead_client, carried):
    data = page_form(lead_client.get(step_url(carried)))
    data.update({f"VO-{n}": "4" for n in range(1, 6)} | {"nav": "next", "VO-1": "3"})
    assert lead_client.post(step_url(carried), data).status_code == 302
    assert all(rows(carried)[f"VO-{n}"][2] == "" for n in range(1, 6))


def test_submit_is_refused_until_every_step_is_confirmed(lead_client, carried):
    submit_url = reverse("assessments:submit", kwargs={"pk": carried.pk})
    data = page_form(lead_client.get(step_url(carried)))
    lead_client.post(step_url(carried), {**data, "confirm-carried": "on", "nav": "save"})
    response = lead_client.post(submit_url, follow=True)
    expected = (
        f"Confirm the answers carried from {LAST.label} on: CX &amp; Delivery, "
        "Adaptability &amp; Organization, Manageability &amp; Productivity."
    )
    assert expected in response.content.decode()
    carried.refresh_from_db()
    assert not carried.is_submitted
    for step in (3, 4, 5):
        data = page_form(lead_client.get(step_url(carried, step)))
        lead_client.post(step_url(carried, step), {**data, "confirm-carried": "on"})
    lead_client.post(submit_url)
    carried.refresh_from_db()
    assert carried.is_submitted


def test_a_score_moved_by_two_asks_what_changed_once(lead_client, carried):
    data = page_form(lead_client.get(step_url(carried)))
    data.update({"nav": "next", "confirm-carried": "on", "VO-1": "4", "VO-2": "4"})
    response = lead_client.post(step_url(carried), data)
    assert response.url == step_url(carried)  # shown again: VO-1 went from 2 to 4
    html = lead_client.get(step_url(carried)).content.decode()
    assert "You changed this by 2 or more since" in html
    assert 'id="moved-VO-1"' in html and 'id="moved-VO-2"' not in html  # VO-2: 3 -> 4
    again = lead_client.post(step_url(carried), page_form(lead_client.get(step_url(carried))))
    assert again.url == step_url(carried, VO_STEP + 1)  # asked once: on it goes


def test_a_note_answers_what_changed(lead_client, carried):
    data = page_form(lead_client.get(step_url(carried)))
    data.update({"nav": "next", "confirm-carried": "on", "VO-1": "5", "VO-1-note": "Plans now"})
    assert lead_client.post(step_url(carried), data).url == step_url(carried, VO_STEP + 1)
    assert "moved-VO-1" not in lead_client.get(step_url(carried)).content.decode()


def test_a_step_page_makes_as_many_queries_carried_or_not(
    client, lead_a, carried, team_b, lead_b, model_v0
):
    plain, _ = assessment_start(team=team_b, period=CURRENT, user=lead_b)
    answers_save(
        assessment=plain,
        answers=dict.fromkeys(questions_of(model_v0), (3, "")),
    )
    counts = []
    for user, draft in ((lead_a, carried), (lead_b, plain)):
        client.force_login(user)
        client.get(step_url(draft))  # warm the structure cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(step_url(draft)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_background_save_keeps_the_change_without_the_confirmation(lead_client, carried):
    data = page_form(lead_client.get(step_url(carried)))
    data["VO-2"] = "5"
    response = lead_client.post(step_url(carried), data, headers={"X-Autosave": "1"})
    assert response.status_code == 200
    assert rows(carried)["VO-2"] == (5, "", "")
    assert rows(carried)["VO-3"] == (3, "", LAST.label)  # still to check


def test_confirming_a_step_is_in_the_audit_trail_with_who_confirmed(lead_client, carried, lead_a):
    data = page_form(lead_client.get(step_url(carried)))
    data.update({"nav": "save", "confirm-carried": "on"})
    lead_client.post(step_url(carried), data)
    confirmed = Answer.history.filter(
        assessment_id=carried.pk, question__code="VO-1", history_type="~", carried_from=""
    )
    assert [record.history_user for record in confirmed] == [lead_a]


def test_the_review_lists_each_step_still_to_confirm(lead_client, carried):
    data = page_form(lead_client.get(step_url(carried)))
    data.update({"nav": "save", "confirm-carried": "on"})
    lead_client.post(step_url(carried), data)
    html = lead_client.get(step_url(carried, 7)).content.decode()
    assert "Answers carried from an earlier quarter still need a check" in html
    assert "Confirm Value Orientation" not in html
    for step, name in ((3, "CX &amp; Delivery"), (5, "Manageability &amp; Productivity")):
        assert f'<a href="{step_url(carried, step)}">Confirm {name}</a>' in html
