"""Forms for starting an assessment and for each wizard step. Validation only; no saving."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.utils.html import format_html

from assessments.models import Assessment
from assessments.periods import Quarter
from catalogue.models import Dimension, Question, ScaleLevel
from organizations.models import Team


class StartForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    period = forms.TypedChoiceField(label="Quarter", coerce=Quarter.parse)

    def __init__(self, *args, teams, quarters: list[Quarter], current: Quarter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: (
            f"{team.organization.name} / {team.name}"
        )
        self.fields["period"].choices = [(q.key, q.label) for q in quarters]
        self.fields["period"].initial = current.key
        self.fields["period"].help_text = "Defaults to the current calendar quarter."
        self.helper = FormHelper()
        self.helper.form_tag = False


class ContextForm(forms.ModelForm):
    onboarding_weeks = forms.IntegerField(
        label="Typical onboarding length (weeks)",
        min_value=1,
        max_value=104,
        required=False,
        help_text="From kick-off to the customer's first value, in a typical project.",
    )

    class Meta:
        model = Assessment
        fields = ["company_stage", "customer_segment", "touch_model", "onboarding_weeks"]
        widgets = {"touch_model": forms.RadioSelect}
        labels = {"touch_model": "Touch model"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio cannot be unticked, so "not specified" is a choice of its own.
        self.fields["touch_model"].choices = [("", "Not specified"), *Assessment.TouchModel.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False


class NoteField(forms.CharField):
    """Counts a line break as one character, as the browser does (forms arrive with CRLF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


def score_field_name(question: Question) -> str:
    return question.code


def note_field_name(question: Question) -> str:
    return f"{question.code}-note"


class DimensionForm(forms.Form):
    """Five 1-5 choices with the scale legend, each with its guidance and an optional note.

    Scores are optional here: a draft may be saved half done. Submission demands them all.
    Each field carries the value the person saw (show_hidden_initial), so a save writes only
    what they changed: two people on the same step never overwrite each other's answers.
    """

    def __init__(
        self,
        *args,
        dimension: Dimension,
        questions: list[Question],
        scale: list[ScaleLevel],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        choices = [(str(level.value), f"{level.value} – {level.label}") for level in scale]
        layout = []
        for question in questions:
            score_name, note_name = score_field_name(question), note_field_name(question)
            self.fields[score_name] = forms.TypedChoiceField(
                label=f"{question.code}. {question.text}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                show_hidden_initial=True,
                error_messages={"invalid_choice": "Choose a score from 1 to 5."},
            )
            self.fields[note_name] = NoteField(
                label=f"Note on {question.code} (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                show_hidden_initial=True,
            )
            layout.append(
                Div(
                    score_name,
                    HTML(_guidance_html(question)),
                    note_name,
                    css_class="question card card-body mb-4",
                    css_id=f"question-{question.code}",
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset("", *layout))

    def answers(self) -> dict[Question, tuple[int | None, str | None]]:
        """What the person changed: (score, note) per question, None where left as it was."""
        data, changed = self.cleaned_data, set(self.changed_data)
        answers = {}
        for q in self.questions:
            score_name, note_name = score_field_name(q), note_field_name(q)
            if score_name not in changed and note_name not in changed:
                continue
            answers[q] = (
                data.get(score_name) if score_name in changed else None,
                data.get(note_name, "").strip() if note_name in changed else None,
            )
        return answers


def _guidance_html(question: Question) -> str:
    """Escaped guidance markup; braces escaped too, since crispy renders HTML() as a template."""
    if not question.guidance:
        return ""
    html = format_html(
        '<details class="guidance mb-3"><summary>Guidance for {}</summary>'
        '<p class="mt-2 mb-0">{}</p></details>',
        question.code,
        question.guidance,
    )
    return html.replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="One row per answer, with the header "
        "organization,team,year,quarter,model_version,question,score,note.",
    )
    create_teams = forms.BooleanField(
        label="Create teams that do not exist yet",
        required=False,
        help_text="Leave this off to catch a misspelt team name: rows for an unknown team are "
        "then listed as problems instead of starting a new team.",
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self) -> str:
        """The file's text (the form's cleaned value is the text, not the upload)."""
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The file is not UTF-8 text: save it as CSV (UTF-8) and try again."
            ) from error
