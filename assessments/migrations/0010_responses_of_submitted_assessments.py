"""Every submitted assessment gets the response it was made from: its answers, by its
submitter (or "imported" when nobody submitted it in the app). The agreed answers are not
touched, so no report changes."""

import secrets

from django.db import migrations

BATCH = 2000


def add_responses(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    Respondent = apps.get_model("assessments", "Respondent")
    RespondentAnswer = apps.get_model("assessments", "RespondentAnswer")
    submitted = Assessment.objects.filter(status="submitted", respondents__isnull=True)
    ids = list(submitted.order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), BATCH):
        chunk = list(Assessment.objects.filter(pk__in=ids[offset : offset + BATCH]))
        respondents = Respondent.objects.bulk_create(
            Respondent(
                assessment=assessment,
                user_id=assessment.submitted_by_id,
                kind="lead" if assessment.submitted_by_id else "imported",
                status="submitted",
                submitted_at=assessment.submitted_at,
                public_id=secrets.token_hex(6),
            )
            for assessment in chunk
        )
        by_assessment = {r.assessment_id: r.pk for r in respondents}
        answers = Answer.objects.filter(assessment_id__in=by_assessment).values_list(
            "assessment_id", "question_id", "score", "note"
        )
        RespondentAnswer.objects.bulk_create(
            (
                RespondentAnswer(
                    respondent_id=by_assessment[assessment_id],
                    question_id=question_id,
                    score=score,
                    note=note,
                )
                for assessment_id, question_id, score, note in answers.iterator(chunk_size=BATCH)
            ),
            batch_size=BATCH,
        )


def remove_responses(apps, schema_editor):
    apps.get_model("assessments", "Respondent").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0009_several_respondents")]

    operations = [migrations.RunPython(add_responses, remove_responses)]
