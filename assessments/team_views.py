"""Pages for several respondents: who answers (invite, remove), signing up from an
invitation, a respondent handing in their answers, and the consultant's workshop."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from assessments import selectors, services, team_answers, team_services
from assessments.invitation_mail import invitation_languages, send_invitation
from assessments.models import Assessment, Respondent
from assessments.team_forms import AcceptInvitationForm, AgreeForm, InviteForm, rebound
from assessments.wizard import RESPONDENT_FIRST_STEP

SIGN_IN_BACKEND = "organizations.backends.UsernameBackend"


def _managed_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def respondents(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    people = team_answers.people_to_invite(assessment)
    form = InviteForm(request.POST or None, people=people, anonymous=assessment.anonymous_responses)
    status = 200
    if request.method == "POST":
        if assessment.is_submitted:
            messages.info(
                request, gettext("This assessment was submitted: nobody more can be invited.")
            )
            return redirect("assessments:respondents", pk=pk)
        if form.is_valid():
            try:
                invited, already = _invite(request, assessment, form.cleaned_data)
            except services.AssessmentError as refused:
                form.add_error(None, str(refused))
            else:
                _report_invitations(request, invited, already)
                return redirect("assessments:respondents", pk=pk)
        status = 400
    team = team_answers.team_answers(assessment)
    ctx = {
        "assessment": assessment,
        "team": team,
        "question_count": len(team.questions),
        "form": form,
        "has_people": people.exists(),
        "resume_step": selectors.assessment_sheet(assessment).resume_step,
    }
    return render(request, "assessments/respondents.html", ctx, status=status)


def _invite(request: HttpRequest, assessment: Assessment, data: dict):
    """Everyone picked and the new person, or nobody (one transaction); then the e-mails.

    Returns (invited with whether their e-mail went out, the names already invited)."""
    anonymous = data["anonymous"]
    to_send: list[tuple[Respondent, str | None]] = []
    already: list[str] = []
    with transaction.atomic():
        picked = list(data["people"])
        invited = team_services.respondents_invite(
            assessment=assessment, users=picked, invited_by=request.user, anonymous=anonymous
        )
        new_ids = {r.user_id for r in invited}
        already += [_person(user) for user in picked if user.pk not in new_ids]
        to_send += [(respondent, None) for respondent in invited]
        if data.get("email"):
            by_email = team_services.respondent_invite_by_email(
                assessment=assessment,
                name=data["name"],
                email=data["email"],
                invited_by=request.user,
                anonymous=anonymous,
            )
            if by_email.new:
                to_send.append((by_email.respondent, by_email.token))
            else:
                already.append(by_email.respondent.display_name)
    languages = invitation_languages([r for r, _token in to_send])
    sent = [(r, send_invitation(request, r, token, languages[r.pk])) for r, token in to_send]
    return sent, already


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _report_invitations(request, invited: list[tuple[Respondent, bool]], already: list[str]):
    sent = [r.display_name for r, ok in invited if ok]
    unsent = [r.display_name for r, ok in invited if not ok]
    if sent:
        messages.success(
            request,
            gettext("Invited: %(names)s. Each gets an e-mail.") % {"names": ", ".join(sent)},
        )
    if unsent:
        messages.error(
            request,
            gettext(
                "Invited, but the e-mail could not be sent to: %(names)s. "
                "Try Resend in a while, or tell them yourself."
            )
            % {"names": ", ".join(unsent)},
        )
    if already:
        messages.info(
            request,
            gettext("Already invited: %(names)s. Nothing was sent again.")
            % {"names": ", ".join(already)},
        )


@login_required
@require_POST
def respondent_resend(request: HttpRequest, pk: int, respondent_pk: int) -> HttpResponse:
    """The invitation e-mail again; someone who has not signed up gets a new link (the old one
    stops working)."""
    assessment = _managed_assessment(request, pk)
    respondent = get_object_or_404(
        Respondent.objects.filter(kind=Respondent.Kind.INVITED, removed_at__isnull=True),
        assessment=assessment,
        pk=respondent_pk,
    )
    token = None
    try:
        if respondent.is_pending:
            token = team_services.respondent_invite_by_email(
                assessment=assessment,
                name=respondent.name,
                email=respondent.email,
                invited_by=request.user,
            ).token
        elif assessment.is_submitted:
            raise services.AlreadySubmitted(assessment)
    except services.AssessmentError as refused:
        messages.error(request, str(refused))
        return redirect("assessments:respondents", pk=pk)
    if send_invitation(request, respondent, token):
        messages.success(
            request,
            gettext("Sent the invitation to %(name)s again.") % {"name": respondent.display_name},
        )
    else:
        messages.error(
            request,
            gettext("The e-mail to %(name)s could not be sent.")
            % {"name": respondent.display_name},
        )
    return redirect("assessments:respondents", pk=pk)


@login_required
@require_POST
def respondent_remove(request: HttpRequest, pk: int, respondent_pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, pk)
    respondent = get_object_or_404(
        Respondent.objects.filter(kind=Respondent.Kind.INVITED),
        assessment=assessment,
        pk=respondent_pk,
    )
    try:
        team_services.respondent_remove(respondent=respondent)
    except services.AssessmentError as refused:
        messages.error(request, str(refused))
    else:
        answered = respondent.answers.filter(score__isnull=False).exists()
        messages.success(
            request,
            (
                gettext("%(name)s was removed. Their answers are kept but no longer count.")
                if answered
                else gettext("%(name)s was removed.")
            )
            % {"name": respondent.display_name},
        )
    return redirect("assessments:respondents", pk=pk)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the link: choose a password, get an account, start answering."""
    try:
        respondent = team_services.invitation_check(token)
    except team_services.InvitationInvalid as invalid:
        status = 404 if isinstance(invalid, team_services.InvitationUnknown) else 410
        ctx = {"problem": str(invalid)}
        return render(request, "assessments/invitation_invalid.html", ctx, status=status)
    form = AcceptInvitationForm(request.POST or None, initial={"name": respondent.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = team_services.invitation_accept(
                token=token, name=form.cleaned_data["name"], password=form.cleaned_data["password"]
            )
        except team_services.InvitationInvalid as invalid:
            ctx = {"problem": str(invalid)}
            return render(request, "assessments/invitation_invalid.html", ctx, status=410)
        except services.AssessmentError as refused:
            form.add_error("password", str(refused))
        else:
            login(request, user, backend=SIGN_IN_BACKEND)
            messages.success(
                request,
                gettext("Welcome. Your user name is %(username)s. Here are the questions.")
                % {"username": user.get_username()},
            )
            return redirect(
                "assessments:step", pk=respondent.assessment_id, step=RESPONDENT_FIRST_STEP
            )
    ctx = {"form": form, "respondent": respondent, "assessment": respondent.assessment}
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/invitation.html", ctx, status=status)


@login_required
@require_POST
def response_submit(request: HttpRequest, pk: int) -> HttpResponse:
    respondent = team_answers.own_response(request.user, pk)
    if respondent is None:
        raise Http404("No such response.")
    try:
        team_services.response_submit(respondent=respondent)
    except services.AlreadySubmitted:
        messages.info(request, gettext("The team's assessment was submitted meanwhile."))
        return redirect("assessments:report", pk=pk)
    except services.AssessmentError as refused:
        messages.error(request, str(refused))
        review = selectors.assessment_sheet(respondent.assessment).steps.review
        return redirect("assessments:step", pk=pk, step=review)
    messages.success(
        request, gettext("Thank you: your answers are in. The lead will agree the team's scores.")
    )
    return redirect("assessments:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def workshop(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One dimension at a time, large enough to project: how the team scored each question,
    and the agreed score set there."""
    assessment = _managed_assessment(request, pk)
    if assessment.is_submitted:
        return redirect("assessments:report", pk=pk)
    sheet = selectors.assessment_sheet(assessment)
    if not 1 <= number <= len(sheet.dimensions):
        raise Http404("No such dimension.")
    dimension = sheet.dimensions[number - 1]
    questions = list(dimension.questions.all())
    team = team_answers.team_answers(assessment)
    form = AgreeForm(request.POST or None, team=team, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                team_services.agreed_scores_save(
                    assessment=assessment, agreed=form.agreed(), seen_responses=form.seen()
                )
            except services.ResponsesChanged as changed:
                team = team_answers.team_answers(assessment)
                form = rebound(request.POST, team, questions)
                form.show_refusal(changed)
            except services.AssessmentError as refused:
                form.show_refusal(refused)
            else:
                messages.success(
                    request,
                    gettext("Agreed scores for %(dimension)s saved.")
                    % {"dimension": dimension.name},
                )
                if number < len(sheet.dimensions):
                    return redirect("assessments:workshop", pk=pk, number=number + 1)
                return redirect("assessments:step", pk=pk, step=sheet.steps.review)
        status = 400
    ctx = {
        "assessment": assessment,
        "dimension": dimension,
        "number": number,
        "count": len(sheet.dimensions),
        "items": [team.by_code[q.code] for q in questions],
        "team": team,
        "form": form,
        "review_step": sheet.steps.review,
    }
    return render(request, "assessments/workshop.html", ctx, status=status)
