"""Each worker keeps a model version's structure in memory and notices every change to it.

The in-memory copy is only trusted while the version's structure_version in the database matches,
so an edit made in any process (admin, shell, another worker) shows on the next page load.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from catalogue.models import Band, Dimension, MaturityModel, Question, ScaleLevel
from catalogue.selectors import forget_model_structures
from catalogue.signals import mark_structure_changed
from tests.conftest import fill


@pytest.fixture
def lead_client(client, lead_a):
    client.force_login(lead_a)
    return client


@pytest.fixture
def draft(model_v0, team_a, lead_a):
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 3), user=lead_a)
    return assessment


@pytest.fixture
def report(model_v0, team_a, lead_a):
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 2), user=lead_a)
    fill(assessment, 3)
    return assessment_submit(assessment=assessment, user=lead_a)


def page(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def step_url(assessment, step):
    return reverse("assessments:step", kwargs={"pk": assessment.pk, "step": step})


def test_a_warm_worker_skips_the_five_structure_queries(lead_client, report):
    url = reverse("assessments:report", args=[report.pk])
    page(lead_client, url)  # the session's first page also stores its CSRF token: not counted
    forget_model_structures()
    cold_html, cold = page(lead_client, url)
    warm_html, warm = page(lead_client, url)
    assert cold - warm == 5  # version, dimensions, questions, bands, scale
    assert without_tokens(warm_html) == without_tokens(cold_html)


def edit(obj, field: str, value: str) -> None:
    setattr(obj, field, value)
    obj.save()  # as admin does; the code under test must notice without being told


# (what is edited, on which step of a draft or on the report: None) for every cached part
EDITS = [
    (lambda m: Question.objects.get(code="VO-2", dimension__model=m), "text", "Outcomes first?", 2),
    (lambda m: ScaleLevel.objects.get(model=m, value=5), "label", "Best in class", 3),
    (lambda m: Dimension.objects.get(code="CX", model=m), "name", "CX and delivery", None),
    (lambda m: Band.objects.get(model=m, min_total=11), "label", "Room to grow", None),
    (lambda m: m, "source_credit", "Adapted from the Rocketlane model", None),
]


@pytest.mark.parametrize(("part", "field", "value", "step"), EDITS)
def test_an_edit_shows_on_the_next_page_load(lead_client, draft, report, part, field, value, step):
    url = step_url(draft, step) if step else reverse("assessments:report", args=[report.pk])
    before, _ = page(lead_client, url)
    assert value not in before
    edit(part(MaturityModel.objects.get(pk=draft.model_id)), field, value)
    after, _ = page(lead_client, url)
    assert value in after


def test_a_bulk_update_shows_once_it_marks_the_version_changed(lead_client, draft):
    url = step_url(draft, 2)
    page(lead_client, url)
    Question.objects.filter(code="VO-1", dimension__model=draft.model).update(text="Bulk wording")
    stale, _ = page(lead_client, url)
    assert "Bulk wording" not in stale  # no signal, so this worker still trusts its copy
    mark_structure_changed(pk=draft.model_id)
    fresh, _ = page(lead_client, url)
    assert "Bulk wording" in fresh


def structure_version(model_id) -> str:
    return str(MaturityModel.objects.values_list("structure_version", flat=True).get(pk=model_id))


def first_of(kind, model):
    if kind is Question:
        return Question.objects.filter(dimension__model=model).first()
    if kind is MaturityModel:
        return model
    return kind.objects.filter(model=model).first()


@pytest.mark.parametrize("kind", [MaturityModel, Dimension, Question, Band, ScaleLevel])
def test_saving_any_part_of_a_version_marks_it_changed(model_v0, kind):
    before = structure_version(model_v0.pk)
    first_of(kind, model_v0).save()
    assert structure_version(model_v0.pk) != before


@pytest.mark.parametrize("kind", [Question, Band, ScaleLevel])
def test_deleting_a_part_of_an_unused_version_marks_it_changed(model_v0, kind):
    before = structure_version(model_v0.pk)
    first_of(kind, model_v0).delete()
    assert structure_version(model_v0.pk) != before


def test_other_versions_keep_their_mark(model_v0):
    other = MaturityModel.objects.create(
        code="other", version="v1", title="Other", source_credit="Us"
    )
    before = structure_version(other.pk)
    Question.objects.filter(dimension__model=model_v0).first().save()
    assert structure_version(other.pk) == before
