"""The client pack: asked for on a page, rendered by a task, read back as a tagged PDF."""

from __future__ import annotations

import datetime
import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader
from pypdf.generic import NameObject

from assessments import client_pack, pack_tasks, plan_services
from assessments.models import Assessment
from assessments.periods import Quarter
from assessments.workspace_models import ClientPack
from catalogue.models import Dimension
from organizations.models import Team
from tests.conftest import make_user, submit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)
DIMENSIONS = ("VO", "CX", "AO", "MP")


def per_dimension(**values):
    return {f"{d}-{n}": values[d] for d in DIMENSIONS for n in range(1, 6)}


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_text(reader: PdfReader, index: int) -> str:
    return " ".join(reader.pages[index].extract_text().split())


@pytest.fixture
def immediate(settings):
    """Tasks run as they are enqueued, inside the request that enqueues them."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def quarters(model_v0, team_a, team_b, lead_a, consultant):
    """Enterprise: 50 -> 50 (VO 15 -> 20, MP 10 -> 5), below its CX and MP targets, a theme
    with an action. SMB: 60 -> 65 (CX 15 -> 20)."""
    submit(team_a, lead_a, Q2, per_dimension(VO=3, CX=3, AO=2, MP=2))
    enterprise = submit(
        team_a, lead_a, Q3, per_dimension(VO=4, CX=3, AO=2, MP=1), {"AO-2": "Templates only."}
    )
    Assessment.objects.filter(pk=enterprise.pk).update(
        company_stage="growth",
        customer_segment="enterprise",
        touch_model="high",
        onboarding_weeks=12,
    )
    submit(team_b, consultant, Q2, 3)
    submit(team_b, consultant, Q3, per_dimension(VO=3, CX=4, AO=3, MP=3))
    plan_services.targets_save(
        team=team_a,
        user=lead_a,
        targets={
            "CX": plan_services.TargetInput(18),
            "MP": plan_services.TargetInput(12),
        },
        codes=list(DIMENSIONS),
    )
    mp = Dimension.objects.get(model=model_v0, code="MP")
    plan_services.theme_choose(assessment=enterprise, user=lead_a, dimension=mp, reason="Slow")
    plan_services.action_save(
        assessment=enterprise,
        user=lead_a,
        wanted=plan_services.ActionInput(title="Track time per milestone", owner_name="Dana"),
        people_ids=set(),
    )
    return enterprise


def ask_for_pack(client, user, quarter: Quarter = Q3, slug: str = "acme"):
    client.force_login(user)
    return client.post(reverse("assessments:pack-start", args=[slug]), {"quarter": quarter.key})


def latest_pack() -> ClientPack:
    return ClientPack.objects.latest("requested_at")


def pdf_of(pack: ClientPack) -> PdfReader:
    pack.refresh_from_db()
    with pack.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


@pytest.fixture
def done_pack(client, immediate, quarters, consultant) -> ClientPack:
    response = ask_for_pack(client, consultant)
    pack = latest_pack()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:pack-status", args=[pack.pk])
    return pack


# --- The task ----------------------------------------------------------------------------------


def test_the_task_renders_the_pack_and_stores_it_for_a_week(done_pack):
    done_pack.refresh_from_db()
    assert done_pack.status == ClientPack.Status.DONE
    assert (done_pack.teams_done, done_pack.teams_total) == (2, 2)
    assert done_pack.file.name.startswith("client-packs/acme-corp-2026Q3-client-pack")
    assert done_pack.error == ""
    lifetime = done_pack.expires_at - done_pack.finished_at
    assert lifetime == datetime.timedelta(days=7)
    with done_pack.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_the_cover_names_client_quarter_preparer_firm_and_date(done_pack):
    from organizations.models import FirmProfile

    FirmProfile.objects.create(name="Northwind Advisory", contact_line="jo@northwind.example")
    pack_tasks.pack_enqueue(pack=done_pack)  # render again, now with a firm profile
    cover = page_text(pdf_of(done_pack), 0)
    for expected in (
        "Acme Corp",
        "2026 Q3",
        "Prepared for Acme Corp",
        "Prepared by Casey Consultant, Northwind Advisory",
        timezone.localdate().strftime("%-d %B %Y"),
        "jo@northwind.example",
    ):
        assert expected in cover


SECTION_TITLES = (
    "Executive summary",
    "Heatmap: teams by dimension",
    "Enterprise Onboarding",
    "SMB Onboarding",
    "Appendix: every answer",
)


def test_the_contents_page_numbers_point_at_the_pages_of_each_part(done_pack):
    reader = pdf_of(done_pack)
    contents = page_text(reader, 1)
    assert contents.startswith("Contents")
    for title in SECTION_TITLES:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)", contents)
        assert match, f"{title} is not in the contents"
        page = int(match.group(1))
        assert page_text(reader, page - 1).startswith(title), (title, page)


def test_the_summary_says_the_quarter_in_sentences_with_the_right_numbers(done_pack):
    text = text_of(pdf_of(done_pack))
    for sentence in (
        # (50 + 65) / 2 = 57.5 -> 58; the change (0 + 5) / 2 = 2.5 -> 3.
        "Across 2 teams, the average overall score is 58 / 100, up 3 since 2026 Q2.",
        "Enterprise Onboarding: strongest Value Orientation (20 / 25), weakest Manageability "
        "& Productivity (5 / 25).",
        "SMB Onboarding: strongest CX & Delivery (20 / 25), weakest Value Orientation, "
        "Adaptability & Organization and Manageability & Productivity (15 / 25).",
        "The biggest gains since 2026 Q2, up 5 each: Enterprise Onboarding, Value Orientation "
        "(15 → 20) and SMB Onboarding, CX & Delivery (15 → 20).",
        "The biggest drop since 2026 Q2: Enterprise Onboarding, Manageability & Productivity, "
        "down 5 (10 → 5).",
        "Enterprise Onboarding is below target on CX & Delivery (15, target 18) and "
        "Manageability & Productivity (5, target 12).",
    ):
        assert sentence in text


def test_each_team_has_a_section_with_radar_trend_context_theme_and_actions(done_pack):
    reader = pdf_of(done_pack)
    teams = ("Enterprise Onboarding", "SMB Onboarding")
    starts = [i for i in range(len(reader.pages)) if page_text(reader, i).startswith(teams)]
    assert len(starts) == 2
    enterprise = " ".join(page_text(reader, i) for i in range(starts[0], starts[1]))
    assert "Value Orientation (20)" in enterprise  # the radar's own labels are text
    assert "Previous quarter" not in enterprise and "2026 Q2" in enterprise
    assert "Target" in enterprise
    assert "Trend" in enterprise
    assert "Growth" in enterprise and "High touch" in enterprise and "12 weeks" in enterprise
    assert "Manageability & Productivity" in enterprise and "Slow" in enterprise
    assert "Track time per milestone" in enterprise and "Dana" in enterprise


def test_the_heatmap_has_a_row_per_team_with_totals_bands_and_change(done_pack):
    reader = pdf_of(done_pack)
    heatmap = next(
        page_text(reader, i)
        for i in range(len(reader.pages))
        if page_text(reader, i).startswith("Heatmap")
    )
    assert "Enterprise Onboarding 20 Excellent 15 Room for improvement" in heatmap
    assert "50 / 100 0" in heatmap
    assert "65 / 100 +5" in heatmap


def test_the_appendix_has_every_answer_of_every_team(done_pack):
    text = text_of(pdf_of(done_pack))
    appendix = text[text.rindex("Appendix: every answer") :]
    assert appendix.count("MP-5") == 2
    assert "Templates only." in appendix


def test_the_pdf_is_tagged_for_assistive_technology(done_pack):
    reader = pdf_of(done_pack)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert catalog["/Lang"] == "en"
    roles = {str(kid.get_object().get("/S")) for kid in _struct_elements(catalog)}
    assert {"/H2", "/Table", "/TH", "/TD"} <= roles


def _struct_elements(catalog):
    stack, seen = [catalog["/StructTreeRoot"]], []
    while stack:
        node = stack.pop().get_object()
        if not hasattr(node, "get"):
            continue
        seen.append(node)
        kids = node.get(NameObject("/K"))
        if kids is None:
            continue
        kids = kids.get_object()
        stack.extend(kids if isinstance(kids, list) else [kids])
    return seen


def test_progress_is_reported_team_by_team(quarters, consultant, acme):
    calls = []
    client_pack.build_pack(acme, Q3, consultant, on_progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_a_lead_s_pack_holds_only_the_teams_the_lead_sees(client, immediate, quarters, lead_a):
    ask_for_pack(client, lead_a)
    pack = latest_pack()
    assert (pack.status, pack.teams_total) == (ClientPack.Status.DONE, 1)
    text = text_of(pdf_of(pack))
    assert "Enterprise Onboarding" in text and "SMB Onboarding" not in text


def test_teams_without_a_submitted_quarter_are_named_not_sectioned(done_pack, acme):
    Team.objects.create(organization=acme, name="Support Onboarding", slug="support")
    pack_tasks.pack_enqueue(pack=done_pack)
    text = text_of(pdf_of(done_pack))
    assert "1 team has not submitted for 2026 Q3: Support Onboarding." in text


def test_a_logo_is_embedded_from_storage_and_nothing_else_is_fetched(done_pack, acme):
    from django.core.files.base import ContentFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#cc0000").save(out, format="PNG")
    acme.logo.save("acme.png", ContentFile(out.getvalue()))
    with mock.patch("assessments.exports.pdf.static_only_fetcher") as static:
        pack_tasks.pack_enqueue(pack=done_pack)
    done_pack.refresh_from_db()
    assert done_pack.status == ClientPack.Status.DONE
    static.assert_not_called()  # the pack links no static file; the logo came as data
    images = [img for page in pdf_of(done_pack).pages[:1] for img in page.images]
    assert len(images) == 1


def test_the_pack_fetcher_refuses_anything_but_image_data_and_static_files():
    from assessments.exports.pdf import FetchRefused, embedded_image_or_static_fetcher

    for url in (
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "data:text/html;base64,PGgxPg==",
        "data:image/svg+xml;base64,PHN2Zz4=",
    ):
        with pytest.raises(FetchRefused):
            embedded_image_or_static_fetcher(url)
    found = embedded_image_or_static_fetcher("data:image/png;base64,iVBORw0KGgo=")
    assert found.headers["Content-Type"] == "image/png"


# --- Failure and retry -------------------------------------------------------------------------


def test_a_rendering_failure_marks_the_pack_failed_in_plain_words_and_logs_it(
    client, immediate, quarters, consultant, caplog
):
    with mock.patch.object(client_pack, "render_pack_pdf", side_effect=RuntimeError("cairo")):
        ask_for_pack(client, consultant)
    pack = latest_pack()
    assert pack.status == ClientPack.Status.FAILED
    assert pack.error == pack_tasks.GENERIC_ERROR.format(pk=pack.pk)
    assert "cairo" not in pack.error  # the traceback goes to the log, not to the person
    assert "Traceback" in caplog.text or any(r.exc_info for r in caplog.records)
    page = client.get(reverse("assessments:pack-status", args=[pack.pk])).content.decode()
    assert "could not be rendered" in page and "Try again" in page

    response = client.post(reverse("assessments:pack-retry", args=[pack.pk]))
    assert response.status_code == 302
    pack.refresh_from_db()
    assert (pack.status, pack.error) == (ClientPack.Status.DONE, "")
    assert pdf_of(pack).pages


def test_a_pack_whose_requester_is_gone_fails_with_a_reason(done_pack, consultant):
    ClientPack.objects.filter(pk=done_pack.pk).update(status="queued", requested_by=None)
    assert pack_tasks.render_pack(done_pack.pk) == ClientPack.Status.FAILED
    done_pack.refresh_from_db()
    assert done_pack.error == pack_tasks.NO_REQUESTER


def test_retry_is_post_only_and_leaves_a_ready_pack_alone(client, done_pack, consultant):
    url = reverse("assessments:pack-retry", args=[done_pack.pk])
    assert client.get(url).status_code == 405
    name = ClientPack.objects.get(pk=done_pack.pk).file.name
    client.post(url)
    assert ClientPack.objects.get(pk=done_pack.pk).file.name == name


# --- The pages ---------------------------------------------------------------------------------


def test_asking_shows_a_form_of_the_quarters_with_submissions(client, quarters, consultant):
    client.force_login(consultant)
    page = client.get(reverse("assessments:pack-start", args=["acme"])).content.decode()
    assert '<option value="2026Q3"' in page and '<option value="2026Q2"' in page
    assert "2026Q1" not in page


def test_a_quarter_without_submissions_is_refused(client, immediate, quarters, consultant):
    response = ask_for_pack(client, consultant, Quarter(2025, 1))
    assert response.status_code == 400
    assert not ClientPack.objects.exists()


def test_a_second_request_while_rendering_goes_to_the_first(client, quarters, consultant):
    ask_for_pack(client, consultant)  # the database backend: queued, no worker yet
    first = latest_pack()
    response = ask_for_pack(client, consultant)
    assert response["Location"] == reverse("assessments:pack-status", args=[first.pk])
    assert ClientPack.objects.count() == 1


def test_the_status_page_polls_with_a_static_script_and_refreshes_without_one(
    client, quarters, consultant
):
    ask_for_pack(client, consultant)
    pack = latest_pack()
    response = client.get(reverse("assessments:pack-status", args=[pack.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Waiting for a worker to start." in html
    assert f'href="{reverse("assessments:pack-status", args=[pack.pk])}"' in html  # Refresh
    assert f'data-progress-url="{reverse("assessments:pack-progress", args=[pack.pk])}"' in html
    assert re.search(r'<script src="[^"]*js/pack-status\.js" defer></script>', html)
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert all('type="application/json"' in tag for tag in inline), inline
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_progress_json_counts_teams(client, quarters, consultant):
    ask_for_pack(client, consultant)
    pack = latest_pack()
    ClientPack.objects.filter(pk=pack.pk).update(status="running", teams_done=7, teams_total=20)
    data = client.get(reverse("assessments:pack-progress", args=[pack.pk])).json()
    assert data["progress"] == "7 of 20 teams."
    assert (data["teams_done"], data["teams_total"], data["finished"]) == (7, 20, False)
    assert data["download_url"] == ""


def test_a_done_pack_shows_a_download_link_and_downloads(client, done_pack):
    page = client.get(reverse("assessments:pack-status", args=[done_pack.pk])).content.decode()
    download = reverse("assessments:pack-download", args=[done_pack.pk])
    assert f'href="{download}"' in page
    data = client.get(reverse("assessments:pack-progress", args=[done_pack.pk])).json()
    assert (data["finished"], data["download_url"]) == (True, download)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-corp-2026Q3-client-pack.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_expired_pack_answers_410_and_pruning_deletes_its_file(client, done_pack):
    done_pack.refresh_from_db()
    storage, name = done_pack.file.storage, done_pack.file.name
    ClientPack.objects.filter(pk=done_pack.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    download = reverse("assessments:pack-download", args=[done_pack.pk])
    response = client.get(download)
    assert response.status_code == 410
    assert "This pack has expired." in response.content.decode()

    out = io.StringIO()
    call_command("prune_client_packs", stdout=out)
    assert "Deleted 1 expired client pack file." in out.getvalue()
    assert not storage.exists(name)
    done_pack.refresh_from_db()
    assert done_pack.file.name == ""
    assert client.get(download).status_code == 410
    assert (
        "Render again"
        in client.get(reverse("assessments:pack-status", args=[done_pack.pk])).content.decode()
    )


def test_pruning_keeps_packs_that_have_not_expired(done_pack):
    out = io.StringIO()
    call_command("prune_client_packs", stdout=out)
    assert "Deleted 0 expired client pack files." in out.getvalue()
    done_pack.refresh_from_db()
    assert done_pack.file.storage.exists(done_pack.file.name)


# --- Who may see a pack ------------------------------------------------------------------------

PACK_URLS = ("pack-status", "pack-progress", "pack-download")


def test_another_organization_s_consultant_gets_404_everywhere(
    client, done_pack, outside_consultant
):
    client.force_login(outside_consultant)
    for name in PACK_URLS:
        assert client.get(reverse(f"assessments:{name}", args=[done_pack.pk])).status_code == 404
    assert client.post(reverse("assessments:pack-retry", args=[done_pack.pk])).status_code == 404
    start = reverse("assessments:pack-start", args=["acme"])
    assert client.get(start).status_code == 404
    assert client.post(start, {"quarter": "2026Q3"}).status_code == 404


def test_another_lead_of_the_same_organization_gets_404(client, done_pack, team_b):
    lead_b = make_user("lead_b")
    team_b.leads.add(lead_b)
    client.force_login(lead_b)
    for name in PACK_URLS:
        assert client.get(reverse(f"assessments:{name}", args=[done_pack.pk])).status_code == 404


def test_a_lead_s_own_pack_is_seen_by_the_organization_s_consultant(
    client, immediate, quarters, lead_a, consultant
):
    ask_for_pack(client, lead_a)
    pack = latest_pack()
    client.force_login(consultant)
    assert client.get(reverse("assessments:pack-status", args=[pack.pk])).status_code == 200


def test_a_platform_admin_sees_the_pack(client, done_pack, admin_user):
    client.force_login(admin_user)
    for name in PACK_URLS:
        assert client.get(reverse(f"assessments:{name}", args=[done_pack.pk])).status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client, done_pack):
    client.logout()
    for name in PACK_URLS:
        response = client.get(reverse(f"assessments:{name}", args=[done_pack.pk]))
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_respondent_sees_no_pack(client, done_pack):
    client.force_login(make_user("respondent"))
    assert client.get(reverse("assessments:pack-start", args=["acme"])).status_code == 404
    for name in PACK_URLS:
        assert client.get(reverse(f"assessments:{name}", args=[done_pack.pk])).status_code == 404


# --- Bounds ------------------------------------------------------------------------------------


def _queries_for(acme, consultant) -> int:
    with CaptureQueriesContext(connection) as queries:
        client_pack.build_pack(acme, Q3, consultant)
    return len(queries)


def test_the_queries_per_team_are_bounded(quarters, acme, consultant, lead_a):
    two = _queries_for(acme, consultant)
    for index in range(2):
        team = Team.objects.create(organization=acme, name=f"Extra {index}", slug=f"extra-{index}")
        submit(team, lead_a, Q2, 3)
        submit(team, lead_a, Q3, 4)
    four = _queries_for(acme, consultant)
    assert (four - two) / 2 <= PER_TEAM_QUERIES, (two, four)


PER_TEAM_QUERIES = 20


# --- The database backend, as `manage.py db_worker` runs it -------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_renders_a_queued_pack(client, model_v0_tx):
    from organizations.models import Organization

    acme = Organization.objects.create(name="Acme Corp", slug="acme")
    team = Team.objects.create(organization=acme, name="Enterprise Onboarding", slug="enterprise")
    consultant = make_user("consultant", first_name="Casey", last_name="Consultant")
    acme.consultants.add(consultant)
    submit(team, consultant, Q3, 4)

    ask_for_pack(client, consultant)
    pack = latest_pack()
    assert pack.status == ClientPack.Status.QUEUED
    queued = DBTaskResult.objects.get(id=pack.task_id)
    assert queued.task_path == "assessments.pack_tasks.render_client_pack"

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    pack.refresh_from_db()
    assert (pack.status, pack.teams_done, pack.teams_total) == (ClientPack.Status.DONE, 1, 1)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert pdf_of(pack).pages


def test_a_pack_stuck_in_the_queue_can_be_queued_again_after_half_an_hour(
    client, quarters, consultant, acme
):
    pack = ClientPack.objects.create(
        organization=acme, year=Q3.year, quarter=Q3.quarter, requested_by=consultant
    )
    client.force_login(consultant)
    status_url = reverse("assessments:pack-status", args=[pack.pk])
    retry_url = reverse("assessments:pack-retry", args=[pack.pk])

    assert "pack-stalled" not in client.get(status_url).content.decode()
    client.post(retry_url)
    assert ClientPack.objects.get(pk=pack.pk).task_id == ""  # fresh: not queued twice

    ClientPack.objects.filter(pk=pack.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=31)
    )
    assert "Queue it again" in client.get(status_url).content.decode()
    client.post(retry_url)
    assert ClientPack.objects.get(pk=pack.pk).task_id != ""
