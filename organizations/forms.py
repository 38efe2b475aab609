"""Sign-in forms: ours and admin's say why a locked-out sign-in fails; the two-factor code."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from organizations.signin import lockout_message

# In English here (marked for translation), in the person's language where shown.
SSO_ONLY_MESSAGE = gettext_noop(
    "Your organization signs in by single sign-on only: use “Sign in with single sign-on”."
)


class LockoutMessageMixin:
    """When the throttle turned the sign-in away, say so instead of "wrong password"."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        if getattr(self.request, "sign_in_sso_only", False):
            return ValidationError(gettext(SSO_ONLY_MESSAGE), code="sso_only")
        return super().get_invalid_login_error()


class SignInForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminSignInForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise ValidationError(_("Enter the 6 digits your app shows."), code="digits")
        return token
