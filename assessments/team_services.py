"""Writes for several respondents: inviting, answering one's own response, agreeing scores.

Every write locks the assessment's row first, as the lead's saves and submit do, so a
respondent's save and the lead's submit take turns: a save arriving after the submit is
refused, never half-applied.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.services import AssessmentError, ResponsesChanged, _lock_draft, _write_answers
from assessments.team_answers import people_of, team_answers
from catalogue.models import Question
from catalogue.selectors import model_with_structure
from organizations.selectors import teams_visible_to

INVITATION_LIFETIME = datetime.timedelta(days=14)
REASON_MAX_LENGTH = 300


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _manages(user, assessment: Assessment) -> bool:
    return teams_visible_to(user).filter(pk=assessment.team_id).exists()


@transaction.atomic
def respondents_invite(
    *, assessment: Assessment, users, invited_by, anonymous: bool | None = None
) -> list[Respondent]:
    """Invite existing people; returns those newly invited (or brought back after removal)."""
    locked = _lock_draft(assessment)
    _set_anonymous(locked, anonymous)
    invited = []
    for user in users:
        if _manages(user, locked):
            raise AssessmentError(
                gettext("%(name)s leads or consults this team: their answers are the lead's.")
                % {"name": _name(user)}
            )
        respondent, created = Respondent.objects.get_or_create(
            assessment=locked,
            user=user,
            defaults={
                "kind": Respondent.Kind.INVITED,
                "name": _name(user),
                "email": user.email,
                "invited_by": invited_by,
            },
        )
        if created:
            invited.append(respondent)
        elif respondent.is_removed:
            respondent.removed_at = None
            respondent.save(update_fields=["removed_at"])
            invited.append(respondent)
    return invited


@dataclass(frozen=True)
class EmailInvitation:
    respondent: Respondent
    new: bool  # False: already invited (nothing to send again)
    token: str | None  # the sign-up link's secret; None when the address has an account


@transaction.atomic
def respondent_invite_by_email(
    *, assessment: Assessment, name: str, email: str, invited_by, anonymous: bool | None = None
) -> EmailInvitation:
    """Invite someone by e-mail. With an account already, they are invited as themselves;
    without, they get a one-time sign-up link (a new one each time they are invited)."""
    email, name = email.strip(), name.strip()
    existing = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if existing is not None:
        known = _known_to(existing, assessment)
        invited = respondents_invite(
            assessment=assessment, users=[existing], invited_by=invited_by, anonymous=anonymous
        )
        if not invited:
            respondent = Respondent.objects.get(assessment=assessment, user=existing)
            return EmailInvitation(respondent, new=False, token=None)
        (respondent,) = invited
        if name and not known:
            # Someone from outside the organization: the lead sees the name they typed, never
            # the account's own.
            respondent.name = name
            respondent.save(update_fields=["name"])
        return EmailInvitation(respondent, new=True, token=None)
    locked = _lock_draft(assessment)
    _set_anonymous(locked, anonymous)
    token = secrets.token_urlsafe(32)
    respondent = Respondent.objects.filter(
        assessment=locked, user__isnull=True, email__iexact=email, kind=Respondent.Kind.INVITED
    ).first() or Respondent(assessment=locked, kind=Respondent.Kind.INVITED, invited_by=invited_by)
    respondent.name = name.strip()
    respondent.email = email
    respondent.removed_at = None
    respondent.invitation_digest = _digest(token)  # an earlier link stops working
    respondent.invitation_expires_at = timezone.now() + INVITATION_LIFETIME
    respondent.invitation_used_at = None
    respondent.save()
    return EmailInvitation(respondent, new=True, token=token)


def _set_anonymous(assessment: Assessment, anonymous: bool | None) -> None:
    if anonymous is None or anonymous == assessment.anonymous_responses:
        return
    if (
        not anonymous
        and Respondent.objects.filter(
            assessment=assessment, kind=Respondent.Kind.INVITED, removed_at__isnull=True
        ).exists()
    ):
        raise AssessmentError(
            gettext(
                "People were invited to answer anonymously: their answers stay anonymous. "
                "Nobody was invited."
            )
        )
    assessment.anonymous_responses = anonymous
    assessment.save(update_fields=["anonymous_responses", "updated_at"])


class InvitationInvalid(AssessmentError):
    """The link is used, expired, withdrawn, or its assessment is closed."""


class InvitationUnknown(InvitationInvalid):
    """No invitation has this link: mistyped, cut short or made up."""


def invitation_check(token: str, *, lock: bool = False) -> Respondent:
    """The invitation a sign-up link stands for, if it can still be accepted."""
    found = Respondent.objects.select_related("assessment__team__organization")
    if lock:
        found = found.select_for_update()
    respondent = found.filter(invitation_digest=_digest(token)).first() if token else None
    if respondent is None:
        raise InvitationUnknown(
            gettext(
                "This invitation link is not valid. Check that you copied the whole link, or ask "
                "for a new invitation."
            )
        )
    if respondent.invitation_used_at is not None or respondent.user_id is not None:
        raise InvitationInvalid(
            gettext("This invitation link was used already. Sign in with the account it created.")
        )
    if respondent.is_removed:
        raise InvitationInvalid(gettext("This invitation was withdrawn."))
    if (
        respondent.invitation_expires_at is None
        or respondent.invitation_expires_at <= timezone.now()
    ):
        raise InvitationInvalid(
            gettext(
                "This invitation link has expired. Ask the person who invited you for a new one."
            )
        )
    if respondent.assessment.is_submitted:
        raise InvitationInvalid(
            gettext("This assessment was submitted already: no more answers are needed.")
        )
    return respondent


@transaction.atomic
def invitation_accept(*, token: str, name: str, password: str):
    """Create the invited person's account (their e-mail is their user name) and link it to
    their response. One-time: a second use of the link, even at the same moment, is refused."""
    respondent = invitation_check(token, lock=True)
    User = get_user_model()
    user = User(username=respondent.email.lower(), email=respondent.email)
    first, _, last = name.strip().partition(" ")
    user.first_name, user.last_name = first[:150], last[:150]
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AssessmentError(" ".join(error.messages)) from error
    user.set_password(password)
    if User.objects.filter(username__iexact=user.username).exists():
        raise InvitationInvalid(
            gettext(
                "An account with this e-mail address exists already: sign in with it, and ask "
                "to be invited as that account."
            )
        )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise InvitationInvalid(
            gettext(
                "An account with this e-mail address exists already: sign in with it, and ask "
                "to be invited as that account."
            )
        ) from error
    respondent.user = user
    respondent.name = name.strip() or respondent.name
    respondent.invitation_used_at = timezone.now()
    respondent.save(update_fields=["user", "name", "invitation_used_at"])
    return user


@transaction.atomic
def respondent_remove(*, respondent: Respondent) -> Respondent:
    """Take a respondent off a draft: their answers stay stored but no longer count."""
    _lock_draft(respondent.assessment)
    # Their link stops working (invitation_check refuses a removed respondent's link) and
    # says why: clearing its digest would call it "not valid" instead of withdrawn.
    respondent.removed_at = timezone.now()
    respondent.save(update_fields=["removed_at"])
    return respondent


def _lock_response(respondent: Respondent) -> Respondent:
    _lock_draft(respondent.assessment)
    locked = Respondent.objects.select_for_update().get(pk=respondent.pk)
    if locked.is_removed:
        raise AssessmentError(gettext("You were removed from this assessment; nothing was saved."))
    if locked.is_submitted:
        raise AssessmentError(
            gettext("You have submitted your answers: they can no longer be changed.")
        )
    return locked


@transaction.atomic
def response_answers_save(
    *,
    respondent: Respondent,
    answers: dict[Question, tuple[int | None, str | None]],
    shown: dict[Question, tuple[object, object]] | None = None,
) -> None:
    """As services.answers_save, on the respondent's own answers."""
    locked = _lock_response(respondent)
    _write_answers(
        respondent.assessment.model_id,
        existing=locked.answers,
        new_row=lambda question: RespondentAnswer(respondent=locked, question=question),
        answers=answers,
        shown=shown,
    )


@transaction.atomic
def response_submit(*, respondent: Respondent) -> Respondent:
    locked = _lock_response(respondent)
    model = model_with_structure(respondent.assessment.model_id)
    scored = set(locked.answers.filter(score__isnull=False).values_list("question_id", flat=True))
    missing = [
        q.code for dim in model.dimensions.all() for q in dim.questions.all() if q.pk not in scored
    ]
    if missing:
        raise AssessmentError(
            gettext("Answer every question before submitting your answers. Missing: %(questions)s.")
            % {"questions": ", ".join(missing)}
        )
    locked.status = Respondent.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at"])
    return locked


class AgreementRefused(AssessmentError):
    """Some agreed scores were refused; nothing was saved. `problems`: (code, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        listed = "; ".join(f"{code}: {message}" for code, message in problems)
        super().__init__(gettext("Nothing was saved. %(problems)s.") % {"problems": listed})


@transaction.atomic
def agreed_scores_save(
    *,
    assessment: Assessment,
    agreed: dict[Question, tuple[int | None, str]],
    seen_responses: Collection[int] | None = None,
) -> list[str]:
    """Set agreed scores while the draft is open: a score other than the default needs a
    reason; the default (or no score) clears what was set. Returns the codes changed."""
    locked = _lock_draft(assessment)
    team = team_answers(locked)
    if seen_responses is not None and sorted(seen_responses) != team.counted_ids:
        raise ResponsesChanged()  # the defaults the page offered are not today's
    problems, changed = [], []
    rows = {a.question_id: a for a in locked.answers.filter(question__in=list(agreed))}
    for question, (score, reason) in agreed.items():
        item = team.by_code.get(question.code)
        if item is None or item.question.pk != question.pk:  # codes repeat across versions
            raise AssessmentError(
                gettext("%(code)s is not part of this model version.") % {"code": question.code}
            )
        reason = (reason or "").strip()
        default = item.spread.default_agreed if item.spread else None
        if score is not None and not 1 <= score <= 5:
            problems.append((question.code, gettext("the agreed score must be from 1 to 5")))
            continue
        if len(reason) > REASON_MAX_LENGTH:
            problems.append(
                (
                    question.code,
                    gettext("keep the reason under %(max)s characters")
                    % {"max": REASON_MAX_LENGTH},
                )
            )
            continue
        keep = score is not None and score != default
        if keep and not reason:
            problems.append(
                (
                    question.code,
                    gettext("say why the agreed score is %(score)s and not %(default)s")
                    % {"score": score, "default": default}
                    if default is not None
                    else gettext("say why the agreed score is %(score)s") % {"score": score},
                )
            )
            continue
        answer = rows.get(question.pk) or Answer(assessment=locked, question=question)
        new = (score, reason) if keep else (None, "")
        if (answer.agreed_score, answer.agreed_reason) != new:
            answer.agreed_score, answer.agreed_reason = new
            changed.append(question.code)
            if answer.score is None and answer.agreed_score is None and not answer.note:
                if answer.pk:
                    answer.delete()
            else:
                answer.save()
    if problems:
        raise AgreementRefused(problems)
    return changed


def _known_to(user, assessment: Assessment) -> bool:
    return people_of(assessment.team.organization).filter(pk=user.pk).exists()


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
