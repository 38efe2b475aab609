"""E-mails go out in the recipient's language, and the client pack renders in the language of
the person who asked for it, whatever language the sender or the worker happens to run in."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.models import Preferences
from assessments import client_pack, invitation_mail, pack_tasks, reminders
from assessments.models import Action
from assessments.periods import Quarter
from assessments.services import assessment_start
from assessments.team_services import respondent_invite_by_email, respondents_invite
from assessments.workspace_models import ClientPack
from tests.conftest import make_user, submit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
Q3 = Quarter(2026, 3)
DAY_21 = datetime.date(2026, 7, 22)  # the quarter is 21 days old


def prefer(user, language: str) -> None:
    Preferences.objects.update_or_create(user=user, defaults={"language": language})


def spy(module, name: str) -> tuple[mock._patch, list[str]]:
    """Patch module.name with a wrapper that records the active language of each call."""
    real = getattr(module, name)
    seen: list[str] = []

    def wrapper(*args, **kwargs):
        seen.append(translation.get_language())
        return real(*args, **kwargs)

    return mock.patch.object(module, name, wrapper), seen


@pytest.fixture
def draft(model_v0, team_a, lead_a):
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


def invitation_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


# --- Invitations ------------------------------------------------------------------------------


def test_an_invitation_to_a_german_speaker_is_rendered_in_german(draft, lead_a):
    robin = make_user("robin", first_name="Robin")
    prefer(robin, "de")
    (respondent,) = respondents_invite(assessment=draft, users=[robin], invited_by=lead_a)
    patch, seen = spy(invitation_mail, "render_to_string")
    with patch, translation.override("en"):
        assert invitation_mail.send_invitation(invitation_request(lead_a), respondent, None)
        assert translation.get_language() == "en"  # only the e-mail changed language
    assert seen == ["de", "de"]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("choice", [None, ""])
def test_an_invitation_to_someone_without_a_choice_is_in_english(draft, lead_a, choice):
    robin = make_user("robin")
    if choice is not None:
        prefer(robin, choice)
    (respondent,) = respondents_invite(assessment=draft, users=[robin], invited_by=lead_a)
    patch, seen = spy(invitation_mail, "render_to_string")
    with patch:
        assert invitation_mail.send_invitation(invitation_request(lead_a), respondent, None)
    assert seen == ["en", "en"]


def test_an_invitation_by_address_is_in_the_inviters_current_language(draft, lead_a):
    invited = respondent_invite_by_email(
        assessment=draft, name="Nina New", email="nina@example.com", invited_by=lead_a
    )
    patch, seen = spy(invitation_mail, "render_to_string")
    with patch, translation.override("de"):
        sent = invitation_mail.send_invitation(
            invitation_request(lead_a), invited.respondent, invited.token
        )
    assert sent
    assert seen == ["de", "de"]


def test_the_invite_page_looks_up_every_recipients_language_once(client, draft, lead_a):
    robin = make_user("robin")
    sam = make_user("sam")
    prefer(robin, "de")
    respondents = respondents_invite(assessment=draft, users=[robin, sam], invited_by=lead_a)
    with translation.override("en"):
        languages = invitation_mail.invitation_languages(respondents)
    by_user = {r.user_id: languages[r.pk] for r in respondents}
    assert by_user == {robin.pk: "de", sam.pk: "en"}


# --- Reminders --------------------------------------------------------------------------------


def test_quarter_reminders_are_rendered_in_each_leads_language(
    model_v0, team_a, team_b, lead_a, lead_b
):
    prefer(lead_a, "de")
    patch, seen = spy(reminders, "render_to_string")
    with patch, translation.override("en"):
        outcome = reminders.reminders_send(today=DAY_21, after_days=21)
    assert sum(outcome.sent.values()) == 2
    languages = {r.recipient: r.language for r in reminders.quarter_reminders(DAY_21, 21)}
    assert languages == {"lead_a@example.com": "de", "lead_b@example.com": "en"}
    assert sorted(seen) == ["de", "de", "en", "en"]


def test_action_reminders_are_rendered_in_the_owners_language(submitted_assessment, lead_a):
    prefer(lead_a, "de")
    Action.objects.create(
        assessment=submitted_assessment,
        title="Write the guide",
        owner=lead_a,
        due_date=DAY_21 + datetime.timedelta(days=1),
        status=Action.Status.PLANNED,
    )
    (reminder,) = reminders.action_reminders(DAY_21)
    assert reminder.language == "de"
    patch, seen = spy(reminders, "render_to_string")
    with patch, translation.override("en"):
        reminder.render()
    assert seen == ["de", "de"]


def test_reminder_languages_take_one_query_for_all_recipients(
    django_assert_num_queries, model_v0, team_a, team_b, lead_a, lead_b
):
    prefer(lead_a, "de")
    # teams (with their leads prefetched), submitted assessments as a subquery, preferences
    with django_assert_num_queries(3):
        reminders.quarter_reminders(DAY_21, 21)


# --- The client pack --------------------------------------------------------------------------


@pytest.fixture
def asker(model_v0, acme, team_a):
    consultant = make_user("casey", first_name="Casey", last_name="Consultant")
    acme.consultants.add(consultant)
    submit(team_a, consultant, Q3, 4)
    return consultant


def ask_for_pack(client, user, **headers):
    client.force_login(user)
    return client.post(
        reverse("assessments:pack-start", args=["acme"]), {"quarter": Q3.key}, headers=headers
    )


def test_the_pack_renders_in_the_language_of_the_person_who_asked(settings, client, asker):
    settings.TASKS = IMMEDIATE
    patch, seen = spy(client_pack, "render_pack_pdf")
    with patch:
        ask_for_pack(client, asker, accept_language="de")
    pack = ClientPack.objects.latest("requested_at")
    assert pack.status == ClientPack.Status.DONE
    assert seen == ["de"]


def test_an_english_request_renders_in_english(settings, client, asker):
    settings.TASKS = IMMEDIATE
    patch, seen = spy(client_pack, "render_pack_pdf")
    with patch:
        ask_for_pack(client, asker, accept_language="en")
    assert seen == ["en"]


def test_a_pack_queued_without_a_language_uses_the_requesters_saved_one(acme, asker):
    prefer(asker, "de")
    pack = ClientPack.objects.create(
        organization=acme, year=Q3.year, quarter=Q3.quarter, requested_by=asker
    )
    patch, seen = spy(client_pack, "render_pack_pdf")
    with patch, translation.override("en"):
        assert pack_tasks.render_pack(pack.pk) == ClientPack.Status.DONE
    assert seen == ["de"]
    assert pack_tasks.pack_language(pack, "fr") == "de"  # not one of ours: the saved one
    assert pack_tasks.pack_language(pack, "en") == "en"


def test_a_retry_by_someone_else_uses_the_requesters_saved_language(settings, client, acme, asker):
    settings.TASKS = IMMEDIATE
    prefer(asker, "de")
    pack = ClientPack.objects.create(
        organization=acme,
        year=Q3.year,
        quarter=Q3.quarter,
        requested_by=asker,
        status=ClientPack.Status.FAILED,
    )
    colleague = make_user("cleo")
    acme.consultants.add(colleague)
    client.force_login(colleague)
    patch, seen = spy(client_pack, "render_pack_pdf")
    with patch:
        client.post(
            reverse("assessments:pack-retry", args=[pack.pk]), headers={"accept_language": "en"}
        )
    assert seen == ["de"]
