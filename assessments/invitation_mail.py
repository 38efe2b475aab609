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

from assessments.models import Respondent
from assessments.wizard import RESPONDENT_FIRST_STEP
from catalogue.selectors import model_structure

logger = structlog.get_logger(__name__)


def send_invitation(request: HttpRequest, respondent: Respondent, token: str | None) -> bool:
    """Send it now (after the invitation was saved); False when the mail server refused."""
    if not respondent.email:
        return False
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
    subject = render_to_string("emails/invitation_subject.txt", context).strip()
    body = render_to_string("emails/invitation_body.txt", context)
    try:
        send_mail(subject, body, None, [respondent.email], fail_silently=False)
    except (OSError, smtplib.SMTPException):
        logger.exception("invitation e-mail not sent", respondent=respondent.pk)
        return False
    return True


def _questions(assessment):
    model = model_structure(assessment.model)
    return [q for dim in model.dimensions.all() for q in dim.questions.all()]
