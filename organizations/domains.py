"""E-mail domains an organization lets sign up by single sign-on (Organization.sso_domains).

Pure helpers, no database: written as an admin types them (commas, spaces or one a line,
any case, an "@" in front, Unicode or punycode), compared in one form: lower-case ASCII (IDNA).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s,;]+")
# Letters, digits and hyphens, 1-63 a label, no hyphen at either end; at least two labels, the
# last one not all digits ("10.0.0.1" is an address, not a domain).
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+(?!\d+$){_LABEL}$")


def domain_normalise(value: str) -> str:
    """ "@Bücher.Example." -> "xn--bcher-kva.example"; lower-case as typed if IDNA refuses."""
    domain = value.strip().lstrip("@").rstrip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def sso_domains_parse(text: str) -> list[str]:
    """Every domain in the text, normalised, each once, in the order written."""
    domains = (domain_normalise(part) for part in _SEPARATORS.split(text or ""))
    return list(dict.fromkeys(domain for domain in domains if domain))


def validate_sso_domains(text: str) -> None:
    """The field's validator: each entry a domain name (no address, no "*", no URL)."""
    wrong = [domain for domain in sso_domains_parse(text) if not _DOMAIN.match(domain)]
    if wrong:
        raise ValidationError(
            "Not a domain name: %(domains)s. Give e-mail domains such as example.com, "
            "separated by commas or one a line.",
            code="invalid_domain",
            params={"domains": ", ".join(wrong)},
        )


def email_domain(email: str) -> str:
    """The normalised domain of an e-mail address ("" when there is none)."""
    _local, at, domain = (email or "").strip().rpartition("@")
    return domain_normalise(domain) if at and domain else ""
