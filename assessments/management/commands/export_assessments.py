"""Write submitted assessments to stdout in the CSV contract or as JSON documents."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from assessments import selectors
from assessments.exports import csv_format, json_format
from assessments.models import Assessment
from organizations.models import Organization


class Command(BaseCommand):
    help = "Export submitted assessments (all, or one organization's) as CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", help="only this organization")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, organization: str | None, format: str, **options):
        assessments = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
        if organization:
            if not Organization.objects.filter(slug=organization).exists():
                raise CommandError(f"No organization with slug {organization!r}.")
            assessments = assessments.filter(team__organization__slug=organization)
        if format == "csv":
            for line in csv_format.csv_lines(selectors.export_rows(assessments)):
                self.stdout.write(line, ending="")
            return
        documents = [
            json_format.assessment_document(selectors.assessment_sheet(assessment))
            for assessment in assessments.select_related("team__organization", "model").order_by(
                "team__organization__name", "team__name", "year", "quarter"
            )
        ]
        self.stdout.write(json.dumps(documents, indent=2, ensure_ascii=False))
