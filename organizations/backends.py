"""The password check behind every sign-in form (ours and admin's)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from organizations.signin import user_for_username
from organizations.sso import local_password_refused
from organizations.throttle import guess_succeeded


class UsernameBackend(ModelBackend):
    """ModelBackend finding the account by its normalised username (see signin.py), so each
    variant that signs in to an account is throttled under that account's one key.

    django-axes' AxesStandaloneBackend runs before this one and counts the guess; a right
    password here takes it back, with the earlier failures of that username from that address.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_username(username)
        if user is None:
            # As long as checking a real password, so timing does not tell who has an account.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if local_password_refused(user):
                # Their organization signs in by SSO only. Said only after a right password
                # (as for a switched-off account), so the page tells no stranger who is whose;
                # the guess stays counted like any refused one.
                if request is not None:
                    request.sign_in_sso_only = True
                return None
            guess_succeeded(request, user)
            return user
        return None
