"""Single sign-on (OpenID Connect) against a real provider: oidc-provider-mock in its own process
(tests/oidc_provider.py). Each sign-in walks the real authorization-code flow: Django's test
client asks /oidc/authenticate/, the test submits the provider's authorize form as the person
it set up there, and the test client follows the provider's redirect to /oidc/callback/, where
Django fetches the token, the provider's keys and the userinfo from the provider over HTTP.
Nothing in the library or the backend is patched.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations import sso
from organizations.forms import SSO_ONLY_MESSAGE
from organizations.models import SsoIdentity
from tests import oidc_provider as provider_module
from tests.conftest import PASSWORD
from tests.oidc_provider import CLIENT_ID, sso_settings

pytestmark = pytest.mark.django_db

# The session's providers (tests/oidc_provider.py), shared with the browser test.
oidc_provider = provider_module.oidc_provider
expired_token_provider = provider_module.expired_token_provider

LOGIN = "/accounts/login/"
CALLBACK = "/oidc/callback/"
DASHBOARD = reverse("assessments:dashboard")


@pytest.fixture
def sso_on(settings, oidc_provider):
    sso_settings(settings, oidc_provider)
    return oidc_provider


def begin(client: Client, provider, next_page: str | None = None) -> str:
    """Ask Django to start a sign-in; returns the provider's authorize address it sent us to."""
    query = f"?{urlencode({'next': next_page})}" if next_page else ""
    response = client.get(f"{reverse('oidc_authentication_init')}{query}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{provider.issuer}/oauth2/authorize?")
    return response["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == CALLBACK, location
    return f"{parts.path}?{parts.query}"


def sso_sign_in(client: Client, provider, sub: str, next_page: str | None = None):
    """The whole flow for the person `sub`: our callback's response."""
    back = provider.authorize(begin(client, provider, next_page), sub)
    return client.get(callback_path(back))


def signed_in_as(client: Client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def refused(response, reason: str, caplog) -> bool:
    """Back on the sign-in page, nobody signed in, the reason logged."""
    reasons = [getattr(record, "reason", None) for record in caplog.records]
    return (
        response.status_code == 302
        and response["Location"] == LOGIN
        and "_auth_user_id" not in response.wsgi_request.session
        and reason in reasons
    )


# --- Matching and creating people -------------------------------------------------------------


def test_an_existing_person_signs_in_by_their_verified_email_in_any_case(
    client, sso_on, lead_a, team_a
):
    sub = sso_on.user(email="LEAD_A@Example.COM", given_name="Lea")
    people = get_user_model().objects.count()

    response = sso_sign_in(client, sso_on, sub)

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    assert signed_in_as(client) == lead_a
    assert get_user_model().objects.count() == people
    identity = SsoIdentity.objects.get(user=lead_a)
    assert (identity.issuer, identity.subject, identity.organization) == (sso_on.issuer, sub, None)
    assert team_a.name in client.get(DASHBOARD).content.decode()


def test_signing_in_again_goes_where_the_person_was_going(client, sso_on, lead_a, team_a):
    sub = sso_on.user(email="lead_a@example.com")
    team_page = reverse("assessments:team", args=[team_a.pk])

    response = sso_sign_in(client, sso_on, sub, next_page=team_page)

    assert response["Location"] == team_page


def test_a_new_person_gets_an_account_when_their_domain_is_an_organizations(
    client, sso_on, acme, team_a
):
    acme.sso_domains = "acme.example"
    acme.save()
    sub = sso_on.user(email="New.Person@ACME.example", given_name="New", family_name="Person")

    response = sso_sign_in(client, sso_on, sub)

    assert response["Location"] == DASHBOARD
    person = signed_in_as(client)
    assert (person.email, person.username) == ("New.Person@acme.example", "new.person@acme.example")
    assert (person.first_name, person.last_name) == ("New", "Person")
    assert not person.has_usable_password()
    assert not (person.is_staff or person.is_superuser)
    assert SsoIdentity.objects.get(user=person).organization == acme
    assert sso.WELCOME in messages_of(response)
    # Nothing of the organization's until a lead or an admin assigns them.
    dashboard = client.get(DASHBOARD)
    assert dashboard.status_code == 200
    assert team_a.name not in dashboard.content.decode()
    assert "not assigned to any team or client organization" in dashboard.content.decode()
    assert client.get(reverse("assessments:team", args=[team_a.pk])).status_code == 404


def test_the_new_persons_second_sign_in_uses_the_same_account(client, sso_on, acme):
    acme.sso_domains = "acme.example"
    acme.save()
    sub = sso_on.user(email="new@acme.example")
    sso_sign_in(client, sso_on, sub)
    first = signed_in_as(client)
    client.post(reverse("logout"))

    response = sso_sign_in(client, sso_on, sub)

    assert response["Location"] == DASHBOARD
    assert signed_in_as(client) == first
    assert get_user_model().objects.filter(email__iexact="new@acme.example").count() == 1


def test_a_new_person_of_a_domain_no_organization_allows_gets_no_account(
    client, sso_on, acme, caplog
):
    acme.sso_domains = "acme.example"
    acme.save()
    sub = sso_on.user(email="someone@elsewhere.example")

    response = sso_sign_in(client, sso_on, sub)

    assert refused(response, "domain_not_allowed", caplog)
    assert sso.MESSAGES["domain_not_allowed"] in messages_of(response)
    assert not get_user_model().objects.filter(email="someone@elsewhere.example").exists()
    # A subdomain is another domain.
    response = sso_sign_in(client, sso_on, sso_on.user(email="x@eu.acme.example"))
    assert refused(response, "domain_not_allowed", caplog)


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_unverified_email_is_refused_even_for_an_existing_person(
    client, sso_on, lead_a, acme, caplog, verified
):
    acme.sso_domains = "example.com"  # the domain would be allowed too
    acme.save()
    sub = sso_on.user(email="lead_a@example.com", email_verified=verified)
    people = get_user_model().objects.count()

    response = sso_sign_in(client, sso_on, sub)

    assert refused(response, "email_unverified", caplog)
    assert sso.MESSAGES["email_unverified"] in messages_of(response)
    assert get_user_model().objects.count() == people
    assert not SsoIdentity.objects.exists()


def test_two_accounts_with_the_email_refuse_the_sign_in(client, sso_on, lead_a, caplog):
    get_user_model().objects.create_user("lead_a_again", email="Lead_A@example.com")
    sub = sso_on.user(email="lead_a@example.com")

    response = sso_sign_in(client, sso_on, sub)

    assert refused(response, "email_shared", caplog)


def test_a_switched_off_account_is_refused(client, sso_on, lead_a, caplog):
    lead_a.is_active = False
    lead_a.save()

    response = sso_sign_in(client, sso_on, sso_on.user(email="lead_a@example.com"))

    assert refused(response, "inactive", caplog)


def test_an_identity_linked_to_one_account_never_signs_in_to_another(
    client, sso_on, lead_a, lead_b, caplog
):
    sub = sso_on.user(email="lead_a@example.com")
    sso_sign_in(client, sso_on, sub)
    client.post(reverse("logout"))
    sso_on.user(sub=sub, email="lead_b@example.com")  # the provider now says another e-mail

    response = sso_sign_in(client, sso_on, sub)

    assert refused(response, "identity_elsewhere", caplog)


# --- The token and the flow: expiry, audience, signature, nonce, state -------------------------


def test_an_expired_id_token_is_refused(client, settings, expired_token_provider, lead_a, caplog):
    """A real provider issues a real token signed with its key, for our client id, carrying the
    sign-in's nonce, but whose `exp` is ten minutes past (beyond the clock leeway): refused
    for the expiry alone, and the reason logged is "expired"."""
    sso_settings(settings, expired_token_provider)
    sub = expired_token_provider.user(email="lead_a@example.com")

    response = sso_sign_in(client, expired_token_provider, sub)

    assert refused(response, "expired", caplog)
    assert sso.FAILED in messages_of(response)


def token_from_provider(provider, *, client_id: str, nonce: str, sub: str) -> str:
    """A real ID token: the authorization-code flow walked at the provider for `client_id`."""
    redirect_uri = "http://testserver/elsewhere/callback/"
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid email",
            "state": "s",
            "nonce": nonce,
        }
    )
    back = provider.authorize(f"{provider.issuer}/oauth2/authorize?{query}", sub)
    code = parse_qs(urlsplit(back).query)["code"][0]
    response = requests.post(
        f"{provider.issuer}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client_id,
            "client_secret": "any",
            "redirect_uri": redirect_uri,
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["id_token"]


def test_an_id_token_issued_to_another_client_is_refused_for_its_audience(sso_on, lead_a):
    """The provider issues tokens to any client id. One it issued to "another-app" (a real
    token, its signature, issuer, times and nonce all good) is refused by our backend's check
    for the audience, while the same token made out to our client id passes: the audience is
    what is checked. (With an honest provider, our own code exchange always yields tokens for
    our client id, so this check guards against a token meant for another application.)"""
    sub = sso_on.user(email="lead_a@example.com")
    backend = sso.SsoBackend()

    theirs = token_from_provider(sso_on, client_id="another-app", nonce="n-1", sub=sub)
    with pytest.raises(sso.SsoRefused) as refusal:
        backend.verify_token(theirs, nonce="n-1")
    assert refusal.value.reason == "audience"

    ours = token_from_provider(sso_on, client_id=CLIENT_ID, nonce="n-2", sub=sub)
    assert backend.verify_token(ours, nonce="n-2")["sub"] == sub


def own_token(private_key, issuer: str, **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "sub": "forged",
        "aud": [CLIENT_ID],
        "iat": now,
        "exp": now + 300,
        "nonce": "n",
        "email": "lead_a@example.com",
        "email_verified": True,
        **changes,
    }
    return jwt.encode(claims, private_key, algorithm="RS256")


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(sso_on):
    """A token with every claim right (our issuer, audience, times, nonce) but signed with a key
    of our own making, not in the provider's JWKS: refused for its signature, whether it names
    the provider's key id or none."""
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    provider_kid = requests.get(f"{sso_on.issuer}/jwks", timeout=10).json()["keys"][0]["kid"]
    backend = sso.SsoBackend()
    for headers in ({}, {"kid": provider_kid}):
        token = jwt.encode(
            jwt.decode(own_token(forger, sso_on.issuer), options={"verify_signature": False}),
            forger,
            algorithm="RS256",
            headers=headers,
        )
        with pytest.raises(sso.SsoRefused) as refusal:
            backend.verify_token(token, nonce="n")
        assert refusal.value.reason == "signature"


def test_a_token_signed_with_no_key_or_another_algorithm_is_refused(sso_on):
    backend = sso.SsoBackend()
    unsigned = jwt.encode({"iss": sso_on.issuer, "aud": CLIENT_ID}, None, algorithm="none")
    shared_secret = jwt.encode(
        {"iss": sso_on.issuer}, "a-shared-secret-long-enough-for-hs256-keys", algorithm="HS256"
    )
    for token, reason in ((unsigned, "algorithm"), (shared_secret, "algorithm")):
        with pytest.raises(sso.SsoRefused) as refusal:
            backend.verify_token(token, nonce="n")
        assert refusal.value.reason == reason


def test_a_token_of_another_issuer_is_refused(sso_on, expired_token_provider):
    """A real token of the second provider, presented where the first is configured: its key
    is not among the first's keys, so it is refused before its issuer is even read."""
    sub = expired_token_provider.user(email="lead_a@example.com")
    token = token_from_provider(expired_token_provider, client_id=CLIENT_ID, nonce="n", sub=sub)
    with pytest.raises(sso.SsoRefused) as refusal:
        sso.SsoBackend().verify_token(token, nonce="n")
    assert refusal.value.reason in {"signing_key", "signature"}


def test_the_nonce_of_another_sign_in_is_refused(client, sso_on, lead_a, caplog):
    """The provider puts the nonce of the authorize request into the ID token; the session is
    made to expect another one before the callback, as if the token came from another sign-in."""
    sub = sso_on.user(email="lead_a@example.com")
    back = sso_on.authorize(begin(client, sso_on), sub)
    state = parse_qs(urlsplit(back).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "another-sign-in"
    session.save()

    response = client.get(callback_path(back))

    assert refused(response, "nonce", caplog)


def test_a_callback_in_a_session_that_did_not_start_it_signs_nobody_in(client, sso_on, lead_a):
    sub = sso_on.user(email="lead_a@example.com")
    back = sso_on.authorize(begin(client, sso_on), sub)

    other_browser = Client()
    response = other_browser.get(callback_path(back))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in other_browser.session


def test_a_callback_with_a_state_this_session_did_not_issue_is_a_bad_request(
    client, sso_on, lead_a
):
    sub = sso_on.user(email="lead_a@example.com")
    back = sso_on.authorize(begin(client, sso_on), sub)
    forged = callback_path(back).replace("state=", "state=forged")

    response = client.get(forged)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_callback_replayed_after_signing_out_signs_nobody_in(client, sso_on, lead_a):
    sub = sso_on.user(email="lead_a@example.com")
    back = callback_path(sso_on.authorize(begin(client, sso_on), sub))
    assert client.get(back)["Location"] == DASHBOARD
    client.post(reverse("logout"))

    response = client.get(back)

    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_provider_refusing_signs_nobody_in(client, sso_on):
    authorize = begin(client, sso_on)
    denied = requests.post(authorize, data={"action": "deny"}, allow_redirects=False, timeout=10)
    assert "error=access_denied" in denied.headers["Location"]

    response = client.get(callback_path(denied.headers["Location"]))

    assert response["Location"] == LOGIN
    assert sso.MESSAGES["cancelled"] in messages_of(response)
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_sends_back_to_sign_in_with_a_message(client, settings):
    with socket_closed() as issuer:
        settings.OIDC_ISSUER = issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = "x"
        sso.discovery_forget()

        response = client.get(reverse("oidc_authentication_init"))

    assert response["Location"] == reverse("login")
    assert sso.MESSAGES["unavailable"] in messages_of(response)


class socket_closed:  # noqa: N801 (a context manager read as a phrase)
    """An issuer address nothing listens on."""

    def __enter__(self) -> str:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc) -> None:
        sso.discovery_forget()


def test_the_backend_answers_no_call_but_the_callbacks(rf: RequestFactory, sso_on, lead_a):
    """A password form's authenticate() with a code and state in its address is not a
    single sign-on: the backend does not even contact the provider."""
    request = rf.post(f"{LOGIN}?code=stolen&state=s", {"username": "lead_a"})
    backend = sso.SsoBackend()
    assert backend.authenticate(request, username="lead_a", password=PASSWORD) is None
    assert backend.authenticate(request, nonce="n", code_verifier=None) is None


# --- Staff keep their second factor ------------------------------------------------------------


def test_staff_signing_in_by_sso_still_owe_their_two_factor_code(client, sso_on, admin_user):
    TOTPDevice.objects.create(user=admin_user, name="Authenticator app", confirmed=True)
    sub = sso_on.user(email="admin@example.com")

    response = sso_sign_in(client, sso_on, sub)
    assert signed_in_as(client) == admin_user

    dashboard = client.get(response["Location"])
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("two-factor-verify"))


# --- The sign-in page and SSO switched off -----------------------------------------------------


def test_sso_off_shows_no_button_and_its_addresses_answer_404(client, lead_a):
    page = client.get(LOGIN).content.decode()
    assert "single sign-on" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(f"{CALLBACK}?code=c&state=s").status_code == 404


def test_sso_on_shows_the_button_keeping_where_the_person_was_going(client, sso_on):
    page = client.get(f"{LOGIN}?next=/teams/1/").content.decode()
    assert 'href="/oidc/authenticate/?next=/teams/1/"' in page
    assert "Sign in with single sign-on" in page


# --- Local passwords per organization -----------------------------------------------------------


def password_sign_in(client: Client, username: str, password: str = PASSWORD, path: str = LOGIN):
    return client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("person", ["lead_a", "consultant"])
def test_no_password_sign_in_for_an_organization_with_local_passwords_off(
    client, sso_on, acme, person, request
):
    user = request.getfixturevalue(person)
    acme.local_passwords_allowed = False
    acme.save()

    response = password_sign_in(client, user.username)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert SSO_ONLY_MESSAGE in response.content.decode()
    # A wrong password hears the usual answer: the SSO hint is no hint about who is whose.
    wrong = password_sign_in(client, user.username, "not-the-password")
    assert SSO_ONLY_MESSAGE not in wrong.content.decode()
    # Admin's sign-in is no way around it.
    admin_page = password_sign_in(client, user.username, path="/admin/login/")
    assert "_auth_user_id" not in client.session
    assert SSO_ONLY_MESSAGE in admin_page.content.decode()
    # Single sign-on still works for them.
    sso_sign_in(client, sso_on, sso_on.user(email=user.email))
    assert signed_in_as(client) == user


def test_a_person_who_signed_up_by_the_domain_belongs_to_that_organization(client, sso_on, acme):
    acme.sso_domains = "acme.example"
    acme.save()
    sso_sign_in(client, sso_on, sso_on.user(email="new@acme.example"))
    person = signed_in_as(client)
    client.post(reverse("logout"))
    person.set_password(PASSWORD)  # given one in admin, say
    person.save()
    assert password_sign_in(client, person.username).status_code == 302
    client.post(reverse("logout"))

    acme.local_passwords_allowed = False
    acme.save()

    assert SSO_ONLY_MESSAGE in password_sign_in(client, person.username).content.decode()


def test_other_organizations_people_keep_their_passwords(
    client, sso_on, acme, outside_consultant, lead_a
):
    acme.local_passwords_allowed = False
    acme.save()

    assert password_sign_in(client, outside_consultant.username).status_code == 302


def test_a_superuser_keeps_password_sign_in_as_break_glass(client, sso_on, acme, admin_user):
    acme.consultants.add(admin_user)
    acme.local_passwords_allowed = False
    acme.save()

    response = password_sign_in(client, admin_user.username)

    assert response.status_code == 302
    assert signed_in_as(client) == admin_user


def test_local_passwords_off_does_nothing_while_sso_is_not_configured(client, acme, lead_a):
    acme.local_passwords_allowed = False
    acme.save()

    assert password_sign_in(client, lead_a.username).status_code == 302


def test_refusals_are_logged_with_their_reason(client, sso_on, caplog):
    caplog.set_level(logging.WARNING, logger="organizations.sso")
    response = sso_sign_in(client, sso_on, sso_on.user(email="nobody@nowhere.example"))
    assert refused(response, "domain_not_allowed", caplog)
