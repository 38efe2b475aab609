from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks import ssrf
from webhooks.models import Event


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Endpoint URL"),
        max_length=ssrf.MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        help_text=_("An https:// address on the public internet, without a user name or password."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=Event.choices,
        initial=Event.values,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=100,
        required=False,
        help_text=_("What receives these, e.g. “CRM sync”."),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        try:
            ssrf.check(url)
        except ssrf.UnsafeURL as refused:
            raise forms.ValidationError(str(refused), code="unsafe") from refused
        return url


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("true", _("On")), ("false", _("Off"))], coerce=lambda value: value == "true"
    )
