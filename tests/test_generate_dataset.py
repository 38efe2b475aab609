"""The benchmark dataset looks like real data: submitted assessments with their responses."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from assessments.models import Answer, Assessment, Respondent, RespondentAnswer


def test_every_generated_assessment_keeps_the_response_its_answers_came_from(model_v0):
    call_command("generate_dataset", organizations=1, teams=2, quarters=3, stdout=StringIO())
    assert Assessment.objects.filter(status="submitted").count() == 6
    assert Respondent.objects.filter(kind="imported", status="submitted").count() == 6
    for assessment in Assessment.objects.all():
        (respondent,) = assessment.respondents.all()
        agreed = set(Answer.objects.filter(assessment=assessment).values_list("question", "score"))
        kept = set(
            RespondentAnswer.objects.filter(respondent=respondent).values_list("question", "score")
        )
        assert agreed == kept and len(kept) == 20
