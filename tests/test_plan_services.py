"""The improvement loop through its services and reads: targets, the theme, actions, a quarter's
figures, and the plan a report shows.

Every refusal is checked for its message and for what it left alone: a refused save changes
nothing, however many of its parts were fine.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Action, Assessment, DimensionTarget, OutcomeMetrics
from assessments.periods import Quarter
from assessments.plan import plan_of, recorded_metrics, targets_of
from assessments.plan_services import (
    METRIC_RULES,
    ActionInput,
    PlanError,
    TargetInput,
    action_save,
    metrics_save,
    targets_save,
    theme_choose,
)
from assessments.selectors import assessment_sheet
from assessments.services import AssessmentError, assessment_start
from assessments.team_answers import people_of
from catalogue.models import Band, Dimension, Question, Recommendation
from catalogue.services import model_version_duplicate
from tests.conftest import submit

CODES = ["VO", "CX", "AO", "MP"]
Q3 = Quarter(2026, 3)


def scores_by_dimension(**per_dimension: int) -> dict[str, int]:
    """The same score for each question of a dimension: VO=2 makes VO's total 10."""
    return {f"{code}-{n}": per_dimension[code] for code in CODES for n in range(1, 6)}


def dimension(model, code: str) -> Dimension:
    return Dimension.objects.get(model=model, code=code)


def question(model, code: str) -> Question:
    return Question.objects.get(dimension__model=model, code=code)


def band(model, total: int) -> Band:
    return Band.objects.get(model=model, min_total__lte=total, max_total__gte=total)


def people_ids(organization) -> set[int]:
    return set(people_of(organization).values_list("pk", flat=True))


def refused(call, *fragments: str) -> str:
    """Run a service that must refuse; its message names each fragment."""
    with pytest.raises(PlanError) as caught:
        call()
    message = str(caught.value)
    assert message.startswith("Nothing was saved: ")
    for fragment in fragments:
        assert fragment in message
    return message


def plan_for(assessment: Assessment):
    fresh = Assessment.objects.select_related("team", "model").get(pk=assessment.pk)
    return plan_of(fresh, assessment_sheet(fresh).result)


@pytest.fixture
def themed(submitted_assessment, lead_a) -> Assessment:
    """The lead's 2026 Q3, submitted with every total 15, and CX chosen as the theme."""
    return theme_choose(
        assessment=submitted_assessment,
        user=lead_a,
        dimension=dimension(submitted_assessment.model, "CX"),
    )


# --- Targets -----------------------------------------------------------------------------------


def save_targets(team, user, **targets: TargetInput) -> int:
    return targets_save(team=team, user=user, targets=targets, codes=CODES)


@pytest.mark.parametrize("target", [4, 26, 0])
def test_a_target_outside_5_to_25_is_refused(team_a, lead_a, target):
    refused(
        lambda: save_targets(team_a, lead_a, VO=TargetInput(target)),
        "VO: a target must be a total from 5 to 25",
    )
    assert not DimensionTarget.objects.filter(team=team_a).exists()


@pytest.mark.parametrize("target", [5, 25])
def test_targets_at_the_ends_of_the_range_are_kept(team_a, lead_a, target):
    assert save_targets(team_a, lead_a, VO=TargetInput(target)) == 1
    assert targets_of(team_a)["VO"].target_total == target


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_marking_a_dimension_right_for_the_stage_needs_a_reason(team_a, lead_a, reason):
    refused(
        lambda: save_targets(team_a, lead_a, AO=TargetInput(None, for_stage=True, reason=reason)),
        "AO: say why this level is right for your stage",
    )
    assert not DimensionTarget.objects.filter(team=team_a).exists()


def test_a_stage_reason_is_kept_trimmed_and_dropped_with_the_mark(team_a, lead_a):
    save_targets(team_a, lead_a, AO=TargetInput(8, for_stage=True, reason="  Two people.  "))
    row = targets_of(team_a)["AO"]
    assert (row.target_total, row.right_for_stage, row.stage_reason) == (8, True, "Two people.")
    save_targets(team_a, lead_a, AO=TargetInput(8, for_stage=False, reason="Two people."))
    row.refresh_from_db()
    assert (row.right_for_stage, row.stage_reason) == (False, "")


def test_an_overlong_stage_reason_is_refused(team_a, lead_a):
    refused(
        lambda: save_targets(team_a, lead_a, AO=TargetInput(8, True, "x" * 301)),
        "AO: keep the reason under 300 characters",
    )
    assert not DimensionTarget.objects.filter(team=team_a).exists()


def test_a_code_that_is_not_a_dimension_of_the_model_is_refused(team_a, lead_a):
    refused(
        lambda: save_targets(team_a, lead_a, VO=TargetInput(12), XX=TargetInput(12)),
        "XX is not a dimension of this model",
    )
    assert not DimensionTarget.objects.filter(team=team_a).exists()


def test_one_bad_target_of_four_saves_none_and_names_only_the_bad_one(team_a, lead_a):
    save_targets(team_a, lead_a, VO=TargetInput(10))
    message = refused(
        lambda: save_targets(
            team_a,
            lead_a,
            VO=TargetInput(20),
            CX=TargetInput(15),
            AO=TargetInput(12, for_stage=True, reason="Fine for now"),
            MP=TargetInput(30),
        ),
        "MP: a target must be a total from 5 to 25",
    )
    assert "VO" not in message and "CX" not in message and "AO" not in message
    assert {code: t.target_total for code, t in targets_of(team_a).items()} == {"VO": 10}


def test_every_problem_is_named_at_once(team_a, lead_a):
    refused(
        lambda: save_targets(
            team_a, lead_a, VO=TargetInput(4), CX=TargetInput(10, True, ""), ZZ=TargetInput(10)
        ),
        "VO: a target must be a total from 5 to 25",
        "CX: say why this level is right for your stage",
        "ZZ is not a dimension of this model",
    )


def test_targets_are_kept_until_changed_and_the_history_says_who_changed_them(
    team_a, lead_a, consultant
):
    first = save_targets(
        team_a,
        lead_a,
        VO=TargetInput(15),
        CX=TargetInput(None, for_stage=True, reason="We onboard three customers a year"),
    )
    assert first == 2
    # The consultant resends both; only VO differs, so only VO is saved again.
    again = save_targets(
        team_a,
        consultant,
        VO=TargetInput(18),
        CX=TargetInput(None, for_stage=True, reason="We onboard three customers a year"),
    )
    assert again == 1
    targets = targets_of(team_a)
    assert (targets["VO"].target_total, targets["VO"].updated_by) == (18, consultant)
    assert targets["CX"].updated_by == lead_a
    vo_history = DimensionTarget.history.filter(team=team_a, dimension_code="VO")
    assert [(h.target_total, h.history_user) for h in vo_history.order_by("history_date")] == [
        (15, lead_a),
        (18, consultant),
    ]
    assert DimensionTarget.history.filter(team=team_a, dimension_code="CX").count() == 1


def test_none_clears_a_target_but_keeps_the_stage_mark(team_a, lead_a):
    save_targets(team_a, lead_a, MP=TargetInput(20, for_stage=True, reason="Tooling comes later"))
    assert save_targets(team_a, lead_a, MP=TargetInput(None, True, "Tooling comes later")) == 1
    row = targets_of(team_a)["MP"]
    assert (row.target_total, row.right_for_stage) == (None, True)


def test_targets_belong_to_the_team_not_to_its_other_teams(team_a, team_b, lead_a):
    save_targets(team_a, lead_a, VO=TargetInput(20))
    assert targets_of(team_b) == {}


# --- The theme ---------------------------------------------------------------------------------


def test_choosing_the_theme_records_the_dimension_questions_reason_and_who(
    submitted_assessment, lead_a
):
    model = submitted_assessment.model
    chosen = theme_choose(
        assessment=submitted_assessment,
        user=lead_a,
        dimension=dimension(model, "MP"),
        questions=[question(model, "MP-1"), question(model, "MP-4")],
        reason="  Nobody trusts our numbers.  ",
    )
    stored = Assessment.objects.get(pk=chosen.pk)
    assert stored.theme_dimension == dimension(model, "MP")
    assert sorted(q.code for q in stored.theme_questions.all()) == ["MP-1", "MP-4"]
    assert (stored.theme_reason, stored.theme_chosen_by) == ("Nobody trusts our numbers.", lead_a)
    assert stored.theme_chosen_at is not None
    assert stored.history.latest("history_date").history_user == lead_a


def test_choosing_again_replaces_the_theme_and_its_questions(submitted_assessment, lead_a):
    model = submitted_assessment.model
    theme_choose(
        assessment=submitted_assessment,
        user=lead_a,
        dimension=dimension(model, "MP"),
        questions=[question(model, "MP-1")],
    )
    theme_choose(assessment=submitted_assessment, user=lead_a, dimension=dimension(model, "VO"))
    stored = Assessment.objects.get(pk=submitted_assessment.pk)
    assert (stored.theme_dimension.code, list(stored.theme_questions.all())) == ("VO", [])


def test_a_theme_on_a_draft_is_refused(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Q3, user=lead_a)
    refused(
        lambda: theme_choose(assessment=draft, user=lead_a, dimension=dimension(model_v0, "VO")),
        "submit the assessment before choosing next quarter's theme",
    )
    draft.refresh_from_db()
    assert (draft.theme_dimension, draft.theme_chosen_by) == (None, None)


def test_a_theme_from_another_model_version_is_refused(submitted_assessment, lead_a, model_v0):
    other = model_version_duplicate(source=model_v0)
    refused(
        lambda: theme_choose(
            assessment=submitted_assessment, user=lead_a, dimension=dimension(other, "VO")
        ),
        f"VO is not a dimension of {model_v0}",
    )
    submitted_assessment.refresh_from_db()
    assert submitted_assessment.theme_dimension is None


def test_questions_outside_the_theme_dimension_are_refused(submitted_assessment, lead_a):
    model = submitted_assessment.model
    refused(
        lambda: theme_choose(
            assessment=submitted_assessment,
            user=lead_a,
            dimension=dimension(model, "CX"),
            questions=[question(model, "CX-2"), question(model, "VO-1"), question(model, "AO-5")],
        ),
        "VO-1, AO-5 not part of CX & Delivery",
    )
    submitted_assessment.refresh_from_db()
    assert submitted_assessment.theme_dimension is None
    assert not submitted_assessment.theme_questions.exists()


def test_a_question_of_the_same_code_in_another_version_is_refused(
    submitted_assessment, lead_a, model_v0
):
    other = model_version_duplicate(source=model_v0)
    refused(
        lambda: theme_choose(
            assessment=submitted_assessment,
            user=lead_a,
            dimension=dimension(model_v0, "CX"),
            questions=[question(other, "CX-2")],
        ),
        "CX-2 not part of CX & Delivery",
    )


def test_the_theme_refusal_is_a_plain_assessment_error_for_the_views(model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Q3, user=lead_a)
    with pytest.raises(AssessmentError):
        theme_choose(assessment=draft, user=lead_a, dimension=dimension(model_v0, "VO"))


# --- Actions -----------------------------------------------------------------------------------


def add_action(assessment, user, **fields) -> Action:
    return action_save(
        assessment=assessment,
        user=user,
        wanted=ActionInput(**{"title": "Share a success plan", **fields}),
        people_ids=people_ids(assessment.team.organization),
    )


def test_an_action_before_a_theme_is_chosen_is_refused(submitted_assessment, lead_a):
    refused(lambda: add_action(submitted_assessment, lead_a), "choose the theme first")
    assert not Action.objects.exists()


def test_an_action_owned_by_a_person_of_the_organization_is_saved(themed, lead_a, lead_b):
    action = add_action(themed, lead_a, owner=lead_b, owner_name="ignored with an owner")
    stored = Action.objects.get(pk=action.pk)
    assert (stored.owner, stored.owner_name, stored.owner_label) == (lead_b, "", "Blair Lead")
    assert (stored.created_by, stored.status) == (lead_a, Action.Status.PLANNED)
    assert stored.history.latest("history_date").history_user == lead_a


def test_an_action_owner_from_another_organization_is_refused(themed, lead_a, outside_consultant):
    refused(
        lambda: add_action(themed, lead_a, owner=outside_consultant),
        "the owner must be a person of this organization",
    )
    assert not Action.objects.exists()


def test_a_free_text_owner_is_kept_trimmed(themed, lead_a):
    action = add_action(themed, lead_a, owner_name="  Sam from Support ")
    assert Action.objects.get(pk=action.pk).owner_label == "Sam from Support"


def test_a_due_date_before_the_quarter_is_refused(themed, lead_a):
    day_before = themed.period.first_day - datetime.timedelta(days=1)
    assert day_before == datetime.date(2026, 6, 30)
    refused(
        lambda: add_action(themed, lead_a, due_date=day_before),
        "the due date cannot be before 2026 Q3 (01 Jul 2026)",
    )
    assert not Action.objects.exists()


def test_a_due_date_on_the_quarters_first_day_is_kept(themed, lead_a):
    action = add_action(themed, lead_a, due_date=themed.period.first_day)
    assert Action.objects.get(pk=action.pk).due_date == datetime.date(2026, 7, 1)


def test_an_unknown_status_and_an_empty_title_are_refused_together(themed, lead_a):
    refused(
        lambda: add_action(themed, lead_a, title="   ", status="someday"),
        "give the action a title",
        "the status must be planned, doing, done or dropped",
    )
    assert not Action.objects.exists()


def test_a_recommendation_of_another_model_version_is_refused(themed, lead_a, model_v0):
    other = model_version_duplicate(source=model_v0)
    foreign = Recommendation.objects.create(
        model=other,
        key="test-foreign",
        dimension=dimension(other, "CX"),
        band=band(other, 15),
        title="From the draft",
    )
    refused(
        lambda: add_action(themed, lead_a, recommendation=foreign),
        "that recommendation belongs to another model version",
    )
    assert not Action.objects.exists()


def test_editing_an_action_changes_it_in_place(themed, lead_a, consultant):
    action = add_action(themed, lead_a, owner_name="Sam")
    changed = action_save(
        assessment=themed,
        user=consultant,
        wanted=ActionInput(title="Share the plan weekly", owner_name="Sam", status="doing"),
        people_ids=people_ids(themed.team.organization),
        action=action,
    )
    assert changed.pk == action.pk
    stored = Action.objects.get(pk=action.pk)
    assert (stored.title, stored.status, stored.created_by) == (
        "Share the plan weekly",
        "doing",
        lead_a,
    )
    assert stored.history.latest("history_date").history_user == consultant


def test_an_action_of_another_assessment_cannot_be_edited_through_this_one(
    themed, lead_a, lead_b, team_b
):
    theirs = submit(team_b, lead_b, Q3, 2)
    theme_choose(assessment=theirs, user=lead_b, dimension=dimension(theirs.model, "VO"))
    their_action = add_action(theirs, lead_b, title="Theirs")
    refused(
        lambda: action_save(
            assessment=themed,
            user=lead_a,
            wanted=ActionInput(title="Hijacked"),
            people_ids=people_ids(themed.team.organization),
            action=their_action,
        ),
        "that action belongs to another assessment",
    )
    their_action.refresh_from_db()
    assert (their_action.title, their_action.assessment_id) == ("Theirs", theirs.pk)


# --- The quarter's figures ---------------------------------------------------------------------


def save_metrics(team, user, **values) -> OutcomeMetrics:
    return metrics_save(team=team, period=Q3, user=user, values=values)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("csat", Decimal("0.9")),
        ("csat", Decimal("5.01")),
        ("nps", -101),
        ("nps", 101),
        ("milestones_on_time_pct", 101),
        ("milestones_on_time_pct", -1),
        ("time_to_first_value_days", -1),
        ("time_to_value_days", -1),
        ("onboarding_duration_days", -1),
        ("customers_onboarded", -1),
    ],
)
def test_a_figure_out_of_range_is_refused_by_its_label_and_nothing_is_saved(
    team_a, lead_a, field, value
):
    label, low, high = METRIC_RULES[field]
    refused(
        lambda: save_metrics(team_a, lead_a, **{"customers_onboarded": 12, field: value}),
        f"{label} must be from {low} to {high}",
    )
    assert not OutcomeMetrics.objects.filter(team=team_a).exists()


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("csat", "4.5", "must be a number"),
        ("nps", "high", "must be a number"),
        ("milestones_on_time_pct", True, "must be a number"),
        ("csat", Decimal("NaN"), "must be a number"),
        ("nps", float("inf"), "must be a number"),
        ("time_to_value_days", Decimal("12.5"), "must be a whole number"),
        ("customers_onboarded", 3.5, "must be a whole number"),
    ],
)
def test_a_figure_that_is_not_a_number_of_its_kind_is_refused_by_its_label(
    team_a, lead_a, field, value, problem
):
    refused(
        lambda: save_metrics(team_a, lead_a, **{"customers_onboarded": 12, field: value}),
        f"{METRIC_RULES[field][0]} {problem}",
    )
    assert not OutcomeMetrics.objects.filter(team=team_a).exists()


def test_csat_may_have_decimals(team_a, lead_a):
    save_metrics(team_a, lead_a, csat=Decimal("4.25"))
    assert OutcomeMetrics.objects.get(team=team_a).csat == Decimal("4.25")


def test_a_refused_correction_leaves_the_quarters_figures_as_they_were(team_a, lead_a, consultant):
    save_metrics(team_a, lead_a, nps=20, csat=Decimal("4.10"))
    refused(lambda: save_metrics(team_a, consultant, nps=35, csat=Decimal("5.5")), "CSAT")
    row = OutcomeMetrics.objects.get(team=team_a)
    assert (row.nps, row.csat, row.updated_by) == (20, Decimal("4.10"), lead_a)


def test_the_ends_of_every_range_are_accepted(team_a, lead_a):
    save_metrics(team_a, lead_a, csat=Decimal("1"), nps=-100, milestones_on_time_pct=0)
    save_metrics(
        team_a,
        lead_a,
        csat=Decimal("5"),
        nps=100,
        milestones_on_time_pct=100,
        time_to_first_value_days=0,
        time_to_value_days=0,
        onboarding_duration_days=0,
        customers_onboarded=0,
    )
    row = OutcomeMetrics.objects.get(team=team_a, year=2026, quarter=3)
    assert (row.csat, row.nps, row.milestones_on_time_pct, row.time_to_value_days) == (
        Decimal("5"),
        100,
        100,
        0,
    )
    assert recorded_metrics(row) == set(METRIC_RULES)


def test_a_whole_number_given_as_a_decimal_is_accepted_for_days(team_a, lead_a):
    save_metrics(team_a, lead_a, time_to_value_days=Decimal("30"))
    assert OutcomeMetrics.objects.get(team=team_a).time_to_value_days == 30


def test_an_unknown_figure_is_refused(team_a, lead_a):
    refused(lambda: save_metrics(team_a, lead_a, churn=3), "churn is not a recorded figure")
    assert not OutcomeMetrics.objects.exists()


def test_none_clears_a_figure_and_leaves_the_others(team_a, lead_a, consultant):
    save_metrics(team_a, lead_a, time_to_value_days=45, nps=30)
    row = save_metrics(team_a, consultant, nps=None)
    stored = OutcomeMetrics.objects.get(pk=row.pk)
    assert (stored.time_to_value_days, stored.nps, stored.updated_by) == (45, None, consultant)
    assert recorded_metrics(stored) == {"time_to_value_days"}
    assert stored.history.latest("history_date").history_user == consultant


def test_each_quarter_of_a_team_has_its_own_figures(team_a, lead_a):
    save_metrics(team_a, lead_a, nps=10)
    metrics_save(team=team_a, period=Q3.next(), user=lead_a, values={"nps": 40})
    assert [(m.quarter, m.nps) for m in OutcomeMetrics.objects.filter(team=team_a)] == [
        (3, 10),
        (4, 40),
    ]


# --- The plan a report shows -------------------------------------------------------------------


@pytest.fixture
def uneven(model_v0, team_a, lead_a) -> Assessment:
    """VO 10, CX 15, AO 20, MP 15."""
    return submit(team_a, lead_a, Q3, scores_by_dimension(VO=2, CX=3, AO=4, MP=3))


def test_without_targets_the_lowest_total_is_suggested(uneven):
    plan = plan_for(uneven)
    assert (plan.suggested_code, plan.has_targets) == ("VO", False)
    assert [(g.code, g.total, g.target, g.gap) for g in plan.goals] == [
        ("VO", 10, None, None),
        ("CX", 15, None, None),
        ("AO", 20, None, None),
        ("MP", 15, None, None),
    ]


def test_the_suggestion_follows_the_largest_gap_to_target(uneven, team_a, lead_a):
    save_targets(team_a, lead_a, VO=TargetInput(12), AO=TargetInput(25), MP=TargetInput(18))
    plan = plan_for(uneven)
    assert (plan.suggested_code, plan.has_targets) == ("AO", True)
    assert [g.gap for g in plan.goals] == [2, None, 5, 3]


def test_a_dimension_right_for_the_stage_is_not_suggested_and_shows_its_reason(
    uneven, team_a, lead_a
):
    save_targets(
        team_a,
        lead_a,
        VO=TargetInput(12),
        AO=TargetInput(25, for_stage=True, reason="Our partners do this"),
        MP=TargetInput(18),
    )
    plan = plan_for(uneven)
    assert plan.suggested_code == "MP"
    assert [(g.code, g.for_stage, g.stage_reason) for g in plan.goals if g.for_stage] == [
        ("AO", True, "Our partners do this")
    ]
    assert plan.goals[2].total == 20  # the mark never changes a total


def test_nothing_is_suggested_when_every_dimension_is_right_for_the_stage(uneven, team_a, lead_a):
    save_targets(team_a, lead_a, **{code: TargetInput(None, True, "Early days") for code in CODES})
    assert plan_for(uneven).suggested_code is None


def test_targets_set_in_one_quarter_shape_the_next_quarters_plan(uneven, team_a, lead_a):
    save_targets(team_a, lead_a, CX=TargetInput(22))
    next_quarter = submit(team_a, lead_a, Q3.next(), scores_by_dimension(VO=3, CX=3, AO=3, MP=3))
    plan = plan_for(next_quarter)
    assert plan.suggested_code == "CX"
    assert [g.target for g in plan.goals] == [None, 22, None, None]


def recommend(model, key: str, dim: str, total: int, *, question_code: str = "", order: int = 0):
    return Recommendation.objects.create(
        model=model,
        key=key,
        dimension=dimension(model, dim),
        band=band(model, total),
        question=question(model, question_code) if question_code else None,
        title=key.replace("-", " "),
        order=order,
    )


@pytest.fixture
def library(model_v0):
    """Our own recommendations, whatever the shipped library holds."""
    Recommendation.objects.filter(model=model_v0).delete()
    return {
        "cx-room-b": recommend(model_v0, "cx-room-b", "CX", 15, order=2),
        "cx-room-a": recommend(model_v0, "cx-room-a", "CX", 15, order=1),
        "cx-room-q2": recommend(model_v0, "cx-room-q2", "CX", 15, question_code="CX-2", order=9),
        "cx-room-q4": recommend(model_v0, "cx-room-q4", "CX", 15, question_code="CX-4", order=9),
        "cx-low": recommend(model_v0, "cx-low", "CX", 8),
        "cx-high": recommend(model_v0, "cx-high", "CX", 22),
        "vo-room": recommend(model_v0, "vo-room", "VO", 15),
    }


def keys(plan) -> list[str]:
    return [r.key for r in plan.recommendations]


def test_no_recommendations_before_a_theme_is_chosen(submitted_assessment, library):
    plan = plan_for(submitted_assessment)
    assert (plan.theme, keys(plan)) == (None, [])


def test_recommendations_are_those_of_the_theme_dimension_in_its_band(themed, library):
    # CX totals 15: "Room for improvement"; question-specific ones first, then by order.
    assert keys(plan_for(themed)) == ["cx-room-q2", "cx-room-q4", "cx-room-a", "cx-room-b"]


def test_with_chosen_questions_only_their_own_recommendations_join_the_dimensions(
    themed, lead_a, library
):
    theme_choose(
        assessment=themed,
        user=lead_a,
        dimension=themed.theme_dimension,
        questions=[question(themed.model, "CX-4")],
    )
    assert keys(plan_for(themed)) == ["cx-room-q4", "cx-room-a", "cx-room-b"]


def test_the_band_follows_the_theme_dimensions_own_total(model_v0, team_a, lead_a, library):
    low = submit(team_a, lead_a, Q3, scores_by_dimension(VO=3, CX=1, AO=3, MP=3))
    theme_choose(assessment=low, user=lead_a, dimension=dimension(model_v0, "CX"))
    assert keys(plan_for(low)) == ["cx-low"]


def test_the_plan_lists_the_themes_actions(themed, lead_a, lead_b):
    add_action(themed, lead_a, title="Later", due_date=datetime.date(2026, 9, 30))
    add_action(themed, lead_a, title="Sooner", due_date=datetime.date(2026, 8, 1), owner=lead_b)
    plan = plan_for(themed)
    assert plan.theme.code == "CX"
    assert [(a.title, a.owner_label) for a in plan.actions] == [
        ("Sooner", "Blair Lead"),
        ("Later", ""),
    ]


def plan_queries(assessment: Assessment) -> int:
    """Queries to read the plan and everything the report shows of it."""
    fresh = Assessment.objects.select_related("team", "model", "theme_dimension").get(
        pk=assessment.pk
    )
    result = assessment_sheet(fresh).result
    with CaptureQueriesContext(connection) as queries:
        plan = plan_of(fresh, result)
        assert plan.theme.name == "CX & Delivery"
        for action in plan.actions:
            assert action.owner_label
            assert action.recommendation.title
        for recommendation in plan.recommendations:
            _ = recommendation.question.code if recommendation.question else None
    return len(queries)


def test_reading_the_plan_takes_the_same_queries_for_one_action_or_ten(
    themed, lead_a, lead_b, library
):
    theme_choose(
        assessment=themed,
        user=lead_a,
        dimension=themed.theme_dimension,
        questions=[question(themed.model, "CX-2")],
    )

    def add(n: int) -> None:
        add_action(
            themed,
            lead_a,
            title=f"Action {n}",
            owner=lead_b if n % 2 else None,
            owner_name="" if n % 2 else f"Helper {n}",
            recommendation=library["cx-room-a"],
        )

    add(1)
    one = plan_queries(themed)
    assert one <= 4  # targets, actions, the theme's questions, recommendations
    for n in range(2, 11):
        add(n)
    assert plan_queries(themed) == one
