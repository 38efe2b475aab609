"""Logos: only PNG and JPEG, by their bytes; re-encoded small, without metadata or trailers."""

from __future__ import annotations

import io
import os
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile, PngImagePlugin

from organizations import logos
from organizations.models import FirmProfile, Organization
from tests.admin_forms import change_form_data

SCRIPT = b"<script>alert(document.cookie)</script>"
OPAQUE_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg)$")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its files in a folder of its own, to count what it stored."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()]


def image_bytes(size=(120, 60), mode="RGB", image_format="PNG", colour="navy", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=image_format, **save)
    return out.getvalue()


def upload(content: bytes, name="logo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(content: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        logos.logo_reencoded(upload(content, **kwargs))
    return refused.value


# --- What is refused ---------------------------------------------------------------------------


def test_an_svg_is_refused_whatever_it_is_called():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'
    assert refusal(svg, name="logo.svg", content_type="image/svg+xml").code == "svg"
    assert refusal(svg, name="logo.png").code == "svg"
    assert "SVG" in refusal(svg[21:], name="logo.png").messages[0]


def test_a_text_file_named_png_is_refused():
    error = refusal(b"just some text, not an image\n", name="logo.png", content_type="image/png")
    assert error.code == "not_png_or_jpeg"
    assert "PNG or JPEG" in error.messages[0]


def test_an_image_that_is_neither_png_nor_jpeg_is_refused():
    gif = image_bytes(image_format="GIF")
    assert refusal(gif, name="logo.png").code == "not_png_or_jpeg"


def test_a_png_with_a_script_appended_after_its_end_is_refused():
    error = refusal(image_bytes() + SCRIPT)
    assert error.code == "trailer"


def test_a_png_cut_short_is_refused():
    assert refusal(image_bytes(size=(300, 300), colour=None)[:-40]).code in {
        "trailer",
        "unreadable",
    }


def test_a_jpeg_with_a_script_appended_is_stored_without_it():
    stored = logos.logo_reencoded(upload(image_bytes(image_format="JPEG") + SCRIPT, "a.jpg"))
    assert SCRIPT not in stored.read()


def test_a_50_megapixel_png_is_refused_from_its_header_without_decoding(monkeypatch):
    huge = image_bytes(size=(10_000, 5_000), mode="1", colour=0)  # a few KB: one colour, 1 bit
    assert len(huge) < logos.MAX_BYTES

    def no_decoding(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    error = refusal(huge)
    assert error.code == "too_many_pixels"
    assert "10000 x 5000" in error.messages[0]


def test_an_image_beyond_pillows_own_bomb_limit_is_refused_too():
    # Pillow refuses to open this itself (over twice its MAX_IMAGE_PIXELS): still our message.
    side = int((2 * Image.MAX_IMAGE_PIXELS) ** 0.5) + 10
    header = png_header_only(side, side)
    assert refusal(header).code == "too_many_pixels"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims its size and holds (almost) no pixels: Pillow reads the size alone."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        logos.PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0"))
        + png_chunk(b"IEND", b"")
    )


def test_a_file_over_the_byte_limit_is_refused():
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > logos.MAX_BYTES  # a real PNG, refused for its size alone
    error = refusal(out.getvalue())
    assert error.code == "too_large"
    assert "2 MB" in error.messages[0]


def test_a_file_larger_than_it_declares_is_refused_all_the_same():
    sneaky = upload(b"\x89PNG" + b"\0" * (logos.MAX_BYTES + 10))
    sneaky.size = 100
    with pytest.raises(ValidationError) as refused:
        logos.logo_reencoded(sneaky)
    assert refused.value.code == "too_large"


def test_an_empty_file_is_refused():
    assert refusal(b"").code == "empty"


# --- What is accepted, and how it is stored ----------------------------------------------------


def test_a_jpeg_is_accepted_and_re_encoded_as_a_jpeg_under_a_random_name():
    original = image_bytes(image_format="JPEG", quality=50)
    stored = logos.logo_reencoded(upload(original, name="../../etc/Acme logo.jpg"))
    content = stored.read()
    assert content != original
    assert OPAQUE_NAME.match(stored.name) and stored.name.endswith(".jpg")
    assert Image.open(io.BytesIO(content)).format == "JPEG"
    other = logos.logo_reencoded(upload(original, name="../../etc/Acme logo.jpg"))
    assert other.name != stored.name


def test_a_png_keeps_its_transparency():
    stored = logos.logo_reencoded(upload(image_bytes(mode="RGBA", colour=(0, 0, 255, 0))))
    image = Image.open(io.BytesIO(stored.read()))
    assert (image.format, image.mode) == ("PNG", "RGBA")
    assert OPAQUE_NAME.match(stored.name) and stored.name.endswith(".png")


def test_a_large_logo_is_downscaled_keeping_its_aspect():
    stored = logos.logo_reencoded(upload(image_bytes(size=(3000, 750))))
    assert Image.open(io.BytesIO(stored.read())).size == (800, 200)
    tall = logos.logo_reencoded(upload(image_bytes(size=(500, 1000), image_format="JPEG")))
    assert Image.open(io.BytesIO(tall.read())).size == (200, 400)


def test_a_small_logo_is_not_enlarged():
    stored = logos.logo_reencoded(upload(image_bytes(size=(120, 60))))
    assert Image.open(io.BytesIO(stored.read())).size == (120, 60)


def test_metadata_is_stripped_from_a_jpeg():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "Photo editor 9"  # Software
    original = image_bytes(image_format="JPEG", exif=exif, comment=b"internal: draft logo")
    assert b"SecretCam" in original and b"internal: draft logo" in original
    content = logos.logo_reencoded(upload(original, "a.jpg")).read()
    assert b"SecretCam" not in content and b"internal" not in content
    image = Image.open(io.BytesIO(content))
    assert not image.getexif() and "comment" not in image.info and "exif" not in image.info


def test_metadata_is_stripped_from_a_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("Author", "Jane Secret")
    original = image_bytes(pnginfo=info, icc_profile=b"not really a profile" * 10)
    assert SCRIPT in original
    content = logos.logo_reencoded(upload(original)).read()
    assert SCRIPT not in content and b"Jane Secret" not in content
    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"iCCP", b"eXIf"):
        assert chunk not in content


def test_a_photo_is_turned_the_way_it_was_shown():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display
    original = image_bytes(size=(200, 100), image_format="JPEG", exif=exif)
    content = logos.logo_reencoded(upload(original, "a.jpg")).read()
    assert Image.open(io.BytesIO(content)).size == (100, 200)


# --- Reading a stored logo back ------------------------------------------------------------


def test_data_uri_gives_the_stored_logo_and_nothing_without_one(acme):
    assert logos.data_uri(acme.logo) is None
    acme.logo = logos.logo_reencoded(upload(image_bytes()))
    acme.save()
    uri = logos.data_uri(acme.logo)
    assert uri.startswith("data:image/png;base64,")
    assert logos.from_data_uri(uri).content == default_storage.open(acme.logo.name).read()


def test_a_stored_file_that_is_not_a_png_or_jpeg_is_never_handed_out(acme):
    acme.logo.name = default_storage.save("logos/page.png", io.BytesIO(b"<html>" + SCRIPT))
    acme.save()
    assert logos.stored_logo(acme.logo) is None
    assert logos.data_uri(acme.logo) is None


def test_a_missing_file_counts_as_no_logo(acme):
    acme.logo.name = "logos/gone.png"
    assert logos.stored_logo(acme.logo) is None


@pytest.mark.parametrize(
    "url",
    [
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:image/png,%89PNG",
        "data:image/png;base64,PGh0bWw+",  # <html> claiming to be a PNG
        "data:image/png;base64,not base64!",
        "https://example.com/logo.png",
    ],
)
def test_from_data_uri_takes_only_png_and_jpeg_it_can_check(url):
    assert logos.from_data_uri(url) is None


def test_a_pdf_renderer_can_embed_the_logo_through_a_data_uri(acme):
    """What the PDF's fetcher needs to do for data_uri's images (see assessments/exports/pdf)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcherResponse

    from assessments.exports.pdf import BASE_URL, static_only_fetcher

    def fetcher(url):
        logo = logos.from_data_uri(url)
        if logo is None:
            return static_only_fetcher(url)
        return URLFetcherResponse(url, body=logo.content, headers={"Content-Type": "image/png"})

    acme.logo = logos.logo_reencoded(upload(image_bytes()))
    acme.save()
    html = f'<img src="{logos.data_uri(acme.logo)}" alt="Acme Corp">'
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    assert b"/Image" in pdf


# --- Admin --------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def organization_change_data(admin_client, organization) -> tuple[str, dict]:
    url = reverse("admin:organizations_organization_change", args=[organization.pk])
    data = change_form_data(admin_client.get(url))
    data.pop("logo", None)  # a file input sends nothing unless a file is chosen
    return url, data


def organization_post(admin_client, organization, logo):
    url, data = organization_change_data(admin_client, organization)
    return admin_client.post(url, {**data, "logo": logo})


def test_the_admin_shows_why_a_logo_is_refused_and_saves_nothing(admin_client, acme, media):
    response = organization_post(
        admin_client, acme, upload(b"<svg onload=alert(1)></svg>", "logo.png")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [
        "SVG logos are not accepted (an SVG can carry scripts): upload a PNG or JPEG."
    ]
    assert "SVG logos are not accepted" in response.content.decode()
    acme.refresh_from_db()
    assert not acme.logo
    assert stored_files(media) == []


def test_the_admin_stores_an_accepted_logo_re_encoded_through_storage(admin_client, acme, media):
    original = image_bytes(size=(1600, 400), image_format="JPEG")
    response = organization_post(admin_client, acme, upload(original, "Acme.jpg", "image/jpeg"))
    assert response.status_code == 302
    acme.refresh_from_db()
    folder, name = acme.logo.name.split("/")
    assert folder == "logos" and OPAQUE_NAME.match(name)
    content = default_storage.open(acme.logo.name).read()
    assert content != original
    assert Image.open(io.BytesIO(content)).size == (800, 200)
    assert [path.name for path in stored_files(media)] == [name]


def test_the_admin_sets_the_benchmark_opt_out(admin_client, acme):
    url, data = organization_change_data(admin_client, acme)
    data["benchmark_opt_out"] = "on"
    assert admin_client.post(url, data).status_code == 302
    assert Organization.objects.get(pk=acme.pk).benchmark_opt_out


def firm_form(**overrides):
    return {
        "name": "Northwind Advisory",
        "accent_colour": "#0A4BAF",
        "contact_line": "",
        **overrides,
    }


def test_the_firm_profile_can_be_added_once(admin_client, media):
    add = reverse("admin:organizations_firmprofile_add")
    assert admin_client.get(add).status_code == 200
    logo = upload(image_bytes(), "firm.png")
    assert admin_client.post(add, {**firm_form(), "logo": logo}).status_code == 302
    profile = FirmProfile.objects.get()
    assert profile.accent_colour == "#0a4baf"
    assert OPAQUE_NAME.match(profile.logo.name.removeprefix("logos/"))

    assert admin_client.get(add).status_code == 403
    assert admin_client.post(add, firm_form(name="A second firm")).status_code == 403
    assert FirmProfile.objects.count() == 1


@pytest.mark.parametrize("colour", ["0a4baf", "#0a4ba", "#0a4bafe", "#0a4bag", "red", "#fff"])
def test_the_firm_colour_must_be_hex(admin_client, colour):
    response = admin_client.post(
        reverse("admin:organizations_firmprofile_add"), firm_form(accent_colour=colour)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["accent_colour"]
    assert not FirmProfile.objects.exists()


def test_the_firm_colour_error_says_how_to_write_one(admin_client):
    response = admin_client.post(
        reverse("admin:organizations_firmprofile_add"), firm_form(accent_colour="blue")
    )
    assert "six hex digits, such as #0a4baf" in response.content.decode()


def test_the_firm_logo_is_checked_like_a_client_logo(admin_client, media):
    response = admin_client.post(
        reverse("admin:organizations_firmprofile_add"),
        {**firm_form(), "logo": upload(image_bytes() + SCRIPT, "firm.png")},
    )
    assert response.status_code == 200
    assert "data after its end" in response.content.decode()
    assert not FirmProfile.objects.exists()
    assert stored_files(media) == []
