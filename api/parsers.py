from __future__ import annotations

from rest_framework.parsers import BaseParser


class CsvParser(BaseParser):
    """A CSV body (the import contract), handed to the view as bytes: the view decodes it."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read() if stream is not None else b""
