"""Load the shipped model version once; leave it alone afterwards so admin edits survive.

The version's recommendations library (`recommendations_<version>.json` beside
`model_<version>.json`) follows the same rule one recommendation at a time: those already there
are left as admins edited them, those an admin deleted stay deleted, and only the ones the
installed version has never had are added. So a release that ships new recommendations adds
them on the next run without touching anyone's wording.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.models import MaturityModel, Question, Recommendation
from catalogue.services import BASELINE_REASON, model_version_record_baseline

DEFAULT_FIXTURE = "model_v0.json"


class Command(BaseCommand):
    help = (
        "Install a maturity model version from fixtures/ unless it is already installed, "
        "and add any of its recommendations it has never had."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", default=DEFAULT_FIXTURE)

    def handle(self, *args, fixture: str, **options):
        path = _find_fixture(fixture)
        if path is None:
            raise CommandError(f"No fixture named {fixture} in {settings.FIXTURE_DIRS}.")
        code, version = _model_key(path)
        library = _find_fixture(_library_name(path.name))
        with transaction.atomic():
            model = MaturityModel.objects.filter(code=code, version=version).first()
            newly_installed = model is None
            if newly_installed:
                call_command("loaddata", str(path), verbosity=0)
                model = MaturityModel.objects.get_by_natural_key(code, version)
                model_version_record_baseline(model=model)
                self.stdout.write(
                    self.style.SUCCESS(f"Installed model {code} {version} from {path.name}.")
                )
            else:
                self.stdout.write(f"Model {code} {version} is already installed; left as it is.")
            if library is not None:
                added = _install_recommendations(
                    library, model=model, respect_deletions=not newly_installed
                )
                if added:
                    self.stdout.write(
                        self.style.SUCCESS(f"Added {added} recommendations from {library.name}.")
                    )


def _find_fixture(name: str) -> Path | None:
    candidates = (Path(directory) / name for directory in settings.FIXTURE_DIRS)
    return next((candidate for candidate in candidates if candidate.exists()), None)


def _library_name(model_fixture: str) -> str:
    stem = model_fixture.removeprefix("model_")
    return f"recommendations_{stem}"


def _model_key(path: Path) -> tuple[str, str]:
    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        if record["model"] == "catalogue.maturitymodel":
            return record["fields"]["code"], record["fields"]["version"]
    raise CommandError(f"{path.name} holds no maturity model version.")


def _install_recommendations(path: Path, *, model: MaturityModel, respect_deletions: bool) -> int:
    """Add the library's recommendations this version lacks; return how many were added."""
    existing = set(model.recommendations.values_list("key", flat=True))
    # An admin's deletion is recorded in the history; a fresh install has no admin choices to
    # respect (and a reused primary key could otherwise match an older version's deletions).
    deleted = set()
    if respect_deletions:
        deleted = set(
            Recommendation.history.filter(model_id=model.pk, history_type="-").values_list(
                "key", flat=True
            )
        )
    parts = _VersionParts(model)
    added = []
    for record in serializers.deserialize("json", path.read_text(encoding="utf-8")):
        recommendation = record.object
        if not isinstance(recommendation, Recommendation):
            raise CommandError(f"{path.name} may only hold recommendations.")
        if not parts.hold(recommendation):
            raise CommandError(
                f"{path.name}: recommendation {recommendation.key!r} points outside "
                f"{model.code} {model.version} (its model, dimension, band or question)."
            )
        if recommendation.key in existing or recommendation.key in deleted:
            continue
        record.save()
        existing.add(recommendation.key)
        added.append(recommendation)
    if added:
        # loaddata-style saves record no history; start the audit trail as for the model itself.
        Recommendation.history.bulk_history_create(added, default_change_reason=BASELINE_REASON)
    return len(added)


class _VersionParts:
    """The dimensions, bands and questions of one version, to check a library entry against."""

    def __init__(self, model: MaturityModel) -> None:
        self.model_id = model.pk
        self.dimension_ids = set(model.dimensions.values_list("pk", flat=True))
        self.band_ids = set(model.bands.values_list("pk", flat=True))
        self.question_dimension = dict(
            Question.objects.filter(dimension__model=model).values_list("pk", "dimension_id")
        )

    def hold(self, recommendation: Recommendation) -> bool:
        question_id = recommendation.question_id
        return (
            recommendation.model_id == self.model_id
            and recommendation.dimension_id in self.dimension_ids
            and recommendation.band_id in self.band_ids
            and (
                question_id is None
                or self.question_dimension.get(question_id) == recommendation.dimension_id
            )
        )
