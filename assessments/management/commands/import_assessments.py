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
            # newline="": the csv reader sees every line ending as it is (CRLF, LF or CR), and a
            # carriage return inside a quoted note stays one. Read as it goes, in one pass.
            handle = file.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            with handle:
                result = imports.assessments_import(rows=csv_format.read_csv(handle))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except imports.ImportBusy as busy:
            raise CommandError(str(busy)) from busy
        except imports.ImportRejected as rejected:
            problems = rejected.problems
        else:
            self.stdout.write(self.style.SUCCESS(imports.summary(result)))
            return
        for problem in problems:
            self.stderr.write(f"{file}: {problem}")
        raise CommandError(f"Nothing was imported: {len(problems)} problem(s) in {file}.")
