"""Named people and shared set-up. Objects are looked up by natural key, never by hard-coded pk."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.services import answers_save, assessment_start, assessment_submit
from catalogue.models import MaturityModel, Question
from catalogue.selectors import forget_model_structures
from organizations.models import Organization, Team

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def language_reset():
    """Each test starts in the source language. A request the test client made in German
    leaves German active in the thread (LocaleMiddleware activates, nothing deactivates)."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def cold_structure_cache():
    """Each test starts without model structures in memory, as a freshly started worker."""
    forget_model_structures()
    yield
    forget_model_structures()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Each test database starts with the v0 model installed, as `make run` leaves it: loaded
    once per test process, and kept by every test's rollback (transactional tests, which empty
    the database, load it again through model_v0_tx)."""
    with django_db_blocker.unblock():
        call_command("install_model", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def model_v0(db) -> MaturityModel:
    return MaturityModel.objects.get_by_natural_key("customer-onboarding", "v0")


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com", **extra
    )


@pytest.fixture
def acme(db) -> Organization:
    return Organization.objects.create(name="Acme Corp", slug="acme")


@pytest.fixture
def globex(db) -> Organization:
    return Organization.objects.create(name="Globex", slug="globex")


@pytest.fixture
def team_a(acme) -> Team:
    return Team.objects.create(organization=acme, name="Enterprise Onboarding", slug="enterprise")


@pytest.fixture
def team_b(acme) -> Team:
    return Team.objects.create(organization=acme, name="SMB Onboarding", slug="smb")


@pytest.fixture
def team_g(globex) -> Team:
    return Team.objects.create(organization=globex, name="Globex Onboarding", slug="onboarding")


@pytest.fixture
def lead_a(team_a):
    user = make_user("lead_a", first_name="Alex", last_name="Lead")
    team_a.leads.add(user)
    return user


@pytest.fixture
def lead_b(team_b):
    user = make_user("lead_b", first_name="Blair", last_name="Lead")
    team_b.leads.add(user)
    return user


@pytest.fixture
def consultant(acme):
    user = make_user("consultant", first_name="Casey", last_name="Consultant")
    acme.consultants.add(user)
    return user


@pytest.fixture
def outside_consultant(globex):
    user = make_user("outsider", first_name="Oli", last_name="Outsider")
    globex.consultants.add(user)
    return user


@pytest.fixture
def admin_user(db):
    return make_user("admin", is_staff=True, is_superuser=True)


def embedded_json(response, element_id: str):
    """The JSON a page embeds with json_script, parsed once as the page's script does."""
    html = response.content.decode()
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no #{element_id} script in the page"
    return json.loads(match.group(1))


def questions_of(model: MaturityModel) -> list[Question]:
    return list(Question.objects.filter(dimension__model=model).select_related("dimension"))


def fill(assessment: Assessment, scores: dict[str, int] | int, notes: dict[str, str] | None = None):
    """Answer every question: one score for all, or a score per question code."""
    notes = notes or {}
    answers = {}
    for question in questions_of(assessment.model):
        score = scores if isinstance(scores, int) else scores[question.code]
        answers[question] = (score, notes.get(question.code, ""))
    answers_save(assessment=assessment, answers=answers)


def submit(
    team: Team,
    user,
    quarter: Quarter,
    scores: dict[str, int] | int,
    notes: dict[str, str] | None = None,
) -> Assessment:
    """Start, fill and submit a team's quarter, the way the wizard does."""
    assessment, _ = assessment_start(team=team, period=quarter, user=user)
    fill(assessment, scores, notes)
    return assessment_submit(assessment=assessment, user=user)


@pytest.fixture
def submitted_assessment(model_v0, team_a, lead_a) -> Assessment:
    return submit(team_a, lead_a, Quarter(2026, 3), 3)


@pytest.fixture
def model_v0_tx(transactional_db) -> MaturityModel:
    call_command("install_model", verbosity=0, stdout=io.StringIO())  # with its recommendations
    return MaturityModel.objects.get_by_natural_key("customer-onboarding", "v0")


class _FormReader(HTMLParser):
    """The fields a browser would submit from one form of a page, as the page renders them."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"radio", "checkbox"}:
                if "checked" in attrs:
                    self.fields[attrs["name"]] = attrs.get("value", "on")
                return
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.setdefault(self._select, None)
        elif (
            tag == "option"
            and self._select
            and (self.fields[self._select] is None or "selected" in attrs)
        ):
            self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            if self._textarea and self.fields[self._textarea].startswith("\n"):
                self.fields[self._textarea] = self.fields[self._textarea][1:]  # as browsers do
            self._textarea = None
        elif tag == "select":
            self._select = None


def page_form(response, form_id: str = "wizard-form") -> dict[str, str]:
    """What submitting the page's form sends, before the person changes anything."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.fields, f"no form #{form_id} on the page"
    return {name: value for name, value in reader.fields.items() if value is not None}


RACE_WAIT = 30  # seconds: only an upper bound for a stuck thread, never a pause


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released together (real concurrent clients); each thread
    closes its own database connection. Their results, in order; any error fails the test."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=RACE_WAIT)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_WAIT)
    assert not any(thread.is_alive() for thread in threads), "a call never finished"
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == [], errors
    return results
