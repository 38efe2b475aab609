"""The JSON document of one assessment (the contract in the product spec)."""

from __future__ import annotations

from decimal import Decimal

from assessments import plan as plan_reads
from assessments.benchmark_data import benchmark_for
from assessments.models import Action, Assessment
from assessments.plan_services import METRIC_RULES
from assessments.selectors import AssessmentSheet, respondent_export_id
from assessments.team_answers import QuestionAgreement, TeamAnswers, team_answers


def assessment_document(
    sheet: AssessmentSheet, team: TeamAnswers | None = None, *, names: bool = True
) -> dict:
    """`team`: the assessment's team_answers, if the caller has them already. Without `names`
    (for a reader who may not see who answered), respondents get their opaque ids."""
    assessment, result = sheet.assessment, sheet.result
    team = team if team is not None else team_answers(assessment)
    totals = {dim.code: dim for dim in result.dimensions} if result else {}
    return {
        "organization": assessment.team.organization.name,
        "organization_slug": assessment.team.organization.slug,
        "team": assessment.team.name,
        "year": assessment.year,
        "quarter": assessment.quarter,
        "model_version": assessment.model.version,
        "status": assessment.status,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "dimensions": [
            {
                "code": dim.code,
                "name": dim.name,
                "total": totals[dim.code].total if dim.code in totals else None,
                "max_total": totals[dim.code].max_total if dim.code in totals else None,
                "band": totals[dim.code].band.label if dim.code in totals else None,
            }
            for dim in sheet.dimensions
        ],
        "overall_total": result.overall_total if result else None,
        "max_overall": result.max_overall if result else None,
        "respondents": _respondents(team, names=names),
        "answers": [
            {
                "question": item.question.code,
                "score": item.score,
                "note": item.note,
                **_agreement(team.by_code.get(item.question.code)),
            }
            for row in sheet.rows
            for item in row.items
        ],
        "plan": plan_document(assessment),
        # Cohort figures only (or null): never another organization's name or scores.
        "peer_benchmark": (
            benchmark_for(assessment, result=result).document() if assessment.is_submitted else None
        ),
    }


def plan_document(assessment: Assessment) -> dict:
    """The team's targets, the theme chosen on this assessment with its actions, and the
    figures recorded for its quarter: four queries."""
    theme = assessment.theme_dimension
    actions = Action.objects.filter(assessment=assessment).select_related("owner")
    figures = plan_reads.metrics_by_quarter_of(assessment.team_id, assessment.period)
    return {
        "targets": {
            code: {
                "target": target.target_total,
                "right_for_stage": target.right_for_stage,
                "reason": target.stage_reason,
            }
            for code, target in sorted(plan_reads.targets_of(assessment.team).items())
        },
        "theme": {
            "dimension": theme.code,
            "questions": [q.code for q in assessment.theme_questions.order_by("order")],
            "reason": assessment.theme_reason,
            "chosen_by": _person(assessment.theme_chosen_by),
            "chosen_at": assessment.theme_chosen_at.isoformat()
            if assessment.theme_chosen_at
            else None,
        }
        if theme is not None
        else None,
        "actions": [
            {
                "title": action.title,
                "owner": action.owner_label,
                "due_date": action.due_date.isoformat() if action.due_date else None,
                "status": action.status,
            }
            for action in actions
        ],
        "metrics": {
            field: _number(getattr(figures, field))
            for field in METRIC_RULES
            if figures is not None and getattr(figures, field) is not None
        },
    }


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _number(value):
    """Decimals (CSAT) as JSON numbers."""
    return float(value) if isinstance(value, Decimal) else value


def _respondents(team: TeamAnswers, *, names: bool) -> dict:
    """The responses that count (submitted, not removed), in the order they were made."""
    anonymous = team.assessment.anonymous_responses
    return {
        "count": len(team.counted),
        "anonymous": anonymous,
        "people": [
            {
                "id": respondent_export_id(
                    anonymous=anonymous or not names,
                    kind=respondent.kind,
                    public_id=respondent.public_id,
                    username=respondent.user.get_username() if respondent.user else None,
                    name=respondent.name,
                ),
                "kind": respondent.kind,
                "submitted_at": respondent.submitted_at.isoformat(),
            }
            for respondent in team.counted
        ],
    }


def _agreement(item: QuestionAgreement | None) -> dict:
    """How far the answers to one question spread, and who set its agreed score."""
    spread = item.spread if item is not None else None
    return {
        "spread": spread.spread if spread else None,
        "median": float(spread.median) if spread else None,
        "distribution": {str(score): count for score, count in spread.distribution}
        if spread
        else {},
        "agreed_by_lead": item.agreed_by_lead if item is not None else False,
        "reason": item.reason if item is not None else "",
    }
