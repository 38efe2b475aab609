"""Tags for the dashboard's cards: one call per row instead of a loop and a tag per badge."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from assessments.templatetags.maturity import band_badge
from catalogue.scoring import BandRule

register = template.Library()


@register.simple_tag
def band_items(bands: list[tuple[str, BandRule | None]]) -> SafeString:
    """Each dimension's code and band badge as list items (AssessmentSummary.bands)."""
    return mark_safe("\n".join(_band_item(code, band) for code, band in bands))


@lru_cache(maxsize=512)  # a handful of codes times a handful of bands: the same few items
def _band_item(code: str, band: BandRule | None) -> SafeString:
    return format_html(
        '<li class="list-inline-item"><span class="fw-semibold">{}</span> {}</li>',
        code,
        band_badge(band),
    )
