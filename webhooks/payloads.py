"""What each event says: small JSON documents with ids and links, in the source language.

Receivers that want more (every answer, the plan) fetch it through the REST API with a token.
People appear only as an action's owner (as the plan shows it); no e-mail addresses.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessments.models import Action, Assessment
from assessments.selectors import assessment_summaries
from organizations.models import Organization, Team

IMPORT_LIST_LIMIT = 500  # a large import lists its first assessments and says how many in all


def link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def organization(org: Organization) -> dict:
    return {"slug": org.slug, "name": org.name}


def _team(team: Team) -> dict:
    return {"id": team.pk, "slug": team.slug, "name": team.name}


def _assessment_ref(assessment: Assessment, team: Team) -> dict:
    return {
        "id": assessment.pk,
        "team": _team(team),
        "year": assessment.year,
        "quarter": assessment.quarter,
        "model_version": assessment.model.version,
        "url": link("assessments:report", assessment.pk),
    }


def assessment_submitted(assessment: Assessment) -> dict:
    assessment = Assessment.objects.select_related("team", "model").get(pk=assessment.pk)
    with translation.override(None):
        summary = assessment_summaries([assessment])[assessment.pk]
        dimensions = [
            {
                "code": dim.code,
                "name": str(dim.name),
                "total": dim.total,
                "max_total": dim.max_total,
                "band": str(dim.band.label) if dim.band else None,
            }
            for dim in summary.dimensions
        ]
    return {
        "assessment": {
            **_assessment_ref(assessment, assessment.team),
            "status": assessment.status,
            "submitted_at": assessment.submitted_at,
            "overall_total": summary.overall_total,
            "max_overall": summary.max_overall,
            "dimensions": dimensions,
        }
    }


def action_updated(action: Action, *, created: bool) -> dict:
    action = Action.objects.select_related("assessment__team", "assessment__model", "owner").get(
        pk=action.pk
    )
    assessment = action.assessment
    return {
        "action": {
            "id": action.pk,
            "title": action.title,
            "status": action.status,
            "owner": action.owner_label,
            "due_date": action.due_date,
            "created": created,
            "updated_at": action.updated_at,
        },
        "assessment": _assessment_ref(assessment, assessment.team),
    }


def import_completed(assessments: list[Assessment], teams: dict[int, Team]) -> dict:
    listed = assessments[:IMPORT_LIST_LIMIT]
    return {
        "assessments_count": len(assessments),
        "assessments": [_assessment_ref(a, teams[a.team_id]) for a in listed],
        "truncated": len(listed) < len(assessments),
    }


def ping(org: Organization) -> dict:
    return {"message": f"A test ping for {org.name}'s webhook endpoint."}
