"""A real OpenID Connect provider for the single sign-on tests: oidc-provider-mock (PyPI), run
as its own process on a free port, for the whole test session (one per pytest-xdist worker).

It signs ID tokens with its own RSA key (published at /jwks), checks client, redirect URI and
code at its token endpoint, and lets a test choose who signs in: `PUT /users/<sub>` with the
claims (e-mail, email_verified, names), then its authorize page's form with that `sub`.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

START_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Provider:
    issuer: str
    process: subprocess.Popen

    def user(self, *, email: str, email_verified: bool | str = True, **claims) -> str:
        """Make (or change) a person at the provider; returns their subject."""
        sub = claims.pop("sub", None) or f"user-{uuid.uuid4().hex[:12]}"
        body = {"email": email, "email_verified": email_verified, **claims}
        response = requests.put(f"{self.issuer}/users/{sub}", json=body, timeout=10)
        assert response.status_code == 204, response.text
        return sub

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Submit the provider's authorize form as `sub`, as a person would; returns the
        address it sends the browser back to (our callback with code and state)."""
        response = requests.post(
            authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _started(process: subprocess.Popen, issuer: str) -> bool:
    """Wait (polling its discovery document, not a fixed sleep) until it answers."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            document = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
            if document.ok and document.json()["issuer"] == issuer:
                return True
        except (requests.ConnectionError, requests.Timeout, json.JSONDecodeError):
            pass
        time.sleep(0.05)  # between polls of a condition, not instead of one
    return False


def start_provider(*extra_args: str) -> Provider:
    """Start `python -m oidc_provider_mock` on a free port (a few tries: another process may
    take the port between our probe and its bind)."""
    for _attempt in range(3):
        port = _free_port()
        issuer = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(port), *extra_args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _started(process, issuer):
            return Provider(issuer=issuer, process=process)
        stop_provider(process)
    pytest.fail("oidc-provider-mock did not start (is it installed? pip install -e '.[dev]')")


def stop_provider(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """The provider every single sign-on test signs in at."""
    provider = start_provider()
    yield provider
    stop_provider(provider.process)


@pytest.fixture(scope="session")
def expired_token_provider() -> Iterator[Provider]:
    """A second provider whose ID tokens expired ten minutes before they were issued
    (--token-max-age=-600): a real provider's real, correctly signed, expired token."""
    provider = start_provider("--token-max-age=-600")
    yield provider
    stop_provider(provider.process)


CLIENT_ID = "onboarding-maturity"
CLIENT_SECRET = "test-client-secret"


def sso_settings(settings, provider: Provider, **overrides) -> None:
    """Point Django's single sign-on at `provider` (by discovery, as production does)."""
    from organizations import sso

    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    for name in sso.ENDPOINTS:
        setattr(settings, name, "")
    for name, value in overrides.items():
        setattr(settings, name, value)
    sso.discovery_forget()
