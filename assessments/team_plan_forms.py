"""Forms of the team page's plan: targets per dimension and a quarter's outcome figures.
Validation only; plan_services does the saving (and checks the same rules again)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan_models import TARGET_RANGE
from assessments.plan_services import METRIC_RULES, STAGE_REASON_MAX, TargetInput
from catalogue.models import Dimension


def target_name(code: str) -> str:
    return f"{code}-target"


def stage_name(code: str) -> str:
    return f"{code}-for_stage"


def reason_name(code: str) -> str:
    return f"{code}-reason"


@dataclass(frozen=True)
class TargetRow:
    """One dimension's line of the targets form, with what is saved for it."""

    dimension: Dimension
    target: forms.BoundField
    for_stage: forms.BoundField
    reason: forms.BoundField
    saved: DimensionTarget | None


class TargetsForm(forms.Form):
    """A target total (blank or 5-25) and a "right for our stage" mark with a reason, per
    dimension of the team's latest model version."""

    def __init__(
        self, *args, dimensions: list[Dimension], targets: dict[str, DimensionTarget], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        self.targets = targets
        low, high = TARGET_RANGE
        out_of_range = gettext("a target is a total from %(low)s to %(high)s") % {
            "low": low,
            "high": high,
        }
        for dim in dimensions:
            saved = targets.get(dim.code)
            self.fields[target_name(dim.code)] = forms.IntegerField(
                label=gettext("%(dimension)s: target total") % {"dimension": dim.name},
                required=False,
                min_value=low,
                max_value=high,
                initial=saved.target_total if saved else None,
                error_messages={
                    "invalid": gettext(
                        "%(code)s: enter a whole number from %(low)s to %(high)s, or leave it blank"
                    )
                    % {"code": dim.code, "low": low, "high": high},
                    "min_value": f"{dim.code}: {out_of_range}",
                    "max_value": f"{dim.code}: {out_of_range}",
                },
            )
            self.fields[stage_name(dim.code)] = forms.BooleanField(
                label=gettext("%(dimension)s: right for our stage") % {"dimension": dim.name},
                required=False,
                initial=saved.right_for_stage if saved else False,
            )
            self.fields[reason_name(dim.code)] = forms.CharField(
                label=gettext("%(dimension)s: why it is right for our stage")
                % {"dimension": dim.name},
                required=False,
                max_length=STAGE_REASON_MAX,
                initial=saved.stage_reason if saved else "",
                error_messages={
                    "max_length": gettext("%(code)s: keep the reason under %(max)s characters")
                    % {"code": dim.code, "max": STAGE_REASON_MAX}
                },
            )

    def clean(self) -> dict:
        data = super().clean()
        for dim in self.dimensions:
            if data.get(stage_name(dim.code)) and not data.get(reason_name(dim.code), "").strip():
                self.add_error(
                    reason_name(dim.code),
                    gettext("%(code)s: say why this level is right for your stage")
                    % {"code": dim.code},
                )
        return data

    def rows(self) -> list[TargetRow]:
        return [
            TargetRow(
                dimension=dim,
                target=self[target_name(dim.code)],
                for_stage=self[stage_name(dim.code)],
                reason=self[reason_name(dim.code)],
                saved=self.targets.get(dim.code),
            )
            for dim in self.dimensions
        ]

    def wanted(self) -> dict[str, TargetInput]:
        """What to save per code: every dimension that has a target row already or is being
        given something; a dimension left empty that never had one gets no row."""
        wanted = {}
        for dim in self.dimensions:
            entry = TargetInput(
                target=self.cleaned_data[target_name(dim.code)],
                for_stage=self.cleaned_data[stage_name(dim.code)],
                reason=self.cleaned_data[reason_name(dim.code)],
            )
            if dim.code in self.targets or entry != TargetInput(target=None):
                wanted[dim.code] = entry
        return wanted


class QuarterChoiceForm(forms.Form):
    """Which quarter's figures the metrics form shows (a GET form: nothing is saved)."""

    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=Quarter.parse)

    def __init__(self, *args, quarters: list[Quarter], **kwargs) -> None:
        kwargs.setdefault("auto_id", "pick_%s")  # the metrics form has a "quarter" too
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.key, q.label) for q in quarters]


def _metric_field(name: str) -> forms.Field:
    label, low, high = METRIC_RULES[name]
    shown = label.replace("%", "%%")  # Django formats field error messages with %
    out_of_range = gettext("%(figure)s must be from %(low)s to %(high)s") % {
        "figure": shown,
        "low": low,
        "high": high,
    }
    messages = {"min_value": out_of_range, "max_value": out_of_range}
    stored = OutcomeMetrics._meta.get_field(name)
    if isinstance(stored, models.DecimalField):
        places = stored.decimal_places
        return forms.DecimalField(
            label=label,
            required=False,
            min_value=low,
            max_value=high,
            decimal_places=places,
            error_messages={
                **messages,
                "invalid": gettext("%(figure)s: enter a number such as 4.25") % {"figure": shown},
                "max_decimal_places": gettext("%(figure)s: at most %(places)s decimals")
                % {"figure": shown, "places": places},
            },
        )
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={
            **messages,
            "invalid": gettext("%(figure)s: enter a whole number") % {"figure": shown},
        },
    )


class FiguresForm(forms.Form):
    """A quarter's outcome figures, every one optional; a blank clears what was recorded.
    The wizard's figures step asks these for the assessment's own quarter."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in METRIC_RULES:
            self.fields[name] = _metric_field(name)

    def figures(self) -> dict:
        return {name: self.cleaned_data[name] for name in METRIC_RULES}

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in METRIC_RULES]

    @staticmethod
    def initial_from(row: OutcomeMetrics | None) -> dict:
        if row is None:
            return {}
        return {field: getattr(row, field) for field in METRIC_RULES}


class MetricsForm(FiguresForm):
    """The team page's figures form: the quarter travels as a hidden field. It is picked (and
    its figures loaded) on the page before, so the figures shown are always that quarter's."""

    quarter = forms.TypedChoiceField(
        coerce=Quarter.parse,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Pick the quarter these figures are for"),
            "invalid_choice": _("Pick one of the team's quarters for these figures"),
        },
    )

    def __init__(self, *args, quarters: list[Quarter], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.key, q.label) for q in quarters]
