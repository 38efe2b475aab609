"""The catalogue and organization models moved apps without their data moving.

A database migrated to the last state before the move and seeded there (with the models as
they were then) must read identically after migrating forward: every row of every moved table,
and what the app computes from them.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Answer, Assessment
from assessments.selectors import assessment_sheet, team_history
from catalogue.models import MaturityModel, Question
from catalogue.selectors import forget_model_structures
from maturity.history import BASELINE_REASON
from organizations.models import Team

BEFORE_THE_MOVE = [
    ("assessments", "0005_model_structure_version"),
    ("admin", "0003_logentry_add_action_flag_choices"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("sessions", "0001_initial"),
]
MOVED_TABLES = [
    "assessments_maturitymodel",
    "assessments_dimension",
    "assessments_question",
    "assessments_band",
    "assessments_scalelevel",
    "assessments_organization",
    "assessments_organization_consultants",
    "assessments_team",
    "assessments_team_leads",
    "assessments_failedsignin",
    "assessments_assessment",
    "assessments_answer",
]
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "model_v0.json"
SUBMITTED_AT = datetime.datetime(2026, 4, 2, 9, 30, tzinfo=datetime.UTC)
SCORES = {"VO": 2, "CX": 3, "AO": 4, "MP": 5}  # per question: totals 10, 15, 20, 25


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def seed_before_the_move(apps) -> dict:
    """The v0 model from its fixture, an organization, a team, two quarters, through the
    models as they stood before the move (all in the assessments app)."""
    get = apps.get_model
    model = get("assessments", "MaturityModel").objects.create(
        code="customer-onboarding",
        version="v0",
        title="Customer Onboarding Maturity Model",
        source_credit="Customer Onboarding Maturity Model v0, Rocketlane",
        status="published",
    )
    dimensions, questions = {}, []
    for record in json.loads(FIXTURE.read_text(encoding="utf-8")):
        kind, fields = record["model"].split(".")[1], record["fields"]
        if kind == "dimension":
            dimensions[fields["code"]] = get("assessments", "Dimension").objects.create(
                model=model, **{k: v for k, v in fields.items() if k != "model"}
            )
        elif kind == "question":
            question = get("assessments", "Question").objects.create(
                dimension=dimensions[fields["dimension"][2]],
                **{k: v for k, v in fields.items() if k != "dimension"},
            )
            questions.append(question)
        elif kind in {"band", "scalelevel"}:
            get("assessments", {"band": "Band", "scalelevel": "ScaleLevel"}[kind]).objects.create(
                model=model, **{k: v for k, v in fields.items() if k != "model"}
            )
    user_model = get("auth", "User")
    lead = user_model.objects.create(username="lead", first_name="Lee")
    consultant = user_model.objects.create(username="consultant")
    organization = get("assessments", "Organization").objects.create(name="Acme", slug="acme")
    organization.consultants.add(consultant)
    team = get("assessments", "Team").objects.create(
        organization=organization, name="Enterprise", slug="enterprise"
    )
    team.leads.add(lead)
    submitted = get("assessments", "Assessment").objects.create(
        team=team,
        year=2026,
        quarter=1,
        model=model,
        status="submitted",
        touch_model="high",
        created_by=lead,
        submitted_by=lead,
        submitted_at=SUBMITTED_AT,
    )
    draft = get("assessments", "Assessment").objects.create(
        team=team, year=2026, quarter=2, model=model, created_by=lead
    )
    answer_model = get("assessments", "Answer")
    for question in questions:
        code = question.dimension.code
        answer_model.objects.create(
            assessment=submitted,
            question=question,
            score=SCORES[code],
            note=f"note on {question.code}",
            question_text=f"As asked then: {question.text}",
        )
    answer_model.objects.create(assessment=draft, question=questions[0], score=1, note="")
    get("assessments", "FailedSignIn").objects.create(username="lead", address="10.0.0.1")
    content_type = get("contenttypes", "ContentType").objects.get_or_create(
        app_label="assessments", model="maturitymodel"
    )[0]
    permission = get("auth", "Permission").objects.get_or_create(
        content_type=content_type,
        codename="change_maturitymodel",
        defaults={"name": "Can change maturity model version"},
    )[0]
    group = get("auth", "Group").objects.create(name="Model editors")
    group.permissions.add(permission)
    get("admin", "LogEntry").objects.create(
        user=lead,
        content_type=content_type,
        object_id=str(model.pk),
        object_repr="v0",
        action_flag=2,
        change_message="Reworded VO-1",
    )
    return {"model": model.pk, "team": team.pk, "submitted": submitted.pk, "draft": draft.pk}


def table_rows(
    tables: list[str] = MOVED_TABLES, columns: dict[str, tuple] | None = None
) -> dict[str, list[tuple]]:
    """Every row of every moved table: in the given columns of each table (those it had
    before the move), else all of them."""
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 (fixed names)
            names = [c[0] for c in cursor.description]
            kept = columns[table] if columns else tuple(names)
            positions = [names.index(name) for name in kept]
            rows[table] = [tuple(row[i] for i in positions) for row in cursor.fetchall()]
            rows[table].insert(0, tuple(kept))
    return rows


@pytest.mark.django_db(transaction=True)
def test_a_database_seeded_before_the_move_reads_identically_after_it():
    MaturityModel.objects.all().delete()  # the test database's own v0: this test seeds its own
    migrate([*BEFORE_THE_MOVE, ("catalogue", None), ("organizations", None)])  # not born yet
    old_apps = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE).apps
    ids = seed_before_the_move(old_apps)
    before = table_rows()
    assert sum(len(rows) - 1 for rows in before.values()) > 40  # columns row excluded

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())
    forget_model_structures()

    # Failed sign-ins moved to django-axes afterwards (organizations 0002): that table is gone.
    assert "assessments_failedsignin" not in connection.introspection.table_names()
    del before["assessments_failedsignin"]
    columns_before = {table: rows[0] for table, rows in before.items()}
    after = table_rows([t for t in MOVED_TABLES if t != "assessments_failedsignin"], columns_before)
    assert after == before
    # ... and the app reads the same things through the models' new homes.
    submitted = Assessment.objects.select_related("team__organization", "model").get(
        pk=ids["submitted"]
    )
    sheet = assessment_sheet(submitted)
    assert [(d.code, d.total, d.band.label) for d in sheet.result.dimensions] == [
        ("VO", 10, "Needs immediate attention"),
        ("CX", 15, "Room for improvement"),
        ("AO", 20, "Excellent"),
        ("MP", 25, "Excellent"),
    ]
    assert sheet.rows[0].items[0].text.startswith("As asked then: ")
    team = Team.objects.get(pk=ids["team"])
    assert (team.organization.name, [u.username for u in team.leads.all()]) == ("Acme", ["lead"])
    assert [u.username for u in team.organization.consultants.all()] == ["consultant"]
    history = team_history(team)
    assert [s.overall_total for s in history.summaries] == [70, None]
    assert history.summaries[1].resume_step == 2
    # The version was submitted against, so the migration recorded it as in use: frozen.
    model = MaturityModel.objects.get(pk=ids["model"])
    assert model.in_use_since == SUBMITTED_AT and model.is_structure_frozen
    # Admin history and permissions follow the model to its new app.
    content_type = ContentType.objects.get_for_model(MaturityModel)
    assert LogEntry.objects.get().content_type == content_type
    assert LogEntry.objects.get().get_edited_object() == model
    editors = Group.objects.get(name="Model editors")
    assert list(editors.permissions.all()) == [
        Permission.objects.get(content_type=content_type, codename="change_maturitymodel")
    ]
    assert not ContentType.objects.filter(app_label="assessments", model="maturitymodel").exists()
    # The audit trail starts from every row that was there, so a first change shows its before.
    for model in (Question, Answer, Assessment, Team):
        baseline = model.history.filter(history_change_reason=BASELINE_REASON)
        assert baseline.count() == model.objects.count() > 0, model
    reworded = Question.objects.get(dimension__model_id=ids["model"], code="VO-1")
    before = reworded.text
    reworded.text = "Reworded after the move?"
    reworded.save()
    latest = reworded.history.first()
    assert latest.diff_against(latest.prev_record).changes[0].old == before
