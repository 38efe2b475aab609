"""Who may see what: every URL of the app against every kind of person.

Adding a URL without an entry here fails test_every_url_has_a_matrix_entry.
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from api.tokens import token_create
from assessments.models import Answer, Assessment, ClientPack
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, action_save, theme_choose
from assessments.services import assessment_start, assessment_submit
from assessments.team_services import (
    respondent_invite_by_email,
    respondents_invite,
    response_answers_save,
    response_submit,
)
from catalogue.models import Dimension, Recommendation
from organizations.logos import logo_reencoded
from organizations.models import FirmProfile
from tests.conftest import fill, make_user, questions_of
from webhooks.models import WebhookEndpoint


def png_bytes() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "#0a4baf").save(image, "PNG")
    return image.getvalue()


PEOPLE = [
    "anonymous",
    "lead_a",
    "lead_b",
    "consultant",
    "outside_consultant",
    "admin_user",
    "staff_user",  # the staff flag, no assignment, no permission: admin pages only
    "platform_admin",  # staff with the "see all organizations" permission, not a superuser
    "respondent",  # invited to answer team A's draft (and its submitted quarter), no team
]
LOGIN = "login"


def expect(
    anonymous,
    lead_a,
    lead_b,
    consultant,
    outside_consultant,
    admin_user,
    staff=None,
    platform=None,
    respondent=None,
):
    """Staff without an assignment and respondents see what an outside consultant sees of Acme
    unless said otherwise; a platform admin sees what a superuser sees."""
    outcomes = (anonymous, lead_a, lead_b, consultant, outside_consultant, admin_user)
    staff = outside_consultant if staff is None else staff
    platform = admin_user if platform is None else platform
    respondent = outside_consultant if respondent is None else respondent
    return dict(zip(PEOPLE, (*outcomes, staff, platform, respondent), strict=True))


def respondent_gets(outcomes: dict, outcome) -> dict:
    return {**outcomes, "respondent": outcome}


OPEN = expect(200, 200, 200, 200, 200, 200)
SIGNED_IN = expect(LOGIN, 200, 200, 200, 200, 200)
TEAM_A_PAGE = expect(LOGIN, 200, 404, 200, 404, 200)
TEAM_A_POST = expect(LOGIN, 302, 404, 302, 404, 302)

# url name -> (method, how to build its arguments, expected outcome per person)
MATRIX = {
    "healthz": ("get", lambda d: [], OPEN),
    "login": ("get", lambda d: [], OPEN),
    "logout": ("post", lambda d: [], expect(302, 302, 302, 302, 302, 302)),
    # Sign-in pages (tests/test_sign_in.py, tests/test_two_factor.py): the code page sends
    # anyone without a device on; only staff set up two-factor sign-in.
    "two-factor-verify": ("get", lambda d: [], expect(LOGIN, 302, 302, 302, 302, 302)),
    "two-factor-setup": ("get", lambda d: [], expect(LOGIN, 404, 404, 404, 404, 200, 200)),
    # Single sign-on is off in the test settings (as in any deployment without OIDC_*): its
    # addresses answer 404 to everyone. tests/test_sso.py walks them with it on.
    "oidc_authentication_init": ("get", lambda d: [], expect(404, 404, 404, 404, 404, 404)),
    "oidc_authentication_callback": ("get", lambda d: [], expect(404, 404, 404, 404, 404, 404)),
    "password_change": ("get", lambda d: [], SIGNED_IN),
    "password_change_done": ("get", lambda d: [], SIGNED_IN),
    # The language: anyone may choose it (the sign-in page too); saved for signed-in people.
    "language": ("get", lambda d: [], OPEN),
    # The scripts' texts in the page's language (the JavaScript catalogue): open, like the CSS.
    "javascript-catalog": ("get", lambda d: [], OPEN),
    # Each person's own API tokens; a token that is not theirs is a 404.
    "api-tokens": ("get", lambda d: [], SIGNED_IN),
    "api-token-revoke": (
        "post",
        lambda d: [d["api_token"]],
        expect(LOGIN, 404, 404, 302, 404, 404),
    ),
    # The API's schema and docs: for signed-in people (scripts send a token), 401 otherwise.
    "api-schema": ("get", lambda d: [], expect(401, 200, 200, 200, 200, 200)),
    "api-docs": ("get", lambda d: [], expect(401, 200, 200, 200, 200, 200)),
    # The REST API (tests/test_api_*.py), through the session here: scoped like the pages (404),
    # 401 without a session or token. Empty writes are refused (400) for those in scope, except
    # those that need nothing (context, an action's fields, figures: 200); an empty POST is a
    # form, not JSON (nor the import's text/csv): 415. Only platform admins create
    # organizations and teams.
    "api-model-versions": ("get", lambda d: [], expect(401, 200, 200, 200, 200, 200, 200)),
    "api-model-version": (
        "get",
        lambda d: [d["submitted"].model_id],
        expect(401, 200, 200, 200, 200, 200, 200, respondent=200),
    ),
    "api-organizations": ("get", lambda d: [], expect(401, 200, 200, 200, 200, 200, 200)),
    "api-organization": ("get", lambda d: ["acme"], expect(401, 200, 200, 200, 404, 200)),
    "api-organization-import": (
        "post",
        lambda d: ["acme"],
        expect(401, 404, 404, 415, 404, 415),
    ),
    "api-teams": ("get", lambda d: [], expect(401, 200, 200, 200, 200, 200, 200)),
    "api-team": ("get", lambda d: [d["submitted"].team_id], expect(401, 200, 404, 200, 404, 200)),
    "api-team-targets": (
        "put",
        lambda d: [d["submitted"].team_id],
        expect(401, 400, 404, 400, 404, 400),
    ),
    "api-assessments": ("get", lambda d: [], expect(401, 200, 200, 200, 200, 200, 200)),
    "api-assessment": (
        "get",
        lambda d: [d["submitted"].pk],
        expect(401, 200, 404, 200, 404, 200, respondent=200),
    ),
    "api-assessment-answers": (
        "patch",
        lambda d: [d["draft"].pk],
        expect(401, 400, 404, 400, 404, 400),
    ),
    "api-assessment-context": (
        "patch",
        lambda d: [d["draft"].pk],
        expect(401, 200, 404, 200, 404, 200),
    ),
    "api-assessment-submit": (
        "post",
        lambda d: [d["draft"].pk],
        expect(401, 415, 404, 415, 404, 415),
    ),
    "api-assessment-theme": (
        "put",
        lambda d: [d["submitted"].pk],
        expect(401, 400, 404, 400, 404, 400),
    ),
    "api-assessment-actions": (
        "post",
        lambda d: [d["submitted"].pk],
        expect(401, 415, 404, 415, 404, 415),
    ),
    "api-assessment-action": (
        "patch",
        lambda d: [d["submitted"].pk, d["action"].pk],
        expect(401, 200, 404, 200, 404, 200),
    ),
    "api-assessment-metrics": (
        "put",
        lambda d: [d["draft"].pk],
        expect(401, 200, 404, 200, 404, 200),
    ),
    # An organization's webhooks (tests/test_webhooks_pages.py): its consultants and platform
    # admins only. Empty posts: a rotated secret is shown (200); on/off needs a value (400).
    "webhooks:list": ("get", lambda d: ["acme"], expect(LOGIN, 404, 404, 200, 404, 200)),
    "webhooks:endpoint": (
        "get",
        lambda d: ["acme", d["webhook"].pk],
        expect(LOGIN, 404, 404, 200, 404, 200),
    ),
    "webhooks:rotate": (
        "post",
        lambda d: ["acme", d["webhook"].pk],
        expect(LOGIN, 404, 404, 200, 404, 200),
    ),
    "webhooks:active": (
        "post",
        lambda d: ["acme", d["webhook"].pk],
        expect(LOGIN, 404, 404, 400, 404, 400),
    ),
    "webhooks:delete": (
        "post",
        lambda d: ["acme", d["webhook"].pk],
        expect(LOGIN, 404, 404, 302, 404, 302),
    ),
    "webhooks:ping": (
        "post",
        lambda d: ["acme", d["webhook"].pk],
        expect(LOGIN, 404, 404, 302, 404, 302),
    ),
    "password_reset": ("get", lambda d: [], OPEN),
    "password_reset_done": ("get", lambda d: [], OPEN),
    "password_reset_confirm": ("get", lambda d: ["MQ", "not-a-token"], OPEN),
    "password_reset_complete": ("get", lambda d: [], OPEN),
    "admin:index": ("get", lambda d: [], expect(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200)),
    "assessments:dashboard": ("get", lambda d: [], SIGNED_IN),
    "assessments:new": ("get", lambda d: [], SIGNED_IN),
    # A respondent sees the report of a submitted assessment they answered, never a draft's
    # (tests/test_respondent_pages.py), and answers their own response in the wizard.
    "assessments:report": ("get", lambda d: [d["submitted"].pk], respondent_gets(TEAM_A_PAGE, 200)),
    "assessments:report-pdf": (
        "get",
        lambda d: [d["submitted"].pk],
        respondent_gets(TEAM_A_PAGE, 200),
    ),
    "assessments:step": ("get", lambda d: [d["draft"].pk, 2], respondent_gets(TEAM_A_PAGE, 200)),
    "assessments:submit": ("post", lambda d: [d["draft"].pk], TEAM_A_POST),
    "assessments:export-json": (
        "get",
        lambda d: [d["submitted"].pk],
        respondent_gets(TEAM_A_PAGE, 200),
    ),
    "assessments:respondents": ("get", lambda d: [d["draft"].pk], TEAM_A_PAGE),
    "assessments:respondent-remove": (
        "post",
        lambda d: [d["draft"].pk, d["response"].pk],
        TEAM_A_POST,
    ),
    "assessments:respondent-resend": (
        "post",
        lambda d: [d["draft"].pk, d["response"].pk],
        TEAM_A_POST,
    ),
    "assessments:workshop": ("get", lambda d: [d["draft"].pk, 1], TEAM_A_PAGE),
    # Only one's own response can be handed in (refused here: unanswered, back to the review).
    "assessments:response-submit": (
        "post",
        lambda d: [d["draft"].pk],
        expect(LOGIN, 404, 404, 404, 404, 404, respondent=302),
    ),
    "assessments:invitation": ("get", lambda d: [d["token"]], OPEN),
    "assessments:history": ("get", lambda d: [d["draft"].pk], TEAM_A_PAGE),
    "assessments:team": ("get", lambda d: [d["submitted"].team_id], TEAM_A_PAGE),
    # Everyone with a team in Acme may export Acme, but only the rows they may see.
    # The team page's plan forms (tests/test_team_plan.py): an empty targets form is valid;
    # an empty figures form has no quarter, so it is refused (400) for those in scope.
    # The plan on a submitted report (tests/test_plan_pages.py); empty posts are refused
    # (400) for those who may plan, except adopting a recommendation, which needs nothing more.
    "assessments:theme": (
        "post",
        lambda d: [d["submitted"].pk],
        expect(LOGIN, 400, 404, 400, 404, 400),
    ),
    "assessments:action-add": (
        "post",
        lambda d: [d["submitted"].pk],
        expect(LOGIN, 400, 404, 400, 404, 400),
    ),
    "assessments:action-edit": (
        "post",
        lambda d: [d["submitted"].pk, d["action"].pk],
        expect(LOGIN, 400, 404, 400, 404, 400),
    ),
    "assessments:action-adopt": (
        "post",
        lambda d: [d["submitted"].pk, d["recommendation"].pk],
        TEAM_A_POST,
    ),
    "assessments:team-targets": ("post", lambda d: [d["submitted"].team_id], TEAM_A_POST),
    "assessments:team-metrics": (
        "post",
        lambda d: [d["submitted"].team_id],
        expect(LOGIN, 400, 404, 400, 404, 400),
    ),
    "assessments:export-csv": ("get", lambda d: ["acme"], expect(LOGIN, 200, 200, 200, 404, 200)),
    "assessments:export-plan-csv": (
        "get",
        lambda d: ["acme"],
        expect(LOGIN, 200, 200, 200, 404, 200),
    ),
    "assessments:export-responses-csv": (
        "get",
        lambda d: ["acme"],
        expect(LOGIN, 200, 200, 200, 404, 200),
    ),
    "assessments:import": ("get", lambda d: ["acme"], expect(LOGIN, 404, 404, 200, 404, 200)),
    # The consultant workspace. A client pack is seen by who asked for it and by those who see
    # every team of its organization; this one was asked for by Acme's consultant.
    "assessments:organization": ("get", lambda d: ["acme"], expect(LOGIN, 200, 200, 200, 404, 200)),
    "assessments:compare": ("get", lambda d: ["acme"], expect(LOGIN, 200, 200, 200, 404, 200)),
    "assessments:export-xlsx": ("get", lambda d: ["acme"], expect(LOGIN, 200, 200, 200, 404, 200)),
    "assessments:org-logo": ("get", lambda d: ["acme"], expect(LOGIN, 200, 200, 200, 404, 200)),
    "assessments:firm-logo": (
        "get",
        lambda d: [],
        expect(LOGIN, 200, 200, 200, 200, 200, staff=200, platform=200, respondent=200),
    ),
    "assessments:pack-start": ("get", lambda d: ["acme"], expect(LOGIN, 200, 200, 200, 404, 200)),
    "assessments:pack-status": (
        "get",
        lambda d: [d["pack"].pk],
        expect(LOGIN, 404, 404, 200, 404, 200),
    ),
    "assessments:pack-progress": (
        "get",
        lambda d: [d["pack"].pk],
        expect(LOGIN, 404, 404, 200, 404, 200),
    ),
    # Not rendered yet: the download sends the person to the status page.
    "assessments:pack-download": (
        "get",
        lambda d: [d["pack"].pk],
        expect(LOGIN, 404, 404, 302, 404, 302),
    ),
    # Still queued: a retry is refused, back to the status page, nothing queued twice.
    "assessments:pack-retry": (
        "post",
        lambda d: [d["pack"].pk],
        expect(LOGIN, 404, 404, 302, 404, 302),
    ),
}


def app_url_names(patterns=None, namespace=None) -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                names.add("admin:index")
                continue
            inner = pattern.namespace or namespace
            names |= app_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_url_has_a_matrix_entry():
    assert app_url_names() == set(MATRIX)


@pytest.fixture
def respondent(db):
    return make_user("respondent", first_name="Rae", last_name="Respondent")


@pytest.fixture
def data(model_v0, team_a, lead_a, team_g, respondent, consultant):
    # The submitted quarter: the respondent answered it before the lead submitted.
    submitted, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    fill(submitted, 3)
    (answered,) = respondents_invite(assessment=submitted, users=[respondent], invited_by=lead_a)
    response_answers_save(
        respondent=answered, answers=dict.fromkeys(questions_of(submitted.model), (3, ""))
    )
    response_submit(respondent=answered)
    assessment_submit(assessment=submitted, user=lead_a)
    # The draft: the respondent is invited and has not answered yet.
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 3)
    Answer.objects.filter(assessment=draft, question__code="MP-5").delete()
    (response,) = respondents_invite(assessment=draft, users=[respondent], invited_by=lead_a)
    by_email = respondent_invite_by_email(
        assessment=draft, name="Nia New", email="nia@example.com", invited_by=lead_a
    )
    # Its plan: a theme and one action; a recommendation of its model version to adopt.
    value = Dimension.objects.get(model=submitted.model, code="VO")
    theme_choose(assessment=submitted, user=lead_a, dimension=value)
    action = action_save(
        assessment=submitted,
        user=lead_a,
        wanted=ActionInput(title="Write the value story"),
        people_ids=set(),
    )
    recommendation = Recommendation.objects.filter(model=submitted.model, dimension=value).first()
    # Branding: Acme's logo and the firm's; a client pack of Acme's quarter, still queued.
    acme = team_a.organization
    acme.logo = logo_reencoded(SimpleUploadedFile("acme.png", png_bytes()))
    acme.save()
    FirmProfile.objects.create(
        name="Example Advisory", logo=logo_reencoded(SimpleUploadedFile("f.png", png_bytes()))
    )
    pack = ClientPack.objects.create(
        organization=acme, year=2026, quarter=3, requested_by=consultant, teams_total=1
    )
    # The consultant's API token (revoking it is theirs alone).
    api_token, _ = token_create(user=consultant, name="CRM", scope="read", expires_in_days=None)
    # Acme's webhook endpoint (made directly: no DNS lookup here).
    webhook = WebhookEndpoint.objects.create(
        organization=acme, url="https://hooks.example.com/acme", events=["action.updated"]
    )
    return {
        "webhook": webhook,
        "api_token": api_token.pk,
        "pack": pack,
        "submitted": submitted,
        "draft": draft,
        "response": response,
        "token": by_email.token,
        "action": action,
        "recommendation": recommendation,
    }


@pytest.fixture
def staff_user(db):
    return make_user("staff", is_staff=True)


@pytest.fixture
def platform_admin(db):
    user = make_user("platform", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_all_organizations", content_type__app_label="organizations"
        )
    )
    return user


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(
    request,
    client,
    data,
    lead_b,
    consultant,
    outside_consultant,
    admin_user,
    staff_user,
    platform_admin,
    respondent,
    person,
    url_name,
):
    method, args, expected = MATRIX[url_name]
    if person != "anonymous":
        client.force_login(request.getfixturevalue(person))
    url = reverse(url_name, args=args(data))
    drafts_before = list(Assessment.objects.values_list("pk", "status"))

    response = getattr(client, method)(url)

    outcome = expected[person]
    if outcome == LOGIN:
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == outcome
    if response.status_code == 404:
        assert list(Assessment.objects.values_list("pk", "status")) == drafts_before


def test_the_staff_flag_alone_shows_no_client_data(client, data, staff_user):
    client.force_login(staff_user)
    dashboard = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Acme Corp" not in dashboard and "Enterprise Onboarding" not in dashboard
    assert "not assigned to any team or client organization" in dashboard
    assert client.get(reverse("assessments:export-csv", args=["acme"])).status_code == 404


def test_a_platform_admin_sees_every_organization_without_being_a_superuser(
    client, data, platform_admin, team_g
):
    assert not platform_admin.is_superuser
    client.force_login(platform_admin)
    dashboard = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Acme Corp" in dashboard and "Globex" in dashboard


@pytest.mark.parametrize("person", ["lead_b", "outside_consultant", "staff_user"])
def test_a_404_does_not_reveal_whether_the_assessment_exists(request, client, data, person):
    client.force_login(request.getfixturevalue(person))
    existing = client.get(reverse("assessments:report", args=[data["submitted"].pk]))
    missing = client.get(reverse("assessments:report", args=[999999]))
    assert existing.status_code == missing.status_code == 404
    assert without_csrf_token(existing) == without_csrf_token(missing)


def without_csrf_token(response) -> str:
    """The sign-out form's token changes on every response; nothing else may differ."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
