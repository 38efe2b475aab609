"""The e-mails that invite someone to answer: a sign-up link for someone new, a plain link for
someone with an account. Sent once the invitation is saved: a mail server that refuses leaves
the invitation in place, and the lead is told."""

from __future__ import annotations

import smtplib

import structlog
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from assessments.models import Respondent
from assessments.recipient_language import language_of, languages_for, user_language
from assessments.wizard import RESPONDENT_FIRST_STEP
from catalogue.selectors import model_structure

logger = structlog.get_logger(__name__)


def send_invitation(
    request: HttpRequest, respondent: Respondent, token: str | None, language: str | None = None
) -> bool:
    """Send it now (after the invitation was saved); False when the mail server refused.

    Written in the recipient's language: `language` when the caller looked it up (see
    invitation_languages), else their saved choice; someone without an account gets the
    inviter's current language."""
    if not respondent.email:
        return False
    if language is None:
        language = invitation_language(respondent)
    assessment = respondent.assessment
    if token:
        link = reverse("assessments:invitation", args=[token])
    else:
        link = reverse("assessments:step", args=[assessment.pk, RESPONDENT_FIRST_STEP])
    context = {
        "respondent": respondent,
        "assessment": assessment,
        "invited_by": request.user.get_full_name() or request.user.get_username(),
        "link": request.build_absolute_uri(link),
        "new_account": bool(token),
        "question_count": sum(1 for _ in _questions(assessment)),
    }
    with translation.override(language):
        subject = render_to_string("emails/invitation_subject.txt", context).strip()
        body = render_to_string("emails/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [respondent.email], fail_silently=False)
    except (OSError, smtplib.SMTPException):
        logger.exception("invitation e-mail not sent", respondent=respondent.pk)
        return False
    return True


def invitation_language(respondent: Respondent) -> str:
    """The recipient's saved language; the inviter's current one for someone without an
    account (or without a choice); the site's default when neither is known."""
    return user_language(respondent.user_id, default=translation.get_language())


def invitation_languages(respondents) -> dict[int, str]:
    """invitation_language for many respondents at once (one query), by respondent pk."""
    chosen = languages_for(r.user_id for r in respondents)
    current = translation.get_language()
    return {r.pk: language_of(chosen, r.user_id, default=current) for r in respondents}


def _questions(assessment):
    model = model_structure(assessment.model)
    return [q for dim in model.dimensions.all() for q in dim.questions.all()]
