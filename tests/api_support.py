"""Shared set-up of the API tests: a client that sends a person's token as a script would."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.tokens import token_create


def token_for(user, *, scope: str = "read_write", days: int | None = 30) -> str:
    _row, token = token_create(user=user, name="script", scope=scope, expires_in_days=days)
    return token


def bearer(user, *, scope: str = "read_write") -> APIClient:
    """An API client signed in with a new token of `user` (no session, no cookies)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope=scope)}")
    return client


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
