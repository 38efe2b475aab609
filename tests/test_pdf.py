"""The consultant's PDF: real text, page numbers, a safe renderer."""

from __future__ import annotations

import io
import re
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.urls import default_url_fetcher

from assessments.exports import pdf
from assessments.periods import Quarter
from assessments.services import assessment_start
from catalogue.models import Question
from catalogue.selectors import forget_model_structures
from organizations.models import FirmProfile
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


# --- Board-ready: cover, executive summary, context, trend -------------------------------------


def png_logo(colour: str, size=(120, 60)) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return ContentFile(out.getvalue(), name="logo.png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


@pytest.fixture
def branded(media, acme):
    firm = FirmProfile(
        name="Northwind Advisory", accent_colour="#7a1f5c", contact_line="Jo Doe · jo@nw.example"
    )
    firm.logo.save("firm.png", png_logo("#7a1f5c"), save=False)
    firm.save()
    acme.logo.save("acme.png", png_logo("#1e7b4d"), save=True)
    return firm


def test_the_cover_without_a_firm_profile_carries_the_product_name(consultant_client, two_quarters):
    reader = read(consultant_client.get(pdf_url(two_quarters)))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert cover.startswith("Onboarding Maturity")
    assert "Prepared for Acme Corp" in cover
    assert "Prepared by Casey Consultant Date" in cover
    assert not reader.pages[0].images


def test_the_cover_carries_the_firm_its_logo_the_clients_logo_and_its_contact_line(
    consultant_client, two_quarters, branded
):
    response = consultant_client.get(pdf_url(two_quarters))
    reader = read(response)
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "Northwind Advisory" in cover
    assert "Prepared by Casey Consultant, Northwind Advisory" in cover
    assert "Prepared for Acme Corp" in cover
    assert "Jo Doe · jo@nw.example" in cover
    assert len(reader.pages[0].images) == 2  # the firm's logo and the client's


def test_logos_are_embedded_as_data_uris_and_nothing_else_is_fetched(
    consultant_client, two_quarters, branded
):
    with mock.patch.object(
        pdf, "embedded_image_or_static_fetcher", wraps=pdf.embedded_image_or_static_fetcher
    ) as fetcher:
        assert consultant_client.get(pdf_url(two_quarters)).status_code == 200
    fetched = [call.args[0] for call in fetcher.call_args_list]
    assert fetched[0] == "https://pdf.invalid/static/css/report-print.css"
    assert sorted(url[:22] for url in fetched[1:]) == ["data:image/png;base64,"] * 2


def test_an_accent_colour_that_is_not_a_hex_colour_never_reaches_the_css(branded):
    branded.accent_colour = "red;}body{background:url(http://x)"
    assert pdf.accent_colour(branded) == pdf.DEFAULT_ACCENT
    assert pdf.accent_colour(None) == pdf.DEFAULT_ACCENT
    branded.accent_colour = "#7A1F5C"
    assert pdf.accent_colour(branded) == "#7A1F5C"


@pytest.mark.parametrize(
    "url",
    [
        "data:text/plain,hello",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:image/png;base64,aGVsbG8=",  # says PNG, is not
        "data:image/png,rawbytes",
    ],
)
def test_the_report_fetcher_embeds_only_png_or_jpeg_data_uris(url):
    with pytest.raises(pdf.FetchRefused):
        pdf.embedded_image_or_static_fetcher(url)


def test_the_executive_summary_comes_first_in_plain_sentences_with_numbers(
    consultant_client, two_quarters
):
    text = text_of(read(consultant_client.get(pdf_url(two_quarters))))
    assert text.index("Executive summary") < text.index("Where the team stands")
    summary = text[text.index("Executive summary") : text.index("Where the team stands")]
    for sentence in (
        "Overall, the team scores 50 out of 100.",
        "Of its 4 dimensions, 1 in the band “Excellent”, 1 in “Room for improvement” and 2 in "
        "“Needs immediate attention”.",
        "The strongest dimension is Value Orientation (20 of 25); the weakest dimension is "
        "Manageability & Productivity (5 of 25).",
        "Since 2026 Q2 the overall total is unchanged at 50.",
        "The biggest gain is in Value Orientation, up 5 points from 15 to 20.",
        "The biggest drop is in Manageability & Productivity, down 5 points from 10 to 5.",
        "The team has set no targets yet.",
        "No theme has been chosen for next quarter yet",
    ):
        assert sentence in summary


def test_the_teams_context_is_shown_with_its_labels(consultant_client, two_quarters):
    two_quarters.company_stage = "early"
    two_quarters.customer_segment = "mid-market"
    two_quarters.touch_model = "high"
    two_quarters.onboarding_weeks = 6
    two_quarters.save()
    text = text_of(read(consultant_client.get(pdf_url(two_quarters))))
    assert "Company stage Early stage (finding product-market fit)" in text
    assert "Customer segment Mid-market" in text
    assert "Touch model High touch" in text
    assert "Typical onboarding length 6 weeks" in text


def test_an_unrecorded_context_says_so(consultant_client, two_quarters):
    text = text_of(read(consultant_client.get(pdf_url(two_quarters))))
    assert "Company stage Not recorded" in text
    assert "Typical onboarding length Not recorded" in text


def test_the_trend_shows_the_last_eight_quarters_up_to_this_one(
    consultant_client, model_v0, team_a, lead_a
):
    quarter, shown = Quarter(2023, 1), None
    for n in range(10):
        assessment = submit(team_a, lead_a, quarter, 1 + n % 5)
        if quarter == Quarter(2025, 1):
            shown = assessment
        quarter = quarter.next()
    submit(team_a, lead_a, quarter, 5)  # a later quarter: not in an earlier quarter's trend
    text = text_of(read(consultant_client.get(pdf_url(shown))))
    trend = text[text.index("Trend: the last 8 submitted quarters") : text.index("Where the")]
    labels = "2023 Q2 2023 Q3 2023 Q4 2024 Q1 2024 Q2 2024 Q3 2024 Q4 2025 Q1"
    assert f"Dimension {labels} Change" in trend
    assert "Value Orientation 10 15 20 25 5 10 15 20 +10" in trend  # scores 2,3,4,5,1,2,3,4
    assert "Overall 40 60 80 100 20 40 60 80 +40" in trend
    assert "2023 Q1" not in trend and "2025 Q2" not in trend


def test_a_first_quarter_says_the_trend_starts_here(consultant_client, submitted_assessment):
    text = text_of(read(consultant_client.get(pdf_url(submitted_assessment))))
    assert "This is the team's first submitted quarter: the trend starts here." in text
    assert "There is no earlier submitted quarter to compare with yet." in text


# --- Band badges stay inside their cells -------------------------------------------------------


def captured_context(client, assessment, size="a4") -> dict:
    """The context the view hands to the renderer."""
    with mock.patch.object(pdf, "render_report_pdf", return_value=b"%PDF") as render:
        assert client.get(pdf_url(assessment), {"size": size}).status_code == 200
    return render.call_args.args[0]


def boxes_in_cells(box, cell=None):
    """Every layout box with the table cell it sits in (None outside tables)."""
    if isinstance(box, boxes.TableCellBox):
        cell = box
    yield box, cell
    for child in getattr(box, "children", ()):
        yield from boxes_in_cells(child, cell)


def right_edge(box) -> float:
    return box.position_x + box.margin_width()


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_band_badges_never_overflow_their_cells_or_the_page(
    consultant_client, model_v0, team_a, lead_a, size
):
    # The worst case: every band, the longest label in most rows, and the comparison's columns.
    submit(team_a, lead_a, Quarter(2026, 2), per_dimension(VO=5, CX=1, AO=3, MP=5))
    report = submit(team_a, lead_a, Quarter(2026, 3), per_dimension(VO=1, CX=2, AO=1, MP=4))
    ctx = captured_context(consultant_client, report, size)
    document = pdf.render_document("assessments/pdf/report.html", ctx, size)
    badges = 0
    for page in document.pages:
        page_box = page._page_box
        html_box = page_box.children[0]
        content_right = html_box.content_box_x() + html_box.width
        for box, cell in boxes_in_cells(page_box):
            if isinstance(box, boxes.PageBox | boxes.MarginBox) or cell is None:
                continue
            cell_right = cell.position_x + cell.margin_width()
            assert right_edge(box) <= cell_right + 0.5, (box, box.element_tag)
            assert right_edge(box) <= content_right + 0.5
            if "band" in (box.element.get("class") or "").split() and isinstance(
                box, boxes.InlineBlockBox
            ):
                badges += 1
                assert right_edge(box) <= cell.content_box_x() + cell.width + 0.01
    assert badges == 4


def test_the_report_page_shows_the_teams_context_too(consultant_client, two_quarters):
    # The report page's header (templates/includes/report_header.html) shares the PDF's labels.
    two_quarters.company_stage = "scale"
    two_quarters.touch_model = "medium"
    two_quarters.onboarding_weeks = 1
    two_quarters.save()
    page = consultant_client.get(reverse("assessments:report", args=[two_quarters.pk]))
    html = " ".join(page.content.decode().split())
    assert 'Company stage:</dt> <dd class="d-inline me-3">Scale-up</dd>' in html
    assert 'Touch model:</dt> <dd class="d-inline me-3">Medium touch</dd>' in html
    assert 'Typical onboarding length:</dt> <dd class="d-inline">1 week</dd>' in html
    assert "Customer segment:" not in html  # not recorded: not shown
