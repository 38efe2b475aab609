"""Load the shipped model version once; leave it alone afterwards so admin edits survive."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.models import MaturityModel
from catalogue.services import model_version_record_baseline

DEFAULT_FIXTURE = "model_v0.json"


class Command(BaseCommand):
    help = "Install a maturity model version from fixtures/ unless it is already installed."

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", default=DEFAULT_FIXTURE)

    def handle(self, *args, fixture: str, **options):
        candidates = (Path(directory) / fixture for directory in settings.FIXTURE_DIRS)
        path = next((candidate for candidate in candidates if candidate.exists()), None)
        if path is None:
            raise CommandError(f"No fixture named {fixture} in {settings.FIXTURE_DIRS}.")
        code, version = _model_key(path)
        if MaturityModel.objects.filter(code=code, version=version).exists():
            self.stdout.write(f"Model {code} {version} is already installed; left as it is.")
            return
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)
            model_version_record_baseline(
                model=MaturityModel.objects.get_by_natural_key(code, version)
            )
        self.stdout.write(self.style.SUCCESS(f"Installed model {code} {version} from {path.name}."))


def _model_key(path: Path) -> tuple[str, str]:
    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        if record["model"] == "catalogue.maturitymodel":
            return record["fields"]["code"], record["fields"]["version"]
    raise CommandError(f"{path.name} holds no maturity model version.")
