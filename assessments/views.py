"""HTTP views: thin. Fetch through a selector, act through a service, render."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import (
    benchmark_data,
    carry_forward,
    imports,
    plan_views,
    report_cache,
    report_summary,
    selectors,
    services,
    team_answers,
    team_plan_views,
    uploads,
)
from assessments import plan as plan_reads
from assessments.agreement import DISCUSS_SPREAD
from assessments.exports import csv_format, json_format, pdf, svg_radar
from assessments.forms import ImportForm, StartForm
from assessments.ids import parse_id
from assessments.models import Assessment
from assessments.periods import Quarter, recent_quarters
from assessments.reports import Report, build_report
from assessments.wizard import CONTEXT_STEP, RESPONDENT_FIRST_STEP, WizardSteps
from catalogue.selectors import latest_published_model
from organizations import selectors as scope

TEAMS_PER_PAGE = 10


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app and its database answer; 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    teams = scope.teams_visible_to(request.user).order_by("organization__name", "name")
    page = Paginator(teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    teams_on_page = list(page.object_list)
    history = selectors.recent_assessments_by_team(teams_on_page)
    on_page = {team.organization_id for team in teams_on_page}
    sees_all = scope.sees_all_organizations(request.user)
    # A platform admin consults every organization: those on the page, without a query.
    consulted_ids = (
        on_page
        if sees_all
        else set(
            scope.organizations_consulted_by(request.user)
            .filter(pk__in=on_page)
            .values_list("pk", flat=True)
        )
    )
    # The cards' links: reversed once per URL name, not once per link.
    team_url = _url_filler("assessments:team", 1)
    report_url = _url_filler("assessments:report", 1)
    step_url = _url_filler("assessments:step", 2)
    ctx = {
        "page": page,
        "invitations": list(team_answers.invitations_of(request.user)),
        "respondent_first_step": RESPONDENT_FIRST_STEP,
        "team_rows": [(team, history.get(team.pk, [])) for team in teams_on_page],
        "new_url": reverse("assessments:new"),
        "team_urls": {team.pk: team_url(team.pk) for team in teams_on_page},
        "assessment_urls": {
            summary.assessment.pk: report_url(summary.assessment.pk)
            if summary.assessment.is_submitted
            else step_url(summary.assessment.pk, summary.resume_step)
            for summaries in history.values()
            for summary in summaries
        },
        "current_quarter": Quarter.containing(timezone.localdate()),
        # Consulting an organization on the page answers it without another query.
        "is_consultant": bool(consulted_ids) or sees_all or scope.is_consultant(request.user),
        "consulted_ids": consulted_ids,
    }
    return render(request, "assessments/dashboard.html", ctx)


_PLACEHOLDER = "9876543210"  # an id no URL of ours holds


def _url_filler(name: str, arity: int) -> Callable[..., str]:
    """reverse(name, args=ids) for many integer ids at the cost of one reverse(): reversed once
    with placeholders, then filled in (integers need no quoting)."""
    parts = reverse(name, args=[_PLACEHOLDER] * arity).split(_PLACEHOLDER)
    if len(parts) != arity + 1:
        raise ValueError(f"{name} does not take {arity} integer arguments.")

    def fill(*ids: int) -> str:
        return parts[0] + "".join(f"{int(i)}{rest}" for i, rest in zip(ids, parts[1:], strict=True))

    return fill


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest) -> HttpResponse:
    teams = scope.teams_visible_to(request.user).order_by("organization__name", "name")
    current = Quarter.containing(timezone.localdate())
    form_kwargs = {
        "teams": teams,
        "quarters": recent_quarters(timezone.localdate(), ahead=0),
        "current": current,
        "offers": carry_forward.carry_offers(teams, latest_published_model()),
    }
    if request.method == "POST":
        team_value = request.POST.get("team", "")
        team_id = parse_id(team_value)
        digits = team_value.isascii() and team_value.isdigit()
        if digits and (team_id is None or not teams.filter(pk=team_id).exists()):
            raise Http404("No such team.")
        form = StartForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                assessment, created = services.assessment_start(
                    team=form.cleaned_data["team"],
                    period=form.cleaned_data["period"],
                    user=request.user,
                )
            except services.AlreadySubmitted as refused:
                messages.info(
                    request, gettext("%(refusal)s Here is its report.") % {"refusal": refused}
                )
                return redirect("assessments:report", pk=refused.assessment.pk)
            except services.AssessmentError as refused:
                form.add_error(None, str(refused))
            else:
                if not created:
                    messages.info(
                        request, gettext("You already have a draft for this quarter: carry on.")
                    )
                elif form.cleaned_data.get("carry_forward"):
                    _carry_forward(request, assessment)
                return redirect("assessments:step", pk=assessment.pk, step=CONTEXT_STEP)
    else:
        initial_team = request.GET.get("team")
        form = StartForm(initial={"team": initial_team} if initial_team else None, **form_kwargs)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "assessments/new.html", {"form": form, "has_teams": teams.exists()}, status=status
    )


def _carry_forward(request: HttpRequest, assessment: Assessment) -> None:
    """Prefill a new draft from the team's last submitted quarter, if it has one."""
    source = carry_forward.carry_source(assessment)
    if source is None:
        return
    try:
        count = carry_forward.assessment_carry_forward(
            assessment=assessment, source=source, user=request.user
        )
    except services.AssessmentError as refused:
        messages.warning(request, str(refused))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s answers carried from %(quarter)s: check them on each step and confirm.",
                "%(count)s answers carried from %(quarter)s: check them on each step and confirm.",
                count,
            )
            % {"count": count, "quarter": source.period.label},
        )


def _visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = selectors.visible_assessment(request.user, pk)
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def _readable_report(request: HttpRequest, pk: int) -> Assessment:
    """For the report, its PDF and JSON: invited respondents too, once it is submitted."""
    assessment = selectors.readable_report(request.user, pk)
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _visible_assessment(request, pk)
    try:
        services.assessment_submit(
            assessment=assessment,
            user=request.user,
            seen_responses=_seen_responses(request.POST.get("responses_seen")),
        )
    except services.AlreadySubmitted:
        # Most often a second click (or a resent form) after the first one went through.
        messages.info(request, _already_submitted(assessment, request.user))
    except services.AssessmentError as refused:
        # Missing answers are listed, and focused, in the review's error summary; any other
        # reason is said here.
        if not selectors.assessment_sheet(assessment).missing:
            messages.error(request, str(refused))
        review_step = WizardSteps(assessment.model.dimensions.count()).review
        review = reverse("assessments:step", kwargs={"pk": pk, "step": review_step})
        return redirect(f"{review}?submit=refused")
    else:
        messages.success(request, gettext("Submitted. Here is your report."))
    return redirect("assessments:report", pk=assessment.pk)


def _already_submitted(assessment: Assessment, user) -> str:
    assessment.refresh_from_db(fields=["submitted_by", "submitted_at"])
    when = timezone.localtime(assessment.submitted_at).strftime("%-d %b %Y at %H:%M")
    if assessment.submitted_by_id == user.pk:
        return gettext(
            "This assessment has already been submitted, by you on %(when)s. Here is its report."
        ) % {"when": when}
    by = assessment.submitted_by
    if by:
        return gettext(
            "This assessment has already been submitted, by %(name)s on %(when)s; nothing was "
            "changed. Here is its report."
        ) % {"name": by.get_full_name() or by.get_username(), "when": when}
    return gettext(
        "This assessment has already been submitted, on %(when)s; nothing was changed. "
        "Here is its report."
    ) % {"when": when}


def _seen_responses(value: str | None) -> list[int] | None:
    """The responses the lead's review page counted ("12 15"); None if the page did not say."""
    if value is None:
        return None
    ids = [parse_id(part) for part in value.split()]
    return [i for i in ids if i is not None]


@login_required
@require_GET
def assessment_report(request: HttpRequest, pk: int) -> HttpResponse:
    # Put together with the plan, whose refused forms show on the same page.
    assessment = _readable_report(request, pk)
    if not assessment.is_submitted:  # a draft changes with every answer: never cached
        return plan_views.report_page(request, build_report(assessment))
    version = report_cache.report_version(assessment, request.user)
    variant = report_cache.page_variant(request, version)
    if (unchanged := report_cache.not_modified(request, variant)) is not None:
        return unchanged
    html = report_cache.cached_page(
        request,
        variant,
        lambda: plan_views.report_context(
            request, build_report(assessment), manages=version.manages
        ),
    )
    return report_cache.with_validators(HttpResponse(html), variant)


def _shows_names(user, report: Report) -> bool:
    """Who answered is named to the people who manage the team, unless the lead chose
    anonymous responses; never to an invited respondent."""
    if report.team is None or report.assessment.anonymous_responses:
        return False
    return scope.teams_visible_to(user).filter(pk=report.assessment.team_id).exists()


def _report_context(report: Report, *, show_names: bool = False) -> dict:
    """What the report page and the PDF render, from the report's prepared rows.

    `show_names`: name the people who answered (the caller checks who may see them)."""
    team = report.team
    return {
        "assessment": report.assessment,
        "sheet": report.sheet,
        "result": report.result,
        "previous": report.previous,
        "comparison": report.comparison,
        "summary_rows": report.summary_rows,
        "focus": report.focus,
        "continue_step": report.sheet.resume_step,
        "answered_count": report.answered_count,
        "answers_imported": report.answers_imported,
        "respondent_names": [v.label for v in team.voices] if team and show_names else [],
        "removed_count": len(team.removed) if team else 0,
        "show_spread": report.several_answered,
        "answer_sections": report.answer_sections,
        "discussed": report.discussed,
        "answer_range": report.answer_range,
        "discuss_spread": DISCUSS_SPREAD,
    }


@login_required
@require_GET
def assessment_history(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = selectors.assessment_sheet(_visible_assessment(request, pk))
    ctx = {
        "assessment": sheet.assessment,
        "changes": selectors.assessment_changes(sheet),
        "continue_step": sheet.resume_step,
    }
    return render(request, "assessments/history.html", ctx)


@login_required
@require_GET
def assessment_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _readable_report(request, pk)
    if not assessment.is_submitted:
        messages.info(request, gettext("The PDF is ready once the assessment is submitted."))
        return redirect("assessments:report", pk=pk)
    size = request.GET.get("size", "a4").lower()
    if size not in pdf.PAGE_SIZES:
        return HttpResponse("size must be a4 or letter.", status=400, content_type="text/plain")
    version = report_cache.report_version(assessment, request.user)
    prepared_by = request.user.get_full_name() or request.user.get_username()
    variant, prepared_on = report_cache.pdf_variant(
        version, show_names=version.shows_names, prepared_by=prepared_by, size=size
    )
    if (unchanged := report_cache.not_modified(request, variant)) is not None:
        return unchanged
    body = report_cache.cached_pdf(
        variant,
        lambda: _report_pdf(
            build_report(assessment),
            size=size,
            show_names=version.shows_names,
            prepared_by=prepared_by,
            prepared_on=prepared_on,
        ),
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.report_filename(assessment)}"'
    return report_cache.with_validators(response, variant)


def _report_pdf(
    report: Report, *, size: str, show_names: bool, prepared_by: str, prepared_on
) -> bytes:
    """The PDF of a submitted assessment's report, as the person asking gets it."""
    assessment = report.assessment
    plan_context = _plan_pdf_context(report)
    plan = plan_context["plan"]
    targets = {g.code: g.target for g in plan.goals if g.target is not None}
    previous_label = report.previous.period.label if report.previous else ""
    radar = svg_radar.radar_svg(
        report.result,
        report.sheet.spec.bands,
        previous=report.previous_result,
        current_label=assessment.period.label,
        previous_label=previous_label,
        answer_range=report.answer_range,
        targets=targets,
    )
    names = {g.code: g.name for g in plan.goals}
    summary = report_summary.executive_summary(
        report.result,
        targets=targets,
        previous=report.previous_result,
        previous_label=previous_label,
        theme=plan.theme.name if plan.theme else None,
        suggested=names.get(plan.suggested_code),
    )
    # The trend: this quarter and the submitted ones before it, at most TREND_QUARTERS of them
    # (two queries however long the history).
    recent = list(
        Assessment.objects.filter(team_id=assessment.team_id, status=Assessment.Status.SUBMITTED)
        .exclude(year__gt=assessment.year)
        .exclude(year=assessment.year, quarter__gt=assessment.quarter)
        .select_related("model")
        .order_by("-year", "-quarter")[: report_summary.TREND_QUARTERS]
    )
    summaries = selectors.assessment_summaries(recent)
    quarters = [
        report_summary.TrendQuarter(
            label=a.period.label,
            totals={dim.code: dim.total for dim in summaries[a.pk].dimensions},
            overall=summaries[a.pk].overall_total,
        )
        for a in reversed(recent)
    ]
    ctx = {
        **_report_context(report, show_names=show_names),
        "radar_svg": mark_safe(radar),  # built by us from numbers; every label is escaped
        "prepared_by": prepared_by,
        "prepared_on": prepared_on,
        **plan_context,
        **pdf.branding_context(assessment.team.organization),
        "executive_summary": summary,
        "trend": report_summary.trend(report.result, quarters),
        "peer_benchmark": benchmark_data.benchmark_for(assessment, result=report.result),
    }
    return pdf.render_report_pdf(ctx, size)


def _plan_pdf_context(report: Report) -> dict:
    """The PDF's plan page: targets and gaps, the theme and its actions, the quarter's figures
    and the verdict on the last theme; `plan_shown` only when any of them exist."""
    assessment = report.assessment
    plan = plan_reads.plan_of(assessment, report.result)
    figures = plan_reads.figure_lines(
        plan_reads.metrics_by_quarter(assessment.team).get(assessment.period)
    )
    verdict = plan_reads.verdict_view(assessment, report.result)
    stage_marks = any(goal.for_stage for goal in plan.goals)
    return {
        "plan": plan,
        "plan_goal_lines": [plan_views.GoalLine(goal, "", 0) for goal in plan.goals],
        "plan_stage_marks": stage_marks,
        "plan_theme_questions": list(assessment.theme_questions.all()) if plan.theme else [],
        "plan_figures": figures,
        "verdict": verdict,
        "plan_shown": bool(
            plan.has_targets or stage_marks or plan.theme or plan.actions or figures or verdict
        ),
    }


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


@login_required
@require_GET
def assessment_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _readable_report(request, pk)
    if assessment.is_submitted:  # like its report, cached until something it shows changes
        version = report_cache.report_version(assessment, request.user)
        body = report_cache.cached_json(
            version, lambda: _export_json(assessment, manages=version.manages)
        )
    else:
        # As on the report: who answered is named only to the people who manage the team.
        manages = scope.teams_visible_to(request.user).filter(pk=assessment.team_id).exists()
        body = _export_json(assessment, manages=manages)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(assessment)}.json"'
    return response


def _export_json(assessment: Assessment, *, manages: bool) -> bytes:
    """The JSON document's bytes, as JsonResponse would encode them."""
    sheet = selectors.assessment_sheet(assessment)
    document = json_format.assessment_document(
        sheet, team_answers.team_answers(assessment), names=manages
    )
    return json.dumps(document, cls=DjangoJSONEncoder, indent=2).encode()


def _export_name(assessment: Assessment) -> str:
    return pdf.report_filename(assessment).removesuffix(".pdf")


@login_required
@require_GET
def organization_export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    organization, visible = _organization_assessments(request, slug)
    lines = csv_format.csv_lines(selectors.export_rows(visible))
    return _csv_download(lines, f"{organization.slug}-onboarding-maturity.csv")


@login_required
@require_GET
def organization_export_responses_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every counted response's own answers, with who gave them: export.csv's scoping."""
    organization, visible = _organization_assessments(request, slug)
    lines = csv_format.responses_csv_lines(selectors.response_export_rows(visible))
    return _csv_download(lines, f"{organization.slug}-onboarding-maturity-responses.csv")


@login_required
@require_GET
def organization_export_plan_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every action planned under a submitted assessment's theme: export.csv's scoping."""
    organization, visible = _organization_assessments(request, slug)
    lines = csv_format.plan_csv_lines(plan_reads.plan_export_rows(visible))
    return _csv_download(lines, f"{organization.slug}-onboarding-plan.csv")


@login_required
@require_http_methods(["GET", "POST"])
def organization_import(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(scope.organizations_consulted_by(request.user), slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    if uploads.upload_refused(request):  # stopped while it streamed in: over the size limit
        ctx = {
            "organization": organization,
            "form": ImportForm(),
            "refusal": uploads.too_large_message(),
        }
        return render(request, "assessments/import.html", ctx, status=413)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.assessments_import(
                rows=csv_format.read_csv(form.cleaned_data["file"]),
                user=request.user,
                organization=organization,
                create_teams=form.cleaned_data["create_teams"],
            )
        except imports.ImportRejected as rejected:
            problems = rejected.problems
        except imports.ImportBusy as busy:
            ctx = {"organization": organization, "form": form, "refusal": str(busy)}
            return render(request, "assessments/import.html", ctx, status=503)
        else:
            messages.success(request, imports.summary(result))
            return redirect("assessments:dashboard")
    ctx = {"organization": organization, "form": form, "problems": problems}
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/import.html", ctx, status=status)


@login_required
@require_GET
def team_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every quarter's totals and trends, with the team's targets and outcome figures (their
    forms post to team_plan_views)."""
    team = get_object_or_404(scope.teams_visible_to(request.user), pk=pk)
    return team_plan_views.render_team_page(request, team_plan_views.team_page_data(team))


def _organization_assessments(request: HttpRequest, slug: str):
    """The organization (404 unless the user may see it) and its assessments the user sees."""
    organization = get_object_or_404(scope.organizations_visible_to(request.user), slug=slug)
    visible = selectors.assessments_visible_to(request.user).filter(team__organization=organization)
    return organization, visible


def _csv_download(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
