"""Forget every cached report page and PDF (they are rendered again on their next view)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from assessments import report_cache


class Command(BaseCommand):
    help = "Empty the report cache (CACHES['reports']): rendered report pages and PDFs."

    def handle(self, *args, **options) -> None:
        report_cache.clear()
        self.stdout.write("Report cache cleared.")
