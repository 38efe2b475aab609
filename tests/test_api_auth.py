"""Tokens as scripts send them: which ones sign in, what a read-only one may do, rate limits."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from api.models import PersonalAccessToken
from api.tokens import token_create, token_revoke
from assessments.models import Assessment
from tests.api_support import bearer, fresh_rate_limits  # noqa: F401

pytestmark = pytest.mark.django_db
ASSESSMENTS = "/api/v1/assessments/"


def client_with(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


def test_a_valid_token_reads_and_records_when_it_was_used(lead_a):
    row, token = token_create(user=lead_a, name="BI", scope="read", expires_in_days=30)
    response = client_with(f"Bearer {token}").get(ASSESSMENTS)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_no_token_is_401_with_the_bearer_challenge():
    response = APIClient().get(ASSESSMENTS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer omm_",
        "Bearer not-a-token",
        "Bearer omm_deadbeef_wrongsecret",
        "Bearer two words",
        "Bearer omm_\u00e9t\u00e9_x",
    ],
)
def test_a_malformed_or_unknown_token_is_401(lead_a, header):
    response = client_with(header).get(ASSESSMENTS)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_an_expired_token_is_401(lead_a):
    row, token = token_create(user=lead_a, name="old", scope="read", expires_in_days=1)
    PersonalAccessToken.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client_with(f"Bearer {token}").get(ASSESSMENTS)
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has expired."


def test_a_revoked_token_is_401(lead_a):
    row, token = token_create(user=lead_a, name="gone", scope="read_write", expires_in_days=None)
    token_revoke(user=lead_a, token_id=row.pk)
    response = client_with(f"Bearer {token}").get(ASSESSMENTS)
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has been revoked."


def test_a_token_of_a_deactivated_user_is_401(lead_a):
    _row, token = token_create(user=lead_a, name="t", scope="read", expires_in_days=None)
    lead_a.is_active = False
    lead_a.save()
    assert client_with(f"Bearer {token}").get(ASSESSMENTS).status_code == 401


def test_a_read_only_token_cannot_write(model_v0, team_a, lead_a):
    client = bearer(lead_a, scope="read")
    response = client.post(
        ASSESSMENTS, {"team": team_a.pk, "year": 2026, "quarter": 3}, format="json"
    )
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Assessment.objects.exists()


def test_reads_past_the_rate_limit_get_429_with_retry_after(lead_a):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api-read": "3/min"}
    client = bearer(lead_a, scope="read")
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        statuses = [client.get(ASSESSMENTS).status_code for _ in range(4)]
        refused = client.get(ASSESSMENTS)
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_the_limit_is_per_token(lead_a, lead_b):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api-read": "1/min"}
    first, second = bearer(lead_a, scope="read"), bearer(lead_b, scope="read")
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        assert first.get(ASSESSMENTS).status_code == 200
        assert first.get(ASSESSMENTS).status_code == 429
        assert second.get(ASSESSMENTS).status_code == 200


def test_writes_have_their_own_lower_limit(model_v0, team_a, lead_a):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "api-write": "1/min"}
    client = bearer(lead_a)
    body = {"team": team_a.pk, "year": 2026, "quarter": 3}
    with override_settings(REST_FRAMEWORK={**_rest_framework(), "DEFAULT_THROTTLE_RATES": rates}):
        assert client.post(ASSESSMENTS, body, format="json").status_code == 201
        refused = client.post(ASSESSMENTS, body, format="json")
        assert client.get(ASSESSMENTS).status_code == 200  # reads still go through
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_the_documented_default_rates():
    from django.conf import settings

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {"api-read": "600/min", "api-write": "120/min"}


def _rest_framework() -> dict:
    from django.conf import settings

    return dict(settings.REST_FRAMEWORK)
