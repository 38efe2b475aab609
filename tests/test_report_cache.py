"""A submitted report's page and PDF come from the cache until something they show changes;
a repeat view is a 304; nothing person-specific (names, "prepared by", CSRF tokens) is ever
served to someone else; drafts are never cached."""

from __future__ import annotations

import datetime
import io
import pickle
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import plan_services, plan_views, report_cache, team_services
from assessments.exports import pdf
from assessments.periods import Quarter
from assessments.plan_services import ActionInput, TargetInput
from assessments.services import assessment_start
from assessments.workspace_models import PeerBenchmark
from catalogue.models import Dimension, Question
from catalogue.services import structure_part_save
from organizations.models import FirmProfile
from tests.conftest import fill, make_user, submit

QUARTER = Quarter(2026, 2)
CODES = ("VO", "CX", "AO", "MP")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def report_cache_on(settings):
    """A real cache for these tests (the rest of the suite runs without one)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "reports": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-report-cache",
        },
    }
    caches["reports"].clear()
    yield
    caches["reports"].clear()


@pytest.fixture
def report(model_v0, team_a, lead_a):
    """Fours everywhere: the high scores ask for figures (evidence hints) to back them."""
    return submit(team_a, lead_a, QUARTER, 4)


@pytest.fixture
def lead(client, lead_a):
    client.force_login(lead_a)
    return client


@pytest.fixture
def renders():
    """Counts the page renders (the context is built only when the cache has no copy)."""
    with mock.patch.object(plan_views, "report_context", wraps=plan_views.report_context) as spy:
        yield spy


@pytest.fixture
def pdf_renders():
    """WeasyPrint stood in for: the bytes say what was asked for, so each test can read them."""

    def fake(ctx, size):
        shown = (
            ctx["prepared_by"],
            ctx["respondent_names"],
            ctx["firm_name"],
            bool(ctx["client_logo"]),
            size,
        )
        return b"%PDF-fake " + repr(shown).encode()

    with mock.patch.object(pdf, "render_report_pdf", side_effect=fake) as spy:
        yield spy


def page_url(assessment) -> str:
    return reverse("assessments:report", args=[assessment.pk])


def pdf_url(assessment) -> str:
    return reverse("assessments:report-pdf", args=[assessment.pk])


def without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 304), response.status_code
    return response


# --- A repeat view is a 304 --------------------------------------------------------------------


def test_a_second_view_with_the_etag_is_a_304(lead, report, renders):
    first = get(lead, page_url(report))
    assert first["ETag"].startswith('W/"')
    again = get(lead, page_url(report), if_none_match=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert not again.content
    assert renders.call_count == 1


def test_a_second_view_with_the_last_modified_date_is_a_304(lead, report):
    first = get(lead, page_url(report))
    again = get(lead, page_url(report), if_modified_since=first["Last-Modified"])
    assert again.status_code == 304


def test_the_report_and_pdf_are_private_and_revalidated_not_stored(lead, report, pdf_renders):
    for url in (page_url(report), pdf_url(report)):
        response = get(lead, url)
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"private", "no-cache"}, url
        assert "Cookie" in response["Vary"]


def test_a_cached_view_is_the_page_as_first_rendered(lead, report, renders):
    first = get(lead, page_url(report)).content.decode()
    second = get(lead, page_url(report)).content.decode()
    assert renders.call_count == 1
    assert without_tokens(second) == without_tokens(first)
    assert "report-cache" not in second  # the capture markers never reach the browser


def test_a_304_and_a_cached_view_cost_five_queries(lead, report):
    first = get(lead, page_url(report))
    with CaptureQueriesContext(connection) as cached:
        get(lead, page_url(report))
    with CaptureQueriesContext(connection) as unchanged:
        assert get(lead, page_url(report), if_none_match=first["ETag"]).status_code == 304
    # The session, the user, the assessment (who may read it), every input in one aggregate
    # query with the viewer's role, and the names the report may print.
    assert len(cached) == len(unchanged) == 5


def test_a_repeat_pdf_comes_from_the_cache_without_rendering(lead, report, pdf_renders):
    first = get(lead, pdf_url(report))
    second = get(lead, pdf_url(report))
    assert pdf_renders.call_count == 1
    assert second.content == first.content
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert get(lead, pdf_url(report), if_none_match=first["ETag"]).status_code == 304
    assert pdf_renders.call_count == 1


def test_each_page_size_is_its_own_pdf(lead, report, pdf_renders):
    a4 = get(lead, pdf_url(report))
    letter = get(lead, pdf_url(report) + "?size=letter")
    assert pdf_renders.call_count == 2
    assert a4["ETag"] != letter["ETag"]
    assert b"'letter'" in letter.content


def test_the_pdf_of_another_day_is_prepared_again(lead, report, pdf_renders):
    first = get(lead, pdf_url(report))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch.object(report_cache.timezone, "localdate", return_value=tomorrow):
        later = get(lead, pdf_url(report), if_none_match=first["ETag"])
    assert later.status_code == 200  # it prints the day it was prepared
    assert pdf_renders.call_count == 2


# --- Every input changes the ETag and the content -----------------------------------------------


def theme(assessment, user, questions=()):
    plan_services.theme_choose(
        assessment=assessment,
        user=user,
        dimension=Dimension.objects.get(model=assessment.model, code="VO"),
        questions=[
            Question.objects.get(dimension__model=assessment.model, code=q) for q in questions
        ],
        reason="Customers wait too long",
    )


def action(assessment, user, title="Kick-off checklist", status="planned", existing=None):
    return plan_services.action_save(
        assessment=assessment,
        user=user,
        wanted=ActionInput(title=title, status=status),
        people_ids=set(),
        action=existing,
    )


def peers_refreshed(assessment, organizations=6):
    """What the benchmark refresh writes: every row replaced, stamped now."""
    PeerBenchmark.objects.all().delete()
    PeerBenchmark.objects.bulk_create(
        PeerBenchmark(
            cohort="all",
            model=assessment.model,
            dimension_code=code,
            organizations=organizations,
            lower_quartile=Decimal("9"),
            median=Decimal("12.5"),
            upper_quartile=Decimal("17"),
            computed_at=timezone.now(),
        )
        for code in CODES
    )


def earlier_quarter_imported(assessment, user, tmp_path):
    team = assessment.team
    rows = [
        f"{team.organization.name},{team.name},2026,1,v0,{d}-{n},2,\n"
        for d in CODES
        for n in range(1, 6)
    ]
    path = tmp_path / "answers.csv"
    header = "organization,team,year,quarter,model_version,question,score,note\n"
    path.write_text(header + "".join(rows), encoding="utf-8")
    call_command("import_assessments", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def question_reworded(assessment, user):
    question = Question.objects.get(dimension__model=assessment.model, code="VO-1")
    question.text = "Does every customer reach first value within a fortnight?"
    structure_part_save(part=question)


def answer_edited(assessment):
    """Submitted answers are frozen for the app; an admin may still correct one."""
    answer = assessment.answers.get(question__code="VO-1")
    answer.note = "Edited in admin"
    answer.save()


def name_changed(assessment, user):
    user.first_name, user.last_name = "Renamed", "Lead"
    user.save()


# (name, prepare before the first view, the change, text the page shows after it or None)
PAGE_INPUTS = [
    (
        "target",
        None,
        lambda a, u, _: plan_services.targets_save(
            team=a.team, user=u, targets={"VO": TargetInput(25)}, codes=list(CODES)
        ),
        "5 below target",
    ),
    (
        "target changed",
        lambda a, u: plan_services.targets_save(
            team=a.team, user=u, targets={"VO": TargetInput(22)}, codes=list(CODES)
        ),
        lambda a, u, _: plan_services.targets_save(
            team=a.team, user=u, targets={"VO": TargetInput(25)}, codes=list(CODES)
        ),
        "5 below target",
    ),
    ("theme", None, lambda a, u, _: theme(a, u), "Customers wait too long"),
    ("an agreed answer edited", None, lambda a, u, _: answer_edited(a), "Edited in admin"),
    (
        "action status",
        lambda a, u: (theme(a, u), action(a, u)),
        lambda a, u, _: action(a, u, status="done", existing=a.actions.get()),
        "action-status-done",
    ),
    ("action added", lambda a, u: theme(a, u), lambda a, u, _: action(a, u), "Kick-off checklist"),
    (
        "outcome figures",
        None,
        lambda a, u, _: plan_services.metrics_save(
            team=a.team,
            period=QUARTER,
            user=u,
            values={"time_to_first_value_days": 9, "time_to_value_days": 30},
        ),
        None,  # an evidence hint goes: the page changes, no new words
    ),
    ("benchmark refresh", None, lambda a, u, _: peers_refreshed(a), "Peers: lower quartile"),
    (
        "benchmark refreshed again",
        lambda a, u: peers_refreshed(a),
        lambda a, u, _: peers_refreshed(a, organizations=7),
        None,  # the same quartiles, from seven organizations now
    ),
    (
        "question wording",
        lambda a, u: theme(a, u, questions=["VO-1"]),
        lambda a, u, _: question_reworded(a, u),
        "within a fortnight",
    ),
    (
        "previous quarter submitted",
        None,
        lambda a, u, _: submit(a.team, u, Quarter(2026, 1), 2),
        "against 2026 Q1",
    ),
    (
        "previous quarter imported",
        None,
        lambda a, u, tmp_path: earlier_quarter_imported(a, u, tmp_path),
        "against 2026 Q1",
    ),
    ("a name it prints", None, lambda a, u, _: name_changed(a, u), "Renamed Lead"),
]


@pytest.mark.parametrize(
    ("prepare", "change", "shows"),
    [case[1:] for case in PAGE_INPUTS],
    ids=[case[0] for case in PAGE_INPUTS],
)
def test_a_change_to_an_input_shows_at_once(
    lead, report, lead_a, renders, tmp_path, prepare, change, shows
):
    if prepare:
        prepare(report, lead_a)
    before = get(lead, page_url(report))
    assert get(lead, page_url(report)).status_code == 200  # cached now
    if shows:
        assert shows not in before.content.decode()

    change(report, lead_a, tmp_path)
    after = get(lead, page_url(report), if_none_match=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert without_tokens(after.content.decode()) != without_tokens(before.content.decode())
    if shows:
        assert shows in after.content.decode()
    assert renders.call_count == 2


def test_the_language_is_part_of_the_version(lead, report, renders):
    # The browser asks for German (LocaleMiddleware reads Accept-Language on every request).
    before = get(lead, page_url(report), accept_language="en")
    after = get(lead, page_url(report), if_none_match=before["ETag"], accept_language="de")
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert renders.call_count == 2
    again = get(lead, page_url(report), if_none_match=before["ETag"], accept_language="en")
    assert again.status_code == 304


def test_a_new_code_version_renders_again(lead, report, renders, monkeypatch):
    report_cache._code_version_once.cache_clear()
    before = get(lead, page_url(report))
    monkeypatch.setenv("DJANGO_CODE_VERSION", "release-2")
    report_cache._code_version_once.cache_clear()
    try:
        after = get(lead, page_url(report), if_none_match=before["ETag"])
    finally:
        monkeypatch.delenv("DJANGO_CODE_VERSION")
        report_cache._code_version_once.cache_clear()
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert renders.call_count == 2


def test_the_code_version_covers_templates_and_static_files(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("one", encoding="utf-8")
    settings.BASE_DIR = tmp_path
    first = report_cache._scan_code()
    page.write_text("two", encoding="utf-8")
    assert report_cache._scan_code().digest != first.digest


def firm_renamed(assessment):
    FirmProfile.objects.update_or_create(pk=1, defaults={"name": "Northwind Advisory"})


def client_logo_changed(assessment):
    organization = assessment.team.organization
    organization.logo.name = "logos/new-client-logo.png"
    organization.save()


PDF_INPUTS = [
    ("firm profile", firm_renamed, b"Northwind Advisory"),
    ("client logo", client_logo_changed, b"True, 'a4'"),
    (
        "target",
        lambda a: plan_services.targets_save(
            team=a.team, user=a.created_by, targets={"VO": TargetInput(25)}, codes=list(CODES)
        ),
        None,
    ),
    ("earlier quarter", lambda a: submit(a.team, a.created_by, Quarter(2026, 1), 2), None),
]


@pytest.mark.parametrize(
    ("change", "shows"), [case[1:] for case in PDF_INPUTS], ids=[case[0] for case in PDF_INPUTS]
)
def test_a_change_to_an_input_gives_a_new_pdf(lead, report, pdf_renders, change, shows):
    with mock.patch("assessments.exports.pdf.data_uri", side_effect=lambda f: f.name or None):
        before = get(lead, pdf_url(report))
        change(report)
        after = get(lead, pdf_url(report), if_none_match=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert pdf_renders.call_count == 2
    if shows:
        assert shows in after.content and shows not in before.content


# --- Person-specific parts ----------------------------------------------------------------------


def test_each_person_gets_a_pdf_prepared_by_themselves(
    client, report, lead_a, consultant, pdf_renders
):
    lead_a.first_name, lead_a.last_name = "Lena", "Lead"
    lead_a.save()
    consultant.first_name, consultant.last_name = "Carl", "Consultant"
    consultant.save()
    downloads = {}
    for user in (lead_a, consultant, lead_a, consultant):
        client.force_login(user)
        downloads.setdefault(user.pk, []).append(get(client, pdf_url(report)).content)
    assert pdf_renders.call_count == 2
    assert all(b"Lena Lead" in body for body in downloads[lead_a.pk])
    assert all(b"Carl Consultant" in body for body in downloads[consultant.pk])
    assert not any(b"Lena Lead" in body for body in downloads[consultant.pk])


def test_another_person_never_revalidates_someone_elses_copy(client, report, lead_a, consultant):
    client.force_login(lead_a)
    mine = get(client, page_url(report))
    client.force_login(consultant)
    theirs = get(client, page_url(report), if_none_match=mine["ETag"])
    assert theirs.status_code == 200
    assert "Signed in as" in theirs.content.decode()
    assert "Signed in as Casey Consultant" in theirs.content.decode()


@pytest.fixture
def answered_by_two(model_v0, team_a, lead_a):
    """The lead and Rita Respondent (invited) answered; who answered is named to the lead."""
    assessment, _ = assessment_start(team=team_a, period=QUARTER, user=lead_a)
    fill(assessment, 3)
    rita = make_user("rita", first_name="Rita", last_name="Respondent")
    (response,) = team_services.respondents_invite(
        assessment=assessment, users=[rita], invited_by=lead_a
    )
    answers = dict.fromkeys(Question.objects.filter(dimension__model=model_v0), (4, ""))
    team_services.response_answers_save(respondent=response, answers=answers)
    team_services.response_submit(respondent=response)
    from assessments.services import assessment_submit

    return assessment_submit(assessment=assessment, user=lead_a), rita


@pytest.mark.parametrize("lead_first", [True, False])
def test_names_reach_the_lead_never_an_invited_respondent(
    client, answered_by_two, lead_a, lead_first, pdf_renders
):
    report, rita = answered_by_two
    order = [lead_a, rita] if lead_first else [rita, lead_a]
    pages, pdfs = {}, {}
    for user in order:
        client.force_login(user)
        pages[user.pk] = get(client, page_url(report)).content.decode()
        pdfs[user.pk] = get(client, pdf_url(report)).content
    assert "answered: " in pages[lead_a.pk] and "Rita Respondent" in pages[lead_a.pk]
    assert "answered: " not in pages[rita.pk]
    assert b"['Rita Respondent', " in pdfs[lead_a.pk]  # (prepared by, names who answered, ...)
    assert b"('Rita Respondent', [], " in pdfs[rita.pk]
    # The respondent reads the plan without its forms.
    assert 'id="add-action-form"' not in pages[rita.pk]
    assert 'id="theme-form"' in pages[lead_a.pk]


def test_csrf_tokens_never_come_from_the_cache(client, report, lead_a, consultant, renders):
    for user in (lead_a, consultant):
        client.force_login(user)
        html = get(client, page_url(report)).content.decode()
        secret = client.session["_csrftoken"]
        tokens = TOKEN.findall(html)
        assert len(tokens) >= 2  # sign out, the theme form
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert renders.call_count == 1  # the consultant's page came from the lead's cached copy
    stored = [pickle.loads(value) for value in caches["reports"]._cache.values()]
    cached_html = "".join(v for entry in stored for v in entry.values())
    assert set(TOKEN.findall(cached_html)) == {report_cache.CSRF_PLACEHOLDER}


def test_a_page_from_an_earlier_session_is_not_revalidated(client, report, lead_a):
    client.force_login(lead_a)
    first = get(client, page_url(report))
    client.logout()
    client.force_login(lead_a)  # a new session, with a new CSRF secret
    again = get(client, page_url(report), if_none_match=first["ETag"])
    assert again.status_code == 200


def test_a_page_with_a_message_is_never_revalidated(lead, report, lead_a):
    dimension = Dimension.objects.get(model=report.model, code="CX")
    chosen = lead.post(reverse("assessments:theme", args=[report.pk]), {"dimension": dimension.pk})
    assert chosen.status_code == 302
    with_message = get(lead, page_url(report))
    assert "Next quarter&#x27;s theme" in with_message.content.decode()
    assert not with_message.has_header("ETag")
    assert "no-store" in with_message["Cache-Control"]
    later = get(lead, page_url(report))
    assert later.has_header("ETag") and "Next quarter&#x27;s theme" not in later.content.decode()


def test_a_refused_plan_form_is_never_served_from_the_cache(lead, report, renders):
    get(lead, page_url(report))
    refused = lead.post(reverse("assessments:theme", args=[report.pk]), {"dimension": ""})
    assert refused.status_code == 400
    assert not refused.has_header("ETag")


# --- Drafts -------------------------------------------------------------------------------------


def test_a_draft_is_never_cached(lead, model_v0, team_a, lead_a, renders):
    draft, _ = assessment_start(team=team_a, period=QUARTER, user=lead_a)
    first = get(lead, page_url(draft))
    fill(draft, 2)
    second = get(lead, page_url(draft), if_none_match=first.get("ETag", "*"))
    assert second.status_code == 200
    assert not first.has_header("ETag") and not second.has_header("ETag")
    assert "no-store" in second["Cache-Control"]
    assert "still a draft: 20 of 20" in second.content.decode()
    assert renders.call_count == 2  # rendered each time
    assert not caches["reports"]._cache


# --- The version's statements, built once with stand-ins, ask what the ORM asks ----------------


@pytest.mark.parametrize("viewer", ["lead_a", "consultant", "admin_user"])
def test_the_prepared_statements_read_what_the_orm_reads(request, report, lead_a, viewer):
    from assessments.models import Assessment

    user = request.getfixturevalue(viewer)
    theme(report, lead_a, questions=["VO-1"])
    action(report, lead_a)
    assessment = Assessment.objects.select_related("team__organization", "model").get(pk=report.pk)
    fields = {f"input_{k}": v for k, v in report_cache._inputs(assessment, user).items()}
    expected = Assessment.objects.filter(pk=report.pk).annotate(**fields).values(*fields).get()
    version = report_cache.report_version(assessment, user)
    assert version.manages is bool(expected["input_manages"]) is True
    times = [v for k, v in expected.items() if k.endswith("_at") and v is not None]
    assert version.last_modified == max([*times, assessment.updated_at, assessment.submitted_at])
    people = list(report_cache._people(assessment))
    assert {p[0] for p in people} >= {lead_a.pk}
    statements = report_cache._statements(
        report_cache.scope.sees_all_organizations(user), connection.vendor
    )
    values = {
        "assessment": assessment.pk,
        "team": assessment.team_id,
        "model": assessment.model_id,
        "organization": assessment.team.organization_id,
        "user": user.pk,
        "submitted_by": assessment.submitted_by_id,
        "theme_chosen_by": assessment.theme_chosen_by_id,
        "created_by": assessment.created_by_id,
        "year": assessment.year,
        "quarter": assessment.quarter,
    }
    assert [tuple(row) for row in report_cache._run(statements[1], values)] == people
    (row,) = report_cache._run(statements[0], values)
    got = dict(zip(statements[0].columns, row, strict=True))
    for name, value in expected.items():
        if name.endswith("_at"):
            assert report_cache._as_time(got[name]) == value, name
        else:
            assert got[name] == value, name


def test_clear_report_cache_forgets_every_page_and_pdf(lead, report, renders, pdf_renders):
    get(lead, page_url(report))
    get(lead, pdf_url(report))
    call_command("clear_report_cache", stdout=io.StringIO())
    get(lead, page_url(report))
    get(lead, pdf_url(report))
    assert renders.call_count == 2 and pdf_renders.call_count == 2
