"""Delete the files of client packs past their expiry: run it daily (cron or a systemd timer).

The pack's row stays, with its file cleared, so its status page says it expired and offers to
render it again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.workspace_models import ClientPack


class Command(BaseCommand):
    help = "Delete the stored PDFs of client packs whose expiry has passed, and mark them expired."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted; delete nothing"
        )

    def handle(self, *args, dry_run: bool, **options):
        expired = ClientPack.objects.filter(expires_at__lte=timezone.now()).exclude(file="")
        count = 0
        for pack in expired.iterator():
            count += 1
            if dry_run:
                self.stdout.write(f"would delete {pack.file.name} ({pack})")
                continue
            # Through the storage API, so it works the same on S3 as on disk; a file already
            # gone is fine.
            pack.file.delete(save=False)
            ClientPack.objects.filter(pk=pack.pk).update(file="")
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} expired client pack file{'' if count == 1 else 's'}.")
