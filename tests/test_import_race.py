"""Two uploads of the same file at the same moment: one imports it, the other is told it is
already imported (400, by line and column), never a 500. The same when an upload and a wizard
start of the same quarter race.

The uploads are real: signed-in test clients in threads, each with its own database connection.
On SQLite, IMMEDIATE transactions make the second import wait for the first to commit. On
PostgreSQL an import locks the organization it writes into, so a second import waits there,
then finds the first one's teams and assessments. A wizard start takes no such lock: it can
insert its draft between an import's check and its insert, and the one-assessment-per-period
constraint then stops the import, which must name the draft as an upload made afterwards would.
On PostgreSQL the start is made to land exactly there every round.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from assessments import imports
from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import AlreadySubmitted, assessment_start
from organizations.models import Organization, Team
from tests.conftest import at_once
from tests.test_import import CODES, HEADER, assessment_rows

ROUNDS = 6
WAIT = 30  # seconds: only an upper bound for a stuck thread, never a pause


@contextmanager
def start_between_check_and_insert():
    """On PostgreSQL, hold the import's insert until a wizard start, made after the import's
    check, has committed: yields the function the start thread runs its start through.

    SQLite runs one writing transaction at a time: the start waits for the import, or the
    import for the start, and nothing is held.
    """
    if connection.vendor == "sqlite":
        yield lambda start: start()
        return
    checked, started = threading.Event(), threading.Event()
    real_bulk_create = Assessment.objects.bulk_create

    def bulk_create(*args, **kwargs):
        checked.set()
        assert started.wait(timeout=WAIT)
        return real_bulk_create(*args, **kwargs)

    def after_the_check(start):
        assert checked.wait(timeout=WAIT)
        try:
            return start()
        finally:
            started.set()

    with mock.patch.object(Assessment.objects, "bulk_create", side_effect=bulk_create):
        yield after_the_check


def browsers_for(*people) -> list[Client]:
    browsers = []
    for person in people:
        browser = Client()
        browser.force_login(person)
        browsers.append(browser)
    return browsers


def upload(browser: Client, content: str, *, create_teams: bool = False):
    file = SimpleUploadedFile("answers.csv", content.encode(), content_type="text/csv")
    data = {"file": file, **({"create_teams": "on"} if create_teams else {})}
    return browser.post(reverse("assessments:import", args=["acme"]), data)


def one_imported_one_refused(responses, message: str) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 400], statuses
    (refused,) = [r for r in responses if r.status_code == 400]
    assert message in refused.content.decode()


def test_two_identical_uploads_at_once_import_once_and_refuse_once(
    model_v0_tx, acme, team_a, consultant, admin_user
):
    browsers = browsers_for(consultant, admin_user)
    for year in range(2030, 2030 + ROUNDS):
        content = HEADER + "".join(assessment_rows(org="Acme Corp", team=team_a.name, year=year))
        responses = at_once(*(lambda b=b, c=content: upload(b, c) for b in browsers))
        one_imported_one_refused(
            responses,
            f"Line 2, column <code>team</code>: {team_a.name} already has a {year} Q2 assessment",
        )
        (imported,) = Assessment.objects.filter(team=team_a, year=year)
        assert imported.answers.count() == len(CODES)
    assert Assessment.objects.count() == ROUNDS
    assert Answer.objects.count() == ROUNDS * len(CODES)


def test_two_identical_uploads_creating_the_same_team_at_once_make_one_team(
    model_v0_tx, acme, consultant, admin_user
):
    browsers = browsers_for(consultant, admin_user)
    for n in range(ROUNDS):
        name = f"Renewals {n}"
        content = HEADER + "".join(assessment_rows(org="Acme Corp", team=name))
        responses = at_once(
            *(lambda b=b, c=content: upload(b, c, create_teams=True) for b in browsers)
        )
        one_imported_one_refused(responses, f"{name} already has a 2026 Q2 assessment")
        (team,) = Team.objects.filter(organization=acme, name=name)
        assert team.assessments.get().answers.count() == len(CODES)
    assert Assessment.objects.count() == ROUNDS


def test_an_upload_and_a_wizard_start_of_the_same_quarter_at_once_never_give_a_500(
    model_v0_tx, acme, team_a, consultant, lead_a
):
    (browser,) = browsers_for(consultant)
    outcomes = []
    for year in range(2030, 2030 + ROUNDS):
        content = HEADER + "".join(assessment_rows(org="Acme Corp", team=team_a.name, year=year))

        def start(y=year):
            try:
                return assessment_start(team=team_a, period=Quarter(y, 2), user=lead_a)
            except AlreadySubmitted as refusal:
                return "refused", refusal  # returned, not raised: at_once fails on an error

        with start_between_check_and_insert() as run_start:
            response, started = at_once(
                lambda c=content: upload(browser, c), lambda s=start: run_start(s)
            )
        (only,) = Assessment.objects.filter(team=team_a, year=year)
        if response.status_code == 302:  # the import went first: the start finds it submitted
            assert only.is_submitted and started[0] == "refused"
            assert isinstance(started[1], AlreadySubmitted)
            outcomes.append("imported")
        else:
            assert response.status_code == 400
            assert f"{team_a.name} already has a {year} Q2 assessment" in response.content.decode()
            assert started == (only, True) and not only.is_submitted
            outcomes.append("refused")
    if connection.vendor != "sqlite":
        assert outcomes == ["refused"] * ROUNDS  # the start landed between check and insert


def test_an_import_that_loses_the_race_to_insert_names_the_winners_assessment(
    client, consultant, model_v0, acme, team_a
):
    """Deterministic on every database: the check saw nothing, then another import's rows were
    there when this one inserted."""
    content = HEADER + "".join(assessment_rows(org="Acme Corp", team=team_a.name))
    client.force_login(consultant)
    assert upload(client, content).status_code == 302
    real_taken = imports._taken_periods
    looks = []

    def taken_a_moment_before_the_winner_committed(*args, **kwargs):
        looks.append(1)
        return set() if len(looks) == 1 else real_taken(*args, **kwargs)

    with mock.patch.object(imports, "_taken_periods", taken_a_moment_before_the_winner_committed):
        response = upload(client, content)
    assert len(looks) == 2  # the insert failed on the constraint; the second look found it
    assert response.status_code == 400
    assert (
        f"Line 2, column <code>team</code>: {team_a.name} already has a 2026 Q2 assessment"
        in response.content.decode()
    )
    assert Assessment.objects.count() == 1 and Answer.objects.count() == len(CODES)


@contextmanager
def lock_waits_of(milliseconds: int):
    """This thread's connection waits at most this long for a lock (the settings say 10-20 s)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        connection.connection.execute(f"PRAGMA busy_timeout = {milliseconds}")
        try:
            yield
        finally:
            connection.connection.execute("PRAGMA busy_timeout = 20000")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{milliseconds}ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


def test_an_upload_kept_waiting_too_long_by_another_import_is_told_to_send_it_again(
    model_v0_tx, acme, team_a, consultant
):
    (browser,) = browsers_for(consultant)
    holding, release = threading.Event(), threading.Event()

    def hold_the_organization_as_an_import_does():
        try:
            with transaction.atomic():  # on SQLite this takes the database's write lock
                Organization.objects.select_for_update().get(pk=acme.pk)
                holding.set()
                release.wait(timeout=WAIT)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_organization_as_an_import_does)
    holder.start()
    try:
        assert holding.wait(timeout=WAIT)
        content = HEADER + "".join(assessment_rows(org="Acme Corp", team=team_a.name))
        with lock_waits_of(200):
            response = upload(browser, content)
    finally:
        release.set()
        holder.join(timeout=WAIT)
    assert not holder.is_alive()
    assert response.status_code == 503
    assert (
        "Another import into the same organization was still being saved, so nothing was "
        "imported. Send the file again in a minute." in response.content.decode()
    )
    assert not Assessment.objects.exists()
