"""Generate a large, plausible dataset for benchmarks: organizations x teams x quarters."""

from __future__ import annotations

import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.periods import Quarter
from catalogue.models import Question
from catalogue.selectors import latest_published_model
from organizations.models import Organization, Team

BATCH = 5000


class Command(BaseCommand):
    help = "Create N organizations x T teams x Q quarters of submitted assessments (bench data)."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=50)
        parser.add_argument("--teams", type=int, default=10)
        parser.add_argument("--quarters", type=int, default=4)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--prefix", default="bench")

    def handle(self, *args, organizations, teams, quarters, seed, prefix, **options):
        started = time.perf_counter()
        call_command("install_model", verbosity=0, stdout=self.stdout)
        model = latest_published_model()
        questions = list(
            Question.objects.filter(dimension__model=model).select_related("dimension")
        )
        rng = random.Random(seed)
        periods = [Quarter.containing(timezone.localdate())]
        for _ in range(quarters - 1):
            periods.append(periods[-1].previous())
        now = timezone.now()
        created = 0
        for org_index in range(organizations):
            with transaction.atomic():
                org = Organization.objects.create(
                    name=f"{prefix.title()} Org {org_index:05}", slug=f"{prefix}-org-{org_index:05}"
                )
                org_teams = Team.objects.bulk_create(
                    Team(organization=org, name=f"Team {t:03}", slug=f"team-{t:03}")
                    for t in range(teams)
                )
                assessments = Assessment.objects.bulk_create(
                    Assessment(
                        team=team,
                        year=period.year,
                        quarter=period.quarter,
                        model=model,
                        status=Assessment.Status.SUBMITTED,
                        submitted_at=now,
                    )
                    for team in org_teams
                    for period in periods
                )
                answers = [
                    Answer(
                        assessment=assessment,
                        question=question,
                        score=rng.randint(1, 5),
                        question_text=question.text,
                    )
                    for assessment in assessments
                    for question in questions
                ]
                Answer.objects.bulk_create(answers, batch_size=BATCH)
                # Like an import: every submitted assessment keeps the response it came from.
                respondents = Respondent.objects.bulk_create(
                    Respondent(
                        assessment=assessment,
                        kind=Respondent.Kind.IMPORTED,
                        status=Respondent.Status.SUBMITTED,
                        submitted_at=now,
                    )
                    for assessment in assessments
                )
                by_assessment = {r.assessment_id: r for r in respondents}
                RespondentAnswer.objects.bulk_create(
                    (
                        RespondentAnswer(
                            respondent=by_assessment[answer.assessment_id],
                            question=answer.question,
                            score=answer.score,
                        )
                        for answer in answers
                    ),
                    batch_size=BATCH,
                )
                created += len(assessments)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Created {created} assessments ({created * len(questions)} answers) "
            f"in {seconds:.1f} s."
        )
