"""Where a webhook may be sent: https:// addresses on the public internet, nothing else.

Checked when an endpoint is saved and again before every try, because a host's addresses can
change in between (DNS rebinding). Every address the host resolves to must be public: one
private address refuses the URL. The try then connects to an address checked here, never to a
name resolved a second time (webhooks.sending pins it).

WEBHOOK_ALLOWED_NETWORKS (a Django setting, empty by default, never from the environment) lets
the tests and the benchmark reach a receiver on 127.0.0.1; production leaves it empty.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

MAX_URL_LENGTH = 500
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
# IANA's special-purpose blocks that are not globally reachable, said here as well as by
# ipaddress's is_global, whose list differs between Python releases.
SPECIAL = [
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "fc00::/7",
        "fec0::/10",
    )
]
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # a public IPv4 address inside IPv6, translated
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


class UnsafeURL(ValueError):
    """Why a URL may not receive webhooks, in words for the person who typed it."""


@dataclass(frozen=True)
class Target:
    host: str  # as in the URL: the Host header and the TLS server name
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]  # what the host resolved to, every one of them checked


def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses, as the operating system resolves them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


# Tests replace this to play DNS (webhooks.ssrf.resolve = fake); the code looks it up per call.
resolve: Resolver = system_resolver


def parse(url: str) -> tuple[str, int, str]:
    """Host, port and path of an https:// URL without credentials; UnsafeURL otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(
            _("Use an address of at most %(count)s characters.") % {"count": MAX_URL_LENGTH}
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise UnsafeURL(_("The address contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(_("This is not a valid address (%(error)s).") % {"error": error}) from error
    if parts.scheme.lower() != "https":
        raise UnsafeURL(_("Use an https:// address: webhooks are only sent over HTTPS."))
    if "@" in parts.netloc or parts.username or parts.password:
        raise UnsafeURL(
            _(
                "Leave the user name and password out of the address: the receiver checks the "
                "signature instead."
            )
        )
    if not parts.hostname:
        raise UnsafeURL(_("The address has no host name."))
    if parts.fragment:
        raise UnsafeURL(_("Leave out the #fragment: it is never sent to the receiver."))
    host = parts.hostname
    try:
        host.encode("idna")
    except UnicodeError as error:
        raise UnsafeURL(_("The host name is not a valid domain name.")) from error
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return host, port or 443, path


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n) for n in getattr(settings, "WEBHOOK_ALLOWED_NETWORKS", [])]


def refusal(address: IPAddress | str) -> str | None:
    """Why an address may not receive webhooks ("a loopback address"), or None if it may."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if ip.version == 6 and ip.scope_id:
        ip = ipaddress.IPv6Address(str(ip).split("%")[0])
    if any(ip.version == net.version and ip in net for net in _allowed_networks()):
        return None
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # the connection goes to the IPv4 address
            reason = refusal(ip.ipv4_mapped)
            return _("%(reason)s (inside an IPv6 address)") % {"reason": reason} if reason else None
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = refusal(inner)
            if reason:
                return _("%(reason)s (inside an IPv6 address)") % {"reason": reason}
        if ip in LOCAL_NAT64:
            return _("a local NAT64 address")
        if ip.is_site_local:
            return _("a site-local address")
    if ip.is_unspecified:
        return _("an unspecified address")
    if ip.is_loopback:
        return _("a loopback address")
    if ip.is_link_local:
        return _("a link-local address")
    if ip.is_multicast:
        return _("a multicast address")
    if ip.version == 4 and ip in SHARED_ADDRESS_SPACE:
        return _("a carrier-grade NAT address")
    if ip.is_private:
        return _("a private address")
    if ip.is_reserved or any(ip.version == net.version and ip in net for net in SPECIAL):
        return _("a reserved address")
    if not ip.is_global:
        return _("not a public internet address")
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a 6to4 or NAT64 address carries, which is where it ends up."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def check(url: str) -> Target:
    """The URL's target once every address of its host is allowed; UnsafeURL otherwise."""
    host, port, path = parse(url)
    try:
        addresses = list(resolve(host, port))
    except (OSError, UnicodeError) as error:
        raise UnsafeURL(
            _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from error
    if not addresses:
        raise UnsafeURL(_("The host name %(host)s has no address.") % {"host": host})
    for address in addresses:
        try:
            reason = refusal(address)
        except ValueError as error:
            raise UnsafeURL(
                _("%(host)s resolved to %(address)s, which is not an address.")
                % {"host": host, "address": address}
            ) from error
        if reason:
            if host == address:
                message = _(
                    "%(host)s is %(reason)s: webhooks are only sent to public internet addresses."
                ) % {"host": host, "reason": reason}
            else:
                message = _(
                    "%(host)s resolves to %(address)s, %(reason)s: webhooks are only sent to "
                    "public internet addresses."
                ) % {"host": host, "address": address, "reason": reason}
            raise UnsafeURL(message)
    return Target(host=host, port=port, path=path, addresses=tuple(addresses))
