"""E-mail the reminders that are due: run it daily (cron or a systemd timer, see the README)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.reminders import reminders_send


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today wants a date like 2026-07-22, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "E-mail the leads of teams that have not submitted this quarter (once it is "
        "REMINDER_AFTER_DAYS days old) and the owners of open actions due within 7 days. "
        "Each reminder is sent once, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list what would be sent; send and record nothing",
        )
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="act as if today were this day (tests, backfills); default: today",
        )

    def handle(self, *args, dry_run: bool, today: str | None, **options):
        day = _day(today) if today else timezone.localdate()
        outcome = reminders_send(today=day, dry_run=dry_run)
        if dry_run:
            for reminder in outcome.planned:
                self.stdout.write(
                    f"Would send {reminder.kind} reminder to {reminder.recipient}: {reminder.about}"
                )
            count = len(outcome.planned)
            self.stdout.write(
                f"Dry run: would send {count} reminder{'' if count == 1 else 's'}; "
                f"{outcome.already} already sent"
            )
            return
        self.stdout.write(outcome.summary)
        if outcome.failed:
            # A non-zero exit, so cron mails it and systemd marks the run failed.
            raise CommandError(
                "The mail server refused "
                + ", ".join(f"{r.kind} reminder to {r.recipient}" for r in outcome.failed)
                + ". Nothing was recorded for these: the next run tries them again."
            )
