"""The e-mails that invite someone to answer: a sign-up link for someone new, a plain link for
someone with an account. Sent once the invitation is saved."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Respondent
from assessments.wizard import RESPONDENT_FIRST_STEP


def send_invitation(request: HttpRequest, respondent: Respondent, token: str | None) -> None:
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
    }
    subject = render_to_string("emails/invitation_subject.txt", context).strip()
    body = render_to_string("emails/invitation_body.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [respondent.email], fail_silently=False)
    )
