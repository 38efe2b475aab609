"""Import: submitted assessments from the CSV contract, all of a file or none of it.

Two phases, so that a large file neither holds a worker past its timeout nor holds the
database's write lock while it is being read:

- reading: one pass over the rows as the file streams in, checking each against the model
  versions and questions loaded once; only each assessment's scores and notes are kept;
- writing: in one transaction, a fixed number of queries to find the organizations, teams and
  assessments already there, then bulk inserts (answers ANSWER_BATCH at a time). Each
  assessment also gets the response it was made from, an imported one holding a copy of its
  answers, as every submitted assessment has at least one response.

Two uploads of the same file at once: the second waits for the first to commit (on SQLite its
transaction waits to start; on PostgreSQL the import locks the organizations it writes into)
and then finds its teams and assessments, so it gets the same "already has a ... assessment"
problem as an upload made afterwards. Whatever else inserts one of the file's team quarters
between the check and the insert (a wizard start takes no such lock) trips the
one-assessment-per-period constraint: the import rolls back, looks again and names that one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from simple_history.utils import bulk_create_with_history

from assessments import events
from assessments.benchmark_tasks import refresh_peer_benchmarks
from assessments.exports.csv_format import HEADER, CsvRow, Problem, RestUnread
from assessments.models import Answer, Assessment, Respondent, RespondentAnswer
from assessments.services import AssessmentError
from catalogue.models import MaturityModel, Question
from catalogue.scoring import MAX_SCORE, MIN_SCORE
from catalogue.services import model_version_mark_in_use
from organizations.models import Organization, Team
from organizations.services import organization_create, team_create

SUMMARY_LISTS = 10  # assessments, organizations and teams named in the summary; the rest counted
ASSESSMENT_BATCH = 500
ANSWER_BATCH = 2000
IMPORTED = "imported from a CSV file"
WRITE_ATTEMPTS = 3  # a lost race is retried; the retry finds the winner's rows and names them

NAME_LENGTHS = {
    "organization": Organization._meta.get_field("name").max_length,
    "team": Team._meta.get_field("name").max_length,
}
NOTE_LENGTH = 2000  # as in the wizard

# Control characters (C0, DEL, C1) and the text-direction embeddings, overrides and isolates,
# which make a name display as something other than what it is. Notes keep tabs and line breaks.
_NAME_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NOTE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TEXT_DIRECTION = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

YEARS = (2000, 2100)
QUARTERS = (1, 4)
SCORES = (MIN_SCORE, MAX_SCORE)


class ImportRejected(AssessmentError):
    """The whole file was refused; `problems` names the line and column of each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            ngettext(
                "The file was not imported: %(count)s problem(s) found.",
                "The file was not imported: %(count)s problem(s) found.",
                len(problems),
            )
            % {"count": len(problems)}
        )


class ImportBusy(AssessmentError):
    """Another write held the organization (or, on SQLite, the database) longer than a lock may
    be waited for: nothing was imported, and the same file may simply be sent again."""


@dataclass(frozen=True)
class ImportResult:
    assessments: list[Assessment]
    organizations_created: list[str]
    teams_created: list[str]


@dataclass(slots=True)
class _Group:
    """One assessment of the file: its first line and, per question code, (score, note, line)."""

    line: int
    organization: str
    team: str
    year: int
    quarter: int
    model: MaturityModel
    scores: dict[str, tuple[int, str, int]]


def assessments_import(
    *,
    rows: Iterable[CsvRow | Problem],
    user=None,
    organization: Organization | None = None,
    create_teams: bool = True,
) -> ImportResult:
    """Create submitted assessments from CSV rows: all of them, or none (ImportRejected).

    `rows` is what csv_format.read_csv yields: rows, and problems of the file's structure.
    Without create_teams, a row naming a team that does not exist is a problem.
    """
    groups, problems, codes = _read(rows, organization)

    @transaction.atomic
    def write() -> ImportResult:
        return _write(
            groups=groups,
            codes=codes,
            problems=list(problems),
            only=organization,
            create_teams=create_teams,
            user=user,
        )

    try:
        for _ in range(WRITE_ATTEMPTS - 1):
            try:
                return write()
            except IntegrityError:
                # Someone inserted one of the file's team quarters (a wizard start, say) after
                # this import looked. All of it is rolled back; looking again finds that row.
                continue
        return write()
    except OperationalError as error:
        if not _lock_wait_ran_out(error):
            raise
        raise ImportBusy(
            gettext(
                "Another import into the same organization was still being saved, so nothing was "
                "imported. Send the file again in a minute."
            )
        ) from error


def _lock_wait_ran_out(error: OperationalError) -> bool:
    # PostgreSQL: lock_timeout (SQLSTATE 55P03); SQLite: the busy timeout of a writer's BEGIN.
    return getattr(error.__cause__, "sqlstate", None) == "55P03" or "database is locked" in str(
        error
    )


# --- Reading: one pass over the rows -------------------------------------------------------------


Codes = dict[int, dict[str, Question]]  # a model version's questions by code, in its order


def _read(
    rows: Iterable[CsvRow | Problem], only: Organization | None
) -> tuple[list[_Group], list[Problem], Codes]:
    """Check every row and group the rows into assessments; collect every problem."""
    problems: list[Problem] = []
    models, ambiguous_versions = {}, set()
    for m in MaturityModel.objects.exclude(status=MaturityModel.Status.DRAFT):
        if m.version in models:
            ambiguous_versions.add(m.version)  # two model codes publish the same version name
        models[m.version] = m
    codes = _questions(models.values())
    known_versions = ", ".join(sorted(models)) or "none"
    only_name = only.name.casefold() if only is not None else None
    groups: dict[tuple, _Group] = {}
    quarters: dict[tuple, tuple[int, str]] = {}
    count, read_to_the_end = 0, True
    for row in rows:
        if isinstance(row, Problem):
            problems.append(row)
            read_to_the_end = read_to_the_end and not isinstance(row, RestUnread)
            continue
        count += 1
        line = row.line
        bad = len(problems)
        _check_text(row, problems)
        if not row.organization:
            problems.append(Problem(line, "organization", gettext("is empty")))
        elif only_name is not None and row.organization.casefold() != only_name:
            problems.append(
                Problem(
                    line,
                    "organization",
                    gettext("%(value)s is not %(organization)s")
                    % {"value": repr(row.organization), "organization": repr(only.name)},
                )
            )
        if not row.team:
            problems.append(Problem(line, "team", gettext("is empty")))
        year = _whole_number(row.year, *YEARS, line, "year", problems)
        quarter = _whole_number(row.quarter, *QUARTERS, line, "quarter", problems)
        model = models.get(row.model_version)
        if row.model_version in ambiguous_versions:
            problems.append(
                Problem(
                    line,
                    "model_version",
                    gettext(
                        "%(version)s names more than one model; import it by command "
                        "after renaming one of them"
                    )
                    % {"version": repr(row.model_version)},
                )
            )
        elif model is None:
            problems.append(
                Problem(
                    line,
                    "model_version",
                    gettext("unknown version %(version)s (known: %(known)s)")
                    % {"version": repr(row.model_version), "known": known_versions},
                )
            )
        elif row.question not in codes[model.pk]:
            problems.append(
                Problem(
                    line,
                    "question",
                    gettext("unknown question code %(code)s in %(version)s")
                    % {"code": repr(row.question), "version": model.version},
                )
            )
        score = _whole_number(row.score, *SCORES, line, "score", problems)
        if len(problems) > bad:
            continue
        key = (row.organization.casefold(), row.team.casefold(), year, quarter, model.version)
        group = groups.get(key)
        if group is None:
            first_line, first_version = quarters.setdefault(key[:4], (line, model.version))
            if first_version != model.version:
                problems.append(
                    Problem(
                        line,
                        "model_version",
                        gettext(
                            "%(team)s %(year)s Q%(quarter)s is already in this file under "
                            "%(version)s (line %(line)s); a team has one assessment a quarter"
                        )
                        % {
                            "team": row.team,
                            "year": year,
                            "quarter": quarter,
                            "version": first_version,
                            "line": first_line,
                        },
                    )
                )
                continue
            group = groups[key] = _Group(line, row.organization, row.team, year, quarter, model, {})
        elif row.question in group.scores:
            repeated = group.scores[row.question][2]
            problems.append(
                Problem(
                    line,
                    "question",
                    gettext("%(code)s repeats line %(line)s")
                    % {"code": row.question, "line": repeated},
                )
            )
            continue
        group.scores[row.question] = (score, row.note, line)
    for group in groups.values() if read_to_the_end else ():  # else: answers may be unread
        missing = [code for code in codes[group.model.pk] if code not in group.scores]
        if missing:
            problems.append(
                Problem(
                    group.line,
                    "question",
                    gettext("%(team)s %(year)s Q%(quarter)s has no answer for %(codes)s")
                    % {
                        "team": group.team,
                        "year": group.year,
                        "quarter": group.quarter,
                        "codes": ", ".join(missing),
                    },
                )
            )
    if not count and not problems:
        problems.append(Problem(2, "row", gettext("the file has a header but no answers")))
    return list(groups.values()), problems, codes


def _questions(models: Iterable[MaturityModel]) -> Codes:
    """Each model version's questions by code, in the model's order: one query."""
    codes: Codes = {m.pk: {} for m in models}
    for q in Question.objects.filter(dimension__model__in=list(codes)).select_related("dimension"):
        codes[q.dimension.model_id][q.code] = q
    return codes


def _check_text(row: CsvRow, problems: list[Problem]) -> None:
    for column in ("organization", "team"):
        value = getattr(row, column)
        if len(value) > NAME_LENGTHS[column]:
            problems.append(
                Problem(
                    row.line,
                    column,
                    gettext("is longer than %(max)s characters") % {"max": NAME_LENGTHS[column]},
                )
            )
        forbidden = _NAME_FORBIDDEN.search(value)
        if forbidden:
            problems.append(Problem(row.line, column, _contains(forbidden.group())))
    forbidden = _NOTE_FORBIDDEN.search(row.note)
    if forbidden:
        problems.append(Problem(row.line, "note", _contains(forbidden.group())))
    if len(row.note) > NOTE_LENGTH:
        problems.append(
            Problem(
                row.line,
                "note",
                gettext("is longer than %(max)s characters") % {"max": NOTE_LENGTH},
            )
        )


def _contains(char: str) -> str:
    if char == "\x00":
        return gettext("contains a NUL character")
    if char in _TEXT_DIRECTION:
        return gettext(
            "contains a text-direction control character (U+%(code)s), which makes "
            "the name display differently from what it is; remove it"
        ) % {"code": f"{ord(char):04X}"}
    return gettext("contains a control character (U+%(code)s); remove it") % {
        "code": f"{ord(char):04X}"
    }


def _whole_number(
    value: str, low: int, high: int, line: int, column: str, problems: list[Problem]
) -> int | None:
    # ASCII digits only: int() also reads "٣", "３", "+3" and "3_0" as numbers.
    if not (value.isascii() and value.isdigit()):
        problems.append(
            Problem(
                line,
                column,
                gettext("%(value)s is not a whole number written with the digits 0-9")
                % {"value": repr(value)},
            )
        )
        return None
    digits = value.lstrip("0") or "0"
    if len(digits) > len(str(high)) or not low <= int(digits) <= high:
        problems.append(
            Problem(
                line,
                column,
                gettext("%(value)s is outside %(low)s to %(high)s")
                % {"value": digits[:12], "low": low, "high": high},
            )
        )
        return None
    return int(digits)


# --- Writing: one transaction, a bounded number of queries --------------------------------------


def _write(
    *,
    groups: list[_Group],
    codes: Codes,
    problems: list[Problem],
    only: Organization | None,
    create_teams: bool,
    user,
) -> ImportResult:
    """Check the file's assessments against the database, then write them all: in the caller's
    transaction, with a bounded number of queries (a few per new team, none per assessment)."""
    organizations, teams = _existing(groups, only, problems)
    taken = _taken_periods(list(organizations.values()), {g.year for g in groups})
    for group in groups:
        org = organizations.get(group.organization.casefold())
        team = teams.get((org.pk, group.team.casefold())) if org else None
        if team is None and not create_teams:
            known = sorted(t.name for (org_id, _), t in teams.items() if org and org_id == org.pk)
            problems.append(
                Problem(
                    group.line,
                    "team",
                    (
                        gettext(
                            "%(team)s is not a team of %(organization)s (its teams: %(teams)s); "
                            "to add it, tick “Create teams that do not exist yet”"
                        )
                        if known
                        else gettext(
                            "%(team)s is not a team of %(organization)s; "
                            "to add it, tick “Create teams that do not exist yet”"
                        )
                    )
                    % {
                        "team": repr(group.team),
                        "organization": group.organization,
                        "teams": ", ".join(known),
                    },
                )
            )
        if team is not None and (team.pk, group.year, group.quarter) in taken:
            problems.append(
                Problem(
                    group.line,
                    "team",
                    gettext("%(team)s already has a %(year)s Q%(quarter)s assessment")
                    % {"team": team.name, "year": group.year, "quarter": group.quarter},
                )
            )
    if problems:
        raise ImportRejected(
            sorted(
                problems,
                key=lambda p: (p.line, HEADER.index(p.column) if p.column in HEADER else -1),
            )
        )

    created_orgs, created_teams = _create_missing(groups, organizations, teams)

    now = timezone.now()
    assessments = []
    for group in groups:
        org = organizations[group.organization.casefold()]
        assessments.append(
            Assessment(
                team=teams[(org.pk, group.team.casefold())],
                year=group.year,
                quarter=group.quarter,
                model=group.model,
                status=Assessment.Status.SUBMITTED,
                created_by=user,
                submitted_by=user,
                submitted_at=now,
            )
        )
    # In one order whatever the file's, so that two imports touching the same teams at once
    # wait for each other instead of deadlocking.
    # The audit trail records each imported assessment, with who imported it and when. Its
    # answers are the file's: one history record per answer made a large import about four
    # times slower (bench/import_speed.py), for records that say no more than the file.
    bulk_create_with_history(
        sorted(assessments, key=lambda a: (a.team_id, a.year, a.quarter)),
        Assessment,
        batch_size=ASSESSMENT_BATCH,
        default_user=user,
        default_change_reason=IMPORTED,
    )
    answers = _answers(zip(assessments, groups, strict=True), codes)
    while batch := list(islice(answers, ANSWER_BATCH)):
        Answer.objects.bulk_create(batch)
    respondents = Respondent.objects.bulk_create(
        (
            Respondent(
                assessment_id=assessment.pk,
                kind=Respondent.Kind.IMPORTED,
                status=Respondent.Status.SUBMITTED,
                submitted_at=now,
            )
            for assessment in assessments
        ),
        batch_size=ASSESSMENT_BATCH,
    )
    _copy_answers_into(respondents)
    for model in {group.model for group in groups}:
        model_version_mark_in_use(model=model)
    if assessments:
        transaction.on_commit(refresh_peer_benchmarks.enqueue)  # new totals feed the benchmarks
        events.send(events.import_completed, assessments=assessments, user=user)
    return ImportResult(assessments, created_orgs, created_teams)


def _create_missing(
    groups: list[_Group],
    organizations: dict[str, Organization],
    teams: dict[tuple[int, str], Team],
) -> tuple[list[str], list[str]]:
    """Create the organizations and teams the file names that do not exist yet (adding them to
    `organizations` and `teams`); their names, in the order the file first names them."""
    new_orgs: dict[str, str] = {}  # as the file first writes each name
    for g in groups:
        if g.organization.casefold() not in organizations:
            new_orgs.setdefault(g.organization.casefold(), g.organization)
    # Created in name order, whatever the file's: two imports creating the same ones at once
    # then wait for each other instead of deadlocking.
    for key in sorted(new_orgs):
        organizations[key] = organization_create(name=new_orgs[key])
    new_teams: dict[tuple[str, str], str] = {}
    for g in groups:
        org = organizations[g.organization.casefold()]
        if (org.pk, g.team.casefold()) not in teams:
            new_teams.setdefault((g.organization.casefold(), g.team.casefold()), g.team)
    for org_key, team_key in sorted(new_teams):
        org = organizations[org_key]
        teams[(org.pk, team_key)] = team_create(
            organization=org, name=new_teams[(org_key, team_key)]
        )
    return (
        [organizations[key].name for key in new_orgs],
        [f"{organizations[o].name} / {teams[(organizations[o].pk, t)].name}" for o, t in new_teams],
    )


def _answers(pairs: Iterable[tuple[Assessment, _Group]], codes: Codes) -> Iterator[Answer]:
    for assessment, group in pairs:
        for code, question in codes[group.model.pk].items():
            score, note, _ = group.scores[code]
            yield Answer(
                assessment_id=assessment.pk,
                question_id=question.pk,
                score=score,
                note=note,
                question_text=question.text,
            )


def _copy_answers_into(respondents: list[Respondent]) -> None:
    """Each imported response gets a copy of its assessment's answers, copied by the database
    (INSERT ... SELECT, a batch of responses at a time): building the same rows in Python
    made a large import half as slow again."""
    answers, copies, responses = (
        Answer._meta.db_table,
        RespondentAnswer._meta.db_table,
        Respondent._meta.db_table,
    )
    with connection.cursor() as cursor:
        for start in range(0, len(respondents), ASSESSMENT_BATCH):
            ids = [respondent.pk for respondent in respondents[start : start + ASSESSMENT_BATCH]]
            placeholders = ", ".join(["%s"] * len(ids))
            cursor.execute(
                f"INSERT INTO {copies} (respondent_id, question_id, score, note) "  # noqa: S608
                f"SELECT r.id, a.question_id, a.score, a.note FROM {answers} a "
                f"JOIN {responses} r ON r.assessment_id = a.assessment_id "
                f"WHERE r.id IN ({placeholders})",
                ids,
            )


def _taken_periods(organizations: list[Organization], years: set[int]) -> set[tuple[int, int, int]]:
    """(team, year, quarter) of every assessment these organizations' teams have in these years."""
    if not organizations or not years:
        return set()
    return set(
        Assessment.objects.filter(
            team__organization__in=organizations, year__in=sorted(years)
        ).values_list("team_id", "year", "quarter")
    )


def _existing(
    groups: list[_Group], only: Organization | None, problems: list[Problem]
) -> tuple[dict[str, Organization], dict[tuple[int, str], Team]]:
    """The organizations and teams the file names that exist, by case-insensitive name.

    An upload for one organization only ever resolves to that organization. Names are not
    unique, so a name that matches two organizations (or two teams of one) is a problem.

    The organizations are locked (on PostgreSQL; SQLite runs one writer at a time anyway) until
    the transaction ends: a second import into the same organization waits here, then finds the
    teams and assessments the first one made instead of making a second team of the same name.
    """
    if only is not None:
        pks = [only.pk]
    else:
        names = {g.organization.casefold() for g in groups}
        pks = [
            pk
            for pk, name in Organization.objects.values_list("pk", "name")
            if name.casefold() in names
        ]
    # In primary key order, so that two imports locking several wait instead of deadlocking.
    candidates = list(Organization.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if only is not None and not candidates:
        candidates = [only]  # deleted meanwhile: writing into it fails, never into another
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
            Problem(
                group.line,
                column,
                (
                    gettext("%(value)s names more than one organization; rename one")
                    if column == "organization"
                    else gettext("%(value)s names more than one team; rename one")
                )
                % {"value": repr(value)},
            )
        )
    return organizations, teams


def summary(result: ImportResult) -> str:
    count = len(result.assessments)
    parts = [
        ngettext(
            "Imported %(count)s submitted assessment(s).",
            "Imported %(count)s submitted assessment(s).",
            count,
        )
        % {"count": count}
    ]
    shown = [f"{a.team.name} {a.period.label}" for a in result.assessments[:SUMMARY_LISTS]]
    parts.append(gettext("Assessments: %(list)s") % {"list": _listed(shown, count)})
    if result.organizations_created:
        names = result.organizations_created
        parts.append(
            ngettext("New organization(s): %(list)s", "New organization(s): %(list)s", len(names))
            % {"list": _listed(names[:SUMMARY_LISTS], len(names))}
        )
    if result.teams_created:
        names = result.teams_created
        parts.append(
            ngettext("New team(s): %(list)s", "New team(s): %(list)s", len(names))
            % {"list": _listed(names[:SUMMARY_LISTS], len(names))}
        )
    return " ".join(parts)


def _listed(shown: list[str], total: int) -> str:
    more = total - len(shown)
    if more:
        return ngettext("%(list)s and %(count)s more.", "%(list)s and %(count)s more.", more) % {
            "list": ", ".join(shown),
            "count": more,
        }
    return ", ".join(shown) + "."
