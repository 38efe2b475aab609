"""Two people start the same team's quarter at the same moment: one assessment, shared by both.

The threads are real, each with its own database connection. On SQLite, IMMEDIATE transactions
make the second start wait for the first to commit, so it finds the new draft. On PostgreSQL
both transactions run side by side: both may see no draft and both insert; the unique
constraint stops the second insert, and assessment_start must then return the first one's row.
To make that worst case happen every round rather than now and then, on databases that run
the two transactions side by side both threads meet just before their insert.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from unittest import mock

from django.db import connection
from django.db.models.query import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import at_once

ROUNDS = 10
WAIT = 30  # seconds: only an upper bound for a stuck thread, never a pause


@contextmanager
def both_past_the_check(parties: int = 2):
    """Where both transactions run side by side, hold each insert until every caller is there.

    Both have then looked for an existing draft and found none: the race at its worst. SQLite
    runs one writing transaction at a time, so there the second caller cannot get this far
    before the first commits; waiting for it would only stall the first.
    """
    if connection.vendor == "sqlite":
        yield
        return
    rendezvous = threading.Barrier(parties)
    real_create = Assessment.objects.create

    def create(**fields):
        rendezvous.wait(timeout=WAIT)
        return real_create(**fields)

    with mock.patch.object(Assessment.objects, "create", side_effect=create):
        yield


def test_two_simultaneous_starts_make_one_assessment_for_both(
    model_v0_tx, team_a, lead_a, consultant
):
    quarter = Quarter(2024, 1)
    for _ in range(ROUNDS):
        with both_past_the_check():
            results = at_once(
                lambda q=quarter: assessment_start(team=team_a, period=q, user=lead_a),
                lambda q=quarter: assessment_start(team=team_a, period=q, user=consultant),
            )
        rows = Assessment.objects.filter(team=team_a, year=quarter.year, quarter=quarter.quarter)
        assert rows.count() == 1, f"{quarter}: {rows.count()} assessments"
        (first, first_created), (second, second_created) = results
        assert first.pk == second.pk == rows.get().pk
        assert sorted([first_created, second_created]) == [False, True]
        assert rows.get().status == Assessment.Status.DRAFT
        quarter = quarter.next()
    assert Assessment.objects.count() == ROUNDS


def test_two_simultaneous_start_pages_lead_both_people_to_the_same_draft(
    model_v0_tx, team_a, team_b, consultant, admin_user
):
    browsers = []
    for person in (consultant, admin_user):
        browser = Client()
        browser.force_login(person)
        browsers.append(browser)
    today = Quarter.containing(timezone.localdate())
    quarters = [today]
    while len(quarters) < ROUNDS // 2:  # the start page offers this quarter and earlier ones
        quarters.append(quarters[-1].previous())
    for team in (team_a, team_b):
        for quarter in quarters:
            body = {"team": team.pk, "period": quarter.key}
            with both_past_the_check():
                responses = at_once(
                    *(
                        lambda b=browser, data=body: b.post(reverse("assessments:new"), data)
                        for browser in browsers
                    )
                )
            (started,) = Assessment.objects.filter(
                team=team, year=quarter.year, quarter=quarter.quarter
            )
            step_one = reverse("assessments:step", args=[started.pk, 1])
            assert [(r.status_code, r["Location"]) for r in responses] == [(302, step_one)] * 2
    assert Assessment.objects.count() == 2 * len(quarters)


def test_a_start_that_loses_the_race_to_insert_uses_the_winners_draft(
    model_v0, team_a, lead_a, consultant
):
    """Deterministic on every database: the check saw no draft, then someone else's appeared."""
    winner, created = assessment_start(team=team_a, period=Quarter(2026, 1), user=consultant)
    assert created
    real_first = QuerySet.first

    def first_missing_the_winner(queryset):
        if queryset.model is Assessment:
            return None  # looked a moment before the winner committed
        return real_first(queryset)

    with mock.patch.object(QuerySet, "first", first_missing_the_winner):
        loser, created = assessment_start(team=team_a, period=Quarter(2026, 1), user=lead_a)

    assert (loser.pk, created) == (winner.pk, False)
    assert Assessment.objects.filter(team=team_a).count() == 1
    assert Assessment.objects.get().created_by == consultant
