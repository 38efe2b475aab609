"""The wizard's step pages: show a step and save it, by its buttons or in the background.

Nothing a person enters is lost: a save carries what the page showed, so a colleague's change
made meanwhile comes back as a conflict to resolve instead of being overwritten; and a save that
arrives after the session ended is kept and applied once the same person has signed in again.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from assessments import (
    carry_forward,
    plan,
    plan_services,
    selectors,
    services,
    team_answers,
    team_services,
)
from assessments.edits import Conflict
from assessments.forms import CONFIRM_FIELD, ContextForm, DimensionForm, shown_name
from assessments.models import Assessment, Respondent
from assessments.team_forms import AgreeForm, rebound
from assessments.team_plan_forms import FiguresForm
from assessments.wizard import answered_percent

KEPT_POST_SALT = "assessments.wizard.kept-post"
KEPT_POST_MAX_AGE = 12 * 60 * 60  # a page's token lets its save be kept for half a day
KEPT_POSTS = "wizard_kept_posts"  # session key
TOKEN_FIELD = "page_token"
NOT_SAVED_FIELDS = {"csrfmiddlewaretoken", TOKEN_FIELD}


def _is_background(request: HttpRequest) -> bool:
    return request.headers.get("X-Autosave") == "1"


@csrf_exempt  # signed-in people get the CSRF check below; a signed-out save needs the page token
@require_http_methods(["GET", "POST"])
def assessment_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return _signed_out(request, pk, step)
    return _step(request, pk, step)


def _signed_out(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    """Keep a save that arrives after the session ended, if its page token is genuine."""
    kept = request.method == "POST" and _keep_post(request, pk, step)
    to_sign_in = redirect_to_login(request.path)
    if _is_background(request):
        return JsonResponse(
            {"signed_out": True, "kept": kept, "login_url": to_sign_in.url}, status=401
        )
    if kept:
        messages.warning(
            request,
            gettext(
                "You were signed out before this step was saved. Sign in again: what you entered "
                "is kept and will be saved then."
            ),
        )
    return to_sign_in


def _keep_post(request: HttpRequest, pk: int, step: int) -> bool:
    try:
        token = signing.loads(
            request.POST.get(TOKEN_FIELD, ""), salt=KEPT_POST_SALT, max_age=KEPT_POST_MAX_AGE
        )
    except signing.BadSignature:
        return False
    if token.get("assessment") != pk:
        return False
    data = {k: v for k, v in request.POST.lists() if k not in NOT_SAVED_FIELDS}
    kept = request.session.get(KEPT_POSTS, {})
    kept[f"{pk}/{step}"] = {"user": token["user"], "data": data}
    request.session[KEPT_POSTS] = dict(list(kept.items())[-5:])  # a few steps at most
    return True


def _take_kept_post(request: HttpRequest, pk: int, step: int) -> QueryDict | None:
    """The save kept for this step while signed out, if it was this person's."""
    kept = request.session.get(KEPT_POSTS)
    if not kept or f"{pk}/{step}" not in kept:
        return None
    entry = kept.pop(f"{pk}/{step}")
    request.session[KEPT_POSTS] = kept
    if entry.get("user") != request.user.pk:
        return None
    data = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        data.setlist(key, values)
    return data


def _actor(request: HttpRequest, pk: int) -> tuple[Assessment, Respondent | None]:
    """The assessment and, for an invited respondent, their own response; the team's leads
    and consultants work on the assessment's own answers (None)."""
    managed = selectors.visible_assessment(request.user, pk)
    if managed is not None:
        return managed, None
    respondent = team_answers.own_response(request.user, pk)
    if respondent is None:
        raise Http404("No such assessment.")
    return respondent.assessment, respondent


@csrf_protect
def _step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    assessment, respondent = _actor(request, pk)
    if assessment.is_submitted:
        if _is_background(request):
            report = reverse("assessments:report", args=[pk])
            return JsonResponse({"submitted": True, "report_url": report}, status=409)
        messages.info(
            request, gettext("This assessment was submitted and can no longer be changed.")
        )
        return redirect("assessments:report", pk=assessment.pk)
    sheet = _sheet(assessment, respondent)
    steps = sheet.steps
    if not steps.contains(step):
        raise Http404("No such step.")
    dimension_index = steps.dimension_index(step)
    dimension = sheet.dimensions[dimension_index] if dimension_index is not None else None
    if not steps.is_shown(step):  # the context and figures are the lead's to give
        if request.method == "POST":
            raise Http404("No such step.")
        return redirect("assessments:step", pk=pk, step=steps.next(step))
    if steps.is_review(step):
        return _review(request, assessment, respondent, sheet, step)
    if steps.is_figures(step):
        return _figures(request, assessment, sheet, step)
    if respondent is not None and respondent.is_submitted:
        done = "You have submitted your answers: they can no longer be changed."
        return _refused(request, pk, steps.review, done + " Nothing was saved.", request.method)

    data = request.POST if request.method == "POST" else None
    restored = data is None and (data := _take_kept_post(request, pk, step)) is not None
    # The carried answers' first rows: read once, for the step's prompts and, after a save,
    # for whether it moved one further (a save never changes them).
    carried = (
        carry_forward.carried_rows(assessment, list(dimension.questions.all()))
        if respondent is None and dimension is not None
        else None
    )
    form = _step_form(
        assessment,
        sheet,
        dimension,
        data,
        respondent,
        background=_is_background(request),
        carried_rows=carried,
    )
    if data is None:
        return _render(request, assessment, sheet, step, form, dimension, respondent=respondent)

    conflicts: list[Conflict] = []
    if form.is_valid():
        try:
            _save(assessment, respondent, form)
        except services.AlreadySubmitted:
            if _is_background(request):
                report = reverse("assessments:report", args=[pk])
                return JsonResponse({"submitted": True, "report_url": report}, status=409)
            messages.info(
                request, gettext("This assessment was submitted meanwhile; nothing was changed.")
            )
            return redirect("assessments:report", pk=assessment.pk)
        except services.SaveConflict as conflict:
            conflicts = conflict.conflicts
        except services.AssessmentError as refused:  # a respondent removed or already done
            return _refused(request, pk, steps.review, str(refused))
        else:
            if _is_background(request):
                return JsonResponse(
                    {
                        "saved_at": timezone.localtime().strftime("%H:%M"),
                        "shown": _current_shown(assessment, respondent, dimension),
                    }
                )
            if restored:
                messages.success(
                    request, gettext("What you entered before you were signed out is now saved.")
                )
                return redirect("assessments:step", pk=assessment.pk, step=step)
            if _newly_moved(assessment, respondent, dimension, form, carried):
                # Non-blocking: saved; the step shows "what changed?" beside those questions.
                messages.info(
                    request,
                    gettext(
                        "Saved. Some answers moved by 2 or more since they were carried forward: "
                        "say what changed in their notes if you like, or carry on."
                    ),
                )
                return redirect("assessments:step", pk=assessment.pk, step=step)
            target = steps.after_save(
                step, nav=request.POST.get("nav", ""), goto=request.POST.get("goto", "")
            )
            if target == step:
                messages.success(request, gettext("Saved."))
            return redirect("assessments:step", pk=assessment.pk, step=target)

    if conflicts:
        if _is_background(request):
            return JsonResponse({"conflicts": _described(form, conflicts)}, status=409)
        # The page now shows this person's choices against what is saved: saving again keeps
        # theirs, picking the other value keeps the colleague's.
        rebound = data.copy()
        for name, value in _current_shown(assessment, respondent, dimension).items():
            rebound[name] = value
        form = _step_form(assessment, sheet, dimension, rebound, respondent)
        form.is_valid()
        return _render(
            request,
            assessment,
            sheet,
            step,
            form,
            dimension,
            _described(form, conflicts),
            409,
            respondent=respondent,
        )
    if _is_background(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    unconfirmed = form.errors.get(CONFIRM_FIELD)
    if unconfirmed and len(form.errors) == 1:
        messages.error(
            request,
            gettext("%(problem)s Nothing on this step was saved.") % {"problem": unconfirmed[0]},
        )
    else:
        messages.error(
            request, gettext("Some answers need fixing; nothing on this step was saved.")
        )
    return _render(
        request, assessment, sheet, step, form, dimension, status=400, respondent=respondent
    )


def _figures(request, assessment: Assessment, sheet, step: int) -> HttpResponse:
    """The quarter's outcome figures, for the team page's history and the report's evidence.
    Optional: skipping the step, or saving it blank when nothing was recorded, writes nothing."""
    recorded = plan.metrics_by_quarter_of(assessment.team_id, assessment.period)
    data = request.POST if request.method == "POST" else None
    restored = data is None and (data := _take_kept_post(request, assessment.pk, step)) is not None
    form = FiguresForm(data, initial=FiguresForm.initial_from(recorded))
    if data is None:
        return _render(request, assessment, sheet, step, form, None)
    if form.is_valid():
        figures = form.figures()
        try:
            if recorded is not None or any(value is not None for value in figures.values()):
                plan_services.metrics_save(
                    team=assessment.team,
                    period=assessment.period,
                    user=request.user,
                    values=figures,
                )
        except plan_services.PlanError as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            if _is_background(request):
                saved_at = timezone.localtime().strftime("%H:%M")
                return JsonResponse({"saved_at": saved_at, "shown": {}})
            if restored:
                messages.success(
                    request,
                    gettext("The figures you entered before you were signed out are saved."),
                )
            target = sheet.steps.after_save(
                step, nav=request.POST.get("nav", ""), goto=request.POST.get("goto", "")
            )
            if target == step:
                messages.success(request, gettext("Saved."))
            return redirect("assessments:step", pk=assessment.pk, step=target)
    if _is_background(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    messages.error(request, gettext("Some figures need fixing; none was saved."))
    return _render(request, assessment, sheet, step, form, None, status=400)


def _step_form(
    assessment,
    sheet,
    dimension,
    data,
    respondent=None,
    *,
    prompts=True,
    background=False,
    carried_rows=None,
):
    if dimension is None:
        # A copy: validating a model form writes the posted values onto its instance.
        return ContextForm(data, instance=copy.copy(assessment))
    questions = list(dimension.questions.all())
    carried, moved = {}, {}
    if respondent is None:  # only the assessment's own answers are ever carried forward
        for question in questions:
            answer = sheet.answers.get(question.pk)
            if answer is not None and answer.carried_from:
                carried[question.code] = answer.carried_from
        if prompts:
            moved = carry_forward.moved_without_note(
                assessment, questions, sheet.answers, carried_rows
            )
    return DimensionForm(
        data,
        dimension=dimension,
        questions=questions,
        scale=list(sheet.model.scale.all()),
        initial=_dimension_initial(sheet, dimension),
        carried=carried,
        moved=moved,
        require_confirm=not background,
    )


def _newly_moved(assessment, respondent, dimension, form, carried_rows=None) -> bool:
    """Whether this save moved a carried score by 2 or more (no note) that the page did not
    already ask about: then the step is shown again, once, with "what changed?"."""
    if respondent is not None or dimension is None:
        return False
    questions = list(dimension.questions.all())
    if carried_rows is not None and not carried_rows:
        return False  # nothing on this step was carried: nothing can have moved
    answers = {a.question_id: a for a in assessment.answers.filter(question__in=questions)}
    moved = carry_forward.moved_without_note(assessment, questions, answers, carried_rows)
    return bool(set(moved) - form.prompted())


def _sheet(assessment: Assessment, respondent: Respondent | None) -> selectors.AssessmentSheet:
    if respondent is None:
        return selectors.assessment_sheet(assessment)
    return selectors.response_sheet(assessment, team_answers.response_answers(respondent))


def _refused(request, pk: int, review_step: int, message: str, method="POST") -> HttpResponse:
    """Back to the review with why; a page that only looked gets no error."""
    if _is_background(request):
        return JsonResponse({"refused": message}, status=409)
    if method == "POST":
        messages.error(request, message)
    return redirect("assessments:step", pk=pk, step=review_step)


def _save(assessment: Assessment, respondent: Respondent | None, form) -> None:
    if respondent is not None:
        answers, shown = form.answers()
        team_services.response_answers_save(respondent=respondent, answers=answers, shown=shown)
    elif isinstance(form, ContextForm):
        edited = form.edited()
        services.assessment_update_context(
            assessment=assessment,
            shown={name: shown for name, (shown, _new) in edited.items()},
            **{name: new for name, (_shown, new) in edited.items()},
        )
    else:
        answers, shown = form.answers()
        services.answers_save(
            assessment=assessment, answers=answers, shown=shown, confirmed=form.confirmed()
        )


def _dimension_initial(sheet: selectors.AssessmentSheet, dimension) -> dict:
    initial = {}
    for question in dimension.questions.all():
        answer = sheet.answers.get(question.pk)
        if answer:
            initial[question.code] = str(answer.score) if answer.score else None
            initial[f"{question.code}-note"] = answer.note
    return initial


def _current_shown(assessment: Assessment, respondent, dimension) -> dict[str, str]:
    """What the step's fields hold in the database now, as its shown-* inputs carry them."""
    fresh = _sheet(Assessment.objects.select_related("model").get(pk=assessment.pk), respondent)
    form = _step_form(fresh.assessment, fresh, dimension, None, respondent, prompts=False)
    return {shown_name(name): form.fields[shown_name(name)].initial for name in form.tracked}


def _described(form, conflicts: list[Conflict]) -> list[dict[str, str]]:
    """Each conflict with both values as people read them ("4 – Measured", not 4)."""
    return [
        {
            "field": c.field,
            "label": c.label,
            "mine": _display(form, c.field, c.mine),
            "theirs": _display(form, c.field, c.theirs),
        }
        for c in conflicts
    ]


def _display(form, field: str, value) -> str:
    if value in (None, ""):
        return "nothing"
    choices = dict(getattr(form.fields[field], "choices", ()) or ())
    return str(choices.get(str(value), value))


def _review(request, assessment, respondent, sheet, step) -> HttpResponse:
    """The last step. A respondent hands in their answers here; a lead with other people's
    answers in agrees the scores (POST), else submits as before (its own URL)."""
    if respondent is not None:
        if request.method == "POST":
            raise Http404("No such step.")
        return _render(request, assessment, sheet, step, None, None, respondent=respondent)
    team = team_answers.team_answers(assessment)
    if not team.is_team:
        if request.method == "POST":
            return _render(request, assessment, sheet, step, None, None, team=team, status=400)
        return _render(request, assessment, sheet, step, None, None, team=team)
    form = AgreeForm(
        request.POST if request.method == "POST" else None,
        team=team,
        questions=[q for dim in sheet.dimensions for q in dim.questions.all()],
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                done = _agree(request, assessment, form)
            except services.AlreadySubmitted:
                messages.info(request, gettext("This assessment had already been submitted."))
                return redirect("assessments:report", pk=assessment.pk)
            except services.ResponsesChanged as changed:
                team = team_answers.team_answers(assessment)
                form = rebound(request.POST, team, form.questions)
                form.show_refusal(changed)
            except services.AssessmentError as refused:
                form.show_refusal(refused)
            else:
                if done:
                    messages.success(request, gettext("Submitted. Here is the team's report."))
                    return redirect("assessments:report", pk=assessment.pk)
                messages.success(request, gettext("Agreed scores saved."))
                return redirect("assessments:step", pk=assessment.pk, step=step)
        return _render(
            request, assessment, sheet, step, None, None, team=team, agree=form, status=400
        )
    return _render(request, assessment, sheet, step, None, None, team=team, agree=form)


@transaction.atomic
def _agree(request, assessment: Assessment, form: AgreeForm) -> bool:
    """Save the agreed scores and, when asked, submit: both or neither. True if submitted.

    Only while the responses that count are those the page showed: others change the defaults
    the page offered."""
    seen = form.seen()
    team_services.agreed_scores_save(
        assessment=assessment, agreed=form.agreed(), seen_responses=seen
    )
    if request.POST.get("nav") != "submit":
        return False
    services.assessment_submit(assessment=assessment, user=request.user, seen_responses=seen)
    return True


def _render(
    request,
    assessment,
    sheet,
    step,
    form,
    dimension,
    conflicts=None,
    status=200,
    *,
    respondent=None,
    team=None,
    agree=None,
):
    steps = sheet.steps
    titles = steps.titles([dim.name for dim in sheet.dimensions])
    # Progress counts answered questions (saved so far), not steps visited: a review reached
    # with questions open must not read as done.
    counts = sheet.progress.dimensions
    answered_count = sum(dim.answered for dim in counts)
    question_count = sum(dim.size for dim in counts)
    ctx = {
        "assessment": assessment,
        "sheet": sheet,
        "step": step,
        "last_step": steps.last,
        "steps": titles,
        "title": dict(titles)[step],
        "is_review": steps.is_review(step),
        "is_figures": steps.is_figures(step),
        "figures_step": steps.figures,
        "has_back": steps.has_back(step),
        "shown_step": steps.position(step),
        "shown_last": len(titles),
        "back_step": steps.previous(step),
        "progress": answered_percent(answered_count, question_count),
        "answered_count": answered_count,
        "question_count": question_count,
        "step_entries": steps.entries([(dim.name, dim.answered, dim.size) for dim in counts]),
        "form": form,
        "dimension": dimension,
        "conflicts": conflicts or [],
        "respondent": respondent,
        "team": team,
        "agree": agree,
        "quarter_figures": _quarter_figures(assessment, steps, step, respondent),
        "page_token": signing.dumps(
            {"user": request.user.pk, "assessment": assessment.pk}, salt=KEPT_POST_SALT
        ),
    }
    return render(request, "assessments/step.html", ctx, status=status)


def _quarter_figures(assessment, steps, step, respondent) -> list[tuple[str, object]] | None:
    """On the lead's review: the figures recorded for the quarter (None elsewhere)."""
    if respondent is not None or not steps.is_review(step):
        return None
    return plan.figure_lines(plan.metrics_by_quarter_of(assessment.team_id, assessment.period))
