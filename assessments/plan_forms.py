"""Forms of the plan on a submitted report: next quarter's theme and the actions under it.
Validation only; assessments.plan_services saves.

Choices come from what the report has loaded already (the model structure, the organization's
people), so a page with many actions costs no query per form."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Action
from assessments.plan_services import STAGE_REASON_MAX, ActionInput
from catalogue.models import Dimension, Question


def person_label(user) -> str:
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class QuestionOption:
    question: Question
    text: str  # as it was asked in this assessment
    checked: bool


@dataclass(frozen=True)
class ThemeOption:
    """One dimension of the theme form: its radio, the suggestion if it is the one, and its
    questions' checkboxes."""

    dimension: Dimension
    total: int
    max_total: int
    checked: bool
    hint: str  # "suggested: largest gap below target", or ""
    questions: tuple[QuestionOption, ...]

    @property
    def any_question_checked(self) -> bool:
        return any(option.checked for option in self.questions)


class ThemeForm(forms.Form):
    dimension = forms.TypedChoiceField(
        label=_("Dimension to work on next quarter"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick the dimension to work on next quarter."),
            "invalid_choice": _("Pick one of the dimensions of this assessment's model version."),
        },
    )
    questions = forms.TypedMultipleChoiceField(
        label=_("Questions to work on (optional)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Pick questions of this assessment's model version."),
        },
    )
    reason = forms.CharField(
        label=_("Why this theme (optional)"),
        max_length=STAGE_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, sections, **kwargs):
        """`sections`: the report's rows per dimension (selectors.DimensionRow or the report's
        AnswerSection), each with its dimension and question items."""
        kwargs.setdefault("auto_id", "theme-%s")
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        self._dimensions = {s.dimension.pk: s.dimension for s in self.sections}
        self._questions = {i.question.pk: i.question for s in self.sections for i in s.items}
        self.fields["dimension"].choices = [(pk, d.name) for pk, d in self._dimensions.items()]
        self.fields["questions"].choices = [(pk, q.code) for pk, q in self._questions.items()]

    def clean_dimension(self) -> Dimension:
        return self._dimensions[self.cleaned_data["dimension"]]

    def clean_questions(self) -> list[Question]:
        return [self._questions[pk] for pk in self.cleaned_data["questions"]]

    def options(self, result, suggested_code: str | None, hint: str) -> list[ThemeOption]:
        """The dimensions as the page shows them, checked as the person left them (or as
        first offered), the suggested one labelled with the rule that chose it."""
        chosen = str(self["dimension"].value() or "")
        ticked = {str(value) for value in self["questions"].value() or ()}
        totals = {dim.code: dim for dim in result.dimensions}
        return [
            ThemeOption(
                dimension=section.dimension,
                total=totals[section.dimension.code].total,
                max_total=totals[section.dimension.code].max_total,
                checked=chosen == str(section.dimension.pk),
                hint=hint if section.dimension.code == suggested_code else "",
                questions=tuple(
                    QuestionOption(item.question, item.text, str(item.question.pk) in ticked)
                    for item in section.items
                ),
            )
            for section in self.sections
        ]


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    owner_name = forms.CharField(
        label=_("Or the owner's name"),
        max_length=150,
        required=False,
        help_text=_("For someone without an account."),
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Action.Status.choices, initial=Action.Status.PLANNED
    )

    def __init__(self, *args, people: list, **kwargs):
        """`people`: the people of the team's organization, loaded once for every form."""
        super().__init__(*args, **kwargs)
        self._people = {str(person.pk): person for person in people}
        self.fields["owner"].choices = [
            ("", gettext("Nobody picked (or a name below)")),
            *((pk, person_label(person)) for pk, person in self._people.items()),
        ]
        self.fields["owner"].error_messages["invalid_choice"] = gettext(
            "Pick the owner from the people of this organization, or type a name."
        )

    @classmethod
    def for_action(cls, action: Action, *, people: list, data=None) -> ActionForm:
        initial = {
            "title": action.title,
            "owner": str(action.owner_id or ""),
            "owner_name": action.owner_name,
            "due_date": action.due_date,
            "status": action.status,
        }
        return cls(data, people=people, initial=initial, auto_id=f"action-{action.pk}-%s")

    def clean_owner(self):
        value = self.cleaned_data["owner"]
        return self._people[value] if value else None

    def clean(self):
        data = super().clean()
        if data.get("owner") is not None and data.get("owner_name", "").strip():
            self.add_error("owner_name", gettext("Pick a person or type a name, not both."))
        return data

    def wanted(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            title=data["title"],
            owner=data["owner"],
            owner_name=data["owner_name"],
            due_date=data["due_date"],
            status=data["status"],
        )
