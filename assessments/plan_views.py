"""The plan on a submitted assessment's report: the team's targets beside the totals, next
quarter's theme, the actions under it, and the high scores no recorded figure backs.

The report page is put together here (views.assessment_report calls report_page), because a
refused plan form is shown on it again, with its problems, as a 400.
Who may change a plan: the team's leads and its organization's consultants (and platform
admins), the people of selectors.assessments_visible_to; anyone else gets a 404. Invited
respondents read the plan on the report without its forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from assessments import benchmark_data, improvement, plan_services, selectors, team_answers
from assessments import plan as plan_reads
from assessments.exports import svg_radar
from assessments.models import Action
from assessments.plan_forms import ActionForm, ThemeForm
from assessments.plan_services import ActionInput, PlanError
from assessments.reports import Report, build_report
from catalogue.models import Recommendation
from organizations import selectors as scope

SUGGESTED_BY_GAP = _("suggested: largest gap below target")
SUGGESTED_BY_TOTAL = _("suggested: lowest total")
NEW_ACTION_IDS = "new-action-%s"


def gap_words(gap: int | None) -> str:
    """A target's gap as the report says it: "3 below target", "at target", "2 above"."""
    if gap is None:
        return ""
    if gap > 0:
        return gettext("%(gap)s below target") % {"gap": gap}
    if gap == 0:
        return gettext("at target")
    return gettext("%(gap)s above") % {"gap": -gap}


def suggestion_hint(goals) -> str:
    """Which of improvement.suggest_theme's rules made the suggestion: the largest gap when
    a dimension not marked for the stage is below its target, else the lowest total."""
    return SUGGESTED_BY_GAP if improvement.suggested_by_gap(goals) else SUGGESTED_BY_TOTAL


def figure_name(field_name: str) -> str:
    """A recorded figure in a sentence: "time to value", "onboarding CSAT"."""
    label = str(plan_services.METRIC_RULES[field_name][0]).split(" (")[0]
    if (translation.get_language() or "en").startswith("de"):
        return label  # German nouns keep their capital
    return label[0].lower() + label[1:]


@dataclass(frozen=True)
class GoalLine:
    """A dimension's row in the goals table."""

    goal: plan_reads.GoalRow
    band: str
    max_total: int

    @property
    def gap_text(self) -> str:
        return gap_words(self.goal.gap)


@dataclass(frozen=True)
class EvidenceHint:
    """A score of 4 or 5 that no figure recorded for the quarter backs."""

    dimension_code: str
    question_code: str
    score: int
    figures: str  # "time to value", "onboarding CSAT or milestones on time"


@dataclass(frozen=True)
class ActionRow:
    action: Action
    form: ActionForm | None  # None for people who read the plan without changing it


@dataclass(frozen=True)
class Offer:
    recommendation: Recommendation
    adopted: bool  # an action of this plan came from it already


@dataclass
class Refused:
    """A plan form the service or the form refused, shown again on the report (400)."""

    theme: ThemeForm | None = None
    add: ActionForm | None = None
    edit: tuple[int, ActionForm] | None = None  # (action pk, its form)
    problems: list[str] = field(default_factory=list)  # for a button without a form (Adopt)


def evidence_hints(report: Report) -> list[EvidenceHint]:
    assessment = report.assessment
    scores = report.sheet.scores
    recorded = plan_reads.recorded_metrics(
        plan_reads.metrics_by_quarter(assessment.team).get(assessment.period)
    )
    dimension_of = {
        item.question.code: row.dimension.code for row in report.sheet.rows for item in row.items
    }
    return [
        EvidenceHint(
            dimension_code=dimension_of.get(code, ""),
            question_code=code,
            score=scores[code],
            figures=" or ".join(figure_name(f) for f in improvement.EVIDENCE[code]),
        )
        for code in improvement.unbacked_scores(scores, recorded)
    ]


def report_page(request: HttpRequest, report: Report, *, refused: Refused | None = None):
    """The report page: 200, or 400 with a refused plan form showing its problems."""
    ctx = report_context(request, report, refused=refused)
    status = 200 if refused is None else 400
    return render(request, "assessments/report.html", ctx, status=status)


def report_context(
    request: HttpRequest,
    report: Report,
    *,
    refused: Refused | None = None,
    manages: bool | None = None,
) -> dict:
    """What report.html renders. `manages`: whether the user may change the plan (and see
    names), when the caller knows already (report_cache keys the page by it)."""
    # views imports this module; its context builders are shared with the PDF.
    from assessments.views import _report_context, _shows_names

    assessment = report.assessment
    if manages is None:
        show_names = _shows_names(request.user, report)
    else:
        show_names = manages and report.team is not None and not assessment.anonymous_responses
    ctx = _report_context(report, show_names=show_names)
    if report.result is not None and assessment.is_submitted:
        structure = {dim.pk: dim for dim in report.sheet.dimensions}
        if assessment.theme_dimension_id in structure:  # loaded already: no query for it
            assessment.theme_dimension = structure[assessment.theme_dimension_id]
        plan = plan_reads.plan_of(assessment, report.result)
        ctx["peer_benchmark"] = benchmark_data.benchmark_for(assessment, result=report.result)
        # Inline SVG: the page loads no charting script (issue 14).
        ctx["radar"] = svg_radar.page_radar(
            report.result,
            report.sheet.spec.bands,
            previous=report.previous_result,
            current_label=assessment.period.label,
            previous_label=report.previous.period.label if report.previous else "",
            answer_range=report.answer_range,
            targets={g.code: g.target for g in plan.goals if g.target is not None},
            benchmark=ctx["peer_benchmark"].band,
        )
        ctx.update(_plan_context(request, report, plan, refused or Refused(), manages))
        ctx["verdict"] = plan_reads.verdict_view(assessment, report.result)
    elif not assessment.is_submitted:
        ctx["team"] = team_answers.team_answers(assessment)  # who has answered so far
    return ctx


def _plan_context(
    request: HttpRequest, report: Report, plan, refused: Refused, manages: bool | None
) -> dict:
    assessment = report.assessment
    if manages is None:
        manages = scope.teams_visible_to(request.user).filter(pk=assessment.team_id).exists()
    team_page = reverse("assessments:team", args=[assessment.team_id])
    adopted = {action.recommendation_id for action in plan.actions}
    dims = {dim.code: dim for dim in report.result.dimensions}
    theme_questions = list(assessment.theme_questions.all()) if plan.theme else []
    ctx = {
        "plan": plan,
        "plan_manages": manages,
        "goal_lines": [
            GoalLine(goal, dims[goal.code].band.label, dims[goal.code].max_total)
            for goal in plan.goals
        ],
        "targets_url": f"{team_page}#targets",
        "metrics_url": f"{team_page}#metrics",
        "evidence_hints": evidence_hints(report),
        "theme_questions": theme_questions,
        "plan_problems": refused.problems,
        "suggestion_hint": suggestion_hint(plan.goals),
    }
    if not manages:
        ctx["action_rows"] = [ActionRow(action, None) for action in plan.actions]
        return ctx
    # The action forms' owners: only once there is a theme to plan actions under.
    people = list(team_answers.people_of(assessment.team.organization)) if plan.theme else []
    edited_pk, edited_form = refused.edit or (None, None)
    theme_form = refused.theme or ThemeForm(
        sections=report.sheet.rows, initial=_theme_initial(report, plan, theme_questions)
    )
    ctx.update(
        theme_form=theme_form,
        theme_options=theme_form.options(
            report.result, plan.suggested_code, suggestion_hint(plan.goals)
        ),
        theme_refused=refused.theme is not None,
        add_form=refused.add or ActionForm(people=people, auto_id=NEW_ACTION_IDS),
        action_rows=[
            ActionRow(
                action,
                edited_form
                if action.pk == edited_pk
                else ActionForm.for_action(action, people=people),
            )
            for action in plan.actions
        ],
        edited_pk=edited_pk,
        offers=[Offer(r, r.pk in adopted) for r in plan.recommendations],
    )
    return ctx


def _theme_initial(report: Report, plan, theme_questions: list) -> dict:
    """The chosen theme when there is one, else the suggested dimension."""
    if plan.theme is not None:
        return {
            "dimension": plan.theme.pk,
            "questions": [q.pk for q in theme_questions],
            "reason": report.assessment.theme_reason,
        }
    by_code = {row.dimension.code: row.dimension.pk for row in report.sheet.rows}
    return {"dimension": by_code.get(plan.suggested_code)}


def _plan_report(request: HttpRequest, pk: int) -> Report:
    """The report of an assessment whose plan the user may change; 404 for anyone else."""
    return build_report(get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk))


def _draft_refused(request: HttpRequest, report: Report) -> HttpResponse:
    messages.error(request, gettext("Submit the assessment before planning the next quarter."))
    return report_page(request, report, refused=Refused())


def _sentences(problems: list[str]) -> list[str]:
    return [problem[:1].upper() + problem[1:] + "." for problem in problems]


def _back_to_plan(pk: int) -> HttpResponse:
    return redirect(reverse("assessments:report", args=[pk]) + "#plan")


@login_required
@require_POST
def theme_choose(request: HttpRequest, pk: int) -> HttpResponse:
    report = _plan_report(request, pk)
    if not report.assessment.is_submitted:
        return _draft_refused(request, report)
    form = ThemeForm(request.POST, sections=report.sheet.rows)
    if form.is_valid():
        try:
            plan_services.theme_choose(
                assessment=report.assessment,
                user=request.user,
                dimension=form.cleaned_data["dimension"],
                questions=form.cleaned_data["questions"],
                reason=form.cleaned_data["reason"],
            )
        except PlanError as refused:
            for problem in _sentences(refused.problems):
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                gettext("Next quarter's theme: %(theme)s.")
                % {"theme": form.cleaned_data["dimension"].name},
            )
            return _back_to_plan(pk)
    return report_page(request, report, refused=Refused(theme=form))


def _people(report: Report) -> list:
    return list(team_answers.people_of(report.assessment.team.organization))


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _plan_report(request, pk)
    if not report.assessment.is_submitted:
        return _draft_refused(request, report)
    if report.assessment.theme_dimension_id is None:
        # No action form shows before there is a theme: say so where the theme is chosen.
        problems = [gettext("Choose next quarter's theme first, then add its actions.")]
        return report_page(request, report, refused=Refused(problems=problems))
    people = _people(report)
    form = ActionForm(request.POST, people=people, auto_id=NEW_ACTION_IDS)
    if form.is_valid():
        try:
            action = plan_services.action_save(
                assessment=report.assessment,
                user=request.user,
                wanted=form.wanted(),
                people_ids={person.pk for person in people},
            )
        except PlanError as refused:
            for problem in _sentences(refused.problems):
                form.add_error(None, problem)
        else:
            messages.success(request, gettext("Action added: %(title)s.") % {"title": action.title})
            return _back_to_plan(pk)
    return report_page(request, report, refused=Refused(add=form))


@login_required
@require_POST
def action_edit(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    report = _plan_report(request, pk)
    action = get_object_or_404(Action, pk=action_pk, assessment=report.assessment)
    people = _people(report)
    form = ActionForm.for_action(action, people=people, data=request.POST)
    if form.is_valid():
        try:
            plan_services.action_save(
                assessment=report.assessment,
                user=request.user,
                wanted=form.wanted(),
                people_ids={person.pk for person in people},
                action=action,
            )
        except PlanError as refused:
            for problem in _sentences(refused.problems):
                form.add_error(None, problem)
        else:
            messages.success(request, gettext("Action saved: %(title)s.") % {"title": action.title})
            return _back_to_plan(pk)
    return report_page(request, report, refused=Refused(edit=(action.pk, form)))


@login_required
@require_POST
def action_adopt(request: HttpRequest, pk: int, recommendation_pk: int) -> HttpResponse:
    """A recommended starting action becomes an action of the plan, to edit afterwards."""
    report = _plan_report(request, pk)
    recommendation = get_object_or_404(
        Recommendation, pk=recommendation_pk, model_id=report.assessment.model_id
    )
    if not report.assessment.is_submitted:
        return _draft_refused(request, report)
    try:
        action = plan_services.action_save(
            assessment=report.assessment,
            user=request.user,
            wanted=ActionInput(title=recommendation.title, recommendation=recommendation),
            people_ids=set(),
        )
    except PlanError as refused:
        return report_page(request, report, refused=Refused(problems=_sentences(refused.problems)))
    messages.success(
        request,
        gettext("Adopted: %(title)s. Give it an owner and a due date below.")
        % {"title": action.title},
    )
    return _back_to_plan(pk)
