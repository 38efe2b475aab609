"""DRF authentication by personal access token: `Authorization: Bearer omm_…`."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from api.tokens import TokenRefused, token_check


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: session authentication may still apply
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'."
            )
        try:
            token = header[1].decode("ascii")
            row = token_check(token)
        except (UnicodeDecodeError, TokenRefused) as refused:
            raise exceptions.AuthenticationFailed(str(refused) or "Invalid token.") from None
        return row.user, row

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
