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
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from assessments import selectors, services
from assessments.edits import Conflict
from assessments.forms import ContextForm, DimensionForm, shown_name
from assessments.models import Assessment
from assessments.wizard import CONTEXT_STEP

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
            "You were signed out before this step was saved. Sign in again: what you entered "
            "is kept and will be saved then.",
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


@csrf_protect
def _step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    assessment = get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)
    if assessment.is_submitted:
        if _is_background(request):
            report = reverse("assessments:report", args=[pk])
            return JsonResponse({"submitted": True, "report_url": report}, status=409)
        messages.info(request, "This assessment was submitted and can no longer be changed.")
        return redirect("assessments:report", pk=assessment.pk)
    sheet = selectors.assessment_sheet(assessment)
    steps = sheet.steps
    if not steps.contains(step):
        raise Http404("No such step.")
    dimension_index = steps.dimension_index(step)
    dimension = sheet.dimensions[dimension_index] if dimension_index is not None else None
    if dimension is None and step != CONTEXT_STEP:  # the review: submitting has its own URL
        status = 400 if request.method == "POST" else 200
        return _render(request, assessment, sheet, step, None, None, status=status)

    data = request.POST if request.method == "POST" else None
    restored = data is None and (data := _take_kept_post(request, pk, step)) is not None
    form = _step_form(assessment, sheet, dimension, data)
    if data is None:
        return _render(request, assessment, sheet, step, form, dimension)

    conflicts: list[Conflict] = []
    if form.is_valid():
        try:
            _save(assessment, form)
        except services.AlreadySubmitted:
            messages.info(request, "This assessment was submitted meanwhile; nothing was changed.")
            return redirect("assessments:report", pk=assessment.pk)
        except services.SaveConflict as conflict:
            conflicts = conflict.conflicts
        else:
            if _is_background(request):
                return JsonResponse(
                    {
                        "saved_at": timezone.localtime().strftime("%H:%M"),
                        "shown": _current_shown(assessment, sheet, dimension),
                    }
                )
            if restored:
                messages.success(
                    request, "What you entered before you were signed out is now saved."
                )
                return redirect("assessments:step", pk=assessment.pk, step=step)
            target = steps.after_save(
                step, nav=request.POST.get("nav", ""), goto=request.POST.get("goto", "")
            )
            if target == step:
                messages.success(request, "Saved.")
            return redirect("assessments:step", pk=assessment.pk, step=target)

    if conflicts:
        if _is_background(request):
            return JsonResponse({"conflicts": _described(form, conflicts)}, status=409)
        # The page now shows this person's choices against what is saved: saving again keeps
        # theirs, picking the other value keeps the colleague's.
        rebound = data.copy()
        for name, value in _current_shown(assessment, sheet, dimension).items():
            rebound[name] = value
        form = _step_form(assessment, sheet, dimension, rebound)
        form.is_valid()
        return _render(
            request, assessment, sheet, step, form, dimension, _described(form, conflicts), 409
        )
    if _is_background(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    messages.error(request, "Some answers need fixing; nothing on this step was saved.")
    return _render(request, assessment, sheet, step, form, dimension, status=400)


def _step_form(assessment, sheet, dimension, data):
    if dimension is None:
        # A copy: validating a model form writes the posted values onto its instance.
        return ContextForm(data, instance=copy.copy(assessment))
    return DimensionForm(
        data,
        dimension=dimension,
        questions=list(dimension.questions.all()),
        scale=list(sheet.model.scale.all()),
        initial=_dimension_initial(sheet, dimension),
    )


def _save(assessment: Assessment, form) -> None:
    if isinstance(form, ContextForm):
        edited = form.edited()
        services.assessment_update_context(
            assessment=assessment,
            shown={name: shown for name, (shown, _new) in edited.items()},
            **{name: new for name, (_shown, new) in edited.items()},
        )
    else:
        answers, shown = form.answers()
        services.answers_save(assessment=assessment, answers=answers, shown=shown)


def _dimension_initial(sheet: selectors.AssessmentSheet, dimension) -> dict:
    initial = {}
    for question in dimension.questions.all():
        answer = sheet.answers.get(question.pk)
        if answer:
            initial[question.code] = str(answer.score) if answer.score else None
            initial[f"{question.code}-note"] = answer.note
    return initial


def _current_shown(assessment: Assessment, sheet, dimension) -> dict[str, str]:
    """What the step's fields hold in the database now, as its shown-* inputs carry them."""
    fresh = selectors.assessment_sheet(
        Assessment.objects.select_related("model").get(pk=assessment.pk)
    )
    form = _step_form(fresh.assessment, fresh, dimension, None)
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


def _render(request, assessment, sheet, step, form, dimension, conflicts=None, status=200):
    steps = sheet.steps
    titles = steps.titles([dim.name for dim in sheet.dimensions])
    ctx = {
        "assessment": assessment,
        "sheet": sheet,
        "step": step,
        "last_step": steps.last,
        "steps": titles,
        "title": dict(titles)[step],
        "is_review": steps.is_review(step),
        "has_back": steps.has_back(step),
        "back_step": steps.previous(step),
        "progress": steps.percent_done(step),
        "form": form,
        "dimension": dimension,
        "conflicts": conflicts or [],
        "page_token": signing.dumps(
            {"user": request.user.pk, "assessment": assessment.pk}, salt=KEPT_POST_SALT
        ),
    }
    return render(request, "assessments/step.html", ctx, status=status)
