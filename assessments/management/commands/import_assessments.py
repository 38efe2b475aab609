"""Create submitted assessments from a CSV file: the whole file, or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments import imports
from assessments.exports import csv_format


class Command(BaseCommand):
    help = (
        "Import submitted assessments from a CSV file with the header "
        "organization,team,year,quarter,model_version,question,score,note. "
        "Missing organizations and teams are created. Any problem rejects the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            # newline="": a carriage return inside a quoted note stays one (no newline translation)
            with file.open(encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        rows, problems = csv_format.read_csv(text)
        if not problems:
            try:
                result = imports.assessments_import(rows=rows)
            except imports.ImportRejected as rejected:
                problems = rejected.problems
            else:
                self.stdout.write(self.style.SUCCESS(imports.summary(result)))
                return
        for problem in problems:
            self.stderr.write(f"{file}: {problem}")
        raise CommandError(f"Nothing was imported: {len(problems)} problem(s) in {file}.")
