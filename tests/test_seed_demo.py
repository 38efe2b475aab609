"""seed_demo builds a believable, re-runnable demo through the real services."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.management.commands.seed_demo import DEMO_PASSWORD, MID_MARKET
from assessments.models import (
    Action,
    Answer,
    Assessment,
    DimensionTarget,
    OutcomeMetrics,
    Respondent,
    RespondentAnswer,
)
from assessments.periods import Quarter
from assessments.plan import plan_of
from assessments.selectors import assessment_sheet
from assessments.team_answers import invitations_of, team_answers
from catalogue.models import Band, MaturityModel
from organizations.models import Organization, Team

User = get_user_model()

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture(autouse=True)
def empty_catalogue(db):
    """A fresh database, as seed_demo first meets it (the test database comes with v0)."""
    MaturityModel.objects.all().delete()


def seed(*args: str) -> str:
    """Northwind only, unless told otherwise: the workspace's extras have tests of their own
    (test_seed_demo_workspace.py)."""
    out = io.StringIO()
    call_command("seed_demo", *(args or ("--northwind-only",)), stdout=out)
    return out.getvalue()


def dimension_totals(assessments) -> dict[int, dict[str, int]]:
    rows = (
        Answer.objects.filter(assessment__in=assessments)
        .values_list("assessment_id", "question__dimension__code")
        .annotate(total=Sum("score"))
        .order_by()
    )
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, code, total in rows:
        totals[assessment_id][code] = total
    return totals


def snapshot() -> dict:
    return {
        "users": User.objects.count(),
        "organizations": Organization.objects.count(),
        "teams": Team.objects.count(),
        "models": MaturityModel.objects.count(),
        "assessments": sorted(
            Assessment.objects.values_list(
                "team__slug", "year", "quarter", "status", "submitted_at", "onboarding_weeks"
            )
        ),
        "answers": sorted(
            Answer.objects.values_list(
                "assessment__team__slug",
                "assessment__year",
                "assessment__quarter",
                "question__code",
                "score",
                "note",
                "agreed_reason",
            )
        ),
        "responses": sorted(
            Respondent.objects.values_list(
                "assessment__team__slug",
                "assessment__quarter",
                "kind",
                "user__username",
                "status",
                "submitted_at",
            )
        ),
        "response_answers": RespondentAnswer.objects.count(),
        "targets": sorted(
            DimensionTarget.objects.values_list(
                "team__slug",
                "dimension_code",
                "target_total",
                "right_for_stage",
                "stage_reason",
                "updated_at",
            )
        ),
        "themes": sorted(
            Assessment.objects.filter(theme_dimension__isnull=False).values_list(
                "team__slug",
                "year",
                "quarter",
                "theme_dimension__code",
                "theme_reason",
                "theme_chosen_at",
                "updated_at",
            )
        ),
        "theme_questions": sorted(
            Assessment.theme_questions.through.objects.values_list(
                "assessment_id", "question__code"
            )
        ),
        "actions": sorted(
            Action.objects.values_list(
                "pk",
                "assessment_id",
                "title",
                "owner__username",
                "owner_name",
                "due_date",
                "status",
                "recommendation__key",
                "updated_at",
            ),
            key=str,
        ),
        "metrics": sorted(
            OutcomeMetrics.objects.values_list(
                "team__slug",
                "year",
                "quarter",
                "time_to_value_days",
                "csat",
                "nps",
                "customers_onboarded",
                "updated_at",
            )
        ),
    }


def latest_mid_market() -> Assessment:
    return (
        Assessment.objects.filter(team__slug="mid-market", status=Assessment.Status.SUBMITTED)
        .select_related("model")
        .order_by("-year", "-quarter")
        .first()
    )


def test_creates_the_organization_teams_people_and_assessments():
    seed()

    organization = Organization.objects.get(slug="northwind")
    assert organization.name == "Northwind Software"
    assert Organization.objects.count() == 1
    teams = {team.slug: team.name for team in Team.objects.filter(organization=organization)}
    assert teams == {"enterprise": "Enterprise Onboarding", "mid-market": "Mid-Market Onboarding"}
    assert set(User.objects.values_list("username", flat=True)) == {
        "lead",
        "consultant",
        "admin",
        "priya",
        "tom",
    }

    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    drafts = Assessment.objects.filter(status=Assessment.Status.DRAFT)
    assert submitted.count() == 8
    assert drafts.count() == 1
    for slug in ("enterprise", "mid-market"):
        assert submitted.filter(team__slug=slug).count() == 4


def test_people_have_their_roles_and_the_demo_password():
    seed()

    lead = User.objects.get(username="lead")
    consultant = User.objects.get(username="consultant")
    admin = User.objects.get(username="admin")
    assert (lead.first_name, lead.last_name) == ("Jordan", "Lee")
    assert set(lead.led_teams.values_list("slug", flat=True)) == {"enterprise", "mid-market"}
    assert lead.groups.filter(name="Team leads").exists()
    assert (consultant.first_name, consultant.last_name) == ("Sam", "Rivera")
    assert list(consultant.client_organizations.values_list("slug", flat=True)) == ["northwind"]
    assert consultant.groups.filter(name="Consultants").exists()
    assert admin.is_staff and admin.is_superuser
    assert not (lead.is_staff or consultant.is_staff)
    for user in (lead, consultant, admin):
        assert user.check_password(DEMO_PASSWORD)


def test_history_is_the_four_quarters_before_the_current_one_dated_inside_each():
    seed()

    current = Quarter.containing(timezone.localdate())
    expected = [current.previous()]
    for _ in range(3):
        expected.append(expected[-1].previous())
    for slug in ("enterprise", "mid-market"):
        history = Assessment.objects.filter(
            team__slug=slug, status=Assessment.Status.SUBMITTED
        ).order_by("-year", "-quarter")
        assert [a.period for a in history] == expected
        for assessment in history:
            submitted_on = timezone.localtime(assessment.submitted_at).date()
            assert Quarter.containing(submitted_on) == assessment.period
            assert submitted_on.month == assessment.quarter * 3
            assert assessment.submitted_by.username == "lead"
            assert assessment.answers.exclude(question_text="").count() == 20


def test_history_covers_every_band_and_improves():
    seed()

    submitted = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    model = MaturityModel.objects.get_by_natural_key("customer-onboarding", "v0")
    bands = list(Band.objects.filter(model=model))
    assert len(bands) == 3
    totals = dimension_totals(submitted)

    labels = set()
    for by_dimension in totals.values():
        assert set(by_dimension) == {"VO", "CX", "AO", "MP"}
        for total in by_dimension.values():
            labels.update(b.label for b in bands if b.min_total <= total <= b.max_total)
    assert labels == {b.label for b in bands}

    for slug in ("enterprise", "mid-market"):
        history = list(submitted.filter(team__slug=slug).order_by("year", "quarter"))
        overall = [sum(totals[a.pk].values()) for a in history]
        assert overall == sorted(overall) and overall[0] < overall[-1]


def test_history_carries_context_and_a_few_notes():
    seed()

    enterprise = Assessment.objects.filter(team__slug="enterprise")
    mid_market = Assessment.objects.filter(team__slug="mid-market")
    assert set(enterprise.values_list("customer_segment", "touch_model", "onboarding_weeks")) == {
        ("enterprise", "high", 8)
    }
    assert set(mid_market.values_list("customer_segment", "touch_model", "onboarding_weeks")) == {
        ("mid-market", "medium", 4)
    }
    assert set(Assessment.objects.values_list("company_stage", flat=True)) == {"growth"}
    notes = Answer.objects.exclude(note="").count()
    assert 3 <= notes <= Answer.objects.count() // 4


def test_draft_is_the_current_quarter_half_answered():
    seed()

    draft = Assessment.objects.get(status=Assessment.Status.DRAFT)
    assert draft.team.slug == "enterprise"
    assert draft.period == Quarter.containing(timezone.localdate())
    assert draft.submitted_at is None
    answered = draft.answers.filter(score__isnull=False)
    assert answered.count() == 10
    assert set(answered.values_list("question__dimension__code", flat=True)) == {"VO", "CX"}


def test_prints_each_login_and_the_local_only_password():
    output = seed()

    for username in ("lead", "consultant", "admin", "priya", "tom"):
        assert username in output
    priya_line = next(line for line in output.splitlines() if line.strip().startswith("priya "))
    assert "Respondent (Mid-Market Onboarding, latest quarter)" in priya_line
    assert DEMO_PASSWORD in priya_line
    assert DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/" in output
    assert "local demo use only" in output


def test_running_twice_changes_nothing():
    seed()
    before = snapshot()

    output = seed()

    assert snapshot() == before
    assert before["targets"] and before["themes"] and before["actions"] and before["metrics"]
    assert "0 created, 9 already there" in output
    # Targets of two teams, three themes, four plus two quarters of figures.
    assert "0 written, 11 already there" in output


def test_rerun_keeps_a_changed_password():
    seed()
    lead = User.objects.get(username="lead")
    lead.set_password("my-own-password")
    lead.save()

    output = seed()

    lead.refresh_from_db()
    assert lead.check_password("my-own-password")
    lead_line = next(line for line in output.splitlines() if line.strip().startswith("lead "))
    assert DEMO_PASSWORD not in lead_line


def test_uses_an_already_installed_model():
    call_command("install_model", stdout=io.StringIO())

    seed()

    assert MaturityModel.objects.count() == 1
    assert Assessment.objects.count() == 9


def test_one_quarter_was_answered_by_three_people_through_invitations():
    seed()

    assessment = latest_mid_market()
    team = team_answers(assessment)
    assert team.is_team and team.answered_count == 3
    assert [(r.kind, r.user.username, r.display_name) for r in team.counted] == [
        ("invited", "priya", "Priya Shah"),
        ("invited", "tom", "Tom Becker"),
        ("lead", "lead", "Jordan Lee"),
    ]
    for respondent in team.counted:
        invited_by = respondent.invited_by.username if respondent.invited_by else None
        assert invited_by == (None if respondent.kind == "lead" else "lead")
        assert respondent.is_submitted and respondent.answers.count() == 20
        assert respondent.submitted_at <= assessment.submitted_at
        assert Quarter.containing(timezone.localtime(respondent.submitted_at).date()) == (
            assessment.period
        )
    # Each invited colleague finds the quarter among their invitations.
    for username in ("priya", "tom"):
        (invitation,) = invitations_of(User.objects.get(username=username))
        assert invitation.assessment == assessment
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    # Every other assessment is the lead's alone; the draft has nobody invited.
    others = Respondent.objects.exclude(assessment=assessment)
    assert set(others.values_list("kind", "user__username")) == {("lead", "lead")}
    assert others.count() == 7
    assert not Respondent.objects.filter(assessment__status=Assessment.Status.DRAFT).exists()


def test_the_three_disagreed_on_one_question_and_the_lead_agreed_it_with_a_reason():
    seed()

    assessment = latest_mid_market()
    team = team_answers(assessment)
    (discussed,) = team.to_discuss
    assert discussed.question.code == "CX-4"
    assert discussed.scores == (2, 3, 4)  # Priya, Tom, the lead
    assert (discussed.spread.spread, discussed.spread.default_agreed) == (2, 3)
    assert discussed.agreed == 4 and discussed.agreed_by_lead
    assert discussed.reason.startswith("Every go-live gets the survey since this quarter")
    answer = assessment.answers.get(question__code="CX-4")
    assert (answer.score, answer.agreed_reason, answer.agreed_score) == (4, discussed.reason, None)
    # Everywhere else the three were at most one apart and the median stood.
    for item in team.questions:
        if item is not discussed:
            assert item.spread.spread <= 1 and not item.agreed_by_lead, item.question.code
            assert item.agreed == item.spread.default_agreed and item.reason == ""
    assert [item.question.code for item in team.set_by_lead] == ["CX-4"]


def test_the_agreed_scores_are_the_ones_totalled():
    seed()

    assessment = latest_mid_market()
    team = team_answers(assessment)
    planned = MID_MARKET.history[-1].scores
    agreed = {item.question.code: item.agreed for item in team.questions}
    assert agreed == {
        f"{dimension}-{index}": int(digit)
        for dimension, digits in planned.items()
        for index, digit in enumerate(digits, start=1)
    }
    # The report's totals use the agreed 4 on CX-4, not the median 3 of the three answers.
    result = assessment_sheet(assessment).result
    medians = {item.question.code: item.spread.default_agreed for item in team.questions}
    cx_medians = sum(score for code, score in medians.items() if code.startswith("CX-"))
    assert (cx_medians, result.dimension("CX").total) == (15, 16)
    assert result.overall_total == sum(agreed.values()) == sum(medians.values()) + 1
    assert dimension_totals([assessment])[assessment.pk]["CX"] == 16


def submitted_of(slug: str) -> list[Assessment]:
    return list(
        Assessment.objects.filter(team__slug=slug, status=Assessment.Status.SUBMITTED)
        .select_related("model", "team", "theme_dimension")
        .order_by("year", "quarter")
    )


def test_both_teams_have_targets_and_one_dimension_is_marked_right_for_the_stage():
    seed()

    for slug in ("enterprise", "mid-market"):
        targets = DimensionTarget.objects.filter(team__slug=slug)
        assert sorted(targets.values_list("dimension_code", flat=True)) == ["AO", "CX", "MP", "VO"]
        assert all(5 <= t.target_total <= 25 for t in targets)
        assert {t.updated_by.username for t in targets} == {"lead"}
    (marked,) = DimensionTarget.objects.filter(right_for_stage=True)
    assert (marked.team.slug, marked.dimension_code) == ("enterprise", "AO")
    assert "playbook" in marked.stage_reason


def test_each_earlier_enterprise_quarter_chose_the_suggested_theme_with_a_plan():
    seed()

    *earlier, latest = submitted_of("enterprise")
    assert len(earlier) == 3
    assert latest.theme_dimension is None
    assert not Action.objects.filter(assessment__status=Assessment.Status.DRAFT).exists()
    assert not Assessment.objects.filter(
        team__slug="mid-market", theme_dimension__isnull=False
    ).exists()
    statuses_seen = set()
    for assessment in earlier:
        result = assessment_sheet(assessment).result
        plan = plan_of(assessment, result)
        assert assessment.theme_dimension.code == plan.suggested_code
        assert plan.suggested_code != "AO"  # marked right for the stage, never suggested
        assert assessment.theme_chosen_by.username == "lead" and assessment.theme_reason
        assert assessment.submitted_at < assessment.theme_chosen_at
        actions = plan.actions
        assert 2 <= len(actions) <= 4
        statuses = {action.status for action in actions}
        assert len(statuses) >= 3, assessment.period
        statuses_seen |= statuses
        # Owners: the demo lead, and a name typed for someone without an account.
        assert {action.owner.username for action in actions if action.owner} == {"lead"}
        assert any(action.owner is None and action.owner_name for action in actions)
        # Due inside the quarter after the theme's.
        following = assessment.period.next()
        assert {Quarter.containing(action.due_date) for action in actions} == {following}
        # One adopted from the theme's dimension at the band its total fell in.
        adopted = [action for action in actions if action.recommendation is not None]
        assert len(adopted) >= 1
        total = result.dimension(assessment.theme_dimension.code).total
        for action in adopted:
            recommendation = action.recommendation
            assert recommendation.dimension == assessment.theme_dimension
            assert recommendation.band.min_total <= total <= recommendation.band.max_total
            assert recommendation in plan.recommendations
            assert action.title == recommendation.title
    assert statuses_seen == {"planned", "doing", "done", "dropped"}


def test_enterprise_figures_improve_over_its_four_quarters():
    seed()

    periods = [a.period for a in submitted_of("enterprise")]
    rows = OutcomeMetrics.objects.filter(team__slug="enterprise").order_by("year", "quarter")
    assert [Quarter(m.year, m.quarter) for m in rows] == periods
    assert {m.updated_by.username for m in rows} == {"lead"}

    def series(field: str) -> list:
        return [getattr(m, field) for m in rows]

    for falling in ("time_to_first_value_days", "time_to_value_days", "onboarding_duration_days"):
        values = series(falling)
        assert values == sorted(values, reverse=True) and len(set(values)) == 4, falling
    for rising in ("csat", "nps", "milestones_on_time_pct", "customers_onboarded"):
        values = series(rising)
        assert values == sorted(values) and len(set(values)) == 4, rising
    # The other team: its two latest quarters.
    mid_market = OutcomeMetrics.objects.filter(team__slug="mid-market").order_by("year", "quarter")
    assert [Quarter(m.year, m.quarter) for m in mid_market] == [
        a.period for a in submitted_of("mid-market")[-2:]
    ]
    first, second = mid_market
    assert second.time_to_value_days < first.time_to_value_days
    assert second.csat > first.csat


def test_the_latest_enterprise_report_opens_with_the_verdict_on_the_last_theme():
    seed()

    *earlier, latest = submitted_of("enterprise")
    theme = earlier[-1].theme_dimension
    then = assessment_sheet(earlier[-1]).result.dimension(theme.code).total
    now = assessment_sheet(latest).result.dimension(theme.code).total
    assert now > then
    actions = Action.objects.filter(assessment=earlier[-1])
    done = actions.filter(status="done").count()
    dropped = actions.filter(status="dropped").count()
    open_ = actions.filter(status__in=["planned", "doing"]).count()
    client = Client()
    client.force_login(User.objects.get(username="lead"))

    response = client.get(reverse("assessments:report", args=[latest.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert theme.name == "Manageability & Productivity"
    assert f"Last theme: {escape(theme.name)} ({earlier[-1].period.label})" in page
    assert f"{escape(theme.name)} {then} → {now}, +{now - then}" in page
    assert f"Its actions: {done} done, {dropped} dropped, {open_} open." in page
    assert f"Outcome figures, {earlier[-1].period.label} → {latest.period.label}" in page
