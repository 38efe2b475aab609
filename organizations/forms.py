"""Sign-in forms: ours and admin's say why a locked-out sign-in fails; the two-factor code."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from organizations.signin import lockout_message


class LockoutMessageMixin:
    """When the throttle turned the sign-in away, say so instead of "wrong password"."""

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(), code="locked_out")
        return super().get_invalid_login_error()


class SignInForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminSignInForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
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
            raise ValidationError("Enter the 6 digits your app shows.", code="digits")
        return token
