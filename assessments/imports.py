"""Import: submitted assessments from the CSV contract, all of a file or none of it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from assessments.exports.csv_format import HEADER, CsvRow, Problem
from assessments.models import Answer, Assessment
from assessments.services import AssessmentError
from catalogue.models import MaturityModel, Question
from catalogue.scoring import MAX_SCORE, MIN_SCORE
from catalogue.services import model_version_mark_in_use
from organizations.models import Organization, Team
from organizations.services import organization_create, team_create

SUMMARY_LISTS = 10  # assessments named in the summary; the rest are counted

NAME_LENGTHS = {
    "organization": Organization._meta.get_field("name").max_length,
    "team": Team._meta.get_field("name").max_length,
}


class ImportRejected(AssessmentError):
    """The whole file was refused; `problems` names the line and column of each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"The file was not imported: {len(problems)} problem(s) found.")


@dataclass(frozen=True)
class ImportResult:
    assessments: list[Assessment]
    organizations_created: list[str]
    teams_created: list[str]


@dataclass
class _Group:
    line: int
    organization: str
    team: str
    year: int
    quarter: int
    model: MaturityModel
    scores: dict[str, tuple[int, str]]


def _import_groups(
    rows: list[CsvRow], only: Organization | None
) -> tuple[list[_Group], list[Problem]]:
    """Validate every row and group them into assessments; collect every problem."""
    problems: list[Problem] = []
    in_use = MaturityModel.objects.exclude(status=MaturityModel.Status.DRAFT)
    models, ambiguous_versions = {}, set()
    for m in in_use:
        if m.version in models:
            ambiguous_versions.add(m.version)  # two model codes publish the same version name
        models[m.version] = m
    codes = defaultdict(dict)
    for q in Question.objects.filter(dimension__model__in=models.values()).select_related(
        "dimension"
    ):
        codes[q.dimension.model_id][q.code] = q
    groups: dict[tuple, _Group] = {}
    seen: dict[tuple, int] = {}
    quarters: dict[tuple, tuple[int, str]] = {}
    for row in rows:
        bad = len(problems)
        for column in ("organization", "team", "note"):
            if "\x00" in getattr(row, column):
                problems.append(Problem(row.line, column, "contains a NUL character"))
        for column, length in NAME_LENGTHS.items():
            if len(getattr(row, column)) > length:
                problems.append(Problem(row.line, column, f"is longer than {length} characters"))
        if not row.organization:
            problems.append(Problem(row.line, "organization", "is empty"))
        elif only is not None and row.organization.casefold() != only.name.casefold():
            problems.append(
                Problem(row.line, "organization", f"{row.organization!r} is not {only.name!r}")
            )
        if not row.team:
            problems.append(Problem(row.line, "team", "is empty"))
        year = _whole_number(row.year, 2000, 2100, row.line, "year", problems)
        quarter = _whole_number(row.quarter, 1, 4, row.line, "quarter", problems)
        model = models.get(row.model_version)
        if row.model_version in ambiguous_versions:
            problems.append(
                Problem(
                    row.line,
                    "model_version",
                    f"{row.model_version!r} names more than one model; import it by command "
                    "after renaming one of them",
                )
            )
        elif model is None:
            known = ", ".join(sorted(models)) or "none"
            problems.append(
                Problem(
                    row.line,
                    "model_version",
                    f"unknown version {row.model_version!r} (known: {known})",
                )
            )
        elif row.question not in codes[model.pk]:
            problems.append(
                Problem(
                    row.line,
                    "question",
                    f"unknown question code {row.question!r} in {model.version}",
                )
            )
        score = _whole_number(row.score, MIN_SCORE, MAX_SCORE, row.line, "score", problems)
        if len(row.note) > 2000:
            problems.append(Problem(row.line, "note", "is longer than 2000 characters"))
        if len(problems) > bad:
            continue
        key = (row.organization.casefold(), row.team.casefold(), year, quarter, model.version)
        if (*key, row.question) in seen:
            problems.append(
                Problem(
                    row.line,
                    "question",
                    f"{row.question} repeats line {seen[(*key, row.question)]}",
                )
            )
            continue
        seen[(*key, row.question)] = row.line
        first_line, first_version = quarters.setdefault(key[:4], (row.line, model.version))
        if first_version != model.version:
            problems.append(
                Problem(
                    row.line,
                    "model_version",
                    f"{row.team} {year} Q{quarter} is already in this file under "
                    f"{first_version} (line {first_line}); a team has one assessment a quarter",
                )
            )
            continue
        group = groups.setdefault(
            key, _Group(row.line, row.organization, row.team, year, quarter, model, {})
        )
        group.scores[row.question] = (score, row.note)
    for group in groups.values():
        missing = [code for code in codes[group.model.pk] if code not in group.scores]
        if missing:
            problems.append(
                Problem(
                    group.line,
                    "question",
                    f"{group.team} {group.year} Q{group.quarter} has no answer for "
                    + ", ".join(missing),
                )
            )
    return list(groups.values()), problems


def _whole_number(value: str, low: int, high: int, line: int, column: str, problems) -> int | None:
    try:
        number = int(value)
    except ValueError:
        problems.append(Problem(line, column, f"{value!r} is not a whole number"))
        return None
    if not low <= number <= high:
        problems.append(Problem(line, column, f"{number} is outside {low} to {high}"))
        return None
    return number


@transaction.atomic
def assessments_import(
    *,
    rows: list[CsvRow],
    user=None,
    organization: Organization | None = None,
    create_teams: bool = True,
) -> ImportResult:
    """Create submitted assessments from CSV rows: all of them, or none (ImportRejected).

    Without create_teams, a row naming a team that does not exist is a problem.
    """
    groups, problems = _import_groups(rows, organization)
    if not rows and not problems:
        problems.append(Problem(2, "row", "the file has a header but no answers"))
    organizations, teams = _existing(groups, organization, problems)
    for group in groups:
        org = organizations.get(group.organization.casefold())
        team = teams.get((org.pk, group.team.casefold())) if org else None
        if team is None and not create_teams:
            known = sorted(t.name for (org_id, _), t in teams.items() if org and org_id == org.pk)
            problems.append(
                Problem(
                    group.line,
                    "team",
                    f"{group.team!r} is not a team of {group.organization}"
                    + (f" (its teams: {', '.join(known)})" if known else "")
                    + "; to add it, tick “Create teams that do not exist yet”",
                )
            )
        if (
            team
            and Assessment.objects.filter(
                team=team, year=group.year, quarter=group.quarter
            ).exists()
        ):
            problems.append(
                Problem(
                    group.line,
                    "team",
                    f"{team.name} already has a {group.year} Q{group.quarter} assessment",
                )
            )
    if problems:
        raise ImportRejected(
            sorted(
                problems,
                key=lambda p: (p.line, HEADER.index(p.column) if p.column in HEADER else -1),
            )
        )

    created_orgs, created_teams, created = [], [], []
    now = timezone.now()
    for group in groups:
        org = organizations.get(group.organization.casefold())
        if org is None:
            org = organization_create(name=group.organization)
            organizations[org.name.casefold()] = org
            created_orgs.append(org.name)
        team = teams.get((org.pk, group.team.casefold()))
        if team is None:
            team = team_create(organization=org, name=group.team)
            teams[(org.pk, team.name.casefold())] = team
            created_teams.append(f"{org.name} / {team.name}")
        assessment = Assessment.objects.create(
            team=team,
            year=group.year,
            quarter=group.quarter,
            model=group.model,
            status=Assessment.Status.SUBMITTED,
            created_by=user,
            submitted_by=user,
            submitted_at=now,
        )
        questions = Question.objects.filter(dimension__model=group.model)
        Answer.objects.bulk_create(
            Answer(
                assessment=assessment,
                question=q,
                score=group.scores[q.code][0],
                note=group.scores[q.code][1],
                question_text=q.text,
            )
            for q in questions
        )
        created.append(assessment)
    for model in {group.model for group in groups}:
        model_version_mark_in_use(model=model)
    return ImportResult(created, created_orgs, created_teams)


def _existing(
    groups: list[_Group], only: Organization | None, problems: list[Problem]
) -> tuple[dict[str, Organization], dict[tuple[int, str], Team]]:
    """The organizations and teams the file names that exist, by case-insensitive name.

    An upload for one organization only ever resolves to that organization. Names are not
    unique, so a name that matches two organizations (or two teams of one) is a problem.
    """
    if only is not None:
        candidates = [only]
    else:
        names = {g.organization.casefold() for g in groups}
        candidates = [o for o in Organization.objects.all() if o.name.casefold() in names]
    organizations: dict[str, Organization] = {}
    twice: set[tuple] = set()
    for org in candidates:
        name = org.name.casefold()
        if name in organizations:
            twice.add((name,))
        organizations[name] = org
    teams: dict[tuple[int, str], Team] = {}
    for team in Team.objects.filter(organization__in=list(organizations.values())):
        key = (team.organization_id, team.name.casefold())
        if key in teams:
            twice.add(key)
        teams[key] = team
    for group in groups:
        org = organizations.get(group.organization.casefold())
        if (group.organization.casefold(),) in twice:
            column = "organization"
        elif org is not None and (org.pk, group.team.casefold()) in twice:
            column = "team"
        else:
            continue
        value = getattr(group, column)
        problems.append(
            Problem(group.line, column, f"{value!r} names more than one {column}; rename one")
        )
    return organizations, teams


def summary(result: ImportResult) -> str:
    parts = [f"Imported {len(result.assessments)} submitted assessment(s)."]
    shown = [f"{a.team.name} {a.period.label}" for a in result.assessments[:SUMMARY_LISTS]]
    more = len(result.assessments) - len(shown)
    parts.append(
        ": ".join(["Assessments", ", ".join(shown)]) + (f" and {more} more." if more else ".")
    )
    if result.organizations_created:
        parts.append("New organization(s): " + ", ".join(result.organizations_created) + ".")
    if result.teams_created:
        parts.append("New team(s): " + ", ".join(result.teams_created) + ".")
    return " ".join(parts)
