"""Listeners of the assessments app's events (assessments/events.py), connected in
WebhooksConfig.ready.

Each runs inside the service's transaction and asks one question there: does an active endpoint
of the organization subscribe to this event? Only if one does, the rest (the payload, one
delivery per endpoint, the queued task) waits for the commit, so a write that is rolled back
sends nothing, and a write nobody listens to costs one query and no callback.
"""

from __future__ import annotations

from collections import defaultdict

from assessments import events
from assessments.models import Action, Assessment
from organizations.models import Team
from webhooks import payloads, services
from webhooks.models import Event, WebhookEndpoint
from webhooks.services import after_commit


def on_assessment_submitted(sender, *, assessment, **kwargs) -> None:
    endpoints = services.endpoints_listening_for_teams(
        [assessment.team_id], Event.ASSESSMENT_SUBMITTED
    )
    if endpoints:
        after_commit(_submitted, assessment.pk, endpoints)


def _submitted(assessment_id: int, endpoints: list[WebhookEndpoint]) -> None:
    assessment = Assessment.objects.get(pk=assessment_id)
    services.deliveries_create(
        endpoints=endpoints,
        event=Event.ASSESSMENT_SUBMITTED,
        organization=endpoints[0].organization,
        data=payloads.assessment_submitted(assessment),
    )


def on_action_updated(sender, *, action, created: bool = False, **kwargs) -> None:
    endpoints = services.endpoints_listening_for_teams(
        Team.objects.filter(assessments=action.assessment_id).values("pk"), Event.ACTION_UPDATED
    )
    if endpoints:
        after_commit(_action, action.pk, created, endpoints)


def _action(action_id: int, created: bool, endpoints: list[WebhookEndpoint]) -> None:
    action = Action.objects.filter(pk=action_id).first()
    if action is None:
        return  # deleted in the meantime
    services.deliveries_create(
        endpoints=endpoints,
        event=Event.ACTION_UPDATED,
        organization=endpoints[0].organization,
        data=payloads.action_updated(action, created=created),
    )


def on_import_completed(sender, *, assessments, **kwargs) -> None:
    team_ids = {a.team_id for a in assessments}
    endpoints = services.endpoints_listening_for_teams(team_ids, Event.IMPORT_COMPLETED)
    if endpoints:
        after_commit(_imported, list(assessments), endpoints)


def _imported(assessments: list[Assessment], endpoints: list[WebhookEndpoint]) -> None:
    """One event per organization the file touched, listing that organization's assessments."""
    teams = Team.objects.in_bulk({a.team_id for a in assessments})
    by_organization = defaultdict(list)
    for assessment in assessments:
        by_organization[teams[assessment.team_id].organization_id].append(assessment)
    listening = defaultdict(list)
    for endpoint in endpoints:
        listening[endpoint.organization_id].append(endpoint)
    for organization_id, imported in by_organization.items():
        if listening[organization_id]:
            services.deliveries_create(
                endpoints=listening[organization_id],
                event=Event.IMPORT_COMPLETED,
                organization=listening[organization_id][0].organization,
                data=payloads.import_completed(imported, teams),
            )


def connect() -> None:
    events.assessment_submitted.connect(on_assessment_submitted, dispatch_uid="webhooks-submitted")
    events.action_updated.connect(on_action_updated, dispatch_uid="webhooks-action")
    events.import_completed.connect(on_import_completed, dispatch_uid="webhooks-import")
