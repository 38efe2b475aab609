"""Several respondents through the pages: inviting, signing up from the e-mailed link,
answering one's own response, agreeing and submitting, the workshop, and every refusal."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.periods import Quarter
from assessments.services import assessment_start
from assessments.team_answers import team_answers
from assessments.team_services import (
    respondent_invite_by_email,
    respondents_invite,
    response_answers_save,
    response_submit,
)
from tests.conftest import fill, make_user, page_form, questions_of

REVIEW = 7
PASSWORD = "a sensible passphrase 42"


@pytest.fixture
def draft(model_v0, team_a, lead_a):
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


@pytest.fixture
def member(acme, team_b, lead_b):
    """Someone of the organization who does not lead team A: lead_b."""
    return lead_b


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step_url(assessment, step):
    return reverse("assessments:step", args=[assessment.pk, step])


def answer_all(respondent, scores: dict[str, int] | int, submit=True):
    questions = questions_of(respondent.assessment.model)
    response_answers_save(
        respondent=respondent,
        answers={
            q: (scores if isinstance(scores, int) else scores.get(q.code, 3), "") for q in questions
        },
    )
    if submit:
        response_submit(respondent=respondent)


def invite(draft, user, lead):
    (respondent,) = respondents_invite(assessment=draft, users=[user], invited_by=lead)
    return respondent


# --- Inviting -----------------------------------------------------------------------------


def test_the_lead_invites_a_colleague_and_someone_new_who_both_get_an_email(
    draft, lead_a, member, django_capture_on_commit_callbacks
):
    client = client_for(lead_a)
    url = reverse("assessments:respondents", args=[draft.pk])
    form = page_form(client.get(url), "invite-form")
    assert f"{member.pk}" in client.get(url).content.decode()
    form.update({"people": str(member.pk), "name": "Nia New", "email": "nia@example.com"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    people = {r.display_name: r for r in Respondent.objects.filter(assessment=draft)}
    assert set(people) == {"Blair Lead", "Nia New"}
    assert people["Nia New"].user is None and people["Nia New"].invitation_digest
    assert sorted(m.to[0] for m in mail.outbox) == ["lead_b@example.com", "nia@example.com"]
    new_mail = next(m for m in mail.outbox if m.to == ["nia@example.com"])
    assert "/invitations/" in new_mail.body and "works once" in new_mail.body
    colleague_mail = next(m for m in mail.outbox if m.to == ["lead_b@example.com"])
    assert step_url(draft, 2) in colleague_mail.body


def test_an_invite_form_without_anyone_is_refused_with_a_message(draft, lead_a):
    client = client_for(lead_a)
    url = reverse("assessments:respondents", args=[draft.pk])
    form = page_form(client.get(url), "invite-form")
    response = client.post(url, form)
    assert response.status_code == 400
    assert "Pick someone from the list or give a new person" in response.content.decode()
    assert not Respondent.objects.exists() and not mail.outbox


def test_a_bad_email_or_a_missing_name_is_refused_and_nothing_is_sent(draft, lead_a):
    client = client_for(lead_a)
    url = reverse("assessments:respondents", args=[draft.pk])
    form = page_form(client.get(url), "invite-form")
    for name, email, message in [
        ("Nia", "not-an-address", "Enter a valid email address"),
        ("", "nia@example.com", "Give the new person"),
    ]:
        response = client.post(url, {**form, "name": name, "email": email})
        assert response.status_code == 400 and message in response.content.decode()
    assert not Respondent.objects.exists() and not mail.outbox


def test_the_team_s_lead_and_consultants_are_not_offered_as_respondents(
    draft, lead_a, consultant, member
):
    html = client_for(lead_a).get(reverse("assessments:respondents", args=[draft.pk]))
    form_html = html.content.decode()
    assert f'value="{member.pk}"' in form_html
    assert f'value="{consultant.pk}"' not in form_html and f'value="{lead_a.pk}"' not in form_html


def test_a_posted_manager_is_refused_and_nobody_is_invited(draft, lead_a, consultant, member):
    client = client_for(lead_a)
    url = reverse("assessments:respondents", args=[draft.pk])
    form = page_form(client.get(url), "invite-form")
    response = client.post(url, {**form, "people": [str(member.pk), str(consultant.pk)]})
    assert response.status_code == 400
    assert not Respondent.objects.exists() and not mail.outbox


# --- Signing up from the link --------------------------------------------------------------


def test_the_emailed_link_creates_an_account_signs_in_and_opens_the_first_questions(draft, lead_a):
    invitation = respondent_invite_by_email(
        assessment=draft, name="Nia New", email="Nia@Example.com", invited_by=lead_a
    )
    client = Client()
    url = reverse("assessments:invitation", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200 and "nia@example.com" in page.content.decode()
    form = page_form(page, "invitation-form")
    form.update({"password": PASSWORD, "password_again": PASSWORD})
    response = client.post(url, form)
    assert response["Location"] == step_url(draft, 2)
    user = get_user_model().objects.get(username="nia@example.com")
    assert (user.first_name, user.last_name, user.check_password(PASSWORD)) == ("Nia", "New", True)
    assert Respondent.objects.get(pk=invitation.respondent.pk).user == user
    assert client.get(step_url(draft, 2)).status_code == 200
    # One time only.
    again = Client().get(url)
    assert again.status_code == 410 and "used already" in again.content.decode()


@pytest.mark.parametrize(
    ("spoil", "status", "message"),
    [
        ("forged", 404, "not valid"),
        ("expired", 410, "has expired"),
        ("withdrawn", 410, "withdrawn"),
        ("submitted", 410, "submitted already"),
    ],
)
def test_a_bad_link_shows_a_clear_page_and_creates_nothing(draft, lead_a, spoil, status, message):
    invitation = respondent_invite_by_email(
        assessment=draft, name="Nia", email="nia@example.com", invited_by=lead_a
    )
    token = invitation.token
    respondent = invitation.respondent
    if spoil == "forged":
        token = token[:-4] + "abcd"
    elif spoil == "expired":
        respondent.invitation_expires_at = timezone.now() - timezone.timedelta(minutes=1)
        respondent.save()
    elif spoil == "withdrawn":
        respondent.removed_at = timezone.now()
        respondent.save()
    elif spoil == "submitted":
        Assessment.objects.filter(pk=draft.pk).update(
            status="submitted", submitted_at=timezone.now()
        )
    users_before = get_user_model().objects.count()
    url = reverse("assessments:invitation", args=[token])
    for response in (
        Client().get(url),
        Client().post(url, {"name": "Nia", "password": PASSWORD, "password_again": PASSWORD}),
    ):
        assert response.status_code == status
        assert message in response.content.decode()
        assert "no account was created" in response.content.decode()
    assert get_user_model().objects.count() == users_before
    assert Respondent.objects.get(pk=respondent.pk).user is None


def test_a_weak_or_mistyped_password_is_refused_and_the_link_still_works(draft, lead_a):
    invitation = respondent_invite_by_email(
        assessment=draft, name="Nia", email="nia@example.com", invited_by=lead_a
    )
    url = reverse("assessments:invitation", args=[invitation.token])
    client = Client()
    for password, again, message in [
        ("123", "123", "too short"),
        (PASSWORD, PASSWORD + "x", "The two passwords differ"),
    ]:
        response = client.post(url, {"name": "Nia", "password": password, "password_again": again})
        assert response.status_code == 400 and message in response.content.decode()
    assert not get_user_model().objects.filter(username="nia@example.com").exists()
    assert client.get(url).status_code == 200


# --- Answering one's own response ----------------------------------------------------------


def test_a_respondent_answers_their_own_response_not_the_lead_s(draft, lead_a, member):
    fill(draft, 4)
    respondent = invite(draft, member, lead_a)
    client = client_for(member)
    assert client.get(step_url(draft, 1))["Location"] == step_url(draft, 2)
    page = client.get(step_url(draft, 2))
    assert "These are your own answers" in page.content.decode()
    form = page_form(page)
    form.update({"VO-1": "2", "VO-1-note": "my view", "nav": "next"})
    response = client.post(step_url(draft, 2), form)
    assert response["Location"] == step_url(draft, 3)
    mine = RespondentAnswer.objects.get(respondent=respondent, question__code="VO-1")
    assert (mine.score, mine.note) == (2, "my view")
    assert Answer.objects.get(assessment=draft, question__code="VO-1").score == 4
    # The lead's context step is not theirs.
    assert client.post(step_url(draft, 1), {"company_stage": "early"}).status_code == 404


def test_a_respondent_sees_only_their_own_answers_in_the_wizard(draft, lead_a, member):
    fill(draft, 5)
    invite(draft, member, lead_a)
    form = page_form(client_for(member).get(step_url(draft, 2)))
    assert form.get("VO-1") in (None, "")


def test_a_respondent_hands_in_answers_and_can_change_nothing_after(draft, lead_a, member):
    respondent = invite(draft, member, lead_a)
    client = client_for(member)
    review = client.get(step_url(draft, REVIEW)).content.decode()
    assert "20 questions still to answer" in review
    refused = client.post(reverse("assessments:response-submit", args=[draft.pk]), follow=True)
    assert "Missing: VO-1" in refused.content.decode()
    assert Respondent.objects.get(pk=respondent.pk).status == "in_progress"
    answer_all(respondent, 3, submit=False)
    done = client.post(reverse("assessments:response-submit", args=[draft.pk]))
    assert done["Location"] == reverse("assessments:dashboard")
    assert Respondent.objects.get(pk=respondent.pk).is_submitted
    late = client.post(step_url(draft, 2), {"VO-1": "5"}, follow=True)
    assert "You have submitted your answers" in late.content.decode()
    assert RespondentAnswer.objects.get(respondent=respondent, question__code="VO-1").score == 3


def test_a_respondent_cannot_reach_the_draft_s_report_history_or_other_pages(
    draft, lead_a, member, submitted_assessment
):
    invite(draft, member, lead_a)
    client = client_for(member)
    for url in [
        reverse("assessments:report", args=[draft.pk]),
        reverse("assessments:report-pdf", args=[draft.pk]),
        reverse("assessments:history", args=[draft.pk]),
        reverse("assessments:respondents", args=[draft.pk]),
        reverse("assessments:workshop", args=[draft.pk, 1]),
        step_url(submitted_assessment, 2),
    ]:
        assert client.get(url).status_code == 404, url


def test_someone_not_invited_gets_404_on_the_respondent_pages(draft, lead_a, member):
    outsider = make_user("stranger")
    client = client_for(outsider)
    invite(draft, member, lead_a)
    assert client.get(step_url(draft, 2)).status_code == 404
    assert client.post(step_url(draft, 2), {"VO-1": "1"}).status_code == 404
    assert client.post(reverse("assessments:response-submit", args=[draft.pk])).status_code == 404
    assert not RespondentAnswer.objects.exists()


def test_a_removed_respondent_loses_access_and_their_answers_stop_counting(draft, lead_a, member):
    fill(draft, 4)
    respondent = invite(draft, member, lead_a)
    answer_all(respondent, 1)
    lead = client_for(lead_a)
    assert "Discuss" in lead.get(step_url(draft, REVIEW)).content.decode()
    response = lead.post(
        reverse("assessments:respondent-remove", args=[draft.pk, respondent.pk]), follow=True
    )
    assert "Their answers are kept but no longer count" in response.content.decode()
    assert RespondentAnswer.objects.filter(respondent=respondent).count() == 20
    assert client_for(member).get(step_url(draft, 2)).status_code == 404
    review = lead.get(step_url(draft, REVIEW)).content.decode()
    assert "agree-form" not in review  # alone again: the lead's answers are the scores


# --- Agreeing ------------------------------------------------------------------------------


@pytest.fixture
def team_draft(draft, lead_a, member):
    """The lead scored 4 everywhere; lead_b scored 2 on VO-1 and 4 elsewhere."""
    fill(draft, 4)
    respondent = invite(draft, member, lead_a)
    answer_all(respondent, {**{q.code: 4 for q in questions_of(draft.model)}, "VO-1": 2})
    return draft


def test_the_lead_s_review_shows_every_score_the_median_spread_and_discuss_flag(team_draft, lead_a):
    html = client_for(lead_a).get(step_url(team_draft, REVIEW)).content.decode()
    row = re.search(r'id="agree-row-VO-1".*?</tr>', html, re.S).group(0)
    assert "Discuss" in row
    cells = re.findall(r'<td class="text-center">([^<]*)</td>', row)
    assert cells == ["4", "2", "3", "2"]  # lead, lead_b, median, spread
    assert "Blair Lead" in html
    form = page_form(client_for(lead_a).get(step_url(team_draft, REVIEW)), "agree-form")
    assert form["agreed-VO-1"] == "3" and form["agreed-VO-2"] == "4"
    assert "rounded down to be conservative" not in row  # 3 is the true median here


def test_names_are_hidden_when_the_lead_chose_anonymous(team_draft, lead_a):
    Assessment.objects.filter(pk=team_draft.pk).update(anonymous_responses=True)
    html = client_for(lead_a).get(step_url(team_draft, REVIEW)).content.decode()
    table = html[html.index("agree-form") :]
    assert "Respondent 1" in table and "Blair Lead" not in table


def test_another_score_without_a_reason_is_refused_and_nothing_is_saved(team_draft, lead_a):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    response = client.post(
        step_url(team_draft, REVIEW), {**form, "agreed-VO-1": "2", "nav": "submit"}
    )
    assert response.status_code == 400
    assert "VO-1: say why the agreed score is 2 and not 3" in response.content.decode()
    assert Assessment.objects.get(pk=team_draft.pk).status == "draft"
    assert Answer.objects.get(assessment=team_draft, question__code="VO-1").agreed_score is None


def test_the_lead_sets_one_agreed_score_with_a_reason_and_submits(team_draft, lead_a):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    form.update({"agreed-VO-1": "2", "reason-VO-1": "No sign-off yet", "nav": "submit"})
    response = client.post(step_url(team_draft, REVIEW), form)
    assert response["Location"] == reverse("assessments:report", args=[team_draft.pk])
    agreed = {a.question.code: a for a in Answer.objects.filter(assessment=team_draft)}
    assert agreed["VO-1"].score == 2 and agreed["VO-1"].agreed_reason == "No sign-off yet"
    assert {a.score for code, a in agreed.items() if code != "VO-1"} == {4}
    kept = team_answers(Assessment.objects.get(pk=team_draft.pk))
    assert kept.answered_count == 2
    assert sorted(kept.by_code["VO-1"].scores) == [2, 4]  # the lead's own 4 kept as a response


def test_saving_agreed_scores_keeps_them_for_later(team_draft, lead_a):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    form.update({"agreed-VO-1": "4", "reason-VO-1": "Signed off last week", "nav": "save"})
    assert client.post(step_url(team_draft, REVIEW), form)["Location"] == step_url(
        team_draft, REVIEW
    )
    again = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    assert (again["agreed-VO-1"], again["reason-VO-1"]) == ("4", "Signed off last week")
    assert Assessment.objects.get(pk=team_draft.pk).status == "draft"


def test_a_response_arriving_after_the_lead_s_page_loaded_stops_the_submit(team_draft, lead_a):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    latecomer = invite(team_draft, make_user("late"), lead_a)
    answer_all(latecomer, 1)
    response = client.post(step_url(team_draft, REVIEW), {**form, "nav": "submit"})
    assert response.status_code == 400
    assert "changed since this page was loaded" in response.content.decode()
    assert Assessment.objects.get(pk=team_draft.pk).status == "draft"


def test_a_response_arriving_while_the_lead_is_on_the_solo_review_stops_the_submit(
    draft, lead_a, member
):
    fill(draft, 4)
    respondent = invite(draft, member, lead_a)
    client = client_for(lead_a)
    page = client.get(step_url(draft, REVIEW)).content.decode()
    seen = re.search(r'name="responses_seen" value="([^"]*)"', page).group(1)
    answer_all(respondent, 1)
    response = client.post(
        reverse("assessments:submit", args=[draft.pk]), {"responses_seen": seen}, follow=True
    )
    assert "changed since this page was loaded" in response.content.decode()
    assert Assessment.objects.get(pk=draft.pk).status == "draft"


def test_solo_stays_one_path(draft, lead_a):
    fill(draft, 3)
    client = client_for(lead_a)
    page = client.get(step_url(draft, REVIEW)).content.decode()
    assert "agree-form" not in page
    seen = re.search(r'name="responses_seen" value="([^"]*)"', page).group(1)
    assert seen == ""
    response = client.post(reverse("assessments:submit", args=[draft.pk]), {"responses_seen": seen})
    assert response["Location"] == reverse("assessments:report", args=[draft.pk])
    assert set(Answer.objects.filter(assessment=draft).values_list("score", flat=True)) == {3}
    (kept,) = Respondent.objects.filter(assessment=draft)
    assert (kept.kind, kept.user, kept.answers.count()) == ("lead", lead_a, 20)


def test_after_submit_the_respondent_sees_the_team_s_report(team_draft, lead_a, member):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    client.post(step_url(team_draft, REVIEW), {**form, "nav": "submit"})
    respondent_client = client_for(member)
    assert (
        respondent_client.get(reverse("assessments:report", args=[team_draft.pk])).status_code
        == 200
    )
    assert respondent_client.get(step_url(team_draft, 2))["Location"] == reverse(
        "assessments:report", args=[team_draft.pk]
    )
    late = respondent_client.post(step_url(team_draft, 2), {"VO-1": "5"})
    assert late["Location"] == reverse("assessments:report", args=[team_draft.pk])


# --- Workshop ------------------------------------------------------------------------------


def test_the_workshop_shows_a_dimension_s_distribution_and_sets_agreed_scores(
    team_draft, consultant
):
    client = client_for(consultant)
    url = reverse("assessments:workshop", args=[team_draft.pk, 1])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Value Orientation" in html
    assert "1 scored 2, 1 scored 4" in html
    form = page_form(page, "workshop-form")
    form.update({"agreed-VO-1": "2", "reason-VO-1": "Agreed in the workshop"})
    response = client.post(url, form)
    assert response["Location"] == reverse("assessments:workshop", args=[team_draft.pk, 2])
    answer = Answer.objects.get(assessment=team_draft, question__code="VO-1")
    assert (answer.agreed_score, answer.agreed_reason) == (2, "Agreed in the workshop")
    assert client.get(reverse("assessments:workshop", args=[team_draft.pk, 5])).status_code == 404


def test_the_review_costs_the_same_queries_for_one_or_ten_respondents(draft, lead_a):
    fill(draft, 4)
    client = client_for(lead_a)

    def count() -> int:
        client.get(step_url(draft, REVIEW))  # warm: the per-worker structure cache, the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(step_url(draft, REVIEW)).status_code == 200
        return len(queries)

    first = invite(draft, make_user("r0"), lead_a)
    answer_all(first, 2)
    one = count()
    for n in range(1, 10):
        answer_all(invite(draft, make_user(f"r{n}"), lead_a), 2 + n % 3)
    assert count() == one <= 12


def test_the_draft_s_page_says_how_many_invited_people_have_submitted(draft, lead_a, member):
    first = invite(draft, member, lead_a)
    invite(draft, make_user("second"), lead_a)
    invite(draft, make_user("third"), lead_a)
    answer_all(first, 3)
    html = client_for(lead_a).get(reverse("assessments:report", args=[draft.pk])).content.decode()
    assert "1 of 3 invited people have submitted their answers." in html
    respondents_page = client_for(lead_a).get(reverse("assessments:respondents", args=[draft.pk]))
    assert (
        "1 of 3 invited people have submitted their answers." in respondents_page.content.decode()
    )


# --- Found in review -----------------------------------------------------------------------


def test_after_answers_changed_the_page_shows_the_new_figures_and_can_be_submitted(
    team_draft, lead_a
):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    answer_all(invite(team_draft, make_user("late"), lead_a), 1)
    refused = client.post(step_url(team_draft, REVIEW), {**form, "nav": "submit"})
    assert refused.status_code == 400
    again = page_form(refused, "agree-form")
    assert again["responses_seen"] != form["responses_seen"]
    assert "3 people have answered" in refused.content.decode()
    # VO-1 is now 4, 2 and 1: the median 2; the lead's page offered 3, and gives a reason.
    again.update({"reason-VO-1": "Agreed in the meeting", "nav": "submit"})
    done = client.post(step_url(team_draft, REVIEW), again)
    assert done["Location"] == reverse("assessments:report", args=[team_draft.pk])
    assert Answer.objects.get(assessment=team_draft, question__code="VO-1").score == 3


def test_a_missing_reason_is_shown_on_that_question_s_reason_field(team_draft, lead_a):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    response = client.post(step_url(team_draft, REVIEW), {**form, "agreed-VO-1": "2"})
    row = re.search(r'id="agree-row-VO-1".*?</tr>', response.content.decode(), re.S).group(0)
    assert 'name="reason-VO-1"' in row and "is-invalid" in row
    assert "say why the agreed score is 2 and not 3" in row


def test_inviting_someone_already_invited_says_so_and_sends_nothing(
    draft, lead_a, member, django_capture_on_commit_callbacks
):
    invite(draft, member, lead_a)
    client = client_for(lead_a)
    url = reverse("assessments:respondents", args=[draft.pk])
    form = page_form(client.get(url), "invite-form")
    response = client.post(
        url, {**form, "name": "Blair", "email": "lead_b@example.com"}, follow=True
    )
    assert "Already invited: Blair Lead. Nothing was sent again." in response.content.decode()
    assert not mail.outbox
    assert Respondent.objects.filter(assessment=draft).count() == 1


def test_a_refused_email_keeps_the_invitation_and_tells_the_lead(draft, lead_a, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("mail server down")

    monkeypatch.setattr("assessments.invitation_mail.send_mail", refuse)
    client = client_for(lead_a)
    url = reverse("assessments:respondents", args=[draft.pk])
    form = page_form(client.get(url), "invite-form")
    response = client.post(url, {**form, "name": "Nia", "email": "nia@example.com"}, follow=True)
    html = response.content.decode()
    assert "the e-mail could not be sent to: Nia" in html and "Resend" in html
    assert Respondent.objects.get(assessment=draft).email == "nia@example.com"


def test_resend_gives_someone_new_a_fresh_link_and_the_old_one_stops_working(draft, lead_a):
    invitation = respondent_invite_by_email(
        assessment=draft, name="Nia", email="nia@example.com", invited_by=lead_a
    )
    client = client_for(lead_a)
    url = reverse("assessments:respondent-resend", args=[draft.pk, invitation.respondent.pk])
    assert client.post(url)["Location"] == reverse("assessments:respondents", args=[draft.pk])
    (sent,) = mail.outbox
    new_link = re.search(r"/invitations/[^/\s]+/", sent.body).group(0)
    assert invitation.token not in new_link
    assert (
        Client().get(reverse("assessments:invitation", args=[invitation.token])).status_code == 404
    )
    assert Client().get(new_link).status_code == 200


def test_the_lead_s_own_answers_are_credited_to_who_gave_them_not_who_submitted(
    draft, lead_a, consultant, member
):
    fill(draft, 4)  # as the wizard does for lead_a; the audit trail names who gave them
    Answer.history.filter(assessment_id=draft.pk).update(history_user=lead_a)
    answer_all(invite(draft, member, lead_a), 4)
    client = client_for(consultant)
    form = page_form(client.get(step_url(draft, REVIEW)), "agree-form")
    client.post(step_url(draft, REVIEW), {**form, "nav": "submit"})
    kept = Respondent.objects.get(assessment=draft, kind="lead")
    assert (kept.user, kept.display_name) == (lead_a, "Alex Lead")


def test_a_respondent_s_steps_are_numbered_from_one(draft, lead_a, member):
    invite(draft, member, lead_a)
    html = client_for(member).get(step_url(draft, 2)).content.decode()
    assert "Step 1 of 5" in html and "Save and go back" not in html
    assert "Context" not in re.search(r'<ol class="wizard-steps">.*?</ol>', html, re.S).group(0)


def test_a_respondent_s_report_offers_no_links_to_the_team_s_own_pages(team_draft, lead_a, member):
    client = client_for(lead_a)
    form = page_form(client.get(step_url(team_draft, REVIEW)), "agree-form")
    client.post(step_url(team_draft, REVIEW), {**form, "nav": "submit"})
    report = reverse("assessments:report", args=[team_draft.pk])
    theirs = client_for(member).get(report).content.decode()
    lead_s = client.get(report).content.decode()
    history = reverse("assessments:history", args=[team_draft.pk])
    team_page = reverse("assessments:team", args=[team_draft.team_id])
    assert history in lead_s and team_page in lead_s
    assert history not in theirs and f'href="{team_page}"' not in theirs
