"""Reminder e-mails (`manage.py send_reminders`): leads of teams that have not submitted the
current quarter once it is some days old, and owners of open actions due within a week. Every
mail sent is recorded in ReminderSent, so running the command again sends nothing twice."""

from __future__ import annotations

import datetime
import smtplib
from collections import Counter
from dataclasses import dataclass, field

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from assessments.models import Action, Assessment, ReminderSent
from assessments.periods import Quarter
from assessments.recipient_language import language_of, languages_for
from organizations.models import Team

logger = structlog.get_logger(__name__)

QUARTER = "quarter"
ACTION = "action"
ACTION_WINDOW_DAYS = 7  # an action is reminded of when due today up to this many days ahead


@dataclass(frozen=True)
class Reminder:
    """One e-mail to one person. (kind, key, recipient) is what ReminderSent keeps unique."""

    kind: str
    key: str
    recipient: str
    template: str  # emails/<template>_subject.txt and _body.txt
    context: dict = field(hash=False, compare=False)
    about: str = ""  # one line for the command's output
    language: str = ""  # the recipient's; "" for the site's default (settings.LANGUAGE_CODE)

    def render(self) -> tuple[str, str]:
        with translation.override(self.language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"emails/{self.template}_subject.txt", self.context)
            body = render_to_string(f"emails/{self.template}_body.txt", self.context)
        return " ".join(subject.split()), body


@dataclass
class Outcome:
    sent: Counter = field(default_factory=Counter)  # by kind
    already: int = 0
    failed: list[Reminder] = field(default_factory=list)
    planned: list[Reminder] = field(default_factory=list)  # a dry run's would-be mails

    @property
    def summary(self) -> str:
        total = sum(self.sent.values())
        line = (
            f"Sent {total} reminder{'' if total == 1 else 's'}: "
            f"{self.sent[QUARTER]} quarter, {self.sent[ACTION]} action; "
            f"{self.already} already sent"
        )
        if self.failed:
            line += f"; {len(self.failed)} refused by the mail server, to retry on the next run"
        return line


def quarter_age(today: datetime.date) -> int:
    """Days since the current quarter began: 0 on its first day."""
    return (today - Quarter.containing(today).first_day).days


def quarter_reminders(today: datetime.date, after_days: int) -> list[Reminder]:
    """Leads (active, with an e-mail address) of every team with no submitted assessment for
    the quarter containing today, once that quarter is at least `after_days` days old."""
    if quarter_age(today) < after_days:
        return []
    quarter = Quarter.containing(today)
    submitted = Assessment.objects.filter(
        year=quarter.year, quarter=quarter.quarter, status=Assessment.Status.SUBMITTED
    ).values("team_id")
    teams = (
        Team.objects.exclude(pk__in=submitted)
        .select_related("organization")
        .prefetch_related("leads")
        .order_by("organization__name", "name")
    )
    link = settings.SITE_URL + reverse("assessments:new")
    teams = list(teams)
    languages = languages_for(lead.pk for team in teams for lead in team.leads.all())
    reminders = []
    for team in teams:
        for lead in _reachable(team.leads.all()):
            reminders.append(
                Reminder(
                    kind=QUARTER,
                    key=f"{team.pk}:{quarter.key}",
                    recipient=lead.email,
                    template="reminder_quarter",
                    context={
                        "name": lead.get_full_name() or lead.get_username(),
                        "team": team,
                        "quarter": quarter,
                        "link": f"{link}?team={team.pk}",
                    },
                    about=f"{team.organization.name} / {team.name}, {quarter.label}",
                    language=language_of(languages, lead.pk),
                )
            )
    return reminders


def action_reminders(today: datetime.date) -> list[Reminder]:
    """Owners (active, with an e-mail address) of planned or doing actions due from today to
    ACTION_WINDOW_DAYS days ahead, both days included. The due date is part of the key, so an
    action whose date moves is reminded of again."""
    actions = (
        Action.objects.filter(
            status__in=[Action.Status.PLANNED, Action.Status.DOING],
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=ACTION_WINDOW_DAYS),
            owner__isnull=False,
        )
        .select_related("owner", "assessment__team__organization")
        .order_by("due_date", "pk")
    )
    actions = list(actions)
    languages = languages_for(action.owner_id for action in actions)
    reminders = []
    for action in actions:
        if not _reachable([action.owner]):
            continue
        assessment = action.assessment
        reminders.append(
            Reminder(
                kind=ACTION,
                key=f"{action.pk}:{action.due_date.isoformat()}",
                recipient=action.owner.email,
                template="reminder_action",
                context={
                    "name": action.owner_label,
                    "action": action,
                    "team": assessment.team,
                    "days_left": (action.due_date - today).days,
                    "link": settings.SITE_URL
                    + reverse("assessments:report", args=[assessment.pk])
                    + "#plan",
                },
                about=f"{action.title!r} due {action.due_date.isoformat()}",
                language=language_of(languages, action.owner_id),
            )
        )
    return reminders


def reminders_send(
    *, today: datetime.date, after_days: int | None = None, dry_run: bool = False
) -> Outcome:
    """Send every reminder due on `today` that was not sent before. A dry run sends and
    records nothing and lists what it would send in `planned`."""
    if after_days is None:
        after_days = settings.REMINDER_AFTER_DAYS
    outcome = Outcome()
    for reminder in quarter_reminders(today, after_days) + action_reminders(today):
        if _recorded(reminder):
            outcome.already += 1
        elif dry_run:
            outcome.planned.append(reminder)
        else:
            _deliver(reminder, outcome)
    return outcome


def _deliver(reminder: Reminder, outcome: Outcome) -> None:
    # The record is written first and the mail sent inside the same transaction. A mail the
    # server refuses raises out of the block, so the record is rolled back and the next run
    # tries again. A second run at the same moment meets the first one's row on the unique
    # constraint: it waits for that transaction to end and then gets IntegrityError (the mail
    # went out) or goes ahead (it was refused), so two runs never both send. Sending first and
    # recording after would let two runs both send before either records. What is left: the
    # server accepts the mail and the commit then fails, and the next run sends it again; one
    # mail too many is better than a reminder never sent.
    subject, body = reminder.render()
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                kind=reminder.kind, key=reminder.key, recipient=reminder.recipient
            )
            send_mail(subject, body, None, [reminder.recipient], fail_silently=False)
    except IntegrityError:
        outcome.already += 1
    except (OSError, smtplib.SMTPException):
        logger.exception("reminder e-mail not sent", kind=reminder.kind, key=reminder.key)
        outcome.failed.append(reminder)
    else:
        outcome.sent[reminder.kind] += 1


def _recorded(reminder: Reminder) -> bool:
    return ReminderSent.objects.filter(
        kind=reminder.kind, key=reminder.key, recipient=reminder.recipient
    ).exists()


def _reachable(users) -> list:
    """People we can write to: active accounts with an address, each address once."""
    seen, people = set(), []
    for user in users:
        if user.is_active and user.email and user.email not in seen:
            seen.add(user.email)
            people.append(user)
    return people
