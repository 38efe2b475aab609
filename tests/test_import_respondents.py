"""Imports keep the response each assessment was made from: one imported response per
assessment, holding the file's scores and notes, written with the assessment or not at all."""

from __future__ import annotations

import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.urls import reverse

from assessments import imports
from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.periods import Quarter
from assessments.services import assessment_start
from assessments.team_answers import team_answers
from tests.test_import import CODES, HEADER

NOTES = {"VO-1": "Kick-off, then silence", "CX-3": 'said "later"', "MP-5": "two\nlines"}


def rows_for(org: str, team: str, year: int, quarter: int, first_score: int) -> list[str]:
    """One assessment's rows: scores cycle from first_score, a few notes that need quoting."""
    lines = []
    for index, code in enumerate(CODES):
        score = (first_score + index) % 5 + 1
        note = NOTES.get(code, "")
        quoted = '"' + note.replace('"', '""') + '"' if note else ""
        lines.append(f"{org},{team},{year},{quarter},v0,{code},{score},{quoted}\n")
    return lines


def write_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8", newline="")
    return path


def answers_of(assessment: Assessment) -> dict[str, tuple[int | None, str]]:
    return {
        code: (score, note)
        for code, score, note in Answer.objects.filter(assessment=assessment).values_list(
            "question__code", "score", "note"
        )
    }


def response_answers_of(respondent: Respondent) -> dict[str, tuple[int | None, str]]:
    return {
        code: (score, note)
        for code, score, note in RespondentAnswer.objects.filter(respondent=respondent).values_list(
            "question__code", "score", "note"
        )
    }


def assert_one_imported_response_each(assessments) -> None:
    for assessment in assessments:
        (respondent,) = Respondent.objects.filter(assessment=assessment)
        assert respondent.kind == Respondent.Kind.IMPORTED
        assert respondent.user_id is None
        assert respondent.status == Respondent.Status.SUBMITTED
        assert respondent.submitted_at == assessment.submitted_at
        assert respondent.removed_at is None
        expected = answers_of(assessment)
        assert len(expected) == len(CODES)
        assert response_answers_of(respondent) == expected, assessment


def test_the_import_command_gives_each_assessment_one_imported_response_with_its_answers(
    tmp_path, model_v0
):
    path = write_file(
        tmp_path,
        rows_for("Initech", "Onboarding", 2026, 1, 0)
        + rows_for("Initech", "Onboarding", 2026, 2, 3)
        + rows_for("Initech", "Enterprise", 2026, 2, 1),
    )
    call_command("import_assessments", str(path), stdout=io.StringIO())
    imported = list(Assessment.objects.order_by("team__name", "quarter"))
    assert len(imported) == 3
    assert_one_imported_response_each(imported)
    onboarding_q2 = Assessment.objects.get(team__name="Onboarding", quarter=2)
    assert answers_of(onboarding_q2)["VO-1"] == (4, "Kick-off, then silence")
    assert answers_of(onboarding_q2)["MP-5"][1] == "two\nlines"


def test_a_browser_upload_gives_each_assessment_one_imported_response(
    client, consultant, model_v0, acme, team_a
):
    client.force_login(consultant)
    content = "".join(
        [HEADER]
        + rows_for("Acme Corp", team_a.name, 2025, 4, 2)
        + rows_for("Acme Corp", "New team", 2025, 4, 4)
    )
    file = SimpleUploadedFile("answers.csv", content.encode(), content_type="text/csv")
    response = client.post(
        reverse("assessments:import", args=["acme"]), {"file": file, "create_teams": "on"}
    )
    assert response.status_code == 302
    imported = list(Assessment.objects.filter(team__organization=acme))
    assert len(imported) == 2
    assert_one_imported_response_each(imported)
    # The importer is recorded on the assessment; the response stands for the file, not them.
    assert {a.submitted_by for a in imported} == {consultant}


def test_the_imported_response_is_the_one_counted_voice_and_agrees_with_the_scores(
    tmp_path, model_v0
):
    call_command(
        "import_assessments",
        str(write_file(tmp_path, rows_for("Initech", "Onboarding", 2026, 1, 2))),
        stdout=io.StringIO(),
    )
    team = team_answers(Assessment.objects.get())
    assert [r.display_name for r in team.counted] == ["Imported"]
    assert not team.is_team
    scores = answers_of(team.assessment)
    for item in team.questions:
        assert item.scores == (scores[item.question.code][0],)
        assert item.spread.spread == 0
        assert item.agreed == scores[item.question.code][0]
        assert not item.agreed_by_lead


def test_batches_keep_each_response_with_its_own_assessment(tmp_path, model_v0, monkeypatch):
    # Small batches, so that respondents and their answers go in over several statements.
    monkeypatch.setattr(imports, "ASSESSMENT_BATCH", 2)
    monkeypatch.setattr(imports, "ANSWER_BATCH", 7)
    lines = [
        row
        for n in range(5)
        for row in rows_for("Initech", f"Team {n}", 2026, n % 4 + 1, first_score=n)
    ]
    call_command("import_assessments", str(write_file(tmp_path, lines)), stdout=io.StringIO())
    imported = list(Assessment.objects.all())
    assert len(imported) == 5
    assert_one_imported_response_each(imported)
    assert RespondentAnswer.objects.count() == 5 * len(CODES)


def test_a_rejected_import_creates_no_response(tmp_path, model_v0, acme, team_a, lead_a):
    existing, _ = assessment_start(team=team_a, period=Quarter(2026, 2), user=lead_a)
    # The first assessment is fine; the second's quarter is taken: the whole file is refused.
    path = write_file(
        tmp_path,
        rows_for("Acme Corp", "Brand new", 2026, 2, 0)
        + rows_for("Acme Corp", team_a.name, 2026, 2, 1),
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_assessments", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert list(Assessment.objects.all()) == [existing]
    assert not Respondent.objects.exists()
    assert not RespondentAnswer.objects.exists()


def test_a_database_error_while_writing_the_responses_writes_nothing(tmp_path, model_v0):
    # More than one batch of responses, and the error comes after every copy was written.
    teams = imports.ASSESSMENT_BATCH + 1
    lines = [row for n in range(teams) for row in rows_for("Initech", f"T{n}", 2026, 1, n)]
    path = write_file(tmp_path, lines)
    real_copy = imports._copy_answers_into
    copied = []

    def copy_then_fail(respondents):
        real_copy(respondents)
        copied.append(RespondentAnswer.objects.count())
        raise DatabaseError("disk full")

    with (
        mock.patch.object(imports, "_copy_answers_into", side_effect=copy_then_fail),
        pytest.raises(DatabaseError),
    ):
        call_command("import_assessments", str(path), stdout=io.StringIO())
    assert copied == [teams * len(CODES)]  # every batch was copied before the error
    assert not Assessment.objects.exists()
    assert not Respondent.objects.exists()
    assert not RespondentAnswer.objects.exists()
