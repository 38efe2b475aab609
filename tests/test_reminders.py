"""manage.py send_reminders: who is reminded when, and that nothing is sent twice."""

from __future__ import annotations

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import reminders
from assessments.models import Action, ReminderSent
from assessments.periods import Quarter
from assessments.services import assessment_start
from tests.conftest import make_user, submit

Q3 = Quarter(2026, 3)  # begins on Wednesday 1 July 2026
DAY_20 = "2026-07-21"  # the quarter is 20 days old
DAY_21 = "2026-07-22"
EARLY = datetime.date(2026, 7, 6)  # too early in the quarter for quarter reminders


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_AFTER_DAYS = 21
    settings.SITE_URL = "https://maturity.example.com"


@pytest.fixture
def plan(submitted_assessment):
    """The plan of team_a's submitted 2026 Q3, to hang actions on."""
    return submitted_assessment


def action(plan, owner, due: datetime.date | None, status=Action.Status.PLANNED, **extra):
    return Action.objects.create(
        assessment=plan,
        title=f"Action due {due}",
        owner=owner,
        due_date=due,
        status=status,
        **extra,
    )


# The quarter reminder


def test_leads_are_reminded_once_the_quarter_is_n_days_old_and_not_the_day_before(
    model_v0, team_a, team_b, lead_a, lead_b
):
    assert "Sent 0 reminders" in run("--today", DAY_20)
    assert mail.outbox == []

    output = run("--today", DAY_21)

    assert "Sent 2 reminders: 2 quarter, 0 action; 0 already sent" in output
    assert recipients() == ["lead_a@example.com", "lead_b@example.com"]
    to_a = next(message for message in mail.outbox if message.to == ["lead_a@example.com"])
    assert "2026 Q3" in to_a.subject and "Enterprise Onboarding" in to_a.subject
    assert "Hello Alex Lead" in to_a.body
    assert f"https://maturity.example.com/assessments/new/?team={team_a.pk}" in to_a.body


def test_the_setting_decides_which_day_the_quarter_reminder_starts(
    settings, model_v0, team_a, lead_a
):
    settings.REMINDER_AFTER_DAYS = 5
    run("--today", "2026-07-05")  # 4 days old
    assert mail.outbox == []
    run("--today", "2026-07-06")
    assert recipients() == ["lead_a@example.com"]


def test_a_team_that_submitted_the_quarter_is_not_reminded(
    model_v0, team_a, team_b, lead_a, lead_b
):
    submit(team_a, lead_a, Q3, 3)
    submit(team_b, lead_b, Q3.previous(), 3)  # last quarter's submission does not count

    run("--today", DAY_21)

    assert recipients() == ["lead_b@example.com"]


def test_a_draft_does_not_count_as_submitted(model_v0, team_a, lead_a):
    assessment_start(team=team_a, period=Q3, user=lead_a)

    run("--today", DAY_21)

    assert recipients() == ["lead_a@example.com"]


def test_every_lead_with_an_address_is_reminded_and_no_one_else(model_v0, team_a, lead_a):
    second = make_user("second_lead")
    no_address = make_user("no_address")
    no_address.email = ""
    no_address.save()
    gone = make_user("gone", is_active=False)
    team_a.leads.add(second, no_address, gone)

    output = run("--today", DAY_21)

    assert recipients() == ["lead_a@example.com", "second_lead@example.com"]
    assert "2 quarter" in output
    assert set(ReminderSent.objects.values_list("recipient", flat=True)) == {
        "lead_a@example.com",
        "second_lead@example.com",
    }


def test_the_next_quarter_reminds_again(model_v0, team_a, lead_a):
    run("--today", DAY_21)
    run("--today", "2026-10-22")  # 2026 Q4, 21 days in

    assert recipients() == ["lead_a@example.com", "lead_a@example.com"]
    assert sorted(ReminderSent.objects.values_list("key", flat=True)) == [
        f"{team_a.pk}:2026Q3",
        f"{team_a.pk}:2026Q4",
    ]


# The action reminder


@pytest.mark.parametrize(
    ("days_ahead", "reminded"),
    [(-1, False), (0, True), (1, True), (7, True), (8, False)],
)
def test_an_action_is_reminded_of_from_seven_days_before_it_is_due_until_the_day(
    plan, days_ahead, reminded
):
    owner = make_user("owner")
    action(plan, owner, EARLY + datetime.timedelta(days=days_ahead))

    run("--today", EARLY.isoformat())

    assert recipients() == (["owner@example.com"] if reminded else [])


def test_only_open_actions_are_reminded_of(plan):
    owner = make_user("owner")
    due = EARLY + datetime.timedelta(days=3)
    doing = action(plan, owner, due, status=Action.Status.DOING)
    action(plan, owner, due, status=Action.Status.DONE)
    action(plan, owner, due, status=Action.Status.DROPPED)
    planned = action(plan, owner, due, status=Action.Status.PLANNED)

    output = run("--today", EARLY.isoformat())

    assert "Sent 2 reminders: 0 quarter, 2 action" in output
    assert sorted(ReminderSent.objects.values_list("key", flat=True)) == sorted(
        [f"{doing.pk}:2026-07-09", f"{planned.pk}:2026-07-09"]
    )


def test_only_owners_with_an_address_are_reminded(plan):
    due = EARLY + datetime.timedelta(days=2)
    no_address = make_user("no_address")
    no_address.email = ""
    no_address.save()
    action(plan, no_address, due)
    action(plan, None, due, owner_name="Someone without an account")
    action(plan, make_user("gone", is_active=False), due)
    action(plan, None, None)
    action(plan, make_user("owner"), due)

    run("--today", EARLY.isoformat())

    assert recipients() == ["owner@example.com"]


def test_the_action_mail_names_the_action_and_links_to_the_plan(plan):
    action(plan, make_user("owner", first_name="Olive", last_name="Owner"), EARLY)

    run("--today", EARLY.isoformat())

    (message,) = mail.outbox
    assert message.subject == "Due today: Action due 2026-07-06"
    assert "Hello Olive Owner" in message.body
    assert f"https://maturity.example.com/assessments/{plan.pk}/#plan" in message.body


def test_a_moved_due_date_reminds_again(plan):
    owner = make_user("owner")
    moved = action(plan, owner, EARLY + datetime.timedelta(days=1))
    run("--today", EARLY.isoformat())

    moved.due_date = EARLY + datetime.timedelta(days=5)
    moved.save()
    run("--today", EARLY.isoformat())

    assert recipients() == ["owner@example.com", "owner@example.com"]


# Once only, dry runs, refusals


def test_running_twice_sends_nothing_the_second_time(model_v0, team_a, team_b, lead_a, lead_b):
    submitted = submit(team_a, lead_a, Q3.previous(), 3)
    action(submitted, make_user("owner"), datetime.date(2026, 7, 25))

    first = run("--today", DAY_21)
    second = run("--today", DAY_21)

    assert "Sent 3 reminders: 2 quarter, 1 action; 0 already sent" in first
    assert "Sent 0 reminders: 0 quarter, 0 action; 3 already sent" in second
    assert len(mail.outbox) == 3
    assert ReminderSent.objects.count() == 3


def test_a_dry_run_sends_and_records_nothing(model_v0, team_a, lead_a, plan):
    action(plan, make_user("owner"), datetime.date(2026, 7, 25))

    output = run("--dry-run", "--today", DAY_21)

    assert mail.outbox == []
    assert ReminderSent.objects.count() == 0
    assert "Would send action reminder to owner@example.com" in output
    assert "Dry run: would send 1 reminder; 0 already sent" in output
    assert "Sent 1 reminder: 0 quarter, 1 action" in run("--today", DAY_21)


def test_a_dry_run_leaves_out_what_was_already_sent(model_v0, team_a, lead_a):
    run("--today", DAY_21)

    output = run("--dry-run", "--today", DAY_21)

    assert "Would send" not in output
    assert "would send 0 reminders; 1 already sent" in output


def test_a_refused_mail_is_not_recorded_and_goes_out_on_the_next_run(
    monkeypatch, model_v0, team_a, lead_a
):
    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"lead_a@example.com": (550, b"No thanks")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(CommandError, match="next run tries them again"):
        run("--today", DAY_21)
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 0

    monkeypatch.undo()
    output = run("--today", DAY_21)

    assert "Sent 1 reminder: 1 quarter, 0 action; 0 already sent" in output
    assert recipients() == ["lead_a@example.com"]
    assert ReminderSent.objects.count() == 1


def test_a_run_that_loses_the_race_to_another_sends_nothing(monkeypatch, model_v0, team_a, lead_a):
    # Another run records the reminder after this one looked: the unique constraint stops it.
    ReminderSent.objects.create(kind="quarter", key=f"{team_a.pk}:2026Q3", recipient=lead_a.email)
    monkeypatch.setattr(reminders, "_recorded", lambda reminder: False)

    output = run("--today", DAY_21)

    assert "Sent 0 reminders: 0 quarter, 0 action; 1 already sent" in output
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 1


def test_today_must_be_a_date(db):
    with pytest.raises(CommandError, match="date like"):
        run("--today", "22/07/2026")
