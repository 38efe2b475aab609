from __future__ import annotations

from rest_framework import permissions

from api.models import PersonalAccessToken
from organizations.selectors import sees_all_organizations


class TokenScopeAllows(permissions.BasePermission):
    """A read-only token may only read; a session (the browser) is not limited by scope."""

    message = "This token is read-only: create a read-and-write token to change data."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, PersonalAccessToken) and not token.can_write:
            return request.method in permissions.SAFE_METHODS
        return True


class PlatformAdminWrites(permissions.BasePermission):
    """Anyone signed in reads (their scope); only platform admins create organizations and
    teams."""

    message = "Only platform admins create organizations and teams."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return sees_all_organizations(request.user)
