"""Import: all or nothing, every problem named by line and column, round trip exact."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.urls import reverse

from assessments import imports
from assessments.exports.csv_format import defuse
from assessments.models import Answer, Assessment
from assessments.periods import Quarter
from assessments.services import assessment_start, assessment_submit
from catalogue.services import model_version_duplicate, model_version_publish
from organizations.models import Organization, Team
from tests.conftest import fill

HEADER = "organization,team,year,quarter,model_version,question,score,note\n"
CODES = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]


def assessment_rows(
    org="Initech", team="Onboarding", year=2026, quarter=2, score=3, note=""
) -> list[str]:
    return [f"{org},{team},{year},{quarter},v0,{code},{score},{note}\n" for code in CODES]


def write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text(header + "".join(lines), encoding="utf-8")
    return path


def run_import(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_assessments", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected(path: Path) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_assessments", str(path), stdout=io.StringIO(), stderr=err)
    assert not Assessment.objects.exists()
    return err.getvalue()


def test_import_creates_submitted_assessments_and_missing_teams(tmp_path, model_v0):
    path = write(
        tmp_path, assessment_rows() + assessment_rows(team="Enterprise", quarter=3, score=5)
    )
    out, _ = run_import(path)
    assert "Imported 2 submitted assessment(s)." in out
    assert "New organization(s): Initech." in out
    assert "New team(s): Initech / Onboarding, Initech / Enterprise." in out
    organization = Organization.objects.get(slug="initech")
    assert set(Team.objects.filter(organization=organization).values_list("slug", flat=True)) == {
        "onboarding",
        "enterprise",
    }
    assessment = Assessment.objects.get(team__slug="enterprise", year=2026, quarter=3)
    assert assessment.status == "submitted" and assessment.submitted_at is not None
    answer = Answer.objects.get(assessment=assessment, question__code="CX-4")
    assert (answer.score, answer.question_text) == (5, answer.question.text)


@pytest.mark.parametrize(
    ("change", "line", "column", "message"),
    [
        (
            lambda rows: rows.__setitem__(3, rows[3].replace(",VO-4,", ",VO-9,")),
            5,
            "question",
            "unknown question code 'VO-9'",
        ),
        (
            lambda rows: rows.__setitem__(0, rows[0].replace(",v0,", ",v7,")),
            2,
            "model_version",
            "unknown version 'v7'",
        ),
        (
            lambda rows: rows.__setitem__(5, rows[5].replace(",3,", ",6,")),
            7,
            "score",
            "6 is outside 1 to 5",
        ),
        (
            lambda rows: rows.__setitem__(5, rows[5].replace(",3,", ",0,")),
            7,
            "score",
            "0 is outside 1 to 5",
        ),
        (
            lambda rows: rows.__setitem__(5, rows[5].replace(",3,", ",abc,")),
            7,
            "score",
            "'abc' is not a whole number",
        ),
        (
            lambda rows: rows.__setitem__(2, rows[2].replace(",2026,", ",26,")),
            4,
            "year",
            "26 is outside 2000 to 2100",
        ),
        (
            lambda rows: rows.__setitem__(2, rows[2].replace(",2,v0", ",5,v0")),
            4,
            "quarter",
            "5 is outside 1 to 4",
        ),
        (lambda rows: rows.append(rows[4]), 42, "question", "VO-5 repeats line 6"),
        (lambda rows: rows.pop(7), 2, "question", "Onboarding 2026 Q2 has no answer for CX-3"),
        (
            lambda rows: rows.__setitem__(1, ",Onboarding,2026,2,v0,VO-2,3,\n"),
            3,
            "organization",
            "is empty",
        ),
        (
            lambda rows: rows.__setitem__(1, "Initech,Onboarding,2026\n"),
            3,
            "row",
            "expected 8 columns, found 3",
        ),
        (
            lambda rows: rows.__setitem__(3, rows[3].replace(",3,", ",3,a\x00b")),
            5,
            "note",
            "contains a NUL character",
        ),
        (
            lambda rows: rows.__setitem__(3, rows[3].replace("Onboarding", "T" * 201)),
            5,
            "team",
            "is longer than 200 characters",
        ),
        (
            lambda rows: rows.__setitem__(3, rows[3].replace("Initech", "I" * 201)),
            5,
            "organization",
            "is longer than 200 characters",
        ),
    ],
)
def test_each_bad_row_rejects_the_whole_file(tmp_path, model_v0, change, line, column, message):
    rows = assessment_rows() + assessment_rows(team="Second")
    change(rows)
    errors = rejected(write(tmp_path, rows))
    assert f"line {line}, column {column}: {message}" in errors
    assert not Organization.objects.exists()


def test_every_problem_is_listed_not_just_the_first(tmp_path, model_v0):
    rows = assessment_rows()
    rows[0] = rows[0].replace(",3,", ",9,")
    rows[10] = rows[10].replace(",AO-1,", ",ZZ-1,")
    errors = rejected(write(tmp_path, rows))
    assert "line 2, column score" in errors
    assert "line 12, column question: unknown question code 'ZZ-1'" in errors


def test_a_wrong_header_is_named(tmp_path, model_v0):
    errors = rejected(
        write(
            tmp_path,
            assessment_rows(),
            header="org,team,year,quarter,version,question,score,note\n",
        )
    )
    assert "line 1, column header: expected exactly: organization,team,year" in errors


def test_an_assessment_that_already_exists_rejects_the_file(
    tmp_path, model_v0, acme, team_a, lead_a
):
    existing, _ = assessment_start(team=team_a, period=Quarter(2026, 2), user=lead_a)
    path = write(
        tmp_path,
        assessment_rows(org="Acme Corp", team="Enterprise Onboarding")
        + assessment_rows(team="New"),
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_assessments", str(path), stdout=io.StringIO(), stderr=err)
    assert (
        "line 2, column team: Enterprise Onboarding already has a 2026 Q2 assessment"
        in err.getvalue()
    )
    assert list(Assessment.objects.all()) == [existing]
    assert not Team.objects.filter(name="New").exists()


def test_a_database_error_half_way_writes_nothing(tmp_path, model_v0):
    # Answers go in ANSWER_BATCH at a time: enough assessments for a second batch to fail.
    teams = imports.ANSWER_BATCH // len(CODES) + 1
    path = write(tmp_path, [row for n in range(teams) for row in assessment_rows(team=f"T{n}")])
    real_bulk_create = Answer.objects.bulk_create
    calls = []

    def fail_second_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real_bulk_create(*args, **kwargs)

    with (
        mock.patch.object(Answer.objects, "bulk_create", side_effect=fail_second_time),
        pytest.raises(DatabaseError),
    ):
        run_import(path)
    assert not Assessment.objects.exists() and not Organization.objects.exists()


def test_export_then_import_gives_back_the_same_rows(
    tmp_path, model_v0, team_a, team_b, lead_a, lead_b
):
    for team, user, quarter, score in [
        (team_a, lead_a, Quarter(2026, 1), 2),
        (team_a, lead_a, Quarter(2026, 2), 4),
        (team_b, lead_b, Quarter(2026, 2), 5),
    ]:
        assessment, _ = assessment_start(team=team, period=quarter, user=user)
        fill(
            assessment, score, {"VO-1": "=1+1", "CX-2": 'quote " and, comma', "MP-3": "two\nlines"}
        )
        assessment_submit(assessment=assessment, user=user)
    before = io.StringIO()
    call_command("export_assessments", stdout=before)
    Assessment.objects.all().delete()

    path = tmp_path / "export.csv"
    path.write_text(before.getvalue(), encoding="utf-8")
    run_import(path)
    after = io.StringIO()
    call_command("export_assessments", stdout=after)
    assert after.getvalue() == before.getvalue()
    assert (
        Answer.objects.get(
            assessment__team=team_a, assessment__quarter=1, question__code="VO-1"
        ).note
        == "=1+1"
    )


def upload(client, slug, content: str, *, create_teams: bool = False):
    file = SimpleUploadedFile("answers.csv", content.encode(), content_type="text/csv")
    data = {"file": file, **({"create_teams": "on"} if create_teams else {})}
    return client.post(reverse("assessments:import", args=[slug]), data)


def test_a_consultant_uploads_a_csv_for_an_assigned_organization(
    client, consultant, model_v0, acme
):
    client.force_login(consultant)
    response = upload(
        client,
        "acme",
        HEADER + "".join(assessment_rows(org="Acme Corp", team="Renewals")),
        create_teams=True,
    )
    assert response.status_code == 302
    assert Assessment.objects.get(team__name="Renewals").status == "submitted"
    message = str(list(get_messages(response.wsgi_request))[0])
    assert (
        "Assessments: Renewals 2026 Q2." in message
        and "New team(s): Acme Corp / Renewals" in message
    )


def test_an_upload_naming_an_unknown_team_is_refused_unless_asked_to_create_it(
    client, consultant, model_v0, acme, team_a, team_b
):
    client.force_login(consultant)
    response = upload(
        client, "acme", HEADER + "".join(assessment_rows(org="Acme Corp", team="Renewal"))
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Line 2, column <code>team</code>: &#x27;Renewal&#x27; is not a team of Acme Corp" in page
    )
    known = ", ".join(sorted([team_a.name, team_b.name]))
    assert f"(its teams: {known})" in page
    assert "Fix this problem and upload again" in page
    assert not Team.objects.filter(name="Renewal").exists()
    assert not Assessment.objects.exists()


def test_an_upload_into_an_existing_team_needs_no_tick(client, consultant, model_v0, acme, team_a):
    client.force_login(consultant)
    rows = assessment_rows(org="Acme Corp", team=team_a.name.upper())
    assert upload(client, "acme", HEADER + "".join(rows)).status_code == 302
    assert Assessment.objects.get().team == team_a


def test_a_semicolon_separated_file_gets_a_hint(client, consultant, model_v0, acme):
    client.force_login(consultant)
    response = upload(client, "acme", HEADER.replace(",", ";") + "Acme Corp;x\n")
    assert response.status_code == 400
    assert "separated by semicolons" in response.content.decode()


def test_an_upload_for_another_organization_is_refused_by_line(client, consultant, model_v0, acme):
    client.force_login(consultant)
    response = upload(client, "acme", HEADER + "".join(assessment_rows(org="Globex")))
    assert response.status_code == 400
    assert (
        "Line 2, column <code>organization</code>: &#x27;Globex&#x27; is not &#x27;Acme Corp&#x27;"
        in response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_an_upload_that_is_not_utf8_is_refused(client, consultant, model_v0, acme):
    client.force_login(consultant)
    file = SimpleUploadedFile("answers.csv", b"\xff\xfe\x00bad", content_type="text/csv")
    response = client.post(reverse("assessments:import", args=["acme"]), {"file": file})
    assert response.status_code == 400
    assert "not UTF-8 text" in response.content.decode()


def test_team_leads_cannot_import(client, lead_a, model_v0):
    client.force_login(lead_a)
    assert upload(client, "acme", HEADER).status_code == 404


def test_one_quarter_of_a_team_under_two_versions_rejects_the_file(tmp_path, model_v0):
    model_version_publish(model=model_version_duplicate(source=model_v0, version="v1"))
    rows = assessment_rows() + [r.replace(",v0,", ",v1,") for r in assessment_rows()]
    errors = rejected(write(tmp_path, rows))
    assert (
        "line 22, column model_version: Onboarding 2026 Q2 is already in this file under v0 "
        "(line 2); a team has one assessment a quarter" in errors
    )


def test_an_upload_only_ever_writes_into_its_own_organization(client, consultant, model_v0, acme):
    twin = Organization.objects.create(name=acme.name.lower(), slug="acme-twin")
    Team.objects.create(organization=twin, name="Renewals", slug="renewals")
    Team.objects.create(organization=acme, name="Renewals", slug="renewals")
    client.force_login(consultant)
    rows = assessment_rows(org=acme.name.upper(), team="RENEWALS")
    response = upload(client, "acme", HEADER + "".join(rows))
    assert response.status_code == 302
    assert Assessment.objects.get().team.organization == acme
    assert not Assessment.objects.filter(team__organization=twin).exists()


def test_an_organization_name_shared_by_two_organizations_is_refused(tmp_path, model_v0):
    Organization.objects.create(name="Initech", slug="initech")
    Organization.objects.create(name="INITECH", slug="initech-2")
    errors = rejected(write(tmp_path, assessment_rows()))
    assert "line 2, column organization: 'Initech' names more than one organization" in errors


def test_a_team_name_shared_by_two_teams_is_refused(tmp_path, model_v0):
    initech = Organization.objects.create(name="Initech", slug="initech")
    Team.objects.create(organization=initech, name="Onboarding", slug="onboarding")
    Team.objects.create(organization=initech, name="onboarding", slug="onboarding-2")
    errors = rejected(write(tmp_path, assessment_rows()))
    assert "line 2, column team: 'Onboarding' names more than one team" in errors


# --- Formula starts: export adds an apostrophe, import takes it off again -----------------------

FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]


def csv_text(rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(HEADER.strip().split(","))
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES, ids=repr)
def test_import_takes_the_defusing_apostrophe_off_every_formula_start(
    client, consultant, model_v0, acme, prefix
):
    notes = {
        "VO-1": f"'{prefix}SUM(A1:A9)",  # as our export defuses it: restored
        "CX-2": "'just a quote",  # an apostrophe before anything else stays
        "MP-5": f"'{prefix}1+1, then more",
    }
    # A name may start like a formula; a name starting with a tab or a carriage return is
    # refused (a control character, see test_a_defused_control_character_in_a_name_is_refused).
    team = f"{prefix}Renewals" if prefix.isprintable() else "Renewals"
    rows = [
        ["Acme Corp", defuse(team), 2026, 2, "v0", code, 3, notes.get(code, "")] for code in CODES
    ]
    client.force_login(consultant)
    assert upload(client, "acme", csv_text(rows), create_teams=True).status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.team.name == team
    stored = dict(
        Answer.objects.filter(question__code__in=notes).values_list("question__code", "note")
    )
    assert stored == {
        "VO-1": f"{prefix}SUM(A1:A9)",
        "CX-2": "'just a quote",
        "MP-5": f"{prefix}1+1, then more",
    }


@pytest.mark.parametrize("prefix", ["\t", "\r"], ids=repr)
def test_a_defused_control_character_in_a_name_is_refused(
    client, consultant, model_v0, acme, prefix
):
    rows = [["Acme Corp", f"'{prefix}Renewals", 2026, 2, "v0", code, 3, ""] for code in CODES]
    client.force_login(consultant)
    response = upload(client, "acme", csv_text(rows), create_teams=True)
    assert response.status_code == 400
    assert (
        f"Line 2, column <code>team</code>: contains a control character (U+{ord(prefix):04X})"
        in response.content.decode()
    )
    assert not Team.objects.filter(name__endswith="Renewals").exists()


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES, ids=repr)
def test_export_then_import_round_trips_every_formula_start(
    client, consultant, model_v0, team_a, lead_a, prefix
):
    notes = {
        "VO-1": f'{prefix}HYPERLINK("http://evil.example","click")',
        "MP-5": f"{prefix}1+1, then more",
    }
    assessment, _ = assessment_start(team=team_a, period=Quarter(2026, 1), user=lead_a)
    fill(assessment, 4, notes)
    assessment_submit(assessment=assessment, user=lead_a)
    client.force_login(consultant)
    exported = b"".join(
        client.get(reverse("assessments:export-csv", args=["acme"])).streaming_content
    ).decode()
    cells = {row[5]: row[7] for row in list(csv.reader(io.StringIO(exported)))[1:]}
    assert cells == {
        code: ("'" + notes[code] if code in notes else "") for code in CODES
    }  # the file a spreadsheet opens holds no formula
    Assessment.objects.all().delete()

    assert upload(client, "acme", exported).status_code == 302
    stored = dict(
        Answer.objects.filter(question__code__in=notes).values_list("question__code", "note")
    )
    assert stored == notes
    again = b"".join(
        client.get(reverse("assessments:export-csv", args=["acme"])).streaming_content
    ).decode()
    assert again == exported


def test_the_import_command_restores_a_note_starting_with_a_carriage_return(tmp_path, model_v0):
    rows = [["Initech", "Onboarding", 2026, 2, "v0", code, 3, ""] for code in CODES]
    rows[0][7] = "'\rSUM(A1:A9)"
    path = tmp_path / "answers.csv"
    path.write_text(csv_text(rows), encoding="utf-8", newline="")
    run_import(path)
    assert Answer.objects.get(question__code="VO-1").note == "\rSUM(A1:A9)"


# --- Notes: at most 2000 characters, as in the wizard ------------------------------------------


def test_a_note_over_2000_characters_rejects_the_whole_file(tmp_path, model_v0):
    rows = assessment_rows() + assessment_rows(team="Second")
    rows[23] = rows[23].replace(",3,\n", f",3,{'x' * 2001}\n")  # line 25: Second's VO-4
    errors = rejected(write(tmp_path, rows))
    assert "line 25, column note: is longer than 2000 characters" in errors
    assert not Organization.objects.exists() and not Answer.objects.exists()


def test_a_note_of_exactly_2000_characters_is_imported(tmp_path, model_v0):
    rows = assessment_rows()
    rows[3] = rows[3].replace(",3,\n", f",3,{'x' * 2000}\n")
    run_import(write(tmp_path, rows))
    assert Answer.objects.get(question__code="VO-4").note == "x" * 2000


def test_an_upload_with_a_too_long_note_is_refused_by_line_and_column(
    client, consultant, model_v0, acme, team_a
):
    rows = assessment_rows(org="Acme Corp", team=team_a.name)
    rows[6] = rows[6].replace(",3,\n", f',3,"{"y" * 1995} and, more"\n')  # 2005 characters
    client.force_login(consultant)
    response = upload(client, "acme", HEADER + "".join(rows))
    assert response.status_code == 400
    assert (
        "Line 8, column <code>note</code>: is longer than 2000 characters"
        in response.content.decode()
    )
    assert not Assessment.objects.exists() and not Answer.objects.exists()


# --- Numbers: ASCII digits only -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "old", "bad", "column"),
    [
        (2, ",2026,", "٢٠٢٦", "year"),  # Arabic-Indic digits
        (2, ",2026,", "２０２６", "year"),  # fullwidth digits
        (2, ",2,v0", "３", "quarter"),
        (5, ",3,", "٣", "score"),
        (5, ",3,", "３", "score"),
        (5, ",3,", "+3", "score"),
    ],
    ids=repr,
)
def test_numbers_must_be_written_with_ascii_digits(tmp_path, model_v0, index, old, bad, column):
    rows = assessment_rows()
    rows[index] = rows[index].replace(old, old.replace(old.strip(",").split(",")[0], bad), 1)
    errors = rejected(write(tmp_path, rows))
    assert (
        f"line {index + 2}, column {column}: {bad!r} is not a whole number written with the "
        "digits 0-9" in errors
    )


def test_numbers_with_leading_zeros_are_read_as_numbers(tmp_path, model_v0):
    rows = [row.replace(",2,v0,", ",02,v0,").replace(",3,", ",03,") for row in assessment_rows()]
    run_import(write(tmp_path, rows))
    assert Assessment.objects.get().quarter == 2
    assert set(Answer.objects.values_list("score", flat=True)) == {3}


# --- Line endings, quotes and Excel's sep= line -------------------------------------------------


def rows_with_a_two_line_note(team: str) -> list[list[object]]:
    rows = [["Acme Corp", team, 2026, 2, "v0", code, 4, ""] for code in CODES]
    rows[1][7] = "first line\nsecond line, with a comma"
    return rows


def test_a_file_with_old_mac_line_endings_imports_like_one_with_standard_endings(
    client, consultant, model_v0, acme, team_a, team_b
):
    client.force_login(consultant)
    standard = csv_text(rows_with_a_two_line_note(team_a.name)).replace("\n", "\r\n")
    # The note's own line break is inside quotes: it stays a line feed, only row ends are CR.
    mac = csv_text(rows_with_a_two_line_note(team_b.name)).replace('"\n', '"\r')
    assert "\n" in mac and not mac.replace("first line\nsecond", "").count("\n")
    assert upload(client, "acme", standard).status_code == 302
    assert upload(client, "acme", mac).status_code == 302
    answers = {
        team: list(
            Answer.objects.filter(assessment__team=team)
            .order_by("question__code")
            .values_list("question__code", "score", "note")
        )
        for team in (team_a, team_b)
    }
    assert answers[team_a] == answers[team_b]
    assert ("VO-2", 4, "first line\nsecond line, with a comma") in answers[team_b]


def test_a_line_ending_in_a_lone_carriage_return_among_line_feeds_is_named(tmp_path, model_v0):
    rows = assessment_rows()
    rows[3] = rows[3].replace(",3,\n", ",3,first\rsecond\n")
    errors = rejected(write(tmp_path, rows))
    assert (
        "line 5, column row: this line ends with a carriage return alone (CR, old Mac line "
        "endings) but the header line ends with a line feed" in errors
    )
    assert "newline=''" not in errors and "new-line character" not in errors


@pytest.mark.parametrize("rows_after", [40, 400], ids=["at the end of the file", "a long file"])
def test_an_unclosed_quote_names_the_line_where_the_quoted_value_starts(
    tmp_path, model_v0, rows_after
):
    rows = assessment_rows(team="First")
    rows[3] = rows[3].replace(",3,\n", ',3,"never closed\n')  # line 5
    for n in range(rows_after // 20):
        rows += assessment_rows(team=f"Team {n}")
    errors = rejected(write(tmp_path, rows))
    assert "line 5, column note: the double quote that starts this value is never closed" in errors
    assert "has no answer" not in errors and "field limit" not in errors
    assert len(errors.strip().splitlines()) == 1, errors


def test_an_unclosed_quote_in_a_name_names_its_column(tmp_path, model_v0):
    rows = assessment_rows()
    rows[7] = rows[7].replace("Initech,Onboarding,", 'Initech,"Onboarding,')  # line 9
    errors = rejected(write(tmp_path, rows))
    assert "line 9, column team: the double quote that starts this value is never closed" in errors


def test_text_after_a_closing_quote_is_named_by_line_and_column(tmp_path, model_v0):
    rows = assessment_rows()
    rows[2] = rows[2].replace("Initech,", '"Init"ech,')  # line 4
    errors = rejected(write(tmp_path, rows))
    assert "line 4, column organization: the value goes on after its closing double quote" in errors


def test_an_excel_sep_line_is_skipped_and_still_counted_as_a_line(tmp_path, model_v0):
    run_import(write(tmp_path, assessment_rows(), header="sep=,\n" + HEADER))
    assert Answer.objects.count() == len(CODES)
    Assessment.objects.all().delete()

    rows = assessment_rows()
    rows[1] = rows[1].replace(",3,", ",7,")  # the file's line 4: sep=, header, two rows
    errors = rejected(write(tmp_path, rows, header="SEP=,\r\n" + HEADER))
    assert "line 4, column score: 7 is outside 1 to 5" in errors


def test_a_sep_line_naming_another_separator_is_explained(tmp_path, model_v0):
    lines = [row.replace(",", ";") for row in assessment_rows()]
    errors = rejected(write(tmp_path, lines, header="sep=;\n" + HEADER.replace(",", ";")))
    assert (
        "line 1, column header: the first line, sep=;, says the columns are separated by ';'"
        in errors
    )


# --- Names: no control or text-direction characters; notes: tabs and line breaks only ----------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("organization", "Init\x07ech", "contains a control character (U+0007)"),
        ("team", "Onboard\x1bing", "contains a control character (U+001B)"),
        ("team", "On\tboarding", "contains a control character (U+0009)"),
        ("team", "On\nboarding", "contains a control character (U+000A)"),
        ("organization", "Init\x85ech", "contains a control character (U+0085)"),
        ("team", "\u202eOnboarding", "contains a text-direction control character (U+202E)"),
        ("team", "On\u202aboarding", "contains a text-direction control character (U+202A)"),
        ("organization", "Initech\u2066", "contains a text-direction control character (U+2066)"),
        ("team", "Onboarding\u2069", "contains a text-direction control character (U+2069)"),
    ],
    ids=repr,
)
def test_control_and_text_direction_characters_in_names_are_refused(
    tmp_path, model_v0, column, value, message
):
    rows = [["Initech", "Onboarding", 2026, 2, "v0", code, 3, ""] for code in CODES]
    rows[4][HEADER.split(",").index(column)] = value  # line 6
    path = tmp_path / "answers.csv"
    path.write_text(csv_text(rows), encoding="utf-8", newline="")
    errors = rejected(path)
    assert f"line 6, column {column}: {message}" in errors
    assert not Organization.objects.exists()


def test_notes_keep_tabs_and_line_breaks_but_refuse_other_control_characters(tmp_path, model_v0):
    rows = [["Initech", "Onboarding", 2026, 2, "v0", code, 3, ""] for code in CODES]
    rows[0][7] = "one\ttwo\nthree\r\nfour"
    path = tmp_path / "answers.csv"
    path.write_text(csv_text(rows), encoding="utf-8", newline="")
    run_import(path)
    assert Answer.objects.get(question__code="VO-1").note == "one\ttwo\nthree\nfour"
    Assessment.objects.all().delete()

    rows[2][7] = "page\x0cbreak"  # line 6: the first note takes lines 2 to 4
    path.write_text(csv_text(rows), encoding="utf-8", newline="")
    assert "line 6, column note: contains a control character (U+000C)" in rejected(path)
