"""Demo data for local use: one organization, two teams, a year of history and a draft.

One team's latest quarter was answered by three people: the lead and two colleagues, who
disagreed on one question; the lead agreed its score with a reason before submitting.

The improvement loop is seeded too: both teams have targets and outcome figures, and the
enterprise team chose the suggested theme after each earlier quarter, with a short plan of
actions, so its latest report opens with the verdict on the last theme.

Peer benchmarks have something to show: eight anonymous peer organizations ("Peer organization
1" to "8", one team each, one submitted quarter in the enterprise team's cohort), and a second
client, Fabrikam Logistics, with six teams (five submitted both of the last two quarters, one
only the earlier), run by the demo consultant, with a generated logo; the firm profile is set
if there is none. The benchmarks are refreshed at the end. `--northwind-only` skips all this.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from assessments.benchmark_tasks import refresh_peer_benchmarks
from assessments.models import Action, Assessment, DimensionTarget, OutcomeMetrics, Respondent
from assessments.periods import Quarter
from assessments.plan import plan_of
from assessments.plan_services import (
    ActionInput,
    TargetInput,
    action_save,
    metrics_save,
    targets_save,
    theme_choose,
)
from assessments.selectors import assessment_sheet
from assessments.services import (
    answers_save,
    assessment_start,
    assessment_submit,
    assessment_update_context,
)
from assessments.team_answers import people_of
from assessments.team_services import (
    agreed_scores_save,
    respondents_invite,
    response_answers_save,
    response_submit,
)
from catalogue.models import Dimension, MaturityModel, Question
from organizations.logos import logo_reencoded
from organizations.models import FirmProfile, Organization, Team

DEMO_PASSWORD = "demo-pass-local-only"
DEMO_URL = "http://127.0.0.1:8000/"

# The scores below are written against this version's question codes (VO-1 .. MP-5).
MODEL_CODE = "customer-onboarding"
MODEL_VERSION = "v0"

ORGANIZATION_SLUG = "northwind"
ORGANIZATION_NAME = "Northwind Software"


@dataclass(frozen=True)
class QuarterPlan:
    """One quarter's answers: five digits per dimension (questions 1-5), plus a few notes.

    With `responses`, colleagues answered the quarter too (by username, their own answers),
    and `agreed` holds the scores the lead set against the team's median, with the reason:
    the lead's own answers are then only one response, and `scores` must come out as the
    agreed ones (each colleague's score on each other question keeps the lead's as median).
    """

    scores: dict[str, str]
    notes: dict[str, str] = field(default_factory=dict)
    responses: dict[str, QuarterPlan] = field(default_factory=dict)
    agreed: dict[str, tuple[int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionPlan:
    """One action under a theme. With `adopt`, it is the theme's first recommendation for the
    dimension's band (its own title); otherwise `title`. Owned by the demo lead, or by
    `owner_name` typed in for someone without an account; due `due_week` weeks into the
    quarter after the theme's."""

    status: str
    due_week: int
    title: str = ""
    owner_name: str = ""
    adopt: bool = False


@dataclass(frozen=True)
class ThemePlan:
    """The theme chosen after a quarter: `dimension` must be the one the report suggests."""

    dimension: str
    reason: str
    actions: tuple[ActionPlan, ...]
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoopPlan:
    targets: dict[str, TargetInput]
    # One per submitted quarter but the latest, oldest first (the latest's verdict reads the
    # last of them).
    themes: tuple[ThemePlan, ...] = ()
    # The figures of the latest submitted quarters, oldest first.
    metrics: tuple[dict[str, Decimal | int], ...] = ()


@dataclass(frozen=True)
class TeamPlan:
    slug: str
    name: str
    context: dict[str, str | int]
    submit_day: int
    # Oldest quarter first; the last entry is the quarter just before the current one.
    history: tuple[QuarterPlan, ...]
    # The current quarter, left unsubmitted, so the demo has work in progress to open.
    draft: QuarterPlan | None = None
    loop: LoopPlan | None = None


ENTERPRISE = TeamPlan(
    slug="enterprise",
    name="Enterprise Onboarding",
    context={
        "company_stage": Assessment.CompanyStage.GROWTH,
        "customer_segment": Assessment.CustomerSegment.ENTERPRISE,
        "touch_model": Assessment.TouchModel.HIGH,
        "onboarding_weeks": 8,
    },
    submit_day=18,
    history=(
        QuarterPlan(
            scores={"VO": "33233", "CX": "32322", "AO": "22212", "MP": "12121"},
            notes={
                "MP-1": "Milestone data lives in five spreadsheets; nobody trusts the totals.",
                "AO-4": "No paid services yet; gaps land on the CSM.",
            },
        ),
        QuarterPlan(
            scores={"VO": "34333", "CX": "33333", "AO": "23222", "MP": "22221"},
            notes={"CX-1": "Shared project plan template rolled out to new accounts."},
        ),
        QuarterPlan(
            scores={"VO": "44434", "CX": "43433", "AO": "33322", "MP": "32322"},
            notes={"MP-4": "Kickoff and welcome emails now automated."},
        ),
        QuarterPlan(
            scores={"VO": "45444", "CX": "44444", "AO": "33333", "MP": "33332"},
            notes={
                "VO-3": "Time-to-value tracked for every account since July.",
                "AO-5": "First implementation partner signed; not yet staffed.",
            },
        ),
    ),
    # Half done: Value Orientation and CX answered, Adaptability and Manageability not yet.
    draft=QuarterPlan(
        scores={"VO": "45454", "CX": "45444"},
        notes={"CX-3": "Escalation matrix agreed with support; waiting on legal sign-off."},
    ),
    loop=LoopPlan(
        targets={
            "VO": TargetInput(22),
            "CX": TargetInput(22),
            "AO": TargetInput(
                15,
                for_stage=True,
                reason="At our stage every enterprise rollout follows one playbook; tailoring "
                "waits until the implementation partner is staffed.",
            ),
            "MP": TargetInput(18),
        },
        themes=(
            ThemePlan(
                dimension="MP",
                reason="Largest gap to target; nobody trusts the milestone totals.",
                questions=("MP-1",),
                actions=(
                    ActionPlan(Action.Status.DONE, 3, adopt=True),
                    ActionPlan(
                        Action.Status.DONE,
                        6,
                        "Move milestone tracking from spreadsheets into the CRM",
                        owner_name="Dana Whitfield (RevOps)",
                    ),
                    ActionPlan(Action.Status.DROPPED, 8, "Build a custom onboarding portal"),
                    ActionPlan(
                        Action.Status.DOING,
                        11,
                        "Weekly milestone review in the team meeting",
                    ),
                ),
            ),
            ThemePlan(
                dimension="MP",
                reason="Still the largest gap; the CRM data is in, now automate the routine.",
                actions=(
                    ActionPlan(Action.Status.DONE, 4, adopt=True),
                    ActionPlan(
                        Action.Status.DONE,
                        5,
                        "Automate kickoff and welcome emails",
                        owner_name="Dana Whitfield (RevOps)",
                    ),
                    ActionPlan(Action.Status.DROPPED, 9, "Trial a second onboarding tool"),
                    ActionPlan(
                        Action.Status.DOING, 10, "Flag accounts whose milestones slip twice"
                    ),
                ),
            ),
            ThemePlan(
                dimension="MP",
                reason="Gap down from 11 to 6; one more quarter before moving on.",
                actions=(
                    ActionPlan(Action.Status.DONE, 4, adopt=True),
                    ActionPlan(
                        Action.Status.DOING,
                        8,
                        "Capacity plan per CSM from the milestone data",
                        owner_name="Dana Whitfield (RevOps)",
                    ),
                    ActionPlan(Action.Status.PLANNED, 12, "Dashboard of time to value by segment"),
                ),
            ),
        ),
        # Time to value falling, CSAT, NPS and milestones on time rising, more customers.
        metrics=(
            {
                "time_to_first_value_days": 24,
                "time_to_value_days": 96,
                "onboarding_duration_days": 74,
                "csat": Decimal("3.60"),
                "nps": 12,
                "milestones_on_time_pct": 58,
                "customers_onboarded": 9,
            },
            {
                "time_to_first_value_days": 21,
                "time_to_value_days": 88,
                "onboarding_duration_days": 69,
                "csat": Decimal("3.80"),
                "nps": 17,
                "milestones_on_time_pct": 64,
                "customers_onboarded": 11,
            },
            {
                "time_to_first_value_days": 17,
                "time_to_value_days": 76,
                "onboarding_duration_days": 62,
                "csat": Decimal("4.10"),
                "nps": 26,
                "milestones_on_time_pct": 73,
                "customers_onboarded": 12,
            },
            {
                "time_to_first_value_days": 14,
                "time_to_value_days": 65,
                "onboarding_duration_days": 57,
                "csat": Decimal("4.30"),
                "nps": 31,
                "milestones_on_time_pct": 81,
                "customers_onboarded": 14,
            },
        ),
    ),
)

MID_MARKET = TeamPlan(
    slug="mid-market",
    name="Mid-Market Onboarding",
    context={
        "company_stage": Assessment.CompanyStage.GROWTH,
        "customer_segment": Assessment.CustomerSegment.MID_MARKET,
        "touch_model": Assessment.TouchModel.MEDIUM,
        "onboarding_weeks": 4,
    },
    submit_day=24,
    history=(
        QuarterPlan(
            scores={"VO": "22222", "CX": "21221", "AO": "33322", "MP": "11211"},
            notes={"CX-5": "Never asked customers about effort."},
        ),
        QuarterPlan(
            scores={"VO": "32322", "CX": "22222", "AO": "33332", "MP": "21212"},
        ),
        QuarterPlan(
            scores={"VO": "33333", "CX": "33232", "AO": "32322", "MP": "22322"},
            notes={"AO-3": "Two onboarding specialists moved to support mid-quarter."},
        ),
        # Answered by the lead and two colleagues, split on CX-4 (4, 2 and 3: median 3).
        QuarterPlan(
            scores={"VO": "43433", "CX": "33343", "AO": "43433", "MP": "33322"},
            notes={"CX-4": "CSAT survey sent at go-live; 41% response rate."},
            responses={
                "priya": QuarterPlan(
                    scores={"VO": "33433", "CX": "33323", "AO": "43423", "MP": "33322"},
                    notes={
                        "CX-4": "My accounts only get the renewal survey; I never see go-live "
                        "results.",
                    },
                ),
                "tom": QuarterPlan(
                    scores={"VO": "44433", "CX": "34333", "AO": "43433", "MP": "32322"},
                    notes={"CX-4": "The survey goes out, but nobody follows up on low scores."},
                ),
            },
            agreed={
                "CX-4": (
                    4,
                    "Every go-live gets the survey since this quarter (41% answer); Priya's "
                    "accounts went live before it started.",
                )
            },
        ),
    ),
    loop=LoopPlan(
        targets={
            "VO": TargetInput(18),
            "CX": TargetInput(18),
            "AO": TargetInput(18),
            "MP": TargetInput(15),
        },
        metrics=(
            {"time_to_value_days": 41, "csat": Decimal("3.90"), "customers_onboarded": 23},
            {"time_to_value_days": 36, "csat": Decimal("4.20"), "customers_onboarded": 27},
        ),
    ),
)

# Colleagues who answer a quarter next to the lead: (first name, last name).
RESPONDENTS = {"priya": ("Priya", "Shah"), "tom": ("Tom", "Becker")}

TEAMS = (ENTERPRISE, MID_MARKET)


@dataclass(frozen=True)
class Login:
    user: AbstractUser
    role: str
    has_demo_password: bool


@dataclass(frozen=True)
class Cast:
    teams: dict[str, Team]
    lead: AbstractUser
    respondents: dict[str, AbstractUser]
    logins: list[Login]


class Command(BaseCommand):
    help = (
        "Create demo data (Northwind Software, two teams, a year of history; peer organizations "
        "and a second client for the consultant workspace). Safe to re-run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--northwind-only",
            action="store_true",
            help="Only Northwind Software: no peer organizations, second client or branding.",
        )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            call_command("install_model", stdout=self.stdout, stderr=self.stderr)
            model = _demo_model()
            cast = _seed_people_and_teams()
            current = Quarter.containing(timezone.localdate())
            outcomes: list[bool] = []
            for plan in TEAMS:
                team = cast.teams[plan.slug]
                periods = _quarters_before(current, len(plan.history))
                for period, quarter_plan in zip(periods, plan.history, strict=True):
                    outcomes.append(
                        _seed_assessment(team, period, model, plan, quarter_plan, cast, submit=True)
                    )
                if plan.draft is not None:
                    outcomes.append(
                        _seed_assessment(team, current, model, plan, plan.draft, cast, submit=False)
                    )
            loop_outcomes: list[bool] = []
            for plan in TEAMS:
                if plan.loop is not None:
                    loop_outcomes += _seed_loop(cast.teams[plan.slug], model, plan.loop, cast)
        created = sum(outcomes)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo assessments: {created} created, {len(outcomes) - created} already there."
            )
        )
        written = sum(loop_outcomes)
        self.stdout.write(
            self.style.SUCCESS(
                f"Improvement loop (targets, themes, figures): {written} written, "
                f"{len(loop_outcomes) - written} already there."
            )
        )
        if not options["northwind_only"]:
            self._seed_workspace(model, cast, current)
        self._print_logins(cast.logins)

    def _seed_workspace(self, model: MaturityModel, cast: Cast, current: Quarter) -> None:
        """Peers, the second client and branding, then the benchmarks computed from them."""
        with transaction.atomic():
            outcomes = _seed_peers(model, cast, current) + _seed_second_client(model, cast, current)
            branded = _seed_branding()
        created = sum(outcomes)
        self.stdout.write(
            self.style.SUCCESS(
                f"Peer organizations and {SECOND_CLIENT_NAME}: {created} assessments created, "
                f"{len(outcomes) - created} already there; branding: {branded} written."
            )
        )
        figures = refresh_peer_benchmarks.call()
        self.stdout.write(self.style.SUCCESS(f"Peer benchmarks: {figures} figures computed."))

    def _print_logins(self, logins: list[Login]) -> None:
        rows = [("Username", "Role", "Password")]
        for login in logins:
            password = DEMO_PASSWORD if login.has_demo_password else "(changed; left as it is)"
            rows.append((login.user.username, login.role, password))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(f"Sign in at {DEMO_URL}")
        for row in rows:
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(f"  {line}".rstrip())
        self.stdout.write(
            self.style.WARNING(
                "The password is for local demo use only. Never run seed_demo on a shared "
                "or public server."
            )
        )


def _demo_model() -> MaturityModel:
    try:
        return MaturityModel.objects.get_by_natural_key(MODEL_CODE, MODEL_VERSION)
    except MaturityModel.DoesNotExist as error:
        raise CommandError(
            f"seed_demo needs model {MODEL_CODE} {MODEL_VERSION}; install_model did not provide it."
        ) from error


def _user(username: str, role: str, first_name: str, last_name: str, **flags: bool) -> Login:
    """The user, created with the demo password if missing; an existing one is left alone."""
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@northwind.example",
            **flags,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    # Someone may have changed an existing account's password; the table must not claim otherwise.
    return Login(user, role, has_demo_password=created or user.check_password(DEMO_PASSWORD))


def _seed_people_and_teams() -> Cast:
    organization, _ = Organization.objects.get_or_create(
        slug=ORGANIZATION_SLUG, defaults={"name": ORGANIZATION_NAME}
    )
    teams = [
        Team.objects.get_or_create(
            organization=organization, slug=plan.slug, defaults={"name": plan.name}
        )[0]
        for plan in TEAMS
    ]
    team_names = " and ".join(team.name for team in teams)
    lead = _user("lead", f"Team lead ({team_names})", "Jordan", "Lee")
    lead.user.groups.add(Group.objects.get_or_create(name="Team leads")[0])
    for team in teams:
        team.leads.add(lead.user)
    consultant = _user("consultant", f"Consultant ({organization.name})", "Sam", "Rivera")
    consultant.user.groups.add(Group.objects.get_or_create(name="Consultants")[0])
    organization.consultants.add(consultant.user)
    admin = _user("admin", "Admin", "Demo", "Admin", is_staff=True, is_superuser=True)
    respondents = [
        _user(username, f"Respondent ({plan.name}, latest quarter)", *RESPONDENTS[username])
        for plan in TEAMS
        for quarter_plan in plan.history
        for username in quarter_plan.responses
    ]
    return Cast(
        teams={team.slug: team for team in teams},
        lead=lead.user,
        respondents={login.user.username: login.user for login in respondents},
        logins=[lead, consultant, admin, *respondents],
    )


def _quarters_before(current: Quarter, count: int) -> list[Quarter]:
    """The `count` quarters before `current`, oldest first."""
    quarters = [current.previous()]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters[::-1]


def _answers(model: MaturityModel, plan: QuarterPlan) -> dict[Question, tuple[int, str]]:
    wanted = {
        f"{dimension}-{index}": int(digit)
        for dimension, digits in plan.scores.items()
        for index, digit in enumerate(digits, start=1)
    }
    questions = {
        q.code: q
        for q in Question.objects.filter(dimension__model=model, code__in=wanted).select_related(
            "dimension"
        )
    }
    missing = sorted(set(wanted) - set(questions))
    if missing:
        raise CommandError(f"{model} has no question(s) {', '.join(missing)}.")
    return {questions[code]: (score, plan.notes.get(code, "")) for code, score in wanted.items()}


def _exists(team: Team, period: Quarter, model: MaturityModel) -> bool:
    return Assessment.objects.filter(
        team=team, year=period.year, quarter=period.quarter, model=model
    ).exists()


def _seed_assessment(
    team: Team,
    period: Quarter,
    model: MaturityModel,
    team_plan: TeamPlan,
    plan: QuarterPlan,
    cast: Cast,
    *,
    submit: bool,
) -> bool:
    """Start, fill and optionally submit one quarter; False if that quarter already exists."""
    if _exists(team, period, model):
        return False
    user = cast.lead
    assessment, _ = assessment_start(team=team, period=period, user=user, model=model)
    assessment = assessment_update_context(assessment=assessment, **team_plan.context)
    answers_save(assessment=assessment, answers=_answers(model, plan))
    if plan.responses:
        _gather_responses(assessment, model, plan, cast)
    if submit:
        assessment_submit(assessment=assessment, user=user)
        # The services stamp "now"; backdate so the history reads like a real year of quarters.
        submitted_at = _late_in_quarter(period, team_plan.submit_day)
        created_at = submitted_at - datetime.timedelta(days=9)
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=created_at, submitted_at=submitted_at, updated_at=submitted_at
        )
        responses = Respondent.objects.filter(assessment=assessment)
        responses.filter(kind=Respondent.Kind.INVITED).update(
            created_at=created_at + datetime.timedelta(days=1),
            submitted_at=submitted_at - datetime.timedelta(days=2),
        )
        responses.filter(kind=Respondent.Kind.LEAD).update(
            created_at=submitted_at, submitted_at=submitted_at
        )
    return True


def _gather_responses(
    assessment: Assessment, model: MaturityModel, plan: QuarterPlan, cast: Cast
) -> None:
    """The lead invites the colleagues, each answers and submits, the lead agrees scores."""
    people = [cast.respondents[username] for username in plan.responses]
    invited = respondents_invite(assessment=assessment, users=people, invited_by=cast.lead)
    for respondent in invited:
        response_plan = plan.responses[respondent.user.username]
        response_answers_save(respondent=respondent, answers=_answers(model, response_plan))
        response_submit(respondent=respondent)
    questions = {question.code: question for question in _answers(model, plan)}
    agreed_scores_save(
        assessment=assessment,
        agreed={questions[code]: agreed for code, agreed in plan.agreed.items()},
    )


def _late_in_quarter(period: Quarter, day: int) -> datetime.datetime:
    """Mid-afternoon on `day` of the quarter's last month, in the project's time zone."""
    naive = datetime.datetime(period.year, period.quarter * 3, day, 15, 30)
    return timezone.make_aware(naive)


# --- The improvement loop -----------------------------------------------------------------------


def _seed_loop(team: Team, model: MaturityModel, loop: LoopPlan, cast: Cast) -> list[bool]:
    """Targets, then a theme per earlier quarter, then the figures: one outcome per part, False
    where the team already has it (so a second run, or a lead's own edits, are left alone)."""
    submitted = list(
        Assessment.objects.filter(
            team=team, model=model, status=Assessment.Status.SUBMITTED
        ).order_by("year", "quarter")
    )
    outcomes = [_seed_targets(team, model, loop, cast)]
    if loop.themes:
        earlier = submitted[-len(loop.themes) - 1 : -1]
        for assessment, theme in zip(earlier, loop.themes, strict=True):
            outcomes.append(_seed_theme(assessment, model, theme, cast))
    if loop.metrics:
        latest = submitted[-len(loop.metrics) :]
        for assessment, values in zip(latest, loop.metrics, strict=True):
            outcomes.append(_seed_metrics(team, assessment.period, values, cast))
    return outcomes


def _seed_targets(team: Team, model: MaturityModel, loop: LoopPlan, cast: Cast) -> bool:
    if DimensionTarget.objects.filter(team=team).exists():
        return False
    codes = list(Dimension.objects.filter(model=model).values_list("code", flat=True))
    targets_save(team=team, user=cast.lead, targets=loop.targets, codes=codes)
    return True


def _seed_theme(assessment: Assessment, model: MaturityModel, theme: ThemePlan, cast: Cast) -> bool:
    """Choose the report's suggested theme after the quarter and plan its actions."""
    if assessment.theme_dimension_id is not None:
        return False
    result = assessment_sheet(assessment).result
    suggested = plan_of(assessment, result).suggested_code
    if suggested != theme.dimension:
        raise CommandError(
            f"{assessment.team.name} {assessment.period.label}: the report suggests "
            f"{suggested}, the demo plans {theme.dimension}."
        )
    dimension = Dimension.objects.get(model=model, code=theme.dimension)
    chosen = theme_choose(
        assessment=assessment,
        user=cast.lead,
        dimension=dimension,
        questions=list(Question.objects.filter(dimension=dimension, code__in=theme.questions)),
        reason=theme.reason,
    )
    recommendations = plan_of(chosen, result).recommendations
    if not recommendations and any(action.adopt for action in theme.actions):
        raise CommandError(f"{model} has no recommendation for {dimension.name} at that band.")
    people_ids = set(people_of(assessment.team.organization).values_list("pk", flat=True))
    next_quarter = assessment.period.next()
    for action in theme.actions:
        adopted = recommendations[0] if action.adopt else None
        action_save(
            assessment=chosen,
            user=cast.lead,
            wanted=ActionInput(
                title=adopted.title if adopted else action.title,
                owner=None if action.owner_name else cast.lead,
                owner_name=action.owner_name,
                due_date=next_quarter.first_day + datetime.timedelta(weeks=action.due_week),
                status=action.status,
                recommendation=adopted,
            ),
            people_ids=people_ids,
        )
    # The services stamp "now"; the theme was chosen the day after the quarter was submitted.
    chosen_at = assessment.submitted_at + datetime.timedelta(days=1)
    Assessment.objects.filter(pk=assessment.pk).update(
        theme_chosen_at=chosen_at, updated_at=chosen_at
    )
    Action.objects.filter(assessment=assessment).update(created_at=chosen_at)
    return True


def _seed_metrics(team: Team, period: Quarter, values: dict, cast: Cast) -> bool:
    if OutcomeMetrics.objects.filter(team=team, year=period.year, quarter=period.quarter).exists():
        return False
    metrics_save(team=team, period=period, user=cast.lead, values=values)
    return True


# --- The consultant workspace: peers for the benchmarks, a second client, branding ----------------

PEER_COUNT = 8
PEER_TEAM_SLUG = "onboarding"
# One submitted quarter each, in the enterprise team's cohort (growth, enterprise, high touch):
# its report shows that cohort; the mid-market team's, with too few peers, all organizations.
PEER_SCORES = (
    {"VO": "33323", "CX": "23232", "AO": "22322", "MP": "21212"},
    {"VO": "44444", "CX": "43434", "AO": "33433", "MP": "33323"},
    {"VO": "22232", "CX": "33233", "AO": "21222", "MP": "11212"},
    {"VO": "55454", "CX": "44545", "AO": "44344", "MP": "43434"},
    {"VO": "34343", "CX": "33333", "AO": "32323", "MP": "22322"},
    {"VO": "43434", "CX": "34343", "AO": "43343", "MP": "34343"},
    {"VO": "23232", "CX": "22322", "AO": "33232", "MP": "22221"},
    {"VO": "45445", "CX": "45454", "AO": "34434", "MP": "33433"},
)

SECOND_CLIENT_SLUG = "fabrikam"
SECOND_CLIENT_NAME = "Fabrikam Logistics"
SECOND_CLIENT_CONTEXT = {
    "company_stage": Assessment.CompanyStage.GROWTH,
    "customer_segment": Assessment.CustomerSegment.MID_MARKET,
    "touch_model": Assessment.TouchModel.MEDIUM,
    "onboarding_weeks": 6,
}
# (slug, name, the quarter before last, last quarter or None when not submitted yet).
SECOND_CLIENT_TEAMS = (
    (
        "emea",
        "EMEA Onboarding",
        {"VO": "33333", "CX": "32323", "AO": "22322", "MP": "22212"},
        {"VO": "43434", "CX": "33333", "AO": "32323", "MP": "22322"},
    ),
    (
        "americas",
        "Americas Onboarding",
        {"VO": "44343", "CX": "43434", "AO": "33333", "MP": "33232"},
        {"VO": "44444", "CX": "44434", "AO": "34343", "MP": "33333"},
    ),
    (
        "apac",
        "APAC Onboarding",
        {"VO": "22222", "CX": "21212", "AO": "22221", "MP": "11211"},
        {"VO": "32322", "CX": "22222", "AO": "22322", "MP": "21212"},
    ),
    (
        "partners",
        "Partner Onboarding",
        {"VO": "33232", "CX": "33333", "AO": "44343", "MP": "22222"},
        {"VO": "33333", "CX": "43433", "AO": "44444", "MP": "32322"},
    ),
    (
        "self-serve",
        "Self-Serve Activation",
        {"VO": "23232", "CX": "22222", "AO": "11212", "MP": "33333"},
        {"VO": "33232", "CX": "32322", "AO": "21222", "MP": "43434"},
    ),
    (
        "strategic",
        "Strategic Accounts",
        {"VO": "45454", "CX": "44444", "AO": "33434", "MP": "33333"},
        None,  # not submitted yet: the organization page lists it as missing
    ),
)

FIRM_NAME = "Rivera Onboarding Advisory"
FIRM_CONTACT = "Sam Rivera · sam@rivera-advisory.example"
FIRM_ACCENT = "#0a4baf"
SECOND_CLIENT_ACCENT = "#1e7b4d"


def _peer_plan(scores: dict[str, str]) -> tuple[TeamPlan, QuarterPlan]:
    quarter = QuarterPlan(scores=scores)
    return TeamPlan(PEER_TEAM_SLUG, "Onboarding", ENTERPRISE.context, 20, (quarter,)), quarter


def _seed_peers(model: MaturityModel, cast: Cast, current: Quarter) -> list[bool]:
    """Anonymous peers, entered by the demo admin: an organization and team each, one quarter."""
    entered_by = dataclasses.replace(cast, lead=_admin())
    outcomes = []
    for number, scores in enumerate(PEER_SCORES, start=1):
        organization, _ = Organization.objects.get_or_create(
            slug=f"peer-organization-{number}", defaults={"name": f"Peer organization {number}"}
        )
        team_plan, quarter_plan = _peer_plan(scores)
        team, _ = Team.objects.get_or_create(
            organization=organization, slug=PEER_TEAM_SLUG, defaults={"name": team_plan.name}
        )
        outcomes.append(
            _seed_assessment(
                team, current.previous(), model, team_plan, quarter_plan, entered_by, submit=True
            )
        )
    return outcomes


def _seed_second_client(model: MaturityModel, cast: Cast, current: Quarter) -> list[bool]:
    """Fabrikam's six teams, assessed in the consultant's workshops: the consultant enters and
    submits their answers."""
    organization, _ = Organization.objects.get_or_create(
        slug=SECOND_CLIENT_SLUG, defaults={"name": SECOND_CLIENT_NAME}
    )
    consultant = get_user_model().objects.get(username="consultant")
    organization.consultants.add(consultant)
    by_consultant = dataclasses.replace(cast, lead=consultant)
    earlier, last = _quarters_before(current, 2)
    outcomes = []
    for slug, name, before, latest in SECOND_CLIENT_TEAMS:
        team, _ = Team.objects.get_or_create(
            organization=organization, slug=slug, defaults={"name": name}
        )
        history = tuple(QuarterPlan(scores=s) for s in (before, latest) if s is not None)
        team_plan = TeamPlan(slug, name, SECOND_CLIENT_CONTEXT, 12, history)
        for period, quarter_plan in zip((earlier, last), history, strict=False):
            outcomes.append(
                _seed_assessment(
                    team, period, model, team_plan, quarter_plan, by_consultant, submit=True
                )
            )
    return outcomes


def _admin() -> AbstractUser:
    return get_user_model().objects.get(username="admin")


def _seed_branding() -> int:
    """The firm profile (if there is none yet) and the second client's logo (if it has none):
    generated PNGs, stored through the same re-encoding as an upload."""
    written = 0
    if not FirmProfile.objects.exists():
        firm = FirmProfile(name=FIRM_NAME, accent_colour=FIRM_ACCENT, contact_line=FIRM_CONTACT)
        logo = logo_reencoded(ContentFile(_logo_png("RA", FIRM_ACCENT), name="firm.png"))
        firm.logo.save(logo.name, logo, save=False)
        firm.save()
        written += 1
    client = Organization.objects.get(slug=SECOND_CLIENT_SLUG)
    if not client.logo:
        logo = logo_reencoded(ContentFile(_logo_png("FL", SECOND_CLIENT_ACCENT), name="logo.png"))
        client.logo.save(logo.name, logo, save=True)
        written += 1
    return written


def _logo_png(initials: str, colour: str) -> bytes:
    """A plain 240 x 96 logo: a coloured tile with white initials, then a grey bar."""
    image = Image.new("RGB", (240, 96), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 88, 88), radius=14, fill=colour)
    draw.text((48, 48), initials, fill="white", anchor="mm", font_size=36)
    draw.rounded_rectangle((104, 36, 228, 60), radius=8, fill="#adb5bd")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
