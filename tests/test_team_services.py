"""Several respondents, through the services: inviting, one-time sign-up links, answering one's
own response, agreeing scores and submitting, and the reads that put everyone side by side.

Every refusal is checked for its message and for what it left alone. The races run real
concurrent callers (threads with their own database connections) on a transactional database.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services, team_services
from assessments.agreement import conservative_median
from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.periods import Quarter
from assessments.services import (
    AlreadySubmitted,
    AssessmentError,
    ResponsesChanged,
    answers_save,
    assessment_start,
    assessment_submit,
)
from assessments.team_answers import LEAD_KEY, team_answers
from assessments.team_services import (
    REASON_MAX_LENGTH,
    InvitationInvalid,
    agreed_scores_save,
    invitation_accept,
    invitation_check,
    respondent_invite_by_email,
    respondent_remove,
    respondents_invite,
    response_answers_save,
    response_submit,
)
from catalogue.models import Question
from catalogue.services import model_version_duplicate
from tests.conftest import at_once, fill, make_user, questions_of

User = get_user_model()
NEW_PASSWORD = "violet-harbour-lantern-42"
ROUNDS = 6

CODES = [f"{dim}-{n}" for dim in ("VO", "CX", "AO", "MP") for n in range(1, 6)]
EXPIRED = "This invitation link has expired. Ask the person who invited you for a new one."
USED = "This invitation link was used already. Sign in with the account it created."
UNKNOWN = (
    "This invitation link is not valid. Check that you copied the whole link, or ask for a new "
    "invitation."
)
WITHDRAWN = "This invitation was withdrawn."
CLOSED = "This assessment was submitted already: no more answers are needed."


# --- set-up ------------------------------------------------------------------------------------


@pytest.fixture
def draft(model_v0, team_a, lead_a) -> Assessment:
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    return assessment


@pytest.fixture
def robin(db):
    return make_user("robin", first_name="Robin", last_name="Reyes")


@pytest.fixture
def sam(db):
    return make_user("sam", first_name="Sam", last_name="Sato")


def by_code(assessment: Assessment) -> dict[str, Question]:
    return {q.code: q for q in questions_of(assessment.model)}


def sheet(assessment: Assessment, scores: dict[str, int] | int, notes=None) -> dict:
    """{Question: (score, note)} for every question, or for the codes given."""
    notes = notes or {}
    questions = by_code(assessment)
    codes = CODES if isinstance(scores, int) else list(scores)
    return {
        questions[code]: (
            scores if isinstance(scores, int) else scores[code],
            notes.get(code, ""),
        )
        for code in codes
    }


def invite(assessment: Assessment, user, by, **options) -> Respondent:
    (respondent,) = respondents_invite(
        assessment=assessment, users=[user], invited_by=by, **options
    )
    return respondent


def respond(respondent: Respondent, scores: dict[str, int] | int, notes=None) -> Respondent:
    """The respondent answers every question and hands their answers in."""
    response_answers_save(
        respondent=respondent, answers=sheet(respondent.assessment, scores, notes)
    )
    return response_submit(respondent=respondent)


def answers_of(respondent: Respondent) -> dict[str, tuple[int | None, str]]:
    return {
        a.question.code: (a.score, a.note)
        for a in RespondentAnswer.objects.filter(respondent=respondent).select_related("question")
    }


def lead_answers(assessment: Assessment) -> dict[str, tuple[int | None, int | None, str]]:
    """The assessment's own answers: (score, agreed_score, agreed_reason) per question code."""
    return {
        a.question.code: (a.score, a.agreed_score, a.agreed_reason)
        for a in Answer.objects.filter(assessment=assessment).select_related("question")
    }


def scores_of(assessment: Assessment) -> dict[str, int | None]:
    return {code: score for code, (score, _a, _r) in lead_answers(assessment).items()}


def row(respondent: Respondent) -> dict:
    """Every stored field of a respondent, as the database has it now."""
    return Respondent.objects.filter(pk=respondent.pk).values().get()


def varied(base: int, bumps: dict[str, int] | None = None) -> dict[str, int]:
    """One score for every question, with a few exceptions."""
    return {code: (bumps or {}).get(code, base) for code in CODES}


# --- inviting people with an account ------------------------------------------------------------


def test_inviting_existing_people_gives_each_an_in_progress_response(draft, lead_a, robin, sam):
    invited = respondents_invite(assessment=draft, users=[robin, sam], invited_by=lead_a)

    assert [r.user for r in invited] == [robin, sam]
    for respondent, person in zip(invited, [robin, sam], strict=True):
        stored = Respondent.objects.get(pk=respondent.pk)
        assert stored.assessment == draft
        assert stored.kind == Respondent.Kind.INVITED
        assert stored.status == Respondent.Status.IN_PROGRESS and stored.submitted_at is None
        assert (stored.name, stored.email) == (person.get_full_name(), person.email)
        assert stored.invited_by == lead_a
        assert stored.invitation_digest is None  # people with an account need no link
        assert not stored.is_removed and not stored.is_pending


def test_inviting_the_same_person_twice_keeps_one_response(draft, lead_a, consultant, robin):
    first = invite(draft, robin, lead_a)
    again = respondents_invite(assessment=draft, users=[robin], invited_by=consultant)

    assert again == []
    assert list(Respondent.objects.filter(assessment=draft)) == [first]
    assert Respondent.objects.get().invited_by == lead_a


@pytest.mark.parametrize(
    ("manager", "name"),
    [("lead_a", "Alex Lead"), ("consultant", "Casey Consultant"), ("admin_user", "admin")],
)
def test_someone_who_leads_or_consults_the_team_cannot_be_invited_and_nobody_is(
    request, draft, lead_a, robin, manager, name
):
    person = request.getfixturevalue(manager)

    with pytest.raises(AssessmentError) as refused:
        respondents_invite(assessment=draft, users=[robin, person], invited_by=lead_a)

    assert str(refused.value) == (
        f"{name} leads or consults this team: their answers are the lead's."
    )
    assert not Respondent.objects.exists()  # robin, first in the list, was not invited either


def test_the_lead_of_another_team_can_be_invited(draft, lead_a, lead_b):
    assert invite(draft, lead_b, lead_a).user == lead_b


def test_inviting_a_removed_person_again_brings_back_their_response_and_answers(
    draft, lead_a, robin
):
    respondent = invite(draft, robin, lead_a)
    response_answers_save(respondent=respondent, answers=sheet(draft, {"VO-1": 2}))
    respondent_remove(respondent=respondent)
    assert Respondent.objects.get(pk=respondent.pk).is_removed

    (back,) = respondents_invite(assessment=draft, users=[robin], invited_by=lead_a)

    assert back.pk == respondent.pk
    assert Respondent.objects.count() == 1
    assert not Respondent.objects.get(pk=respondent.pk).is_removed
    assert answers_of(respondent) == {"VO-1": (2, "")}


# --- inviting by e-mail -------------------------------------------------------------------------


def test_an_email_invitation_returns_a_token_of_which_only_the_digest_is_stored(draft, lead_a):
    invitation = respondent_invite_by_email(
        assessment=draft, name=" Dana Diaz ", email="dana@example.org", invited_by=lead_a
    )

    assert invitation.token and len(invitation.token) >= 40
    stored = Respondent.objects.get(pk=invitation.respondent.pk)
    assert stored.invitation_digest == hashlib.sha256(invitation.token.encode()).hexdigest()
    assert invitation.token not in repr(list(Respondent.objects.values()))
    assert not Respondent.objects.filter(invitation_digest=invitation.token).exists()
    assert (stored.name, stored.email, stored.user) == ("Dana Diaz", "dana@example.org", None)
    assert stored.is_pending and stored.kind == Respondent.Kind.INVITED
    lifetime = stored.invitation_expires_at - timezone.now()
    assert datetime.timedelta(days=13) < lifetime <= datetime.timedelta(days=14)
    assert invitation_check(invitation.token) == stored


def test_inviting_the_same_address_again_replaces_the_link(draft, lead_a, consultant):
    first = respondent_invite_by_email(
        assessment=draft, name="Dana", email="dana@example.org", invited_by=lead_a
    )
    second = respondent_invite_by_email(
        assessment=draft, name="Dana Diaz", email="DANA@example.org", invited_by=consultant
    )

    assert second.respondent.pk == first.respondent.pk
    assert Respondent.objects.count() == 1
    assert second.token != first.token
    with pytest.raises(InvitationInvalid, match="not valid"):
        invitation_check(first.token)
    assert invitation_check(second.token).pk == first.respondent.pk
    assert Respondent.objects.get().name == "Dana Diaz"


def test_an_address_that_has_an_account_invites_that_account_without_a_link(draft, lead_a, robin):
    invitation = respondent_invite_by_email(
        assessment=draft, name="Whoever", email=" ROBIN@example.com ", invited_by=lead_a
    )
    again = respondent_invite_by_email(
        assessment=draft, name="Whoever", email="robin@example.com", invited_by=lead_a
    )

    assert invitation.token is None and again.token is None
    assert invitation.respondent.user == robin
    assert again.respondent.pk == invitation.respondent.pk
    stored = Respondent.objects.get()
    # Robin is not of this organization: the lead sees the name they typed, not the account's.
    assert (stored.user, stored.name, stored.invitation_digest) == (robin, "Whoever", None)
    assert not again.new and invitation.new


def test_an_address_of_someone_of_the_organization_keeps_their_own_name(draft, lead_a, lead_b):
    invitation = respondent_invite_by_email(
        assessment=draft, name="Whoever", email="lead_b@example.com", invited_by=lead_a
    )
    assert (invitation.respondent.user, invitation.respondent.display_name) == (
        lead_b,
        "Blair Lead",
    )


def test_inviting_the_address_of_the_teams_lead_is_refused(draft, lead_a):
    with pytest.raises(AssessmentError, match="leads or consults this team"):
        respondent_invite_by_email(
            assessment=draft, name="Alex", email="lead_a@example.com", invited_by=lead_a
        )
    assert not Respondent.objects.exists()


# --- signing up from the link -------------------------------------------------------------------


@pytest.fixture
def invitation(draft, lead_a):
    return respondent_invite_by_email(
        assessment=draft, name="Dana", email="Dana@Example.org", invited_by=lead_a
    )


def test_accepting_an_invitation_creates_the_account_and_links_the_response(invitation):
    user = invitation_accept(token=invitation.token, name=" Dana Diaz ", password=NEW_PASSWORD)

    assert (user.username, user.email) == ("dana@example.org", "Dana@Example.org")
    assert (user.first_name, user.last_name) == ("Dana", "Diaz")
    assert user.check_password(NEW_PASSWORD)
    stored = Respondent.objects.get(pk=invitation.respondent.pk)
    assert stored.user == user and stored.name == "Dana Diaz"
    assert stored.invitation_used_at is not None and not stored.is_pending
    assert stored.status == Respondent.Status.IN_PROGRESS


def expire(invitation, lead_a):
    Respondent.objects.filter(pk=invitation.respondent.pk).update(
        invitation_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    return invitation.token


def use(invitation, lead_a):
    invitation_accept(token=invitation.token, name="Dana", password=NEW_PASSWORD)
    return invitation.token


def forge(invitation, lead_a):
    return secrets.token_urlsafe(32)


def withdraw(invitation, lead_a):
    respondent_remove(respondent=invitation.respondent)
    return invitation.token


def close(invitation, lead_a):
    assessment = invitation.respondent.assessment
    fill(assessment, 3)
    assessment_submit(assessment=assessment, user=lead_a)
    return invitation.token


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (expire, EXPIRED),
        (use, USED),
        (forge, UNKNOWN),
        (withdraw, WITHDRAWN),
        (close, CLOSED),
    ],
    ids=["expired", "reused", "forged", "withdrawn", "assessment-submitted"],
)
def test_a_link_that_cannot_be_accepted_says_why_creates_no_account_and_changes_nothing(
    invitation, lead_a, spoil, message
):
    token = spoil(invitation, lead_a)
    users, before = User.objects.count(), row(invitation.respondent)

    with pytest.raises(InvitationInvalid) as checked:
        invitation_check(token)
    assert str(checked.value) == message
    with pytest.raises(InvitationInvalid) as accepted:
        invitation_accept(token=token, name="Mallory", password=NEW_PASSWORD)

    assert str(accepted.value) == message
    assert User.objects.count() == users
    assert not User.objects.filter(first_name="Mallory").exists()
    assert row(invitation.respondent) == before


@pytest.mark.parametrize("token", ["", "x", "a" * 500])
def test_an_empty_or_odd_token_is_not_valid(invitation, token):
    with pytest.raises(InvitationInvalid) as refused:
        invitation_accept(token=token, name="Mallory", password=NEW_PASSWORD)
    assert str(refused.value) == UNKNOWN
    assert not User.objects.filter(first_name="Mallory").exists()


def test_a_weak_password_is_refused_with_the_validators_words_and_nothing_is_created(invitation):
    users, before = User.objects.count(), row(invitation.respondent)

    with pytest.raises(AssessmentError) as refused:
        invitation_accept(token=invitation.token, name="Dana", password="1234567")

    assert not isinstance(refused.value, InvitationInvalid)
    assert "This password is too short. It must contain at least 8 characters." in str(
        refused.value
    )
    assert "This password is entirely numeric." in str(refused.value)
    assert User.objects.count() == users
    assert row(invitation.respondent) == before
    assert invitation_check(invitation.token).pk == invitation.respondent.pk  # still usable


def test_a_password_like_the_email_address_is_refused(invitation):
    with pytest.raises(AssessmentError, match="too similar to the"):
        invitation_accept(token=invitation.token, name="Dana", password="dana@example.org")
    assert not User.objects.filter(username="dana@example.org").exists()


@dataclass(frozen=True)
class Refused:
    """A refusal a racing call met: an expected outcome, not an error for at_once."""

    error: AssessmentError


def refusal_of(call):
    """The call's result, or Refused with the refusal it raised."""
    try:
        return call()
    except AssessmentError as refused:
        return Refused(refused)


def test_two_accepts_of_the_same_link_at_the_same_moment_create_one_account(
    model_v0_tx, team_a, lead_a
):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    for n in range(ROUNDS):
        email = f"twin{n}@example.org"
        link = respondent_invite_by_email(
            assessment=draft, name=f"Twin {n}", email=email, invited_by=lead_a
        )
        results = at_once(
            *(
                lambda who=who, token=link.token: refusal_of(
                    lambda: invitation_accept(token=token, name=who, password=NEW_PASSWORD)
                )
                for who in ("First Twin", "Second Twin")
            )
        )

        (created,) = User.objects.filter(email=email)
        accepted = [r for r in results if not isinstance(r, Refused)]
        refused = [r.error for r in results if isinstance(r, Refused)]
        assert [u.pk for u in accepted] == [created.pk]
        assert [str(error) for error in refused] == [USED]  # the second waited for the first
        stored = Respondent.objects.get(pk=link.respondent.pk)
        assert stored.user == created
        assert stored.name == created.get_full_name()
    assert User.objects.filter(email__startswith="twin").count() == ROUNDS


# --- a respondent's own answers -----------------------------------------------------------------


@pytest.fixture
def robins(draft, lead_a, robin) -> Respondent:
    return invite(draft, robin, lead_a)


def test_a_respondent_saves_their_own_answers_apart_from_the_leads(draft, robins):
    fill(draft, 4)
    response_answers_save(
        respondent=robins, answers=sheet(draft, {"VO-1": 2, "VO-2": 5}, {"VO-1": "not yet"})
    )
    response_answers_save(respondent=robins, answers=sheet(draft, {"VO-2": 3}))

    assert answers_of(robins) == {"VO-1": (2, "not yet"), "VO-2": (3, "")}
    assert scores_of(draft) == dict.fromkeys(CODES, 4)
    assert Respondent.objects.get(pk=robins.pk).status == Respondent.Status.IN_PROGRESS


def test_a_respondent_score_outside_one_to_five_is_refused_and_nothing_saved(draft, robins):
    with pytest.raises(AssessmentError, match="The score for VO-2 must be from 1 to 5."):
        response_answers_save(respondent=robins, answers=sheet(draft, {"VO-1": 3, "VO-2": 6}))
    assert answers_of(robins) == {}


def test_submitting_a_response_needs_every_score_and_names_the_missing_ones(draft, robins):
    answers = sheet(draft, 3, notes={"MP-5": "no idea"})
    questions = by_code(draft)
    del answers[questions["VO-2"]]
    answers[questions["MP-5"]] = (None, "no idea")
    response_answers_save(respondent=robins, answers=answers)

    with pytest.raises(AssessmentError) as refused:
        response_submit(respondent=robins)

    assert str(refused.value) == (
        "Answer every question before submitting your answers. Missing: VO-2, MP-5."
    )
    stored = Respondent.objects.get(pk=robins.pk)
    assert (stored.status, stored.submitted_at) == (Respondent.Status.IN_PROGRESS, None)


def test_a_submitted_response_can_no_longer_be_changed(draft, robins):
    respond(robins, 2)
    before = (answers_of(robins), row(robins))

    with pytest.raises(AssessmentError) as refused:
        response_answers_save(respondent=robins, answers=sheet(draft, 5))
    assert str(refused.value) == ("You have submitted your answers: they can no longer be changed.")
    with pytest.raises(AssessmentError, match="You have submitted your answers"):
        response_submit(respondent=robins)

    assert (answers_of(robins), row(robins)) == before
    assert row(robins)["status"] == Respondent.Status.SUBMITTED


def test_a_removed_respondent_can_neither_save_nor_submit(draft, robins):
    response_answers_save(respondent=robins, answers=sheet(draft, 2))
    respondent_remove(respondent=robins)
    before = (answers_of(robins), row(robins))

    for attempt in (
        lambda: response_answers_save(respondent=robins, answers=sheet(draft, 5)),
        lambda: response_submit(respondent=robins),
    ):
        with pytest.raises(AssessmentError) as refused:
            attempt()
        assert str(refused.value) == "You were removed from this assessment; nothing was saved."

    assert (answers_of(robins), row(robins)) == before


def test_once_the_assessment_is_submitted_a_respondent_can_neither_save_nor_submit(
    draft, lead_a, robins
):
    response_answers_save(respondent=robins, answers=sheet(draft, {"VO-1": 2}))
    fill(draft, 3)
    assessment_submit(assessment=draft, user=lead_a)
    before = (answers_of(robins), row(robins))

    for attempt in (
        lambda: response_answers_save(respondent=robins, answers=sheet(draft, 5)),
        lambda: respond(robins, 5),
    ):
        with pytest.raises(AlreadySubmitted) as refused:
            attempt()
        assert str(refused.value) == (
            "Enterprise Onboarding already submitted its 2026 Q4 assessment."
        )

    assert (answers_of(robins), row(robins)) == before
    assert answers_of(robins) == {"VO-1": (2, "")}


# --- the lead's submit against respondents at the same moment ------------------------------------


@contextmanager
def lock_order():
    """Records who took the assessment's lock, in the order they got it: the lead's submit
    ("submit") and the respondent's writes ("response"), each with whether it was refused."""
    taken: list[tuple[str, bool]] = []
    real = services._lock_draft

    def recording(who):
        def lock(assessment):
            try:
                locked = real(assessment)
            except AlreadySubmitted:
                taken.append((who, False))
                raise
            taken.append((who, True))
            return locked

        return lock

    with (
        mock.patch.object(services, "_lock_draft", recording("submit")),
        mock.patch.object(team_services, "_lock_draft", recording("response")),
    ):
        yield taken


def a_team_draft(team, lead, quarter, late, early):
    """A draft whose lead scored 3 everywhere, with `early`'s response in (5 everywhere) and
    `late` answering meanwhile (2 everywhere so far)."""
    assessment, _ = assessment_start(team=team, period=quarter, user=lead)
    fill(assessment, 3)
    respondents_invite(assessment=assessment, users=[early, late], invited_by=lead)
    early_response = Respondent.objects.get(assessment=assessment, user=early)
    late_response = Respondent.objects.get(assessment=assessment, user=late)
    respond(early_response, 5)
    response_answers_save(respondent=late_response, answers=sheet(assessment, 2))
    return assessment, late_response


def test_a_respondents_save_racing_the_leads_submit_lands_before_it_or_is_refused_cleanly(
    model_v0_tx, team_a, lead_a
):
    robin, sam = make_user("robin"), make_user("sam")
    quarter = Quarter(2025, 1)
    for _ in range(ROUNDS * 2):
        assessment, late = a_team_draft(team_a, lead_a, quarter, late=sam, early=robin)
        shown = team_answers(assessment)
        seen, agreed_shown = shown.counted_ids, {i.question.code: i.agreed for i in shown.questions}
        assert set(agreed_shown.values()) == {4}  # 3 and 5: the median is 4
        late_sheet = sheet(assessment, 1)

        with lock_order() as taken:
            submitted, saved = at_once(
                lambda a=assessment, s=seen: assessment_submit(
                    assessment=a, user=lead_a, seen_responses=s
                ),
                lambda r=late, answers=late_sheet: refusal_of(
                    lambda: response_answers_save(respondent=r, answers=answers)
                ),
            )

        assert submitted.is_submitted
        assert scores_of(assessment) == agreed_shown  # exactly what the lead saw
        late.refresh_from_db()
        assert late.status == Respondent.Status.IN_PROGRESS
        if taken[0][0] == "response":  # the save went first: it landed, and does not count
            assert taken == [("response", True), ("submit", True)]
            assert saved is None
            assert answers_of(late) == dict.fromkeys(CODES, (1, ""))
        else:  # the submit went first: the save is refused, whole
            assert taken == [("submit", True), ("response", False)]
            assert isinstance(saved, Refused) and isinstance(saved.error, AlreadySubmitted)
            assert answers_of(late) == dict.fromkeys(CODES, (2, ""))
        assert Respondent.objects.filter(assessment=assessment, kind="lead").count() == 1
        quarter = quarter.next()


def test_a_respondent_submitting_after_the_leads_page_was_loaded_stops_the_submit(
    draft, lead_a, robin, sam
):
    fill(draft, 3)
    respondents_invite(assessment=draft, users=[robin, sam], invited_by=lead_a)
    robins, sams = Respondent.objects.get(user=robin), Respondent.objects.get(user=sam)
    respond(robins, 5)
    seen = team_answers(draft).counted_ids
    respond(sams, 1)  # after the lead's page was loaded
    before = lead_answers(draft)

    with pytest.raises(ResponsesChanged) as refused:
        assessment_submit(assessment=draft, user=lead_a, seen_responses=seen)

    assert "somebody submitted their response or was removed" in str(refused.value)
    assert "nothing was submitted" in str(refused.value)
    assert not Assessment.objects.get(pk=draft.pk).is_submitted
    assert lead_answers(draft) == before
    assert not Respondent.objects.filter(kind=Respondent.Kind.LEAD).exists()
    submitted = assessment_submit(
        assessment=draft, user=lead_a, seen_responses=team_answers(draft).counted_ids
    )
    assert submitted.is_submitted
    assert set(scores_of(draft).values()) == {3}  # the median of 3, 5 and 1


def test_a_respondent_removed_after_the_leads_page_was_loaded_stops_the_submit(
    draft, lead_a, robins
):
    fill(draft, 3)
    respond(robins, 5)
    seen = team_answers(draft).counted_ids
    respondent_remove(respondent=robins)

    with pytest.raises(ResponsesChanged):
        assessment_submit(assessment=draft, user=lead_a, seen_responses=seen)
    assert not Assessment.objects.get(pk=draft.pk).is_submitted


def test_a_respondents_submit_racing_the_leads_submit_never_changes_what_the_lead_saw(
    model_v0_tx, team_a, lead_a
):
    robin, sam = make_user("robin"), make_user("sam")
    quarter = Quarter(2025, 1)
    for _ in range(ROUNDS):
        assessment, late = a_team_draft(team_a, lead_a, quarter, late=sam, early=robin)
        response_answers_save(respondent=late, answers=sheet(assessment, 1))
        shown = team_answers(assessment)
        seen, agreed_shown = shown.counted_ids, {i.question.code: i.agreed for i in shown.questions}

        with lock_order() as taken:
            lead_result, late_result = at_once(
                lambda a=assessment, s=seen: refusal_of(
                    lambda: assessment_submit(assessment=a, user=lead_a, seen_responses=s)
                ),
                lambda r=late: refusal_of(lambda: response_submit(respondent=r)),
            )

        stored = Assessment.objects.get(pk=assessment.pk)
        late.refresh_from_db()
        if taken[0][0] == "response":  # the response went in first: the lead must look again
            assert taken == [("response", True), ("submit", True)]
            assert isinstance(lead_result, Refused)
            assert isinstance(lead_result.error, ResponsesChanged)
            assert late_result.pk == late.pk and late.is_submitted
            assert not stored.is_submitted
            assert not Respondent.objects.filter(assessment=assessment, kind="lead").exists()
            assert set(scores_of(assessment).values()) == {3}  # the lead's answers, untouched
        else:  # the lead went first: the response came too late
            assert taken == [("submit", True), ("response", False)]
            assert isinstance(late_result, Refused)
            assert isinstance(late_result.error, AlreadySubmitted)
            assert stored.is_submitted and not late.is_submitted
            assert scores_of(assessment) == agreed_shown
        quarter = quarter.next()


# --- agreeing scores ----------------------------------------------------------------------------


@pytest.fixture
def team_draft(draft, lead_a, robin, sam):
    """The lead scored 3 everywhere, Robin 5 and Sam 4: every default agreed score is 4."""
    fill(draft, 3)
    respondents_invite(assessment=draft, users=[robin, sam], invited_by=lead_a)
    respond(Respondent.objects.get(user=robin), 5)
    respond(Respondent.objects.get(user=sam), 4)
    return draft


def agreed_now(assessment) -> dict[str, tuple[int | None, bool, str]]:
    return {
        item.question.code: (item.agreed, item.agreed_by_lead, item.reason)
        for item in team_answers(assessment).questions
    }


def test_an_agreed_score_other_than_the_default_needs_a_reason_naming_the_question(team_draft):
    vo1 = by_code(team_draft)["VO-1"]
    before = lead_answers(team_draft)

    with pytest.raises(AssessmentError) as refused:
        agreed_scores_save(assessment=team_draft, agreed={vo1: (2, "   ")})

    assert str(refused.value) == (
        "Nothing was saved. VO-1: say why the agreed score is 2 and not 4."
    )
    assert lead_answers(team_draft) == before
    assert agreed_now(team_draft)["VO-1"] == (4, False, "")


def test_an_agreed_score_with_a_reason_is_kept_until_submit(team_draft):
    vo1 = by_code(team_draft)["VO-1"]

    changed = agreed_scores_save(
        assessment=team_draft, agreed={vo1: (2, " The handover is not written down. ")}
    )

    assert changed == ["VO-1"]
    assert lead_answers(team_draft)["VO-1"] == (3, 2, "The handover is not written down.")
    assert agreed_now(team_draft)["VO-1"] == (2, True, "The handover is not written down.")
    assert agreed_now(team_draft)["VO-2"] == (4, False, "")
    assert (
        agreed_scores_save(
            assessment=team_draft, agreed={vo1: (2, "The handover is not written down.")}
        )
        == []
    )


@pytest.mark.parametrize("back", [(4, "changed my mind"), (None, ""), (None, "a reason")])
def test_setting_the_default_or_no_score_clears_what_the_lead_set(team_draft, back):
    vo1 = by_code(team_draft)["VO-1"]
    agreed_scores_save(assessment=team_draft, agreed={vo1: (2, "why not")})

    assert agreed_scores_save(assessment=team_draft, agreed={vo1: back}) == ["VO-1"]

    assert lead_answers(team_draft)["VO-1"] == (3, None, "")
    assert agreed_now(team_draft)["VO-1"] == (4, False, "")


def test_a_reason_longer_than_the_limit_is_refused(team_draft):
    vo1 = by_code(team_draft)["VO-1"]
    with pytest.raises(AssessmentError) as refused:
        agreed_scores_save(assessment=team_draft, agreed={vo1: (2, "x" * (REASON_MAX_LENGTH + 1))})
    assert str(refused.value) == (
        f"Nothing was saved. VO-1: keep the reason under {REASON_MAX_LENGTH} characters."
    )
    assert lead_answers(team_draft)["VO-1"] == (3, None, "")

    agreed_scores_save(assessment=team_draft, agreed={vo1: (2, "x" * REASON_MAX_LENGTH)})
    assert lead_answers(team_draft)["VO-1"] == (3, 2, "x" * REASON_MAX_LENGTH)


def test_one_bad_agreed_score_among_several_saves_none_of_them(team_draft):
    q = by_code(team_draft)
    agreed_scores_save(assessment=team_draft, agreed={q["AO-1"]: (1, "set earlier")})
    before = lead_answers(team_draft)

    with pytest.raises(AssessmentError) as refused:
        agreed_scores_save(
            assessment=team_draft,
            agreed={
                q["VO-1"]: (2, "fine"),
                q["VO-2"]: (1, ""),
                q["AO-1"]: (4, ""),  # clearing: fine on its own
                q["CX-1"]: (6, "off the scale"),
            },
        )

    message = str(refused.value)
    assert message.startswith("Nothing was saved. ")
    assert "VO-2: say why the agreed score is 1 and not 4" in message
    assert "CX-1: the agreed score must be from 1 to 5" in message
    assert "VO-1" not in message
    assert lead_answers(team_draft) == before


def test_an_agreed_score_for_a_question_of_another_model_version_is_refused(team_draft, model_v0):
    other = model_version_duplicate(source=model_v0)
    stranger = Question.objects.get(dimension__model=other, code="VO-1")
    before = lead_answers(team_draft)

    with pytest.raises(AssessmentError) as refused:
        agreed_scores_save(assessment=team_draft, agreed={stranger: (2, "from elsewhere")})

    assert str(refused.value) == "VO-1 is not part of this model version."
    assert lead_answers(team_draft) == before
    assert not Answer.objects.filter(question=stranger).exists()


def test_an_agreed_score_on_a_question_the_lead_left_empty_is_kept(draft, lead_a, robins):
    respond(robins, 4)
    vo1 = by_code(draft)["VO-1"]
    agreed_scores_save(assessment=draft, agreed={vo1: (1, "too rosy")})
    assert lead_answers(draft) == {"VO-1": (None, 1, "too rosy")}
    agreed_scores_save(assessment=draft, agreed={vo1: (4, "")})
    assert lead_answers(draft) == {}  # nothing left on the row: it goes


# --- submitting -------------------------------------------------------------------------------


def test_a_lead_alone_submits_their_own_answers_as_they_are(draft, lead_a):
    scores = varied(3, {"VO-1": 1, "CX-2": 5, "MP-5": 2})
    fill(draft, scores, notes={"VO-1": "just started"})

    assessment_submit(assessment=draft, user=lead_a)

    assert scores_of(draft) == scores
    assert {
        code: reason for code, (_s, _a, reason) in lead_answers(draft).items()
    } == dict.fromkeys(CODES, "")
    (lead,) = Respondent.objects.filter(assessment=draft)
    assert (lead.kind, lead.user, lead.status) == (
        Respondent.Kind.LEAD,
        lead_a,
        Respondent.Status.SUBMITTED,
    )
    assert lead.submitted_at is not None and lead.name == "Alex Lead"
    assert answers_of(lead) == {
        code: (score, "just started" if code == "VO-1" else "") for code, score in scores.items()
    }
    questions = by_code(draft)
    assert {a.question.code: a.question_text for a in Answer.objects.filter(assessment=draft)} == {
        code: questions[code].text for code in CODES
    }
    assert not team_answers(Assessment.objects.get(pk=draft.pk)).is_team


def test_a_team_submit_agrees_the_leads_choice_or_the_conservative_median_of_counted_answers(
    draft, lead_a, robin, sam, consultant
):
    pat = make_user("pat", first_name="Pat", last_name="Park")
    kim = make_user("kim", first_name="Kim", last_name="Kato")
    lead_scores = varied(3, {"VO-1": 1, "VO-2": 2, "CX-1": 5})
    robin_scores = varied(4, {"VO-1": 5, "VO-2": 3, "AO-3": 1})
    sam_scores = varied(2, {"VO-1": 4, "CX-1": 5, "MP-2": 5})
    fill(draft, lead_scores)
    respondents_invite(assessment=draft, users=[robin, sam, pat, kim], invited_by=lead_a)
    robins, sams, pats, kims = (Respondent.objects.get(user=u) for u in (robin, sam, pat, kim))
    respond(robins, robin_scores)
    respond(sams, sam_scores)
    respond(pats, 1)  # then removed: not counted
    respondent_remove(respondent=pats)
    response_answers_save(respondent=kims, answers=sheet(draft, 5))  # never submitted
    q = by_code(draft)
    agreed_scores_save(assessment=draft, agreed={q["MP-1"]: (5, "The playbook shipped last week.")})
    seen = team_answers(draft).counted_ids
    assert seen == sorted([robins.pk, sams.pk])

    assessment_submit(assessment=draft, user=consultant, seen_responses=seen)

    expected = {
        code: conservative_median([lead_scores[code], robin_scores[code], sam_scores[code]])
        for code in CODES
    } | {"MP-1": 5}
    assert expected["VO-1"] == 4 and expected["VO-2"] == 2 and expected["AO-3"] == 2
    assert scores_of(draft) == expected
    stored = lead_answers(draft)
    assert {code: reason for code, (_s, _a, reason) in stored.items() if reason} == {
        "MP-1": "The playbook shipped last week."
    }
    assert {agreed for _s, agreed, _r in stored.values()} == {None}  # applied, then cleared
    assert {a.question.code: a.question_text for a in Answer.objects.filter(assessment=draft)} == {
        code: q[code].text for code in CODES
    }
    pats = Respondent.objects.get(pk=pats.pk)
    assert pats.is_removed and answers_of(pats) == dict.fromkeys(CODES, (1, ""))
    (kept,) = Respondent.objects.filter(assessment=draft, kind=Respondent.Kind.LEAD)
    assert kept.user == consultant and kept.is_submitted
    assert answers_of(kept) == {code: (score, "") for code, score in lead_scores.items()}


def test_a_consultant_who_answered_nothing_agrees_the_team_from_the_respondents(
    draft, consultant, robins, sam
):
    sams = invite(draft, sam, consultant)
    respond(robins, varied(2, {"VO-1": 5}))
    respond(sams, varied(3, {"VO-1": 5}))

    assessment_submit(
        assessment=draft, user=consultant, seen_responses=team_answers(draft).counted_ids
    )

    assert scores_of(draft) == varied(2, {"VO-1": 5})  # (2 + 3) / 2 goes down to 2
    assert not Respondent.objects.filter(kind=Respondent.Kind.LEAD).exists()
    stored = Assessment.objects.get(pk=draft.pk)
    assert stored.is_submitted and stored.submitted_by == consultant
    after = team_answers(stored)
    assert [v.respondent for v in after.voices] == [robins, sams]
    assert after.is_team


def test_a_team_submit_without_a_score_for_every_question_names_the_missing(draft, lead_a, robins):
    respond(robins, 3)
    respondent_remove(respondent=robins)  # nothing counts: the lead's empty sheet is what is left
    fill(draft, varied(3))
    Answer.objects.filter(assessment=draft, question__code="CX-4").delete()

    with pytest.raises(AssessmentError, match=r"Missing: CX-4 \("):
        assessment_submit(assessment=draft, user=lead_a)
    assert not Assessment.objects.get(pk=draft.pk).is_submitted


# --- anonymous responses ----------------------------------------------------------------------


def test_anonymity_cannot_be_switched_off_once_someone_was_invited_under_it(
    draft, lead_a, robin, sam
):
    robins = invite(draft, robin, lead_a, anonymous=True)
    assert Assessment.objects.get(pk=draft.pk).anonymous_responses

    with pytest.raises(AssessmentError) as refused:
        respondents_invite(assessment=draft, users=[sam], invited_by=lead_a, anonymous=False)
    assert str(refused.value) == (
        "People were invited to answer anonymously: their answers stay anonymous. "
        "Nobody was invited."
    )
    respond(robins, 3)
    with pytest.raises(AssessmentError, match="their answers stay anonymous"):
        respondent_invite_by_email(
            assessment=draft,
            name="Dana",
            email="dana@example.org",
            invited_by=lead_a,
            anonymous=False,
        )

    assert Assessment.objects.get(pk=draft.pk).anonymous_responses
    assert list(Respondent.objects.all()) == [robins]
    invite(draft, sam, lead_a, anonymous=True)  # staying anonymous is fine
    assert Respondent.objects.count() == 2


def test_anonymity_can_be_switched_off_while_nobody_was_invited_under_it(draft, lead_a, sam):
    respondents_invite(assessment=draft, users=[], invited_by=lead_a, anonymous=True)
    invite(draft, sam, lead_a, anonymous=False)
    assert not Assessment.objects.get(pk=draft.pk).anonymous_responses


def test_anonymity_can_be_switched_off_once_everyone_invited_under_it_was_removed(
    draft, lead_a, robin, sam
):
    robins = invite(draft, robin, lead_a, anonymous=True)
    respondent_remove(respondent=robins)
    invite(draft, sam, lead_a, anonymous=False)
    assert not Assessment.objects.get(pk=draft.pk).anonymous_responses


@pytest.mark.parametrize("anonymous", [True, False])
def test_voices_are_labelled_by_name_or_as_respondent_n_when_anonymous(
    draft, lead_a, robin, sam, anonymous
):
    fill(draft, 3)
    respondents_invite(assessment=draft, users=[robin, sam], invited_by=lead_a, anonymous=anonymous)
    respond(Respondent.objects.get(user=robin), 4)
    respond(Respondent.objects.get(user=sam), 2)

    labels = [v.label for v in team_answers(Assessment.objects.get(pk=draft.pk)).voices]

    assert labels == (
        ["Lead", "Respondent 1", "Respondent 2"]
        if anonymous
        else ["Lead", "Robin Reyes", "Sam Sato"]
    )
    assessment_submit(assessment=draft, user=lead_a)
    after = [v.label for v in team_answers(Assessment.objects.get(pk=draft.pk)).voices]
    assert after == (
        ["Respondent 1", "Respondent 2", "Respondent 3"]
        if anonymous
        else ["Robin Reyes", "Sam Sato", "Alex Lead"]
    )


# --- TeamAnswers --------------------------------------------------------------------------------


def test_the_voices_are_the_leads_working_answers_then_each_counted_response(
    draft, lead_a, robins, sam
):
    assert team_answers(draft).voices == () and not team_answers(draft).is_team
    fill(draft, 3)
    sams = invite(draft, sam, lead_a)
    response_answers_save(respondent=sams, answers=sheet(draft, 1))

    alone = team_answers(draft)
    assert [v.key for v in alone.voices] == [LEAD_KEY]
    assert not alone.is_team and alone.counted_ids == [] and alone.answered_count == 1
    assert [r.pk for r in alone.invited] == [robins.pk, sams.pk]

    respond(robins, 5)
    together = team_answers(draft)
    assert [v.key for v in together.voices] == [LEAD_KEY, robins.public_id]
    assert together.voices[1].respondent == robins
    assert together.is_team and together.counted_ids == [robins.pk]
    assert together.by_code["VO-1"].scores == (3, 5)
    assert [r.pk for r in together.invited_submitted] == [robins.pk]

    respondent_remove(respondent=robins)
    without = team_answers(draft)
    assert [v.key for v in without.voices] == [LEAD_KEY]
    assert not without.is_team and without.counted_ids == []
    assert [r.pk for r in without.removed] == [robins.pk]
    assert [r.pk for r in without.respondents] == [robins.pk, sams.pk]  # removed ones too


def test_a_submitted_assessment_is_a_teams_only_with_more_than_one_response(
    model_v0, team_a, team_b, lead_a, lead_b, robin
):
    solo, _ = assessment_start(team=team_b, period=Quarter(2026, 1), user=lead_b)
    fill(solo, 3)
    assessment_submit(assessment=solo, user=lead_b)
    shared, _ = assessment_start(team=team_a, period=Quarter(2026, 1), user=lead_a)
    fill(shared, 3)
    respond(invite(shared, robin, lead_a), 4)
    assessment_submit(assessment=shared, user=lead_a)

    alone = team_answers(Assessment.objects.get(pk=solo.pk))
    together = team_answers(Assessment.objects.get(pk=shared.pk))
    assert alone.answered_count == 1 and not alone.is_team
    assert together.answered_count == 2 and together.is_team
    assert together.by_code["VO-1"].agreed == 3 and together.by_code["VO-1"].scores == (4, 3)


def test_the_range_by_dimension_needs_two_people_who_scored_all_of_it(draft, lead_a, robins, sam):
    sams = invite(draft, sam, lead_a)
    answers_save(assessment=draft, answers=sheet(draft, {c: 1 for c in CODES if c[:2] == "VO"}))
    assert team_answers(draft).range_by_dimension() is None  # one voice

    respond(robins, varied(3, {"VO-1": 5}))
    # Two voices, but only one scored CX, AO and MP.
    assert team_answers(draft).range_by_dimension() is None

    respond(sams, varied(4, {"MP-1": 1}))
    assert team_answers(draft).range_by_dimension() == {
        "VO": (5, 20),  # the lead's 5 x 1, Robin's 5 + 4 x 3, Sam's 5 x 4
        "CX": (15, 20),
        "AO": (15, 20),
        "MP": (15, 17),  # Robin's 15, Sam's 1 + 4 x 4
    }


def test_questions_far_apart_are_to_discuss(draft, lead_a, robins):
    fill(draft, varied(3, {"VO-1": 1, "VO-2": 2, "CX-3": 5}))
    respond(robins, varied(3, {"VO-1": 3, "VO-2": 3, "CX-3": 4}))

    team = team_answers(draft)

    assert [item.question.code for item in team.to_discuss] == ["VO-1"]  # 1 and 3
    assert team.by_code["VO-2"].spread.spread == 1 and not team.by_code["VO-2"].to_discuss
    assert team.by_code["VO-1"].agreed == 2 and team.by_code["VO-2"].agreed == 2
    assert team.by_code["CX-3"].agreed == 4
    assert team.missing_agreed == [] and team.set_by_lead == []


def test_reading_the_teams_answers_takes_the_same_few_queries_for_one_or_ten_respondents(
    model_v0, team_a, team_b, lead_a, lead_b
):
    def with_respondents(team, lead, count):
        assessment, _ = assessment_start(team=team, period=Quarter(2026, 2), user=lead)
        fill(assessment, 3)
        for n in range(count):
            person = make_user(f"{team.slug}{n}", first_name=f"Person{n}")
            respond(invite(assessment, person, lead), 1 + n % 5)
        agreed_scores_save(
            assessment=assessment, agreed={by_code(assessment)["VO-1"]: (5, "seen it")}
        )
        return Assessment.objects.select_related("model").get(pk=assessment.pk)

    def queries_to_read(assessment) -> int:
        team_answers(assessment)  # the model's structure is read once per process
        with CaptureQueriesContext(connection) as read:
            team = team_answers(assessment)
            [(v.label, v.key) for v in team.voices]
            [
                (i.scores, i.notes, i.agreed, i.reason, i.question.dimension.code)
                for i in team.questions
            ]
            team.range_by_dimension(), team.counted_ids, team.invited, team.to_discuss
        return len(read.captured_queries)

    one = queries_to_read(with_respondents(team_a, lead_a, 1))
    ten = queries_to_read(with_respondents(team_b, lead_b, 10))

    assert one == ten, (one, ten)
    assert 3 <= ten <= 4  # respondents with their users, their answers, the agreed answers


def test_an_agreed_score_set_before_the_only_respondent_was_removed_leaves_no_reason(
    draft, lead_a, robins
):
    fill(draft, 3)
    respond(robins, 5)
    q = by_code(draft)
    agreed_scores_save(assessment=draft, agreed={q["VO-1"]: (2, "we are not there yet")})
    respondent_remove(respondent=robins)  # alone again: the lead's answers are the agreed ones

    assessment_submit(assessment=draft, user=lead_a)

    assert lead_answers(draft)["VO-1"] == (3, None, "")
    after = team_answers(Assessment.objects.get(pk=draft.pk))
    assert after.set_by_lead == []
