"""Several respondents arrived without changing a single existing report (issue 11).

The demo data is built, its reports are read, the database is migrated back to before
respondents existed and forward again: every total, band and answer must read the same, and
every submitted assessment must now hold the one response it was made from.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.selectors import assessment_sheet, export_rows, team_history
from catalogue.selectors import forget_model_structures
from organizations.models import Team

BEFORE_RESPONDENTS = [("assessments", "0008_history")]
BEFORE_THE_COPY = [("assessments", "0009_several_respondents")]
RESPONDENT_TABLES = {"assessments_respondent", "assessments_respondentanswer"}

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)
    forget_model_structures()  # the models' structures are read again, as by a new worker


def migrate_to_the_latest() -> None:
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """Whatever happens in the test, the database is left fully migrated for the next one."""
    yield
    migrate_to_the_latest()


@pytest.fixture
def demo():
    """The demo data, with one submission made by an import (nobody submitted it in the app).

    The import is the mid-market team's oldest quarter: its submitter is cleared, as
    import_assessments leaves it."""
    call_command("seed_demo", "--northwind-only", stdout=io.StringIO())
    imported = (
        Assessment.objects.filter(team__slug="mid-market", status=Assessment.Status.SUBMITTED)
        .order_by("year", "quarter")
        .first()
    )
    Assessment.objects.filter(pk=imported.pk).update(submitted_by=None)
    return imported


def reports() -> dict:
    """What the report pages, team histories and the CSV export show, for every assessment."""
    shown: dict = {}
    for assessment in Assessment.objects.select_related("model").order_by("pk"):
        sheet = assessment_sheet(assessment)
        shown[assessment.pk] = (
            [(row.dimension.code, row.answered, row.total, row.band) for row in sheet.rows],
            sheet.result.overall_total if sheet.result else None,
            [
                (item.question.code, item.text, item.score)
                for row in sheet.rows
                for item in row.items
            ],
        )
    for team in Team.objects.order_by("slug"):
        shown[team.slug] = [
            (summary.assessment.pk, summary.overall_total, summary.bands, summary.resume_step)
            for summary in team_history(team).summaries
        ]
    shown["csv"] = list(export_rows(Assessment.objects.all()))
    return shown


def answer_rows() -> list[tuple]:
    return list(
        Answer.objects.order_by("pk").values_list(
            "pk", "assessment_id", "question_id", "score", "note", "question_text"
        )
    )


def assert_one_response_per_submission(imported: Assessment) -> None:
    """Every submitted assessment: exactly one submitted response, its submitter's (or an
    import's), whose answers are the assessment's. Drafts: none."""
    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    assert submitted.count() == 8
    for assessment in submitted:
        (response,) = Respondent.objects.filter(assessment=assessment)
        assert response.status == Respondent.Status.SUBMITTED
        assert response.submitted_at == assessment.submitted_at
        assert response.removed_at is None
        if assessment.pk == imported.pk:
            assert assessment.submitted_by is None
            assert (response.kind, response.user) == (Respondent.Kind.IMPORTED, None)
            assert response.display_name == "Imported"
        else:
            assert assessment.submitted_by.username == "lead"
            assert (response.kind, response.user) == (
                Respondent.Kind.LEAD,
                assessment.submitted_by,
            )
        given = set(response.answers.values_list("question_id", "score", "note"))
        agreed = set(assessment.answers.values_list("question_id", "score", "note"))
        assert len(given) == 20
        assert given == agreed
    drafts = Assessment.objects.filter(status=Assessment.Status.DRAFT)
    assert drafts.count() == 1
    assert not Respondent.objects.filter(assessment__in=drafts).exists()
    assert Respondent.objects.count() == 8
    assert RespondentAnswer.objects.count() == 8 * 20


def test_migrating_back_and_forward_changes_no_report_and_gives_each_submission_its_response(
    demo,
):
    before, answers_before = reports(), answer_rows()
    # The demo has something to lose: one team's quarter answered by three people.
    assert Respondent.objects.filter(kind=Respondent.Kind.INVITED).count() == 2

    migrate(BEFORE_RESPONDENTS)
    assert not RESPONDENT_TABLES & set(connection.introspection.table_names())
    migrate_to_the_latest()

    # Not a single point moved, nor a word of an answer.
    assert reports() == before
    assert answer_rows() == answers_before
    # Migrating back dropped the invited responses; forward, each submission got the one it
    # was made from: the agreed answers.
    assert_one_response_per_submission(demo)


def test_migrating_back_and_forward_twice_makes_no_duplicates(demo):
    before, answers_before = reports(), answer_rows()

    # Back past the tables, then back past the copy alone (the tables stay).
    for target in (BEFORE_RESPONDENTS, BEFORE_THE_COPY):
        migrate(target)
        migrate_to_the_latest()

        assert reports() == before
        assert answer_rows() == answers_before
        assert_one_response_per_submission(demo)
