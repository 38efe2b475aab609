"""The PDF is tagged (PDF/UA-1): a structure tree with headings and tables, marked content,
its language and title, so a screen reader can follow it."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from assessments.periods import Quarter
from organizations.models import FirmProfile
from tests.conftest import submit


@pytest.fixture
def reader(client, consultant, model_v0, team_a, lead_a) -> PdfReader:
    submit(team_a, lead_a, Quarter(2026, 2), 3)
    report = submit(team_a, lead_a, Quarter(2026, 3), 4)
    client.force_login(consultant)
    response = client.get(reverse("assessments:report-pdf", args=[report.pk]))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.content))


def structure_elements(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element of the document's tree, depth first."""
    found = []

    def visit(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, ArrayObject):
            for child in node:
                visit(child)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            found.append(node)
            if "/K" in node:
                visit(node["/K"])

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    visit(root["/K"])
    return found


def tags(reader: PdfReader) -> list[str]:
    return [str(element["/S"]) for element in structure_elements(reader)]


def test_the_catalog_marks_the_pdf_as_tagged_with_a_structure_tree_and_a_language(reader):
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] in (True, "true")
    assert str(catalog["/Lang"]) == "en"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] in (True, "true")


def test_the_pdf_declares_pdf_ua_and_its_title(reader):
    assert reader.metadata.title.startswith("Acme Corp · Enterprise Onboarding · 2026 Q3")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp


def test_headings_tables_and_their_cells_are_in_the_structure_tree(reader):
    found = tags(reader)
    assert found[0] == "/Document"
    assert found.count("/H1") == 1  # the organization's name, on the cover
    # Executive summary, where the team stands, focus, every answer, reading these results.
    assert found.count("/H2") >= 5
    assert "/H3" in found
    # The context, trend, summary and four answers tables at least.
    assert found.count("/Table") >= 7
    for part in ("/THead", "/TBody", "/TR", "/TH", "/TD", "/P", "/L", "/LI"):
        assert part in found, part


def test_a_logo_is_a_figure_with_its_alternative_text(
    client, consultant, model_v0, team_a, lead_a, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    out = io.BytesIO()
    Image.new("RGB", (80, 40), "#123456").save(out, format="PNG")
    firm = FirmProfile(name="Northwind Advisory")
    firm.logo.save("firm.png", ContentFile(out.getvalue()), save=True)
    report = submit(team_a, lead_a, Quarter(2026, 3), 4)
    client.force_login(consultant)
    response = client.get(reverse("assessments:report-pdf", args=[report.pk]))
    figures = [
        element
        for element in structure_elements(PdfReader(io.BytesIO(response.content)))
        if str(element["/S"]) == "/Figure"
    ]
    assert [str(figure["/Alt"]) for figure in figures] == ["Northwind Advisory logo"]
