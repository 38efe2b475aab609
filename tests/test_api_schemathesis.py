"""Schemathesis against the live API: requests generated from the committed OpenAPI schema,
sent over real HTTP to a live server, with a token per persona.

For every operation: no 500, every response as the schema documents it, and no response
showing a persona anything of an organization they may not see. Examples per operation are
bounded (MAX_EXAMPLES, no shrinking) so the suite keeps to its time on a loaded machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import schemathesis
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.tokens import token_create
from assessments.models import Answer
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, action_save, theme_choose
from assessments.services import assessment_start
from tests.conftest import fill, make_user, submit

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "api" / "openapi.yaml"
SCHEMA = schemathesis.openapi.from_path(SCHEMA_FILE)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
MAX_EXAMPLES = 25
PERSONAS = ("lead", "consultant", "platform_admin", "outsider")
UNLIMITED = "100000/min"  # the rate limits have tests of their own (test_api_auth.py)


@pytest.fixture
def world(live_server, model_v0_tx, settings):
    """Acme (a team lead, a consultant) and Globex (an outside consultant), each with
    assessments; a platform admin; a read-and-write token for each of them."""
    from organizations.models import Organization, Team

    acme = Organization.objects.create(name="Acme Corp", slug="acme")
    globex = Organization.objects.create(name="Globex Industries", slug="globex")
    team_a = Team.objects.create(organization=acme, name="Enterprise Onboarding", slug="ent")
    team_g = Team.objects.create(organization=globex, name="Globex Onboarding", slug="onb")
    lead = make_user("lead_a")
    team_a.leads.add(lead)
    consultant = make_user("consultant")
    acme.consultants.add(consultant)
    outsider = make_user("outsider")
    globex.consultants.add(outsider)
    admin = make_user("admin", is_staff=True, is_superuser=True)
    acme_done = submit(team_a, lead, Quarter(2026, 2), 3)
    acme_draft, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead)
    fill(acme_draft, 4)
    Answer.objects.filter(assessment=acme_draft, question__code="MP-5").delete()
    globex_done = submit(team_g, outsider, Quarter(2026, 2), 2)
    theme_choose(assessment=acme_done, user=lead, dimension=acme_done.model.dimensions.first())
    action = action_save(
        assessment=acme_done, user=lead, wanted=ActionInput(title="Kick-off"), people_ids=set()
    )
    tokens = {
        name: token_create(user=user, name="fuzz", scope="read_write", expires_in_days=1)[1]
        for name, user in zip(PERSONAS, (lead, consultant, admin, outsider), strict=True)
    }
    acme_names = ["Acme Corp", "acme", "Enterprise Onboarding"]
    globex_names = ["Globex", "globex"]
    return {
        "url": live_server.url,
        "tokens": tokens,
        # What each persona may never be shown: the other organization's names.
        "forbidden": {
            "lead": globex_names,
            "consultant": globex_names,
            "outsider": acme_names,
            "platform_admin": [],
        },
        # Real ids and slugs of both organizations, so generated requests also aim at
        # objects that exist, in and out of each persona's scope.
        "ids": {
            "assessments": [acme_done.pk, acme_draft.pk, globex_done.pk],
            "teams": [team_a.pk, team_g.pk],
            "model-versions": [model_v0_tx.pk],
            "slug": ["acme", "globex"],
            "action_pk": [action.pk],
        },
    }


def _real_parameters(operation, ids: dict) -> list[dict]:
    """Path parameters naming existing objects of both organizations, for this operation."""
    names = re.findall(r"{(\w+)}", operation.path)
    if not names:
        return []
    collection = operation.path.split("/")[3]  # /api/v1/<collection>/...
    choices = []
    for name in names:
        key = collection if name == "id" else name
        choices.append([(name, value) for value in ids.get(key, [])])
    combos = [{}]
    for options in choices:
        combos = [{**combo, name: value} for combo in combos for name, value in options]
    return combos


def _cross_organization_read(persona: str, response, world) -> str | None:
    if response.status_code >= 300:
        return None
    shown = response.text
    for name in world["forbidden"][persona]:
        if name in shown:
            return f"{persona} was shown {name!r}"
    return None


def test_generated_requests_find_no_500_no_schema_violation_no_cross_organization_read(world):
    failures: list[str] = []
    rates = {"api-read": UNLIMITED, "api-write": UNLIMITED}
    from django.conf import settings as django_settings

    rest = {**django_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    with override_settings(REST_FRAMEWORK=rest):
        for operation in OPERATIONS:
            problem = _exercise(operation, world)
            if problem:
                failures.append(f"{operation.label}: {problem}")
    assert not failures, "\n\n".join(failures)


def _exercise(operation, world) -> str | None:
    strategies = [operation.as_strategy()]
    strategies += [
        operation.as_strategy(path_parameters=params)
        for params in _real_parameters(operation, world["ids"])
    ]
    found: list[str] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time
        suppress_health_check=list(HealthCheck),
    )
    @given(persona=st.sampled_from(PERSONAS), case=st.one_of(strategies))
    def run(persona, case):
        headers = {"Authorization": f"Bearer {world['tokens'][persona]}"}
        response = case.call(base_url=world["url"], headers=headers)
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        except Exception as failure:  # noqa: BLE001 - collected and reported per operation
            found.append(f"{persona}: {failure}")
            return
        leaked = _cross_organization_read(persona, response, world)
        if leaked:
            found.append(f"{leaked}: {case.method} {case.formatted_path}")

    run()
    return "\n".join(found[:3]) if found else None
