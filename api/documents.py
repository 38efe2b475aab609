"""What the API answers for an assessment: json_format's document, with ids and context."""

from __future__ import annotations

from api.selectors import actions_of
from assessments import selectors
from assessments.exports import json_format
from assessments.models import Action, Assessment
from assessments.selectors import AssessmentSummary
from assessments.team_answers import team_answers
from organizations.selectors import teams_visible_to

CONTEXT_FIELDS = ("company_stage", "customer_segment", "touch_model", "onboarding_weeks")


def assessment_document(user, assessment: Assessment) -> dict:
    sheet = selectors.assessment_sheet(assessment)
    # As on the report and the JSON export: names only for the people who manage the team.
    manages = teams_visible_to(user).filter(pk=assessment.team_id).exists()
    document = json_format.assessment_document(sheet, team_answers(assessment), names=manages)
    # json_format's actions, with the ids the action endpoints take.
    document["plan"]["actions"] = [
        {
            "id": action.pk,
            "title": action.title,
            "owner": action.owner_label,
            "due_date": action.due_date.isoformat() if action.due_date else None,
            "status": action.status,
        }
        for action in actions_of(assessment)
    ]
    return {
        "id": assessment.pk,
        "team_id": assessment.team_id,
        **document,
        "context": {field: getattr(assessment, field) for field in CONTEXT_FIELDS},
    }


def action_item(action: Action) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "owner": action.owner.get_username() if action.owner else None,
        "owner_name": action.owner_name,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "status": action.status,
    }


def list_item(summary: AssessmentSummary) -> dict:
    assessment = summary.assessment
    return {
        "id": assessment.pk,
        "organization": assessment.team.organization.slug,
        "team_id": assessment.team_id,
        "team": assessment.team.name,
        "year": assessment.year,
        "quarter": assessment.quarter,
        "model_version": assessment.model.version,
        "status": assessment.status,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "overall_total": summary.overall_total,
        "max_overall": summary.max_overall,
        "dimensions": [
            {
                "code": dim.code,
                "total": dim.total,
                "max_total": dim.max_total,
                "band": dim.band.label if dim.band else None,
                "answered": dim.answered,
            }
            for dim in summary.dimensions
        ],
    }
