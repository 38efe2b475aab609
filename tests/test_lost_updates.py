"""Two people on one draft: nobody's saved answer is silently overwritten by a stale page.

Every POST here is what the real page sends: the form as rendered (scores, notes and the
hidden shown-* values), with the person's own changes on top.
"""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import PASSWORD, at_once, page_form


@pytest.fixture
def draft(model_v0, team_a, lead_a) -> Assessment:
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


@pytest.fixture
def two_people(lead_a, consultant):
    lead, colleague = Client(), Client()
    lead.force_login(lead_a)
    colleague.force_login(consultant)
    return lead, colleague


def step_url(assessment, step):
    return reverse("assessments:step", kwargs={"pk": assessment.pk, "step": step})


def saved(assessment) -> dict[str, tuple[int | None, str]]:
    return {
        a.question.code: (a.score, a.note)
        for a in Answer.objects.filter(assessment=assessment).select_related("question")
    }


def save(client, page, nav="save", **changes):
    return client.post(page.wsgi_request.path, {**page_form(page), **changes, "nav": nav})


def test_the_page_renders_what_it_showed_for_every_score_note_and_context_field(two_people, draft):
    lead, _ = two_people
    save(lead, lead.get(step_url(draft, 2)), **{"VO-1": "3", "VO-1-note": "so-so"})
    fields = page_form(lead.get(step_url(draft, 2)))
    assert (fields["shown-VO-1"], fields["shown-VO-1-note"]) == ("3", "so-so")
    assert all(f"shown-VO-{n}" in fields and f"shown-VO-{n}-note" in fields for n in range(1, 6))
    context = page_form(lead.get(step_url(draft, 1)))
    assert {
        "shown-company_stage",
        "shown-customer_segment",
        "shown-touch_model",
        "shown-onboarding_weeks",
    } <= set(context)


def test_a_stale_page_keeps_the_score_a_colleague_saved_meanwhile(two_people, draft):
    lead, colleague = two_people
    stale = lead.get(step_url(draft, 2))  # VO-1 still empty here
    save(colleague, colleague.get(step_url(draft, 2)), **{"VO-1": "2", "VO-1-note": "their view"})
    response = save(lead, stale, nav="next", **{"VO-2": "4"})
    assert response.status_code == 302
    assert saved(draft) == {"VO-1": (2, "their view"), "VO-2": (4, "")}


def test_changing_what_a_colleague_changed_meanwhile_shows_both_values_and_saves_nothing(
    two_people, draft
):
    lead, colleague = two_people
    stale = lead.get(step_url(draft, 2))
    save(colleague, colleague.get(step_url(draft, 2)), **{"VO-1": "2", "VO-3-note": "theirs"})
    response = save(lead, stale, nav="next", **{"VO-1": "4", "VO-2": "5", "VO-3-note": "mine"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed 2 answers while you had this page open" in html
    assert (
        "VO-1 score</a>: yours <strong>4 – Measured</strong>; saved meanwhile <strong>2 – Ad hoc"
        in html
    )
    assert "VO-3 note</a>: yours <strong>mine</strong>; saved meanwhile <strong>theirs" in html
    assert saved(draft) == {"VO-1": (2, ""), "VO-3": (None, "theirs")}  # VO-2 not saved either

    again = page_form(response)  # the page keeps my choices against what is saved now
    assert (again["VO-1"], again["shown-VO-1"], again["VO-2"]) == ("4", "2", "5")
    assert (again["VO-3-note"], again["shown-VO-3-note"]) == ("mine", "theirs")
    kept_mine = save(lead, response, nav="save")
    assert kept_mine.status_code == 302
    assert saved(draft) == {"VO-1": (4, ""), "VO-2": (5, ""), "VO-3": (None, "mine")}


def test_choosing_the_colleagues_value_in_the_conflict_page_keeps_theirs(two_people, draft):
    lead, colleague = two_people
    stale = lead.get(step_url(draft, 2))
    save(colleague, colleague.get(step_url(draft, 2)), **{"VO-1": "2"})
    conflict = save(lead, stale, **{"VO-1": "4", "VO-2": "3"})
    assert conflict.status_code == 409
    assert save(lead, conflict, **{"VO-1": "2"}).status_code == 302
    assert saved(draft) == {"VO-1": (2, ""), "VO-2": (3, "")}


def test_both_people_choosing_the_same_value_is_no_conflict(two_people, draft):
    lead, colleague = two_people
    stale = lead.get(step_url(draft, 2))
    save(colleague, colleague.get(step_url(draft, 2)), **{"VO-1": "4"})
    assert save(lead, stale, **{"VO-1": "4"}).status_code == 302
    assert saved(draft) == {"VO-1": (4, "")}


def test_the_context_step_writes_only_the_fields_the_person_changed(two_people, draft):
    lead, colleague = two_people
    stale = lead.get(step_url(draft, 1))
    save(colleague, colleague.get(step_url(draft, 1)), touch_model="low", onboarding_weeks="8")
    assert save(lead, stale, company_stage="growth").status_code == 302
    draft.refresh_from_db()
    assert (draft.company_stage, draft.touch_model, draft.onboarding_weeks) == ("growth", "low", 8)


def test_the_context_step_reports_a_field_changed_meanwhile(two_people, draft):
    lead, colleague = two_people
    stale = lead.get(step_url(draft, 1))
    save(colleague, colleague.get(step_url(draft, 1)), touch_model="low")
    response = save(lead, stale, touch_model="high", company_stage="scale")
    assert response.status_code == 409
    assert "yours <strong>High touch</strong>; saved meanwhile <strong>Low touch" in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert (draft.touch_model, draft.company_stage) == ("low", "")


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_one_step_at_the_same_moment_lose_nothing(
    model_v0_tx, team_a, lead_a, consultant
):
    """Real concurrent clients on pages loaded before either saved, both changing VO-1: one
    save lands whole, the other is refused whole as a conflict. Never a silent overwrite."""
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    url = step_url(assessment, 2)
    for round_number in range(10):
        Answer.objects.filter(assessment=assessment).delete()
        lead, colleague = Client(), Client()
        lead.force_login(lead_a)
        colleague.force_login(consultant)
        pages = lead.get(url), colleague.get(url)
        mine, theirs = 1 + round_number % 5, 1 + (round_number + 2) % 5
        lead_body = {**page_form(pages[0]), "VO-1": mine, "VO-2": mine, "nav": "save"}
        colleague_body = {**page_form(pages[1]), "VO-1": theirs, "VO-3": theirs}
        statuses = [
            response.status_code
            for response in at_once(
                partial(lead.post, url, lead_body), partial(colleague.post, url, colleague_body)
            )
        ]
        assert sorted(statuses) == [302, 409], (round_number, statuses)
        if statuses[0] == 302:
            expected = {"VO-1": (mine, ""), "VO-2": (mine, "")}
        else:
            expected = {"VO-1": (theirs, ""), "VO-3": (theirs, "")}
        assert saved(assessment) == expected, round_number


# --- Saving in the background (what wizard.js sends) ----------------------------------------


def autosave(client, page, **changes):
    body = {**page_form(page), **changes}
    return client.post(page.wsgi_request.path, body, headers={"X-Autosave": "1"})


def test_a_background_save_answers_with_the_time_and_what_is_saved_now(two_people, draft):
    lead, _ = two_people
    response = autosave(lead, lead.get(step_url(draft, 2)), **{"VO-1": "3", "VO-1-note": "ok"})
    assert response.status_code == 200
    answer = response.json()
    assert re.fullmatch(r"\d\d:\d\d", answer["saved_at"])
    assert (answer["shown"]["shown-VO-1"], answer["shown"]["shown-VO-1-note"]) == ("3", "ok")
    assert saved(draft) == {"VO-1": (3, "ok")}


def test_a_background_save_over_a_colleagues_change_is_refused_with_both_values(two_people, draft):
    lead, colleague = two_people
    stale = lead.get(step_url(draft, 2))
    save(colleague, colleague.get(step_url(draft, 2)), **{"VO-1": "2"})
    response = autosave(lead, stale, **{"VO-1": "5"})
    assert response.status_code == 409
    assert response.json() == {
        "conflicts": [
            {
                "field": "VO-1",
                "label": "VO-1 score",
                "mine": "5 – Optimized",
                "theirs": "2 – Ad hoc",
            }
        ]
    }
    assert saved(draft) == {"VO-1": (2, "")}


def test_a_background_save_with_a_bad_value_says_which_and_saves_nothing(two_people, draft):
    lead, _ = two_people
    response = autosave(lead, lead.get(step_url(draft, 2)), **{"VO-1": "9", "VO-2": "3"})
    assert response.status_code == 400
    assert response.json()["errors"]["VO-1"][0]["message"] == "Choose a score from 1 to 5."
    assert saved(draft) == {}


def test_a_background_save_after_submission_points_to_the_report(two_people, draft, lead_a):
    lead, _ = two_people
    page = lead.get(step_url(draft, 2))
    Assessment.objects.filter(pk=draft.pk).update(status="submitted", submitted_at=timezone.now())
    response = autosave(lead, page, **{"VO-1": "3"})
    assert response.status_code == 409
    assert response.json() == {
        "submitted": True,
        "report_url": reverse("assessments:report", args=[draft.pk]),
    }


# --- Signed out while filling in a step -------------------------------------------------------


def test_a_save_after_the_session_ended_is_kept_and_saved_after_signing_in(client, lead_a, draft):
    client.force_login(lead_a)
    url = step_url(draft, 2)
    page = client.get(url)
    client.logout()  # the session ends (expired, or signed out in another tab)
    body = {**page_form(page), "VO-1": "4", "VO-1-note": "typed before the session ended"}
    response = client.post(url, {**body, "nav": "next"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert saved(draft) == {}  # nothing is written for an anonymous request

    sign_in = client.get(response["Location"])
    assert "what you entered is kept and will be saved then" in sign_in.content.decode()
    client.post(
        response["Location"], {"username": "lead_a", "password": PASSWORD}
    )  # the real sign-in form, which sends the person back to the step
    back = client.get(url)
    assert back.status_code == 302 and back["Location"] == url
    assert saved(draft) == {"VO-1": (4, "typed before the session ended")}
    assert "What you entered before you were signed out is now saved." in (
        client.get(url).content.decode()
    )


def test_a_kept_save_is_never_applied_for_someone_else(client, lead_a, consultant, draft):
    client.force_login(lead_a)
    url = step_url(draft, 2)
    page = client.get(url)
    client.logout()
    client.post(url, {**page_form(page), "VO-1": "4", "nav": "save"})
    client.force_login(consultant)  # another person signs in on the same browser
    assert client.get(url).status_code == 200
    assert saved(draft) == {}


def test_a_signed_out_save_without_the_pages_token_is_not_kept(client, lead_a, draft):
    """A forged cross-site post cannot plant answers to be saved at the next sign-in."""
    client.force_login(lead_a)
    url = step_url(draft, 2)
    body = {**page_form(client.get(url)), "VO-1": "1", "nav": "save"}
    client.logout()
    for token in ("", "forged", body["page_token"][:-2] + "xx"):
        client.post(url, {**body, "page_token": token})
    client.force_login(lead_a)
    client.get(url)
    assert saved(draft) == {}


def test_a_background_save_after_the_session_ended_says_so(client, lead_a, draft):
    client.force_login(lead_a)
    page = client.get(step_url(draft, 2))
    client.logout()
    response = autosave(client, page, **{"VO-1": "2"})
    assert response.status_code == 401
    assert response.json()["signed_out"] is True and response.json()["kept"] is True
    assert response.json()["login_url"].startswith(reverse("login") + "?next=")
