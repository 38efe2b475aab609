from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import PersonalAccessToken
from api.tokens import MAX_LIFETIME_DAYS

EXPIRY_CHOICES = [
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
    ("", _("Never")),
]


def _expiry_help() -> str:
    return ngettext(
        "At most %(days)d day, or never (then revoke it when done).",
        "At most %(days)d days, or never (then revoke it when done).",
        MAX_LIFETIME_DAYS,
    ) % {"days": MAX_LIFETIME_DAYS}


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, so you can tell your tokens apart."),
    )
    scope = forms.ChoiceField(
        # The model's values, with labels in the page's language.
        choices=[
            (PersonalAccessToken.Scope.READ, _("Read only")),
            (PersonalAccessToken.Scope.READ_WRITE, _("Read and write")),
        ],
        initial=PersonalAccessToken.Scope.READ,
        label=_("Scope"),
        widget=forms.RadioSelect,
        help_text=_("Read only suits reporting tools; read and write can submit and import."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
        help_text=lazy(_expiry_help, str)(),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name
