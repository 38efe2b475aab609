"""Upload limits and the import's cost: a body over the limit is refused before it is read, a
file over it while it streams in (never written whole to disk), and an import makes the same
few queries whatever the number of assessments in the file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from assessments.models import Answer, Assessment, RespondentAnswer
from tests.test_import import CODES, HEADER, assessment_rows

REPO = Path(__file__).resolve().parent.parent
BOUNDARY = "limit-test-boundary"
CHUNK = 64 * 1024  # what Django's multipart parser reads at a time


class StreamedBody:
    """A multipart body holding one CSV file of `file_size` bytes, made as it is read (never
    held whole), counting what the server reads. Reading far past `fail_after` means the
    server is swallowing a body it should have refused: the test fails there, quickly."""

    def __init__(self, file_size: int, fail_after: int = 32 * 1024 * 1024) -> None:
        self.head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="answers.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
            f"{HEADER}"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.row = assessment_rows(org="Acme Corp", team="Enterprise Onboarding")[0].encode()
        self.file_size = file_size
        self.length = len(self.head) - len(HEADER) + file_size + len(self.tail)
        self.fail_after = fail_after
        self.read_bytes = 0

    def _byte_range(self, start: int, stop: int) -> bytes:
        out = []
        filler_start, filler_stop = len(self.head), self.length - len(self.tail)
        if start < filler_start:
            out.append(self.head[start : min(stop, filler_start)])
        if stop > filler_start and start < filler_stop:
            a, b = max(start, filler_start) - filler_start, min(stop, filler_stop) - filler_start
            first, last = a // len(self.row), (b - 1) // len(self.row) + 1
            rows = self.row * (last - first)
            offset = first * len(self.row)
            out.append(rows[a - offset : b - offset])
        if stop > filler_stop:
            out.append(self.tail[max(start, filler_stop) - filler_stop : stop - filler_stop])
        return b"".join(out)

    def read(self, size: int = -1) -> bytes:
        start = self.read_bytes
        stop = self.length if size is None or size < 0 else min(self.length, start + size)
        self.read_bytes = stop
        assert stop <= self.fail_after, f"the server read {stop:,} bytes of a refused body"
        return self._byte_range(start, stop)

    readline = read


def post_streamed(client, body: StreamedBody, declared: int | None = None):
    return client.generic(
        "POST",
        reverse("assessments:import", args=["acme"]),
        b"",
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.length if declared is None else declared),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )


def test_streamed_body_helper_makes_the_multipart_body_it_declares():
    body = StreamedBody(file_size=len(HEADER) + 3 * 1000 + 7)
    whole = body.read(10**9)
    assert len(whole) == body.length
    assert whole.startswith(f"--{BOUNDARY}".encode()) and whole.endswith(body.tail)
    assert whole.count(body.row) == (3 * 1000 + 7) // len(body.row)


def test_a_body_declared_over_the_limit_is_refused_before_a_byte_is_read(
    client, consultant, model_v0, acme
):
    client.force_login(consultant)
    body = StreamedBody(file_size=1024**3)  # 1 GB
    spy = mock.patch.object(
        TemporaryFileUploadHandler, "new_file", autospec=True, side_effect=AssertionError
    )
    with spy as to_disk:
        response = post_streamed(client, body)
    assert response.status_code == 413
    page = response.content.decode()
    assert "This upload (1 GB) is larger than the 5 MB limit" in page
    assert "nothing was saved" in page
    assert body.read_bytes == 0
    assert not to_disk.called
    assert not Assessment.objects.exists()


def test_any_request_declaring_a_body_over_the_limit_is_refused_signed_in_or_not(client, db):
    body = StreamedBody(file_size=6 * 1024 * 1024)
    response = client.generic(
        "POST",
        reverse("login"),
        b"",
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(body.length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )
    assert response.status_code == 413
    assert "This upload (6 MB) is larger than the 5 MB limit" in response.content.decode()
    assert body.read_bytes == 0


LIMIT = 256 * 1024


@override_settings(
    IMPORT_MAX_BYTES=LIMIT,
    REQUEST_MAX_BYTES=2 * 1024**3,  # as if the body's size were not declared or not checked
    FILE_UPLOAD_MAX_MEMORY_SIZE=16 * 1024,  # so that a file would go to a temporary file
)
def test_a_file_over_the_limit_is_refused_while_it_streams_and_never_reaches_disk(
    client, consultant, model_v0, acme
):
    client.force_login(consultant)
    body = StreamedBody(file_size=1024**3)
    to_disk = []
    real_receive = TemporaryFileUploadHandler.receive_data_chunk

    def receive(handler, raw_data, start):
        to_disk.append(len(raw_data))
        return real_receive(handler, raw_data, start)

    with mock.patch.object(TemporaryFileUploadHandler, "receive_data_chunk", receive):
        response = post_streamed(client, body)
    assert response.status_code == 413
    assert "is larger than the 256 KB limit, so it was refused" in response.content.decode()
    assert body.read_bytes <= LIMIT + 2 * CHUNK  # stopped within a chunk of the limit
    assert sum(to_disk) <= LIMIT
    assert not Assessment.objects.exists()


@override_settings(IMPORT_MAX_BYTES=LIMIT, REQUEST_MAX_BYTES=LIMIT + 64 * 1024)
def test_a_file_just_over_the_limit_in_a_body_under_the_request_cap_is_refused_too(
    client, consultant, model_v0, acme
):
    client.force_login(consultant)
    body = StreamedBody(file_size=LIMIT + 1)
    response = post_streamed(client, body)
    assert response.status_code == 413
    assert "larger than the 256 KB limit" in response.content.decode()
    # The small rest was read and dropped (never kept): the browser gets the page, not a reset.
    assert body.read_bytes == body.length


def test_a_file_of_exactly_the_limit_is_read_in_memory_and_one_byte_more_is_refused(
    client, consultant, model_v0, acme, settings
):
    """With the default settings: 5 MB, held in memory (no temporary file), then checked."""
    client.force_login(consultant)
    limit = settings.IMPORT_MAX_BYTES
    assert limit == 5 * 1024 * 1024
    start = b"not,the,header\n"
    url = reverse("assessments:import", args=["acme"])
    with mock.patch.object(TemporaryFileUploadHandler, "new_file", side_effect=AssertionError):
        exact = SimpleUploadedFile("a.csv", start + b"x" * (limit - len(start)), "text/csv")
        response = client.post(url, {"file": exact})
        assert response.status_code == 400
        assert "The file may be up to 5 MB of UTF-8 text" in response.content.decode()
        assert "Line 1, column <code>header</code>: expected exactly" in response.content.decode()

        over = SimpleUploadedFile("a.csv", start + b"x" * (limit + 1 - len(start)), "text/csv")
        response = client.post(url, {"file": over})
    assert response.status_code == 413
    assert "larger than the 5 MB limit" in response.content.decode()


def test_the_limits_come_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.IMPORT_MAX_BYTES,"
        " s.REQUEST_MAX_BYTES, s.FILE_UPLOAD_MAX_MEMORY_SIZE, s.DATA_UPLOAD_MAX_MEMORY_SIZE,"
        " s.FILE_UPLOAD_HANDLERS[0], 'assessments.uploads.RequestSizeLimitMiddleware' in"
        " s.MIDDLEWARE]))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=REPO,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "maturity.settings",
            "DJANGO_DEBUG": "true",
            "DJANGO_IMPORT_MAX_BYTES": "1048576",
        },
        capture_output=True,
        text=True,
        timeout=300,  # generous: the suite runs in parallel on machines that may be busy
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        1048576,
        1048576 + 64 * 1024,
        1048576 + 64 * 1024,
        2621440,
        "assessments.uploads.SizeLimitUploadHandler",
        True,
    ]


def upload_queries(client, rows: list[str]) -> tuple[int, int]:
    """The statements an upload runs: (inserts, every other one)."""
    file = SimpleUploadedFile("a.csv", (HEADER + "".join(rows)).encode(), "text/csv")
    url = reverse("assessments:import", args=["acme"])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"file": file})
    assert response.status_code == 302, response.content.decode()[-3000:]
    inserts = sum(1 for query in queries if query["sql"].lstrip().upper().startswith("INSERT"))
    return inserts, len(queries) - inserts


def test_an_upload_makes_no_query_per_assessment(
    client, consultant, model_v0, acme, team_a, team_b
):
    client.force_login(consultant)
    few = upload_queries(
        client,
        [
            row
            for year in (2001, 2002, 2003)
            for row in assessment_rows(org="Acme Corp", team=team_a.name, year=year)
        ],
    )
    many = upload_queries(
        client,
        [
            row
            for team in (team_a, team_b)
            for year in range(2010, 2040)
            for row in assessment_rows(org="Acme Corp", team=team.name, year=year)
        ],
    )
    assert Answer.objects.count() == 63 * len(CODES)
    assert RespondentAnswer.objects.count() == 63 * len(CODES)  # the imported responses' copies
    # Nothing is asked once per assessment.
    assert many[1] == few[1], (few, many)
    # Rows go in by the batch (SQLite splits a batch into statements of at most 999 parameters:
    # about 140 answers, or 250 of the responses' copies): nothing is written once per
    # assessment.
    assert many[0] - few[0] <= (60 - 3) // 4, (few, many)
