"""The consultant's PDF: real text, page numbers, a safe renderer."""

from __future__ import annotations

import io
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import default_url_fetcher

from assessments.exports import pdf
from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.models import Question
from catalogue.selectors import forget_model_structures
from tests.conftest import submit

DIMENSIONS = ("VO", "CX", "AO", "MP")


def per_dimension(**values):
    return {f"{d}-{n}": values[d] for d in DIMENSIONS for n in range(1, 6)}


@pytest.fixture
def consultant_client(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def two_quarters(model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2026, 2), per_dimension(VO=3, CX=3, AO=2, MP=2))
    return submit(
        team_a,
        lead_a,
        Quarter(2026, 3),
        per_dimension(VO=4, CX=3, AO=2, MP=1),
        {"AO-2": "Templates exist for enterprise only."},
    )


def pdf_url(assessment, **params):
    return reverse("assessments:report-pdf", args=[assessment.pk])


def read(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    """All pages' text with line wrapping folded, so wrapped phrases still match."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_pdf_downloads_with_a_descriptive_filename(consultant_client, two_quarters):
    response = consultant_client.get(pdf_url(two_quarters))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="acme-corp-enterprise-onboarding-2026Q3-onboarding-maturity.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_pdf_text_is_extractable_with_names_totals_and_bands(consultant_client, two_quarters):
    reader = read(consultant_client.get(pdf_url(two_quarters)))
    cover = reader.pages[0].extract_text()
    for expected in ("Acme Corp", "Enterprise Onboarding", "2026 Q3", "Casey Consultant"):
        assert expected in cover
    text = text_of(reader)
    for name in (
        "Value Orientation",
        "CX & Delivery",
        "Adaptability & Organization",
        "Manageability & Productivity",
    ):
        assert name in text
    for total in ("20 / 25", "15 / 25", "10 / 25", "5 / 25", "50 / 100"):
        assert total in text
    for band in ("Excellent", "Room for improvement", "Needs immediate attention"):
        assert band in text
    assert "Templates exist for enterprise only." in text
    assert "Room for improvement → Excellent" in text  # VO went 15 -> 20
    assert "Customer Onboarding Maturity Model v0, Rocketlane" in text


def test_every_page_is_numbered_page_x_of_y(consultant_client, two_quarters):
    reader = read(consultant_client.get(pdf_url(two_quarters)))
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages[1:], start=2):
        assert f"Page {number} of {pages}" in page.extract_text()


def test_every_page_footer_credits_the_assessments_model_version(consultant_client, two_quarters):
    model = two_quarters.model
    model.source_credit = "Onboarding maturity model 2027 edition"
    model.save()
    reader = read(consultant_client.get(pdf_url(two_quarters)))
    for page in reader.pages:
        assert "Onboarding maturity model 2027 edition" in page.extract_text()


def test_a4_by_default_and_letter_on_request(consultant_client, two_quarters):
    a4 = read(consultant_client.get(pdf_url(two_quarters))).pages[0].mediabox
    letter_response = consultant_client.get(pdf_url(two_quarters), {"size": "letter"})
    letter = read(letter_response).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    assert consultant_client.get(pdf_url(two_quarters), {"size": "A3"}).status_code == 400


def test_the_radar_is_vector_graphics_not_an_image(consultant_client, two_quarters):
    reader = read(consultant_client.get(pdf_url(two_quarters)))
    assert not any(page.images for page in reader.pages)
    assert "Value Orientation (20)" in text_of(reader)  # the radar's own labels are text


def test_a_draft_has_no_pdf_yet(consultant_client, model_v0, team_a, lead_a):
    draft, _ = assessment_start(team=team_a, period=Quarter(2026, 4), user=lead_a)
    response = consultant_client.get(pdf_url(draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:report", args=[draft.pk])


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://pdf.invalid/etc/passwd",
        "https://pdf.invalid/static/../../etc/passwd",
        "https://pdf.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://elsewhere.example/static/css/report-print.css",
        "data:text/plain,hello",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.static_only_fetcher(url)


def test_the_fetcher_serves_our_static_files():
    response = pdf.static_only_fetcher("https://pdf.invalid/static/css/report-print.css")
    assert b"@page" in response.read()


def test_smuggled_urls_in_user_text_are_never_fetched(consultant_client, model_v0, team_a, lead_a):
    hostile = (
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.com/x.css">'
    )
    report = submit(team_a, lead_a, Quarter(2026, 3), 3, {"VO-1": hostile})
    with mock.patch.object(pdf, "static_only_fetcher", wraps=pdf.static_only_fetcher) as fetcher:
        response = consultant_client.get(pdf_url(report))
    fetched = [call.args[0] for call in fetcher.call_args_list]
    assert fetched == ["https://pdf.invalid/static/css/report-print.css"]
    # Shown as text, escaped. The narrow note column wraps it after "/", so compare unwrapped.
    assert 'src="file:///etc/passwd"' in "".join(text_of(read(response)).split())


def test_even_markup_that_reaches_weasyprint_cannot_fetch_files(tmp_path):
    # A local stylesheet whose text would show in the PDF if it were ever read. PDF streams are
    # compressed, so look for it in the extracted text, never in the raw bytes.
    stylesheet = tmp_path / "leak.css"
    stylesheet.write_text('p.target::after { content: "LEAKED-FROM-A-FILE"; }', encoding="utf-8")
    leak = f'<link rel="stylesheet" href="{stylesheet.as_uri()}"><p class="target">visible</p>'
    markup = leak + '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'

    def rendered_text(html: str, fetcher) -> str:
        document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf()
        return text_of(PdfReader(io.BytesIO(document)))

    # The payload works against a renderer that fetches anything: the check below can fail.
    assert "LEAKED-FROM-A-FILE" in rendered_text(leak, default_url_fetcher)

    calls = []

    def spy(url):
        calls.append(url)
        return pdf.static_only_fetcher(url)

    text = rendered_text(markup, spy)
    assert calls == [stylesheet.as_uri(), "file:///etc/passwd", "http://127.0.0.1:9/x.png"]
    assert "visible" in text
    assert "LEAKED-FROM-A-FILE" not in text


def test_a_report_whose_note_smuggles_a_file_url_leaks_nothing(
    consultant_client, model_v0, team_a, lead_a, tmp_path
):
    stylesheet = tmp_path / "leak.css"
    stylesheet.write_text('body::after { content: "LEAKED-FROM-A-FILE"; }', encoding="utf-8")
    hostile = f'<link rel="stylesheet" href="{stylesheet.as_uri()}"><img src="file:///etc/passwd">'
    report = submit(team_a, lead_a, Quarter(2026, 3), 3, {"VO-1": hostile})
    text = text_of(read(consultant_client.get(pdf_url(report))))
    assert "LEAKED-FROM-A-FILE" not in text
    assert "root:x:0:0" not in text
    unwrapped = "".join(text.split())
    assert 'src="file:///etc/passwd"' in unwrapped  # shown as the text it is
    assert f'href="{stylesheet.as_uri()}"' in unwrapped


def pdf_queries(client, assessment) -> int:
    forget_model_structures()  # count the cold path: the most a request can cost
    with CaptureQueriesContext(connection) as queries:
        assert client.get(pdf_url(assessment)).status_code == 200
    return len(queries)


def test_pdf_query_count_does_not_grow_with_history(consultant_client, model_v0, team_a, lead_a):
    submit(team_a, lead_a, Quarter(2023, 1), 2)
    second = submit(team_a, lead_a, Quarter(2023, 2), 3)
    baseline = pdf_queries(consultant_client, second)
    quarter, latest = Quarter(2023, 3), None
    for _ in range(8):
        latest = submit(team_a, lead_a, quarter, 4)
        quarter = quarter.next()
    assert pdf_queries(consultant_client, latest) == baseline


# --- What the PDF prints: the wording as asked, and each row's own numbers ---------------------

BANDS = "Excellent|Room for improvement|Needs immediate attention"
SUMMARY_ROW = re.compile(
    rf"(Value Orientation|CX & Delivery|Adaptability & Organization|Manageability & Productivity)"
    rf" (\d+) / (\d+) ({BANDS}) (\d+) ([+-]?\d+) "
    rf"((?:{BANDS}) → (?:{BANDS})|unchanged)"
)


def test_summary_rows_print_this_quarters_totals_and_bands_beside_last_quarters(
    consultant_client, model_v0, team_a, lead_a
):
    submit(team_a, lead_a, Quarter(2026, 2), per_dimension(VO=3, CX=4, AO=2, MP=2))
    report = submit(team_a, lead_a, Quarter(2026, 3), per_dimension(VO=5, CX=3, AO=1, MP=4))
    text = text_of(read(consultant_client.get(pdf_url(report))))
    summary = text[text.index("Where the team stands") : text.index("Focus for next quarter")]
    assert "Overall 65 / 100 (+10 since 2026 Q2)" in summary
    assert "Dimension Total Band 2026 Q2 Change Band change" in summary
    rows = [
        (name, int(total), int(top), band, int(before), int(delta), band_change)
        for name, total, top, band, before, delta, band_change in SUMMARY_ROW.findall(summary)
    ]
    assert rows == [
        ("Value Orientation", 25, 25, "Excellent", 15, 10, "Room for improvement → Excellent"),
        (
            "CX & Delivery",
            15,
            25,
            "Room for improvement",
            20,
            -5,
            "Excellent → Room for improvement",
        ),
        ("Adaptability & Organization", 5, 25, "Needs immediate attention", 10, -5, "unchanged"),
        (
            "Manageability & Productivity",
            20,
            25,
            "Excellent",
            10,
            10,
            "Needs immediate attention → Excellent",
        ),
    ]


def test_a_reworded_question_prints_as_it_was_asked(consultant_client, model_v0, team_a, lead_a):
    report = submit(team_a, lead_a, Quarter(2026, 3), per_dimension(VO=4, CX=1, AO=3, MP=4))
    question = Question.objects.get(dimension__model=model_v0, code="CX-2")
    asked = question.text
    question.text = "Reworded after submission: do customers co-sign every milestone?"
    question.save()  # as the admin change form does

    text = text_of(read(consultant_client.get(pdf_url(report))))
    unwrapped = "".join(text.split())
    assert "Rewordedaftersubmission" not in unwrapped
    asked_unwrapped = "".join(asked.split())
    # CX is the focus theme, so the wording is printed twice: in the focus and among the answers.
    assert unwrapped.count(f"CX-2(scored1):{asked_unwrapped}") == 1
    assert unwrapped.count(f"CX-2{asked_unwrapped}1Notinplace") == 1
