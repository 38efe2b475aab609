"""Personal access tokens: created on the person's own page and shown once, stored only as a
digest, checked on every API request, revocable, expiring."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import PersonalAccessToken
from api.tokens import (
    MAX_TOKENS_PER_USER,
    TokenLimit,
    TokenRefused,
    token_check,
    token_create,
    token_revoke,
)
from tests.conftest import make_user

TOKEN_SHOWN = re.compile(r'id="new-token-value"[^>]*value="(omm_[^"]+)"')


@pytest.fixture
def lead(client, lead_a):
    client.force_login(lead_a)
    return client


def create_on_page(client, **fields):
    data = {"name": "CRM sync", "scope": "read", "expires_in_days": "90", **fields}
    return client.post(reverse("api-tokens"), data)


# --- The page ---------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_digest_is_kept(lead, lead_a):
    response = create_on_page(lead)
    assert response.status_code == 201
    (token,) = TOKEN_SHOWN.findall(response.content.decode())
    row = PersonalAccessToken.objects.get(user=lead_a)
    assert row.name == "CRM sync"
    assert row.scope == "read"
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(PersonalAccessToken.objects.values().get())
    assert "no-store" in response["Cache-Control"]
    again = lead.get(reverse("api-tokens"))
    assert token not in again.content.decode()
    assert f"omm_{row.prefix}" in again.content.decode()


def test_the_expiry_chosen_is_the_expiry_stored(lead, lead_a):
    before = timezone.now()
    create_on_page(lead, expires_in_days="30")
    row = PersonalAccessToken.objects.get(user=lead_a)
    assert (
        datetime.timedelta(days=30)
        <= row.expires_at - before
        < datetime.timedelta(days=30, minutes=1)
    )


def test_never_expiring_and_read_write_are_choices(lead, lead_a):
    create_on_page(lead, expires_in_days="", scope="read_write")
    row = PersonalAccessToken.objects.get(user=lead_a)
    assert row.expires_at is None
    assert row.can_write


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "This field is required."),
        ({"name": "x" * 101}, "at most 100 characters"),
        ({"scope": "admin"}, "Select a valid choice"),
        ({"expires_in_days": "9999"}, "Select a valid choice"),
        ({"expires_in_days": "-1"}, "Select a valid choice"),
    ],
)
def test_bad_input_names_the_problem_and_creates_nothing(lead, fields, message):
    response = create_on_page(lead, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PersonalAccessToken.objects.exists()
    assert not TOKEN_SHOWN.search(response.content.decode())


def test_people_have_at_most_fifty_active_tokens(lead, lead_a):
    for n in range(MAX_TOKENS_PER_USER):
        token_create(user=lead_a, name=f"t{n}", scope="read", expires_in_days=None)
    response = create_on_page(lead)
    assert response.status_code == 400
    assert "revoke one first" in response.content.decode()
    assert PersonalAccessToken.objects.filter(user=lead_a).count() == MAX_TOKENS_PER_USER


def test_revoking_a_token_stops_it_at_once(lead, lead_a):
    row, token = token_create(user=lead_a, name="CI", scope="read", expires_in_days=None)
    response = lead.post(reverse("api-token-revoke", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    with pytest.raises(TokenRefused, match="revoked"):
        token_check(token)
    assert "Revoked" in lead.get(reverse("api-tokens")).content.decode()


def test_nobody_revokes_or_sees_someone_elses_token(lead, consultant):
    row, _ = token_create(user=consultant, name="theirs", scope="read", expires_in_days=None)
    assert lead.post(reverse("api-token-revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None
    assert "theirs" not in lead.get(reverse("api-tokens")).content.decode()


def test_revoke_answers_only_post(lead, lead_a):
    row, _ = token_create(user=lead_a, name="CI", scope="read", expires_in_days=None)
    assert lead.get(reverse("api-token-revoke", args=[row.pk])).status_code == 405
    row.refresh_from_db()
    assert row.revoked_at is None


# --- Checking a presented token ---------------------------------------------------------------


def test_a_valid_token_signs_its_person_in_and_records_its_use(lead_a):
    row, token = token_create(user=lead_a, name="CI", scope="read", expires_in_days=7)
    checked = token_check(token)
    assert checked.pk == row.pk
    assert checked.user == lead_a
    row.refresh_from_db()
    assert row.last_used_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: "",
        lambda t: "omm_",
        lambda t: t.replace("omm_", "ghp_"),
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # right prefix, wrong secret
        lambda t: "omm_00000000_" + t.rsplit("_", 1)[1],  # unknown prefix
        lambda t: t + "x",
    ],
)
def test_malformed_or_wrong_tokens_are_refused(lead_a, mangle):
    _, token = token_create(user=lead_a, name="CI", scope="read", expires_in_days=None)
    with pytest.raises(TokenRefused):
        token_check(mangle(token))


def test_an_expired_token_is_refused(lead_a):
    row, token = token_create(user=lead_a, name="CI", scope="read", expires_in_days=1)
    PersonalAccessToken.objects.filter(pk=row.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(TokenRefused, match="expired"):
        token_check(token)


def test_a_deactivated_persons_token_is_refused(lead_a):
    _, token = token_create(user=lead_a, name="CI", scope="read", expires_in_days=None)
    lead_a.is_active = False
    lead_a.save()
    with pytest.raises(TokenRefused, match="inactive"):
        token_check(token)


def test_revoke_is_idempotent_and_scoped_to_the_owner(db):
    owner, other = make_user("owner"), make_user("other")
    row, _ = token_create(user=owner, name="CI", scope="read", expires_in_days=None)
    assert token_revoke(user=other, token_id=row.pk) is None
    first = token_revoke(user=owner, token_id=row.pk).revoked_at
    assert token_revoke(user=owner, token_id=row.pk).revoked_at == first


def test_limit_counts_only_active_tokens(db):
    owner = make_user("owner")
    for n in range(MAX_TOKENS_PER_USER):
        row, _ = token_create(user=owner, name=f"t{n}", scope="read", expires_in_days=None)
    with pytest.raises(TokenLimit):
        token_create(user=owner, name="one more", scope="read", expires_in_days=None)
    token_revoke(user=owner, token_id=row.pk)
    token_create(user=owner, name="one more", scope="read", expires_in_days=None)
