"""Who may see what: every URL of the app against every kind of person.

Adding a URL without an entry here fails test_every_url_has_a_matrix_entry.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import fill

PEOPLE = ["anonymous", "lead_a", "lead_b", "consultant", "outside_consultant", "admin_user"]
LOGIN = "login"


def expect(anonymous, lead_a, lead_b, consultant, outside_consultant, admin_user):
    return dict(
        zip(
            PEOPLE,
            (anonymous, lead_a, lead_b, consultant, outside_consultant, admin_user),
            strict=True,
        )
    )


OPEN = expect(200, 200, 200, 200, 200, 200)
SIGNED_IN = expect(LOGIN, 200, 200, 200, 200, 200)
TEAM_A_PAGE = expect(LOGIN, 200, 404, 200, 404, 200)
TEAM_A_POST = expect(LOGIN, 302, 404, 302, 404, 302)

# url name -> (method, how to build its arguments, expected outcome per person)
MATRIX = {
    "healthz": ("get", lambda d: [], OPEN),
    "login": ("get", lambda d: [], OPEN),
    "logout": ("post", lambda d: [], expect(302, 302, 302, 302, 302, 302)),
    "admin:index": ("get", lambda d: [], expect(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200)),
    "assessments:dashboard": ("get", lambda d: [], SIGNED_IN),
    "assessments:new": ("get", lambda d: [], SIGNED_IN),
    "assessments:report": ("get", lambda d: [d["submitted"].pk], TEAM_A_PAGE),
    "assessments:report-pdf": ("get", lambda d: [d["submitted"].pk], TEAM_A_PAGE),
    "assessments:step": ("get", lambda d: [d["draft"].pk, 2], TEAM_A_PAGE),
    "assessments:submit": ("post", lambda d: [d["draft"].pk], TEAM_A_POST),
    "assessments:export-json": ("get", lambda d: [d["submitted"].pk], TEAM_A_PAGE),
    "assessments:team": ("get", lambda d: [d["submitted"].team_id], TEAM_A_PAGE),
    # Everyone with a team in Acme may export Acme, but only the rows they may see.
    "assessments:export-csv": ("get", lambda d: ["acme"], expect(LOGIN, 200, 200, 200, 404, 200)),
    "assessments:import": ("get", lambda d: ["acme"], expect(LOGIN, 404, 404, 200, 404, 200)),
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
def data(model_v0, team_a, lead_a, team_g, submitted_assessment):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    fill(draft, 3)
    Answer.objects.filter(assessment=draft, question__code="MP-5").delete()
    return {"submitted": submitted_assessment, "draft": draft}


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(
    request, client, data, lead_b, consultant, outside_consultant, admin_user, person, url_name
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


@pytest.mark.parametrize("person", ["lead_b", "outside_consultant"])
def test_a_404_does_not_reveal_whether_the_assessment_exists(request, client, data, person):
    client.force_login(request.getfixturevalue(person))
    existing = client.get(reverse("assessments:report", args=[data["submitted"].pk]))
    missing = client.get(reverse("assessments:report", args=[999999]))
    assert existing.status_code == missing.status_code == 404
    assert without_csrf_token(existing) == without_csrf_token(missing)


def without_csrf_token(response) -> str:
    """The sign-out form's token changes on every response; nothing else may differ."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
