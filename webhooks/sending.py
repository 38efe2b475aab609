"""One HTTPS POST to a checked address: no second DNS lookup, no redirect followed.

The connection goes to an address webhooks.ssrf checked a moment before; the certificate is
verified for the URL's host name (sent as the TLS server name and the Host header), so pinning
the address changes nothing for an honest receiver and stops DNS rebinding. Redirects are never
followed: a 3xx is a failed try, logged with where it pointed.

Certificates are checked against the system's trusted authorities, or only against the bundle in
the WEBHOOK_CA_BUNDLE setting when it is set (the tests' own authority).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from webhooks import ssrf

TIMEOUT_SECONDS = 10
USER_AGENT = "OnboardingMaturity-Webhooks/1"
MAX_ERROR = 500


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@cache
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    # create_default_context loads the system's authorities only when given no cafile: with a
    # bundle, that bundle is the only thing trusted.
    context = ssl.create_default_context(cafile=ca_bundle)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def tls_context() -> ssl.SSLContext:
    bundle = getattr(settings, "WEBHOOK_CA_BUNDLE", None)
    return _tls_context(str(bundle) if bundle else None)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `host` at the already checked `address`."""

    def __init__(self, host: str, port: int, *, address: str, **kwargs) -> None:
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url` if it is still allowed; what came back, or why nothing did."""
    started = time.perf_counter()

    def took() -> int:
        return round((time.perf_counter() - started) * 1000)

    try:
        target = ssrf.check(url)
    except ssrf.UnsafeURL as refused:
        return Outcome(None, f"Refused, nothing sent: {refused}"[:MAX_ERROR], took())
    connection = PinnedHTTPSConnection(
        target.host,
        target.port,
        address=target.addresses[0],
        timeout=TIMEOUT_SECONDS,
        context=tls_context(),
    )
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={"User-Agent": USER_AGENT, "Content-Type": "application/json", **headers},
        )
        response = connection.getresponse()
        status, location = response.status, response.getheader("Location", "")
    except TimeoutError:
        return Outcome(None, f"No answer within {TIMEOUT_SECONDS} s.", took())
    except ssl.SSLCertVerificationError as error:
        message = f"TLS certificate not trusted: {error.verify_message}."
        return Outcome(None, message[:MAX_ERROR], took())
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:MAX_ERROR], took())
    finally:
        connection.close()
    if 300 <= status < 400:
        where = location or "(no Location header)"
        message = f"Redirect to {where}: redirects are not followed."
        return Outcome(status, message[:MAX_ERROR], took())
    return Outcome(status, "", took())
