"""The reads behind every report, JSON and wizard request, made cheaper without changing what
they answer: the access check's SQL built once (assessments/prepared.py), the JSON export
cached like its report, and a step save reading the carried answers once."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import carry_forward, selectors, team_services, views
from assessments.exports import json_format
from assessments.forms import CONFIRM_FIELD
from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from catalogue.models import Question
from tests.conftest import fill, make_user, page_form, questions_of, submit
from tests.test_report_cache import PAGE_INPUTS

QUARTER = Quarter(2026, 2)
SELECT_RELATED = ("team", "model", "created_by", "submitted_by")


# --- The access check, prepared -----------------------------------------------------------------


@pytest.fixture
def invited(model_v0, team_a, lead_a):
    """A draft with Rita invited and answered, and a submitted quarter she was invited to."""
    rita = make_user("rita", first_name="Rita", last_name="Respondent")
    assessments = []
    for period in (Quarter(2026, 1), QUARTER):
        assessment, _ = assessment_start(team=team_a, period=period, user=lead_a)
        fill(assessment, 3)
        (response,) = team_services.respondents_invite(
            assessment=assessment, users=[rita], invited_by=lead_a
        )
        answers = dict.fromkeys(questions_of(model_v0), (4, ""))
        team_services.response_answers_save(respondent=response, answers=answers)
        team_services.response_submit(respondent=response)
        assessments.append(assessment)
    submitted = assessment_submit(assessment=assessments[0], user=lead_a)
    return rita, submitted, assessments[1]


def same(found: Assessment | None, expected: Assessment | None) -> None:
    """The same row with the same related rows loaded, none of them costing a query."""
    if expected is None:
        assert found is None
        return
    assert found is not None
    with CaptureQueriesContext(connection) as queries:
        for field in (f.attname for f in Assessment._meta.concrete_fields):
            assert getattr(found, field) == getattr(expected, field), field
        for relation in SELECT_RELATED:
            assert getattr(found, relation) == getattr(expected, relation), relation
        assert found.team.organization == expected.team.organization
        assert found.model.structure_version == expected.model.structure_version
    assert len(queries) == 0


@pytest.mark.parametrize(
    "viewer", ["lead_a", "lead_b", "consultant", "outside_consultant", "admin_user", "rita"]
)
def test_the_prepared_access_checks_answer_what_the_querysets_answer(
    request, invited, team_g, lead_a, viewer
):
    rita, submitted, draft = invited
    user = rita if viewer == "rita" else request.getfixturevalue(viewer)
    elsewhere = submit(team_g, make_user("gina"), QUARTER, 2)
    for assessment in (submitted, draft, elsewhere):
        visible = selectors.assessments_visible_to(user).filter(pk=assessment.pk).first()
        readable = selectors.reports_visible_to(user).filter(pk=assessment.pk).first()
        with CaptureQueriesContext(connection) as queries:
            found_visible = selectors.visible_assessment(user, assessment.pk)
            found_readable = selectors.readable_report(user, assessment.pk)
        assert len(queries) <= 2 + (2 if user.is_staff and not user.is_superuser else 0)
        same(found_visible, visible)
        same(found_readable, readable)
    # The invited respondent reads the submitted report, never the draft, and edits neither.
    if viewer == "rita":
        assert selectors.readable_report(rita, submitted.pk) is not None
        assert selectors.readable_report(rita, draft.pk) is None
        assert selectors.visible_assessment(rita, submitted.pk) is None


@pytest.mark.parametrize("pk", [0, 2**63, 10**30, -(2**63) - 1])
def test_ids_no_row_can_have_find_nothing(admin_user, lead_a, pk):
    for user in (admin_user, lead_a):
        assert selectors.visible_assessment(user, pk) is None
        assert selectors.readable_report(user, pk) is None


def test_an_anonymous_user_finds_nothing(submitted_assessment):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.visible_assessment(AnonymousUser(), submitted_assessment.pk) is None
    assert selectors.readable_report(AnonymousUser(), submitted_assessment.pk) is None


def test_the_access_check_is_one_query_whatever_the_viewer(
    submitted_assessment, lead_a, consultant, admin_user
):
    for user in (lead_a, consultant, admin_user):
        selectors.readable_report(user, submitted_assessment.pk)  # built, once per kind
        with CaptureQueriesContext(connection) as queries:
            assert selectors.readable_report(user, submitted_assessment.pk) is not None
            assert selectors.visible_assessment(user, submitted_assessment.pk) is not None
        assert len(queries) == 2


# --- The JSON export, cached like its report ----------------------------------------------------


@pytest.fixture
def report_cache_on(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "reports": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-json-cache",
        },
    }
    caches["reports"].clear()
    yield
    caches["reports"].clear()


@pytest.fixture
def builds():
    with mock.patch.object(
        json_format, "assessment_document", wraps=json_format.assessment_document
    ) as spy:
        yield spy


def json_url(assessment) -> str:
    return reverse("assessments:export-json", args=[assessment.pk])


def fresh_document(assessment, *, names: bool) -> dict:
    """What the export holds, built now from the database."""
    assessment = Assessment.objects.select_related("team__organization", "model").get(
        pk=assessment.pk
    )
    return json.loads(views._export_json(assessment, manages=names))


def test_a_repeat_json_export_comes_from_the_cache(
    report_cache_on, client, lead_a, builds, model_v0, team_a
):
    report = submit(team_a, lead_a, QUARTER, 4)
    client.force_login(lead_a)
    first = client.get(json_url(report))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(json_url(report))
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert "no-store" in second["Cache-Control"]  # private, as before
    assert builds.call_count == 1
    # Session, user, the access check, the version's two queries.
    assert len(queries) <= 5
    assert json.loads(second.content) == fresh_document(report, names=True)


def test_the_json_export_is_encoded_as_before(client, lead_a, model_v0, team_a):
    """The bytes JsonResponse(document, indent=2) gave."""
    from django.http import JsonResponse

    report = submit(team_a, lead_a, QUARTER, 4)
    client.force_login(lead_a)
    got = client.get(json_url(report)).content
    sheet = selectors.assessment_sheet(report)
    from assessments.team_answers import team_answers

    document = json_format.assessment_document(sheet, team_answers(report), names=True)
    assert got == JsonResponse(document, json_dumps_params={"indent": 2}).content


def test_a_draft_json_export_is_never_cached(
    report_cache_on, client, lead_a, builds, model_v0, team_a
):
    draft, _ = assessment_start(team=team_a, period=QUARTER, user=lead_a)
    client.force_login(lead_a)
    before = client.get(json_url(draft)).json()
    fill(draft, 2)
    after = client.get(json_url(draft)).json()
    assert before["answers"][0]["score"] is None and after["answers"][0]["score"] == 2
    assert builds.call_count == 2
    assert not caches["reports"]._cache


@pytest.mark.parametrize(
    ("prepare", "change"),
    [case[1:3] for case in PAGE_INPUTS],
    ids=[case[0] for case in PAGE_INPUTS],
)
def test_a_change_to_an_input_shows_in_the_json_at_once(
    report_cache_on, client, lead_a, model_v0, team_a, tmp_path, prepare, change
):
    report = submit(team_a, lead_a, QUARTER, 4)
    if prepare:
        prepare(report, lead_a)
    client.force_login(lead_a)
    client.get(json_url(report))
    change(report, lead_a, tmp_path)
    after = client.get(json_url(report)).json()
    assert after == fresh_document(report, names=True)


def test_who_answered_is_named_to_the_lead_never_to_a_respondent(
    report_cache_on, client, lead_a, invited
):
    rita, submitted, _ = invited
    documents = {}
    for user in (rita, lead_a, rita):
        client.force_login(user)
        documents.setdefault(user.pk, []).append(client.get(json_url(submitted)).json())
    lead_ids = [p["id"] for p in documents[lead_a.pk][0]["respondents"]["people"]]
    rita_ids = [p["id"] for p in documents[rita.pk][0]["respondents"]["people"]]
    assert "rita" in lead_ids and "rita" not in rita_ids
    assert documents[rita.pk][0] == documents[rita.pk][1]


# --- A step save ---------------------------------------------------------------------------------


def step_of(assessment, code: str) -> int:
    from assessments.wizard import WizardSteps

    dimensions = list(assessment.model.dimensions.order_by("order"))
    index = next(i for i, d in enumerate(dimensions) if d.code == code)
    return WizardSteps(len(dimensions)).for_dimension(index)


def post_step(client, assessment, code: str, data: dict):
    url = reverse("assessments:step", args=[assessment.pk, step_of(assessment, code)])
    form = page_form(client.get(url))
    form.update(data)
    form["nav"] = "save"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, form)
    return response, len(queries)


def test_a_step_save_reads_what_it_needs_once(client, lead_a, model_v0, team_a):
    draft, _ = assessment_start(team=team_a, period=QUARTER, user=lead_a)
    client.force_login(lead_a)
    with mock.patch.object(
        carry_forward, "carried_rows", wraps=carry_forward.carried_rows
    ) as carried:
        response, queries = post_step(client, draft, "VO", {"VO-1": "4", "VO-1-note": "why"})
    assert response.status_code == 302
    assert draft.answers.get(question__code="VO-1").score == 4
    assert carried.call_count == 2  # the page shown, then the save: once each
    # Session, user, the access check, the answers, the carried rows (none: no second read
    # of them or of the answers after the save); the save (savepoint, lock, step rows, upsert,
    # audit rows, updated_at, release). Two more before the reads were cut.
    assert queries <= 12


def test_a_carried_score_moved_by_two_still_asks_what_changed(client, lead_a, model_v0, team_a):
    source = submit(team_a, lead_a, Quarter(2026, 1), 4)
    draft, _ = assessment_start(team=team_a, period=QUARTER, user=lead_a)
    carry_forward.assessment_carry_forward(assessment=draft, source=source, user=lead_a)
    client.force_login(lead_a)
    response, _ = post_step(client, draft, "VO", {"VO-1": "2", CONFIRM_FIELD: "on"})
    assert response.status_code == 302
    assert response.url.endswith(f"/step/{step_of(draft, 'VO')}/")  # shown again, once
    page = client.get(response.url).content.decode()
    assert "moved by 2 or more" in page
    answers = {a.question_id: a for a in draft.answers.all()}
    vo = list(Question.objects.filter(dimension__model=model_v0, dimension__code="VO"))
    assert set(carry_forward.moved_without_note(draft, vo, answers)) == {"VO-1"}
    assert carry_forward.moved_without_note(
        draft, vo, answers, carry_forward.carried_rows(draft, vo)
    ) == carry_forward.moved_without_note(draft, vo, answers)


def test_a_prepared_read_refuses_a_value_written_into_its_sql(db):
    from assessments.prepared import PreparedRead

    inlined = PreparedRead(lambda _variant, *, pk: Assessment.objects.extra(where=[f"id = {pk}"]))
    with pytest.raises(ValueError, match="in its text"):
        inlined.fetch(None, pk=1)
