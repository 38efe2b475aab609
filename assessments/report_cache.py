"""A submitted assessment's report page and PDF, served from a cache and revalidated with
ETag and Last-Modified, as long as nothing they are made of has changed.

What they are made of is summed up by `report_version`: one aggregate query (each input's
newest change and row count, and the viewer's role) and one query for the names of the people
the report may print. Its digest covers:

- the assessment's own row (context, theme, submission) and its answers' last change;
- its respondents (names shown to the people who manage the team, removals);
- the model version's `structure_version` (every wording, band or scale change bumps it)
  and its recommended actions;
- the team's targets, outcome figures, and every submitted quarter up to this one with its
  actions (the comparison, the verdict on the last theme, the PDF's trend);
- the peer benchmark's stored rows, the firm profile, the client's name, logo and opt-out;
- the people of the organization (the action forms offer them as owners; names are printed);
- the language and the code version (`code_version`).

The page caches the blocks of report.html (title, head, content, scripts) per digest and the
viewer's role (`manages`: who may change the plan and see names); the navbar and messages are
rendered for each request around them. The JSON export caches its bytes per digest and
role. The plan forms' markup is person-independent but for
the CSRF token: the cached copy holds a placeholder, replaced with the requester's own token
on every response, so a token is never stored. The PDF caches its bytes per digest, page
size, the "prepared by" name, whether names are shown, and the day ("prepared on").

A request whose validators match gets a 304 before any rendering. Submitted reports answer
`Cache-Control: private, no-cache` (the browser may keep its own copy but asks every time;
no shared cache may keep it); drafts are never cached and keep `private, no-store`.
Clear the cache with `manage.py clear_report_cache`.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib.metadata
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.db.models import Exists, F, Func, Q
from django.db.models.expressions import Subquery
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.safestring import mark_safe

from assessments.models import Answer, Assessment, Respondent
from assessments.plan_models import Action, DimensionTarget, OutcomeMetrics
from assessments.workspace_models import PeerBenchmark
from catalogue.models import Band, Dimension, MaturityModel, Question, Recommendation, ScaleLevel
from organizations import selectors as scope
from organizations.models import FirmProfile, Team

CACHE_ALIAS = "reports"
CSRF_PLACEHOLDER = "report-cache-csrf-placeholder"
PAGE_BLOCKS = ("title", "head", "content", "scripts")  # every block of base.html
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

# The app's own code and the packages whose output lands in a page or a PDF.
CODE_DIRS = (
    *("assessments", "catalogue", "organizations", "maturity", "accounts"),
    *("templates", "static", "locale"),  # locale: the translations a page is rendered with
)
CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".png", ".jpg", ".woff2", ".json", ".po"}
CODE_FILES = ("package-lock.json", "pyproject.toml")
CODE_PACKAGES = ("django", "weasyprint", "pydyf", "plotly", "django-crispy-forms")


# --- The code version ------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeVersion:
    digest: str
    changed_at: datetime.datetime  # the newest source file's mtime


def code_version() -> CodeVersion:
    """What the deployed code is: DJANGO_CODE_VERSION when set (a release id), else a digest of
    the app's source, templates and static files (their bytes, so every server of one release
    agrees) and the versions of the packages that render. Computed once per process; under
    DEBUG on every call, since runserver does not restart when a template changes."""
    if settings.DEBUG:
        return _scan_code()
    return _code_version_once()


@cache
def _code_version_once() -> CodeVersion:
    return _scan_code()


def _scan_code() -> CodeVersion:
    release = os.environ.get("DJANGO_CODE_VERSION", "").strip()
    if release:
        return CodeVersion(digest=release, changed_at=EPOCH)
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    newest = 0.0
    paths = [base / name for name in CODE_FILES if (base / name).is_file()]
    for folder in CODE_DIRS:
        paths.extend(
            p for p in (base / folder).rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()
        )
    for path in sorted(paths):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
        newest = max(newest, path.stat().st_mtime)
    for package in CODE_PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    changed_at = datetime.datetime.fromtimestamp(newest, tz=datetime.UTC) if newest else EPOCH
    return CodeVersion(digest=digest.hexdigest()[:16], changed_at=changed_at)


# --- The report's version: every input, in two queries ---------------------------------------


@dataclass(frozen=True)
class ReportVersion:
    assessment: Assessment
    digest: str  # changes whenever anything the page or the PDF shows may have changed
    last_modified: datetime.datetime  # the newest recorded change among the inputs
    manages: bool  # the viewer may change the plan (and see names, unless anonymous)

    @property
    def shows_names(self) -> bool:
        """views._shows_names for a submitted assessment, from the same query."""
        return self.manages and not self.assessment.anonymous_responses


def _newest(queryset, field: str) -> Subquery:
    """MAX(field) over the rows: a plain function, not an aggregate, so no GROUP BY and
    always one row (NULL when there are none)."""
    return Subquery(queryset.order_by().annotate(v=Func(F(field), function="MAX")).values("v"))


def _count(queryset) -> Subquery:
    return Subquery(queryset.order_by().annotate(v=Func(F("pk"), function="COUNT")).values("v"))


def _sum(queryset, field: str) -> Subquery:
    return Subquery(queryset.order_by().annotate(v=Func(F(field), function="SUM")).values("v"))


def _inputs(assessment: Assessment, user) -> dict:
    """Each input as a scalar subquery: its rows' count and newest change."""
    team_id, model_id = assessment.team_id, assessment.model_id
    year, quarter = assessment.year, assessment.quarter
    up_to_now = Q(year__lt=year) | Q(year=year, quarter__lte=quarter)
    quarters = Assessment.objects.filter(
        up_to_now, team_id=team_id, status=Assessment.Status.SUBMITTED
    )
    actions = Action.objects.filter(assessment__in=quarters.values("pk"))
    answers = Answer.objects.filter(assessment_id=assessment.pk)
    respondents = Respondent.objects.filter(assessment_id=assessment.pk)
    targets = DimensionTarget.objects.filter(team_id=team_id)
    metrics = OutcomeMetrics.objects.filter(team_id=team_id)
    themes = Assessment.theme_questions.through.objects.filter(assessment_id=assessment.pk)
    benchmarks = PeerBenchmark.objects.filter(model_id=model_id)
    recommendations = Recommendation.objects.filter(model_id=model_id)
    firm = FirmProfile.objects.all()

    def history(model, **lookup) -> Subquery:
        return _newest(model.history.model.objects.filter(**lookup), "history_date")

    return {
        "answers": _count(answers),
        "answers_at": history(Answer, assessment_id=assessment.pk),
        "respondents": _count(respondents),
        "respondents_at": _newest(respondents, "created_at"),
        "respondents_removed_at": _newest(respondents.exclude(removed_at=None), "removed_at"),
        "respondents_submitted_at": _newest(respondents.exclude(submitted_at=None), "submitted_at"),
        "theme_questions": _count(themes),
        "theme_question_ids": _sum(themes, "question_id"),
        "targets": _count(targets),
        "targets_at": _newest(targets, "updated_at"),
        "metrics": _count(metrics),
        "metrics_at": _newest(metrics, "updated_at"),
        "quarters": _count(quarters),
        "quarters_at": _newest(quarters, "updated_at"),
        "quarters_submitted_at": _newest(quarters, "submitted_at"),
        "actions": _count(actions),
        "actions_at": _newest(actions, "updated_at"),
        "benchmarks": _count(benchmarks),
        "benchmarks_at": _newest(benchmarks, "computed_at"),
        "recommendations": _count(recommendations),
        "recommendations_at": history(Recommendation, model_id=model_id),
        "firm": _count(firm),
        "firm_at": _newest(firm, "updated_at"),
        # structure_version is the catalogue's own mark; these give it a time (Last-Modified).
        "model_at": history(MaturityModel, id=model_id),
        "dimensions_at": history(Dimension, model_id=model_id),
        "questions_at": history(Question, dimension__model_id=model_id),
        "bands_at": history(Band, model_id=model_id),
        "scale_at": history(ScaleLevel, model_id=model_id),
        "manages": Exists(scope.teams_visible_to(user).filter(pk=team_id)),
    }


def _people(assessment: Assessment):
    """Everyone whose name the report may print or offer: team_answers.people_of, plus who
    submitted, chose the theme and owns an action (an admin, say)."""
    owners = Action.objects.filter(assessment__team_id=assessment.team_id).values("owner_id")
    named = [assessment.submitted_by_id, assessment.theme_chosen_by_id, assessment.created_by_id]
    return (
        get_user_model()
        .objects.filter(
            Q(led_teams__organization_id=assessment.team.organization_id)
            | Q(client_organizations=assessment.team.organization_id)
            | Q(responses__assessment__team__organization_id=assessment.team.organization_id)
            | Q(pk__in=named)
            | Q(pk__in=owners)
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", "username", "first_name", "last_name", "is_active")
    )


# Building thirty subqueries through the ORM costs more than running them (about 20 ms against
# 0.2 ms), so each statement is built once per process with these stand-ins for the values
# that vary, which are then swapped for the real ones among its parameters. A stand-in is a
# value no parameter of ours otherwise takes; small ones fit a PositiveSmallIntegerField.
_STAND_INS = {
    "assessment": 2_000_000_001,
    "team": 2_000_000_002,
    "model": 2_000_000_003,
    "organization": 2_000_000_004,
    "user": 2_000_000_005,
    "submitted_by": 2_000_000_006,
    "theme_chosen_by": 2_000_000_007,
    "created_by": 2_000_000_008,
    "year": 32_001,
    "quarter": 32_002,
}


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple  # stand-ins (swapped) and constants (kept)
    columns: tuple[str, ...]


def _stand_in_assessment() -> Assessment:
    s = _STAND_INS
    team = Team(pk=s["team"], organization_id=s["organization"])
    return Assessment(
        pk=s["assessment"],
        team=team,
        model_id=s["model"],
        year=s["year"],
        quarter=s["quarter"],
        submitted_by_id=s["submitted_by"],
        theme_chosen_by_id=s["theme_chosen_by"],
        created_by_id=s["created_by"],
    )


@cache
def _statements(sees_all: bool, vendor: str) -> tuple[_Statement, _Statement]:
    """The inputs' and the people's statements, for a viewer who sees every organization (an
    admin: no team filter) or not. Per database vendor, as the SQL is."""
    assessment = _stand_in_assessment()
    viewer = get_user_model()(pk=_STAND_INS["user"], is_staff=sees_all, is_superuser=sees_all)
    fields = {f"input_{name}": value for name, value in _inputs(assessment, viewer).items()}
    inputs = Assessment.objects.filter(pk=assessment.pk).annotate(**fields).values(*fields)
    people = _people(assessment)
    return tuple(
        _Statement(*query.query.sql_with_params(), columns=tuple(columns))
        for query, columns in ((inputs, fields), (people, range(5)))
    )


def _run(statement: _Statement, values: dict[str, int | None]) -> list[tuple]:
    swap = {_STAND_INS[name]: value for name, value in values.items()}
    params = [swap.get(p, p) if isinstance(p, int) else p for p in statement.params]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        return cursor.fetchall()


def _as_time(value) -> datetime.datetime | None:
    """A MAX(...) of a datetime column: SQLite hands back its text, in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def report_version(assessment: Assessment, user) -> ReportVersion:
    """The version of a submitted assessment's report as `user` sees it. Two queries.

    `assessment` comes with its team, organization and model version (selectors'
    reports_visible_to), read in the same request."""
    team, organization = assessment.team, assessment.team.organization
    inputs_statement, people_statement = _statements(
        scope.sees_all_organizations(user), connection.vendor
    )
    values = {
        "assessment": assessment.pk,
        "team": assessment.team_id,
        "model": assessment.model_id,
        "organization": team.organization_id,
        "user": user.pk,
        "submitted_by": assessment.submitted_by_id,
        "theme_chosen_by": assessment.theme_chosen_by_id,
        "created_by": assessment.created_by_id,
        "year": assessment.year,
        "quarter": assessment.quarter,
    }
    (found,) = _run(inputs_statement, values)
    inputs = dict(zip(inputs_statement.columns, found, strict=True))
    for name, value in inputs.items():
        if name.endswith("_at"):
            inputs[name] = _as_time(value)
    row = (
        assessment.pk,
        assessment.status,
        assessment.updated_at,
        assessment.submitted_at,
        assessment.anonymous_responses,
        assessment.company_stage,
        assessment.customer_segment,
        assessment.touch_model,
        assessment.onboarding_weeks,
        assessment.theme_dimension_id,
        assessment.theme_reason,
        assessment.theme_chosen_at,
        assessment.model.structure_version,
        assessment.model.version,
        team.name,
        organization.name,
        organization.slug,
        organization.logo.name,
        organization.benchmark_opt_out,
    )
    code = code_version()
    people = _run(people_statement, values)
    parts = (row, sorted(inputs.items()), people, translation.get_language(), code)
    times = [v for v in inputs.values() if isinstance(v, datetime.datetime)]
    times += [assessment.updated_at, assessment.submitted_at or EPOCH, code.changed_at]
    return ReportVersion(
        assessment=assessment,
        digest=hashlib.sha256(repr(parts).encode()).hexdigest(),
        last_modified=max(times),
        manages=bool(inputs["input_manages"]),
    )


# --- Validators: ETag, Last-Modified and the 304 ----------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One cached thing and its validators."""

    key: str  # the cache key
    etag: str  # the key and the person-specific parts of the response
    last_modified: datetime.datetime
    reusable: bool = True  # False: answer without validators (the response is one-off)


def _hash(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def page_variant(request: HttpRequest, version: ReportVersion) -> Variant:
    """The report page for this request: the cached part by digest and role; the ETag also
    by who is signed in (the navbar) and their session's CSRF secret (the page's forms carry a
    token of it, so a page from an earlier session is never revalidated)."""
    user = request.user
    get_token(request)  # the session's secret exists before the ETag names it
    secret = salted_hmac("report-cache-csrf", request.META.get("CSRF_COOKIE", "")).hexdigest()
    key = f"report:page:{version.digest}:{int(version.manages)}"
    person = (user.pk, user.get_full_name(), user.get_username(), user.is_staff)
    return Variant(
        key=key,
        etag=f'W/"{_hash(key, person, user.is_superuser, secret)}"',
        last_modified=max(version.last_modified, user.last_login or EPOCH),
        # A flash message shows once: that page must not be revalidated later.
        reusable=not len(messages.get_messages(request)),
    )


def pdf_variant(
    version: ReportVersion, *, show_names: bool, prepared_by: str, size: str
) -> tuple[Variant, datetime.date]:
    """The PDF for this request, and its "prepared on" day (part of what is printed)."""
    prepared_on = timezone.localdate()
    key = f"report:pdf:{_hash(version.digest, show_names, prepared_by, size, prepared_on)}"
    day = datetime.datetime.combine(prepared_on, datetime.time(), timezone.get_current_timezone())
    etag = f'W/"{key.rsplit(":", 1)[1]}"'
    return Variant(key, etag, max(version.last_modified, day)), prepared_on


def not_modified(request: HttpRequest, variant: Variant) -> HttpResponse | None:
    """A 304 (or 412) when the request's validators match; None to go on and respond."""
    if not variant.reusable:
        return None
    response = get_conditional_response(
        request, etag=variant.etag, last_modified=int(variant.last_modified.timestamp())
    )
    return with_validators(response, variant) if response is not None else None


def with_validators(response: HttpResponse, variant: Variant) -> HttpResponse:
    """ETag, Last-Modified and `private, no-cache`: the browser keeps it and asks each time."""
    if not variant.reusable:
        return response  # the privacy middleware makes it private, no-store
    response["ETag"] = variant.etag
    response["Last-Modified"] = http_date(variant.last_modified.timestamp())
    patch_cache_control(response, private=True, no_cache=True)
    return response


# --- The cached things ------------------------------------------------------------------------


def _cache():
    return caches[CACHE_ALIAS]


def cached_pdf(variant: Variant, render: Callable[[], bytes]) -> bytes:
    body = _cache().get(variant.key)
    if body is None:
        body = render()
        _cache().set(variant.key, body)
    return body


def _token_input(token: str) -> str:
    return f'name="csrfmiddlewaretoken" value="{token}"'


def _marker(block: str, end: bool = False) -> str:
    return f"<!--report-cache:{'/' if end else ''}{block}-->"


@cache
def _templates():
    engine = engines["django"]
    capture = engine.from_string(
        '{% extends "assessments/report.html" %}'
        + "".join(
            f"{{% block {b} %}}{_marker(b)}{{{{ block.super }}}}{_marker(b, True)}{{% endblock %}}"
            for b in PAGE_BLOCKS
        )
    )
    serve = engine.from_string(
        '{% extends "assessments/report.html" %}'
        + "".join(f"{{% block {b} %}}{{{{ cached.{b} }}}}{{% endblock %}}" for b in PAGE_BLOCKS)
    )
    return capture, serve


def cached_page(request: HttpRequest, variant: Variant, context: Callable[[], dict]) -> str:
    """The report page's HTML for this request: its blocks from the cache (rendered from
    `context()` on a miss, with a placeholder for the CSRF token), around a navbar and
    messages rendered now, and the requester's own token put in."""
    capture, serve = _templates()
    token = get_token(request)
    blocks = _cache().get(variant.key)
    if blocks is None:
        html = capture.render({**context(), "csrf_token": CSRF_PLACEHOLDER}, request)
        blocks = {b: html.split(_marker(b))[1].split(_marker(b, True))[0] for b in PAGE_BLOCKS}
        _cache().set(variant.key, blocks)
        for b in PAGE_BLOCKS:
            html = html.replace(_marker(b), "").replace(_marker(b, True), "")
    else:
        html = serve.render({"cached": {b: mark_safe(v) for b, v in blocks.items()}}, request)
    return html.replace(_token_input(CSRF_PLACEHOLDER), _token_input(token))


def cached_json(version: ReportVersion, render: Callable[[], bytes]) -> bytes:
    """The JSON export's bytes: per digest and the reader's role (who answered is named only
    to the people who manage the team, as on the page)."""
    key = f"report:json:{version.digest}:{int(version.manages)}"
    body = _cache().get(key)
    if body is None:
        body = render()
        _cache().set(key, body)
    return body


def clear() -> None:
    """Forget every cached report page and PDF (manage.py clear_report_cache)."""
    _cache().clear()
