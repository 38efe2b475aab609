"""Forms for several respondents: inviting, signing up from an invitation, agreeing scores."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.team_answers import TeamAnswers
from assessments.team_services import REASON_MAX_LENGTH
from catalogue.models import Question


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.get_username()
        return f"{name} ({user.email})" if user.email else name


class InviteForm(forms.Form):
    people = PersonChoiceField(
        label=_("People of this organization"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Someone new gets a sign-up link by e-mail that works once, for 14 days."),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous answers"),
        required=False,
        help_text=_("Show the team's scores without names, to you as well."),
    )

    def __init__(self, *args, people, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people
        self.fields["anonymous"].initial = anonymous

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("people") and not data.get("email"):
            raise forms.ValidationError(
                gettext("Pick someone from the list or give a new person's e-mail.")
            )
        if data.get("email") and not data.get("name", "").strip():
            self.add_error("name", gettext("Give the new person's name."))
        return data


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", gettext("The two passwords differ."))
        return data


def rebound(data, team: TeamAnswers, questions: list[Question]) -> AgreeForm:
    """The lead's posted choices again, against the responses that count now: after some
    came in or were removed, the page shows the new figures and can be saved again."""
    fresh = data.copy()
    fresh["responses_seen"] = " ".join(map(str, team.counted_ids))
    form = AgreeForm(fresh, team=team, questions=questions)
    form.is_valid()
    return form


def agreed_name(question: Question) -> str:
    return f"agreed-{question.code}"


def reason_name(question: Question) -> str:
    return f"reason-{question.code}"


class AgreeForm(forms.Form):
    """Per question, the agreed score (the default preselected) and why, when it differs."""

    responses_seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, team: TeamAnswers, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["responses_seen"].initial = " ".join(map(str, team.counted_ids))
        for question in questions:
            item = team.by_code[question.code]
            default = item.spread.default_agreed if item.spread else None
            self.fields[agreed_name(question)] = forms.TypedChoiceField(
                label=gettext("Agreed score for %(code)s") % {"code": question.code},
                choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(item.agreed) if item.agreed else "",
                error_messages={"invalid_choice": _("Choose a score from 1 to 5.")},
            )
            self.fields[reason_name(question)] = forms.CharField(
                label=gettext("Why not %(score)s?") % {"score": default}
                if default
                else gettext("Why this score?"),
                max_length=REASON_MAX_LENGTH,
                required=False,
                initial=item.reason,
            )

    def show_refusal(self, error: Exception) -> None:
        """Put a refusal on the page: each refused question's message on its reason field."""
        self.add_error(None, str(error))
        by_code = {q.code: q for q in self.questions}
        for code, message in getattr(error, "problems", ()):
            if code in by_code and reason_name(by_code[code]) not in self.errors:
                self.add_error(reason_name(by_code[code]), message)

    def agreed(self) -> dict[Question, tuple[int | None, str]]:
        return {
            q: (self.cleaned_data[agreed_name(q)], self.cleaned_data[reason_name(q)])
            for q in self.questions
        }

    def seen(self) -> list[int]:
        parts = self.cleaned_data["responses_seen"].split()
        return sorted(int(part) for part in parts if part.isascii() and part.isdigit())
