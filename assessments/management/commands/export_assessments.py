"""Write submitted assessments to stdout in the CSV contract or as JSON documents, or every
response's own answers as CSV (--responses)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from assessments import selectors, team_answers
from assessments.exports import csv_format, json_format
from assessments.models import Assessment
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Export submitted assessments (all, or one organization's) as CSV or JSON; with "
        "--responses, each response's own answers as CSV, with a respondent column."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", help="only this organization")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--responses",
            action="store_true",
            help="every counted response's answers (CSV only), as /organizations/<slug>/"
            "responses.csv has them, instead of the agreed scores",
        )

    def handle(
        self, *args, organization: str | None, format: str, responses: bool = False, **options
    ):
        if responses and format != "csv":
            raise CommandError(
                "--responses writes CSV only: leave out --format json (the JSON documents "
                "list each assessment's respondents already)."
            )
        assessments = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
        if organization:
            if not Organization.objects.filter(slug=organization).exists():
                raise CommandError(f"No organization with slug {organization!r}.")
            assessments = assessments.filter(team__organization__slug=organization)
        if responses:
            for line in csv_format.responses_csv_lines(selectors.response_export_rows(assessments)):
                self.stdout.write(line, ending="")
            return
        if format == "csv":
            for line in csv_format.csv_lines(selectors.export_rows(assessments)):
                self.stdout.write(line, ending="")
            return
        documents = [
            json_format.assessment_document(
                selectors.assessment_sheet(assessment), team_answers.team_answers(assessment)
            )
            for assessment in assessments.select_related("team__organization", "model").order_by(
                "team__organization__name", "team__name", "year", "quarter"
            )
        ]
        self.stdout.write(json.dumps(documents, indent=2, ensure_ascii=False))
