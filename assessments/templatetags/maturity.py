"""Small template helpers used inside loops, where an {% include %} per item would be slow."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from assessments.team_forms import agreed_name, reason_name

register = template.Library()


@register.simple_tag
def band_badge(band) -> str:
    """A band shown by colour and by its label, never by colour alone."""
    if band is None:
        return format_html('<span class="text-muted">{}</span>', "Not complete")
    return format_html('<span class="badge band band-{}">{}</span>', band.tone, band.label)


@register.filter
def agreed_field(form, question):
    """The agreed-score field of an AgreeForm for a question, bound for rendering."""
    return form[agreed_name(question)]


@register.filter
def reason_field(form, question):
    return form[reason_name(question)]


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def notes_on(team, code):
    """Everyone's notes on a question of a TeamAnswers: (who, note) pairs."""
    return team.notes(code)
