"""Single sign-on: OpenID Connect through mozilla-django-oidc, configured from the environment.

The flow is the library's (authorization code, with state, nonce and PKCE kept in the session);
what is ours:
- the provider's endpoints come from the issuer's discovery document when not set one by one
  (`provider_setting`), read at the first sign-in, so the app starts while the provider is down;
- the ID token is checked in full (`SsoBackend.verify_token`): RS256 signature by a key of the
  provider's JWKS, issuer, audience (our client id; `azp` too when there are several), expiry
  and issue time (with OIDC_CLOCK_LEEWAY_SECONDS of clock skew), and the nonce of this sign-in.
  The library alone checks neither audience nor issuer;
- people are matched by their verified e-mail only (`email_verified` true), case-insensitively;
  two accounts with that e-mail refuse the sign-in; an account is made at the first sign-in only
  when the e-mail's domain is one organization's single sign-on domain;
- an organization may turn local passwords off for its people (`local_password_refused`).

Every refusal is logged (`sso_refused`, with its reason) and shown on the sign-in page.
"""

from __future__ import annotations

import logging
import threading
import time

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.generic import View
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from organizations.domains import email_domain, sso_domains_parse
from organizations.models import Organization, SsoIdentity

log = logging.getLogger("organizations.sso")

ALGORITHM = "RS256"
# Each endpoint setting, and its name in the provider's discovery document.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_SECONDS = 3600


class SsoRefused(Exception):
    """A sign-in turned away; `reason` is logged and picks the message the person reads."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


# What the sign-in page says for each reason; anything else gets FAILED. In English here (marked
# for translation), in the person's language where shown.
FAILED = gettext_noop("Single sign-on did not work. Try again, or sign in with your password.")
MESSAGES = {
    "email_unverified": gettext_noop(
        "Your identity provider has not verified your e-mail address, so it "
        "cannot sign you in here. Verify it there, then try again."
    ),
    "no_email": gettext_noop(
        "Your identity provider did not tell us your e-mail address, so it cannot sign you in here."
    ),
    "domain_not_allowed": gettext_noop(
        "There is no account here for your e-mail address, and its domain "
        "is not set up for single sign-on. Ask your administrator for access."
    ),
    "email_shared": gettext_noop(
        "More than one account here has your e-mail address, so single sign-on "
        "cannot tell which is yours. Ask your administrator."
    ),
    "identity_elsewhere": gettext_noop(
        "Your single sign-on identity belongs to another account here. Ask your administrator."
    ),
    "inactive": gettext_noop("Your account here is switched off. Ask your administrator."),
    "cancelled": gettext_noop("Single sign-on was cancelled or refused by your identity provider."),
    "unavailable": gettext_noop(
        "Single sign-on is not reachable right now. Try again in a minute."
    ),
}
WELCOME = gettext_noop(
    "Welcome. You see your organization's teams and assessments once a team lead or an "
    "administrator adds you to a team."
)


def enabled() -> bool:
    """Configured: a client id and secret, and the issuer or every endpoint."""
    if not (settings.OIDC_RP_CLIENT_ID and settings.OIDC_RP_CLIENT_SECRET):
        return False
    return bool(settings.OIDC_ISSUER) or all(getattr(settings, name, "") for name in ENDPOINTS)


_discovered: dict[str, tuple[float, dict]] = {}
_discovered_lock = threading.Lock()


def discovery(issuer: str) -> dict:
    """The issuer's discovery document, fetched at most once an hour per process.

    Its `issuer` must be the configured one (OpenID Connect Discovery 4.3): a document served
    for another issuer is refused.
    """
    with _discovered_lock:
        cached = _discovered.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_SECONDS:
            return cached[1]
    response = requests.get(
        f"{issuer.rstrip('/')}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
    )
    response.raise_for_status()
    document = response.json()
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured(
            f"The discovery document of {issuer} names another issuer: {document.get('issuer')}"
        )
    missing = [key for key in ENDPOINTS.values() if not document.get(key)]
    if missing:
        raise ImproperlyConfigured(f"The discovery document of {issuer} lacks {missing}")
    with _discovered_lock:
        _discovered[issuer] = (time.monotonic(), document)
    return document


def discovery_forget() -> None:
    with _discovered_lock:
        _discovered.clear()


def provider_setting(name: str, *default):
    """import_from_settings, with each OIDC_OP_* endpoint not set taken from discovery."""
    if name in ENDPOINTS:
        explicit = getattr(settings, name, "")
        if explicit:
            return explicit
        if settings.OIDC_ISSUER:
            return discovery(settings.OIDC_ISSUER)[ENDPOINTS[name]]
    return import_from_settings(name, *default)


def expected_issuer() -> str | None:
    """The `iss` every ID token must carry: the discovery document's (it matched the setting)
    or, with the endpoints set one by one, OIDC_ISSUER when it is set."""
    if not settings.OIDC_ISSUER:
        return None
    if all(getattr(settings, name, "") for name in ENDPOINTS):
        return settings.OIDC_ISSUER
    return discovery(settings.OIDC_ISSUER)["issuer"]


def email_verified(claims: dict) -> bool:
    """True only for a verified e-mail: the claim true (or "true", as some providers send it)."""
    value = claims.get("email_verified")
    return value is True or value == "true"


def organization_for_email(email: str) -> Organization | None:
    """The one organization whose single sign-on domains hold the e-mail's domain."""
    domain = email_domain(email)
    if not domain:
        return None
    candidates = Organization.objects.filter(sso_domains__icontains=domain)
    matches = [org for org in candidates if domain in sso_domains_parse(org.sso_domains)]
    # Admin refuses a domain claimed twice; if it happened anyway, nobody is guessed.
    return matches[0] if len(matches) == 1 else None


def local_password_refused(user) -> bool:
    """Does an organization this person belongs to sign its people in by single sign-on only?

    Belongs: leads one of its teams, consults it, or signed up by its single sign-on domain.
    Superusers always keep their password (break-glass), and the switch does nothing while
    single sign-on is not configured (nobody could sign in at all).
    """
    if user.is_superuser or not enabled():
        return False
    return (
        Organization.objects.filter(local_passwords_allowed=False)
        .filter(Q(teams__leads=user) | Q(consultants=user) | Q(sso_members__user=user))
        .exists()
    )


def _free_username(email: str) -> str:
    user_model = get_user_model()
    base = email.lower()[:150]
    if not user_model._default_manager.filter(username__iexact=base).exists():
        return base
    return f"{base[:140]}-{get_random_string(8).lower()}"


class SsoBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend: full ID token checks, matching by verified e-mail only,
    accounts made only for an organization's domains.

    Listed in AUTHENTICATION_BACKENDS whether or not single sign-on is configured (Django
    loads it for each request of someone it signed in), so nothing is read from the settings
    when it is made: the endpoints are looked up when a sign-in needs them.
    """

    def __init__(self, *args, **kwargs) -> None:
        self.UserModel = get_user_model()

    # The library's attribute names, read when used.
    get_settings = staticmethod(provider_setting)
    OIDC_RP_SIGN_ALGO = ALGORITHM
    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return provider_setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return provider_setting("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return provider_setting("OIDC_OP_JWKS_ENDPOINT")

    def authenticate(self, request, **credentials):
        # Only the callback's own call (the nonce and PKCE verifier it kept in the session):
        # never a password form's, whose address could carry a code and state of anyone's choice.
        if (
            request is None
            or set(credentials) != {"nonce", "code_verifier"}
            or not enabled()
            or getattr(request.resolver_match, "url_name", None) != "oidc_authentication_callback"
        ):
            return None
        try:
            return super().authenticate(request, **credentials)
        except SsoRefused as refused:
            reason, detail = refused.reason, refused.detail
        except (requests.RequestException, ImproperlyConfigured) as error:
            reason, detail = "unavailable", f"{type(error).__name__}: {error}"
        request.sso_refused = reason
        log.warning("sso_refused", extra={"reason": reason, "detail": detail})
        return None

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        """The provider's signing key for this token: the one with its `kid`, or the only RS256
        signing key when the token names none."""
        kid = jwt.get_unverified_header(token).get("kid")
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("kty") == "RSA"
            and key.get("use", "sig") == "sig"
            and key.get("alg", ALGORITHM) == ALGORITHM
            and (kid is None or key.get("kid") == kid)
        ]
        if len(keys) != 1:
            raise SsoRefused("signing_key", f"{len(keys)} keys of the JWKS match kid={kid!r}")
        return jwt.PyJWK(keys[0], algorithm=ALGORITHM)

    def verify_token(self, token: str, **kwargs) -> dict:
        """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise SsoRefused("malformed", str(error)) from error
        if header.get("alg") != ALGORITHM:
            raise SsoRefused("algorithm", str(header.get("alg")))
        client_id = self.OIDC_RP_CLIENT_ID
        try:
            claims = jwt.decode(
                token,
                self.retrieve_matching_jwk(token),
                algorithms=[ALGORITHM],
                audience=client_id,
                issuer=expected_issuer(),
                leeway=settings.OIDC_CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise SsoRefused("expired", str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise SsoRefused("audience", str(error)) from error
        except jwt.InvalidIssuerError as error:
            raise SsoRefused("issuer", str(error)) from error
        except jwt.InvalidSignatureError as error:
            raise SsoRefused("signature", str(error)) from error
        except jwt.InvalidTokenError as error:
            raise SsoRefused("invalid_token", str(error)) from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise SsoRefused("audience", f"several audiences and azp={claims.get('azp')!r}")
        nonce = kwargs.get("nonce")
        if nonce is None or claims.get("nonce") != nonce:
            raise SsoRefused("nonce", "the ID token's nonce is not this sign-in's")
        return claims

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict:
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=settings.OIDC_TIMEOUT,
        )
        response.raise_for_status()
        claims = response.json()
        # OpenID Connect Core 5.3.2: userinfo of another subject must not be used.
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SsoRefused("userinfo_subject", "userinfo is about another subject")
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict):
        claims = self.get_userinfo(access_token, id_token, payload)
        email = str(claims.get("email") or "").strip()
        if not email or "@" not in email:
            raise SsoRefused("no_email")
        if not email_verified(claims):
            raise SsoRefused("email_unverified", email)
        try:
            with transaction.atomic():
                user, organization = self._user_for(
                    email=email, claims=claims, issuer=payload["iss"], subject=payload["sub"]
                )
                SsoIdentity.objects.update_or_create(
                    issuer=payload["iss"],
                    subject=payload["sub"],
                    defaults={"user": user, "email": email, "last_sign_in_at": timezone.now()},
                    create_defaults={
                        "user": user,
                        "email": email,
                        "organization": organization,
                        "last_sign_in_at": timezone.now(),
                    },
                )
        except IntegrityError as error:  # the same first sign-in twice at once
            raise SsoRefused("conflict", str(error)) from error
        if organization is not None:
            self.request.sso_new_account = True
        log.info(
            "sso_sign_in",
            extra={"user": user.pk, "new_account": organization is not None, "sub": payload["sub"]},
        )
        return user

    def _user_for(self, *, email: str, claims: dict, issuer: str, subject: str):
        """(the account, None) for a known e-mail; (a new account, its organization) when the
        domain is one organization's. The identity must not belong to another account (one
        whose e-mail was changed here since: e-mail is the key, nobody gets a second account)."""
        users = list(self.UserModel._default_manager.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise SsoRefused("email_shared", email)
        identity = SsoIdentity.objects.filter(issuer=issuer, subject=subject).first()
        if identity is not None and (not users or identity.user_id != users[0].pk):
            raise SsoRefused("identity_elsewhere", email)
        if users:
            user = users[0]
            if not user.is_active:
                raise SsoRefused("inactive", email)
            return user, None
        organization = organization_for_email(email)
        if organization is None:
            raise SsoRefused("domain_not_allowed", email_domain(email))
        user = self.UserModel._default_manager.create_user(
            _free_username(email),
            email=email,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        return user, organization

    def get_user(self, user_id):
        # ModelBackend's: an account switched off in admin is signed out at its next request.
        return ModelBackend.get_user(self, user_id)

    # Permissions are UsernameBackend's to answer (it is listed too): nothing is asked twice.
    def get_user_permissions(self, user_obj, obj=None) -> set:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set:
        return set()

    def get_all_permissions(self, user_obj, obj=None) -> set:
        return set()

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        return self.UserModel._default_manager.none()


class AuthenticateView(oidc_views.OIDCAuthenticationRequestView):
    """/oidc/authenticate/: off (404) unless configured; to the provider with a fresh state,
    nonce and PKCE verifier; back to sign-in with a message when the provider is unreachable."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args, **kwargs) -> None:
        View.__init__(self, *args, **kwargs)  # settings are read per request, when configured

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ImproperlyConfigured, ValueError) as error:
            log.warning("sso_unavailable", extra={"detail": f"{type(error).__name__}: {error}"})
            messages.error(request, _(MESSAGES["unavailable"]))
            return redirect("login")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(oidc_views.OIDCAuthenticationCallbackView):
    """/oidc/callback/: off (404) unless configured. A refused sign-in goes back to the sign-in
    page saying why; a state this session did not start is a 400 (the library's check)."""

    get_settings = staticmethod(provider_setting)

    @property
    def failure_url(self) -> str:
        return reverse("login")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        return super().get(request)

    def login_failure(self) -> HttpResponse:
        if self.request.GET.get("error"):
            reason = "cancelled"
        else:
            reason = getattr(self.request, "sso_refused", None)
        messages.error(self.request, _(MESSAGES.get(reason, FAILED)))
        return super().login_failure()

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        if getattr(self.request, "sso_new_account", False):
            messages.info(self.request, _(WELCOME))
        return response
