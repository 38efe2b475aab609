"""Forms for starting an assessment and for each wizard step. Validation only; no saving."""

from __future__ import annotations

from typing import IO

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments import uploads
from assessments.edits import UNKNOWN
from assessments.models import Assessment
from assessments.periods import Quarter
from catalogue.models import Dimension, Question, ScaleLevel
from organizations.models import Team


class StartForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    period = forms.TypedChoiceField(label=_("Quarter"), coerce=Quarter.parse)

    def __init__(
        self,
        *args,
        teams,
        quarters: list[Quarter],
        current: Quarter,
        offers: dict[int, tuple[str, Quarter]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if offers:
            # Only offered when a team has an earlier submission of the version it would use.
            self.fields["carry_forward"] = _carry_field(offers)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda team: (
            f"{team.organization.name} / {team.name}"
        )
        self.fields["period"].choices = [(q.key, q.label) for q in quarters]
        self.fields["period"].initial = current.key
        self.fields["period"].help_text = _("Defaults to the current calendar quarter.")
        self.helper = FormHelper()
        self.helper.form_tag = False


def _carry_field(offers: dict[int, tuple[str, Quarter]]) -> forms.BooleanField:
    if len(offers) == 1:
        [(name, quarter)] = offers.values()
        label = gettext("Start from %(name)s's %(quarter)s answers") % {
            "name": name,
            "quarter": quarter.label,
        }
        others = " " + gettext("Other teams start empty.")
    else:
        label = gettext("Start from the team's last submitted answers")
        others = " (" + "; ".join(f"{n}: {q.label}" for n, q in offers.values()) + ")."
    return forms.BooleanField(
        label=label,
        required=False,
        initial=True,
        help_text=gettext("Every answer is prefilled and marked until you check it, step by step.")
        + others,
    )


class ShownValues:
    """Hidden `shown-<field>` inputs carry what the page showed for each tracked field, so a
    save writes only what the person changed and can tell when someone else changed it since."""

    tracked: tuple[str, ...] = ()

    def add_shown_fields(self) -> None:
        for name in self.tracked:
            self.fields[shown_name(name)] = forms.CharField(
                required=False,
                widget=forms.HiddenInput,
                initial=self._initial_text(name),
                strip=False,
            )

    def _initial_text(self, name: str) -> str:
        return _as_text(self.get_initial_for_field(self.fields[name], name))

    def shown(self, name: str) -> object:
        """What the page showed for `name` as a Python value, or UNKNOWN if it did not say."""
        raw = self.data.get(shown_name(name))
        if raw is None:
            return UNKNOWN
        return self.fields[name].clean(_as_text(raw).replace("\r\n", "\n").strip() or "")

    def edited(self) -> dict[str, tuple[object, object]]:
        """(shown, new) for each tracked field the person changed.

        Changed means: different from what the page showed, or, where the client did not send
        what its page showed, different from what is saved now.
        """
        changed = {}
        for name in self.tracked:
            if name not in self.data:
                continue  # not sent (an unpicked radio, or a client that left it out)
            new = self.cleaned_data.get(name)
            if isinstance(new, str):
                new = new.strip()
            try:
                shown = self.shown(name)
            except forms.ValidationError:
                shown = self.data.get(shown_name(name))  # not ours: it will not match
            if shown is UNKNOWN:
                if name in self.changed_data:
                    changed[name] = (UNKNOWN, new)
            elif shown != new:
                changed[name] = (shown, new)
        return changed


def shown_name(name: str) -> str:
    return f"shown-{name}"


def _as_text(value) -> str:
    return "" if value is None else str(value)


class ContextForm(ShownValues, forms.ModelForm):
    onboarding_weeks = forms.IntegerField(
        label=_("Typical onboarding length (weeks)"),
        min_value=1,
        max_value=104,
        required=False,
        help_text=_("From kick-off to the customer's first value, in a typical project."),
    )

    class Meta:
        model = Assessment
        fields = ["company_stage", "customer_segment", "touch_model", "onboarding_weeks"]
        widgets = {"touch_model": forms.RadioSelect}
        labels = {"touch_model": _("Touch model")}

    tracked = tuple(Meta.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A radio cannot be unticked, so "not specified" is a choice of its own.
        self.fields["touch_model"].choices = [
            ("", gettext("Not specified")),
            *Assessment.TouchModel.choices,
        ]
        self.add_shown_fields()
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


class DimensionForm(ShownValues, forms.Form):
    """Five 1-5 choices with the scale legend, each with its guidance and an optional note.

    Scores are optional here: a draft may be saved half done. Submission demands them all.
    Each field carries the value the person saw (ShownValues), so a save writes only what they
    changed, and a value someone else saved meanwhile is never silently overwritten.
    """

    def __init__(
        self,
        *args,
        dimension: Dimension,
        questions: list[Question],
        scale: list[ScaleLevel],
        carried: dict[str, str] | None = None,
        moved: dict | None = None,
        require_confirm: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        # Question code -> the quarter its unconfirmed answer was carried from.
        self.carried = carried or {}
        self.carried_label = ", ".join(sorted(set(self.carried.values())))
        # Question code -> carry_forward.Moved: changed by 2+ since carried, no note yet.
        self.moved = moved or {}
        # A background save (autosave) may keep carried answers unchecked; the buttons may not.
        self.require_confirm = require_confirm
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
                error_messages={"invalid_choice": _("Choose a score from 1 to 5.")},
            )
            self.fields[note_name] = NoteField(
                label=gettext("Note on %(code)s (optional)") % {"code": question.code},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            layout.append(
                Div(
                    HTML(_carried_html(question, self.carried, self.moved)),
                    score_name,
                    HTML(_guidance_html(question)),
                    note_name,
                    css_class="question card card-body mb-4",
                    css_id=f"question-{question.code}",
                )
            )
        self.tracked = tuple(
            name for q in questions for name in (score_field_name(q), note_field_name(q))
        )
        self.add_shown_fields()
        if self.carried:
            # Rendered by includes/carried_confirm.html, below the questions.
            self.fields[CONFIRM_FIELD] = forms.BooleanField(
                label=_("I have checked these answers"),
                required=False,
            )
        self.fields[PROMPTED_FIELD] = forms.CharField(
            required=False,
            widget=forms.HiddenInput,
            initial=" ".join(sorted(self.moved)),
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(Fieldset("", *layout))

    def clean(self):
        cleaned = super().clean()
        if self.carried and self.require_confirm and not cleaned.get(CONFIRM_FIELD):
            # A carried answer the person changed is checked by changing it; any other
            # one needs the step's confirmation.
            changed = set(self.edited())
            unchecked = [
                code
                for code in self.carried
                if code not in changed and f"{code}-note" not in changed
            ]
            if unchecked:
                self.add_error(
                    CONFIRM_FIELD,
                    gettext(
                        "Tick “I have checked these answers” to confirm the answers "
                        "carried from %(quarters)s (%(codes)s), or change them."
                    )
                    % {"quarters": self.carried_label, "codes": ", ".join(unchecked)},
                )
        return cleaned

    @property
    def confirm_carried_field(self):
        return self[CONFIRM_FIELD] if CONFIRM_FIELD in self.fields else None

    def confirmed(self) -> list[Question]:
        """The questions whose carried answers the person confirmed on this step."""
        if not self.carried or not self.cleaned_data.get(CONFIRM_FIELD):
            return []
        return [q for q in self.questions if q.code in self.carried]

    def prompted(self) -> set[str]:
        """The question codes the page already asked "what changed?" about."""
        return set(self.cleaned_data.get(PROMPTED_FIELD, "").split())

    def answers(self) -> tuple[dict[Question, tuple], dict[Question, tuple]]:
        """What the person changed, and what their page showed for it.

        Per question: (score, note), None where left as it was; and the (score, note) shown.
        """
        edited = self.edited()
        answers, shown = {}, {}
        for q in self.questions:
            score_name, note_name = score_field_name(q), note_field_name(q)
            if score_name not in edited and note_name not in edited:
                continue
            score_shown, score = edited.get(score_name, (UNKNOWN, None))
            note_shown, note = edited.get(note_name, (UNKNOWN, None))
            if score_name in edited and score is None:
                score_shown = UNKNOWN  # a radio cannot be unpicked: nothing to write
            answers[q] = (score, note)
            shown[q] = (score_shown, note_shown)
        return answers, shown


CONFIRM_FIELD = "confirm-carried"
PROMPTED_FIELD = "moved-prompted"


def _carried_html(question: Question, carried: dict[str, str], moved: dict) -> str:
    """The "from 2026 Q3" badge and the "what changed?" prompt of one question, if any."""
    label = carried.get(question.code)
    change = moved.get(question.code)
    if not label and not change:
        return ""
    html = render_to_string(
        "includes/carried_question.html",
        {"code": question.code, "carried": label, "moved": change},
    )
    return _braces_escaped(html)


def _braces_escaped(html: str) -> str:
    # crispy renders HTML() as a template: braces and percent signs must stay text.
    return html.replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")


def _guidance_html(question: Question) -> str:
    """Escaped guidance markup; braces escaped too, since crispy renders HTML() as a template."""
    if not question.guidance:
        return ""
    html = format_html(
        '<details class="guidance mb-3"><summary>{}</summary><p class="mt-2 mb-0">{}</p></details>',
        gettext("Guidance for %(code)s") % {"code": question.code},
        question.guidance,
    )
    return html.replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One row per answer, with the header "
            "organization,team,year,quarter,model_version,question,score,note."
        ),
    )
    create_teams = forms.BooleanField(
        label=_("Create teams that do not exist yet"),
        required=False,
        help_text=_(
            "Leave this off to catch a misspelt team name: rows for an unknown team are "
            "then listed as problems instead of starting a new team."
        ),
    )

    @property
    def max_size(self) -> str:
        return uploads.size_label(uploads.max_bytes())

    def clean_file(self) -> IO[str]:
        """The file as text read as it goes (the cleaned value is a text stream, not the
        upload); at most settings.IMPORT_MAX_BYTES, and UTF-8."""
        return uploads.import_text(self.cleaned_data["file"])
