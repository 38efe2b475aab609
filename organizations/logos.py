"""Logos (a client organization's, the firm's): checked, re-encoded, read back.

An uploaded logo is never stored as sent. `logo_reencoded` accepts PNG or JPEG only (by what
Pillow finds in the bytes, never by the file's name or declared type), refuses anything too
large before decoding it, and returns new pixels in a new file: downscaled to at most
MAX_WIDTH x MAX_HEIGHT, without metadata (EXIF, text chunks, comments, ICC profile), without
anything appended after the image, under a random name. The stored bytes are therefore always
ones this module wrote; `stored_logo` and `data_uri` still check the format before handing them
out, because a file could reach the field some other way (a shell, an old row).
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024  # of the upload
MAX_PIXELS = 25_000_000  # width x height, read from the header before any decoding
MAX_WIDTH, MAX_HEIGHT = 800, 400  # of the stored logo; larger ones are downscaled
JPEG_QUALITY = 90

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
# Pillow opens a multi-picture JPEG (phone cameras) as MPO: a JPEG all the same.
_OUTPUT_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG"}

NOT_PNG_OR_JPEG = "Upload the logo as a PNG or JPEG image; this file is neither."


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def logo_reencoded(upload) -> ContentFile:
    """The logo to store for an uploaded file: a new PNG (for a PNG) or JPEG (for a JPEG)
    under a random name, or ValidationError saying why the file is refused."""
    data = _read_capped(upload)
    if _looks_like_svg(data):
        raise ValidationError(
            "SVG logos are not accepted (an SVG can carry scripts): upload a PNG or JPEG.",
            code="svg",
        )
    with warnings.catch_warnings():
        # Pillow's own guard warns, then raises, far above our limit; both count as refusals.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
        except (UnidentifiedImageError, Image.DecompressionBombWarning) as error:
            raise ValidationError(NOT_PNG_OR_JPEG, code="not_png_or_jpeg") from error
        except Image.DecompressionBombError as error:
            raise _too_many_pixels() from error
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(NOT_PNG_OR_JPEG, code="not_png_or_jpeg") from error
        with image:
            output_format = _OUTPUT_FORMATS.get(image.format or "")
            if output_format is None:
                raise ValidationError(NOT_PNG_OR_JPEG, code="not_png_or_jpeg")
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(width, height)
            if output_format == "PNG" and _png_trailer(data):
                raise ValidationError(
                    "This PNG has data after its end (something appended to the image): "
                    "export the logo again from an image editor and upload that.",
                    code="trailer",
                )
            try:
                clean = _clean_pixels(image, output_format)
            except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
                raise ValidationError(
                    "The image could not be read (it may be damaged or cut short): "
                    "export it again and upload that.",
                    code="unreadable",
                ) from error
    extension = "png" if output_format == "PNG" else "jpg"
    return ContentFile(clean, name=f"{uuid.uuid4().hex}.{extension}")


def cleaned_logo_field(value):
    """For a form's clean_<logo field>: a new upload re-encoded (or refused); the stored file,
    a cleared field (False) or no file (None) as given."""
    if isinstance(value, UploadedFile):
        return logo_reencoded(value)
    return value


def _read_capped(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_many_bytes(size)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)  # the declared size is the client's word: count them
    if len(data) > MAX_BYTES:
        raise _too_many_bytes(None)
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    return data


def _too_many_bytes(size: int | None) -> ValidationError:
    found = f" (this one is {_size_label(size)})" if size else ""
    return ValidationError(
        f"A logo may be at most {_size_label(MAX_BYTES)}{found}: export a smaller image.",
        code="too_large",
    )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    found = f" (this one is {width} x {height})" if width and height else ""
    return ValidationError(
        f"A logo may have at most {MAX_PIXELS // 1_000_000} megapixels{found}: "
        f"export it smaller, {MAX_WIDTH} x {MAX_HEIGHT} pixels is plenty.",
        code="too_many_pixels",
    )


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<svg" in head or head.startswith(b"<?xml"))


def _png_trailer(data: bytes) -> bool:
    """True when bytes follow the PNG's IEND chunk, or when it has none (cut short)."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            return position != len(data)
    return True


def _clean_pixels(image: Image.Image, output_format: str) -> bytes:
    if output_format == "JPEG":
        # Decode a large JPEG at a reduced scale straight away (1/2, 1/4, 1/8): less memory.
        image.draft("RGB", (MAX_WIDTH, MAX_HEIGHT))
    image.load()
    image = ImageOps.exif_transpose(image)  # a phone photo the way up it was shown
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if output_format == "JPEG":
        image = image.convert("RGB")
    else:
        image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    # Only pixels leave: Pillow would otherwise carry an ICC profile (PNG) or a comment (JPEG)
    # over from the source's info; nothing else is passed to save.
    image.info = {}
    out = io.BytesIO()
    if output_format == "JPEG":
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- Reading a stored logo back --------------------------------------------------------------


@dataclass(frozen=True)
class StoredLogo:
    content: bytes
    content_type: str  # image/png or image/jpeg, from the bytes themselves


def stored_logo(field_file: FieldFile | None) -> StoredLogo | None:
    """The logo's bytes and type, read through the field's storage; None when there is no
    logo, its file is missing, or it is not a PNG or JPEG (never served as anything else)."""
    if not field_file:
        return None
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except (FileNotFoundError, OSError):
        return None
    return _sniffed(content)


def _sniffed(content: bytes) -> StoredLogo | None:
    if len(content) > MAX_BYTES:
        return None
    if content.startswith(PNG_SIGNATURE):
        return StoredLogo(content, CONTENT_TYPES["PNG"])
    if content.startswith(JPEG_SIGNATURE):
        return StoredLogo(content, CONTENT_TYPES["JPEG"])
    return None


def data_uri(field_file: FieldFile | None) -> str | None:
    """The logo as a data: URI, for a PDF (WeasyPrint fetches nothing else) or an e-mail;
    None when there is none to show."""
    logo = stored_logo(field_file)
    if logo is None:
        return None
    return f"data:{logo.content_type};base64,{base64.b64encode(logo.content).decode('ascii')}"


def from_data_uri(url: str) -> StoredLogo | None:
    """The PNG or JPEG in a base64 data: URI such as data_uri makes, else None. For a PDF
    renderer's URL fetcher that lets these through and nothing else of the kind."""
    head, _, payload = url.partition(",")
    content_type = head.removeprefix("data:").removesuffix(";base64")
    if head != f"data:{content_type};base64" or content_type not in CONTENT_TYPES.values():
        return None
    if len(payload) > (MAX_BYTES // 3 + 1) * 4:
        return None
    try:
        content = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    logo = _sniffed(content)
    return logo if logo is not None and logo.content_type == content_type else None
