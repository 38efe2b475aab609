"""The shipped v0 model matches the canonical transcription, character for character."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from catalogue.models import Band, Dimension, MaturityModel, Question, ScaleLevel

REPO = Path(__file__).resolve().parent.parent
# The canonical sheet lives in the shared folder beside the repository; docs/ keeps a copy so a
# checkout on its own still checks the fixture. Every copy that is present is checked.
TRANSCRIPTIONS = [
    p for p in (REPO.parent / "shared" / "MODEL.md", REPO / "docs" / "MODEL.md") if p.exists()
]
ROW = re.compile(r"^\| ((?:VO|CX|AO|MP)-[1-5]) \| (.+?) \| .+ \|$")


def transcribed_questions(path: Path) -> dict[str, str]:
    rows = (ROW.match(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {m.group(1): m.group(2) for m in rows if m}


def test_a_transcription_is_available():
    assert TRANSCRIPTIONS, "MODEL.md not found beside the repository nor in docs/"


@pytest.mark.parametrize("path", TRANSCRIPTIONS, ids=lambda p: str(p.relative_to(REPO.parent)))
def test_every_question_text_matches_model_md(model_v0, path):
    expected = transcribed_questions(path)
    assert len(expected) == 20
    shipped = {q.code: q.text for q in Question.objects.filter(dimension__model=model_v0)}
    assert shipped == expected


def test_v0_is_published_with_four_dimensions_in_order(model_v0):
    assert model_v0.status == MaturityModel.Status.PUBLISHED
    assert model_v0.source_credit == "Customer Onboarding Maturity Model v0, Rocketlane"
    names = list(model_v0.dimensions.order_by("order").values_list("code", "name"))
    assert names == [
        ("VO", "Value Orientation"),
        ("CX", "CX & Delivery"),
        ("AO", "Adaptability & Organization"),
        ("MP", "Manageability & Productivity"),
    ]


def test_each_dimension_has_five_ordered_questions_with_guidance(model_v0):
    for dimension in model_v0.dimensions.all():
        questions = list(dimension.questions.order_by("order"))
        assert [q.code for q in questions] == [f"{dimension.code}-{n}" for n in range(1, 6)]
        for question in questions:
            sentences = [s for s in re.split(r"(?<=[.?!])\s+", question.guidance.strip()) if s]
            assert 2 <= len(sentences) <= 4, question.code


def test_bands_have_the_exact_labels_and_cover_5_to_25(model_v0):
    bands = list(Band.objects.filter(model=model_v0).values_list("min_total", "max_total", "label"))
    assert bands == [
        (5, 10, "Needs immediate attention"),
        (11, 18, "Room for improvement"),
        (19, 25, "Excellent"),
    ]


def test_default_scale_legend(model_v0):
    levels = list(ScaleLevel.objects.filter(model=model_v0).values_list("value", "label"))
    assert levels == [
        (1, "Not in place"),
        (2, "Ad hoc"),
        (3, "Defined"),
        (4, "Measured"),
        (5, "Optimized"),
    ]


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (MaturityModel, Dimension, Question, Band, ScaleLevel))


def test_loading_the_fixture_twice_changes_nothing(model_v0):
    before = counts(), list(Question.objects.values_list("pk", "code", "text", "guidance"))
    call_command("loaddata", "model_v0", verbosity=0)
    after = counts(), list(Question.objects.values_list("pk", "code", "text", "guidance"))
    assert before == after
    assert before[0] == (1, 4, 20, 3, 5)


def test_install_model_keeps_admin_edits(model_v0):
    Question.objects.filter(code="VO-1").update(text="Edited by an admin")
    call_command("install_model", verbosity=0)
    assert Question.objects.get(code="VO-1").text == "Edited by an admin"
    assert counts() == (1, 4, 20, 3, 5)


def test_install_model_loads_v0_into_an_empty_database(db):
    MaturityModel.objects.all().delete()  # the test database comes with v0 installed
    assert counts() == (0, 0, 0, 0, 0)
    out = io.StringIO()
    call_command("install_model", stdout=out)
    assert counts() == (1, 4, 20, 3, 5)
    assert "Installed model customer-onboarding v0 from model_v0.json." in out.getvalue()
