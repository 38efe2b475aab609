"""Row ids as they arrive in URLs and forms. Pure Python.

A database id is a positive 64-bit integer. Anything longer than 18 ASCII digits cannot be one,
and past 4,300 digits int() refuses it outright: such a value is "no such thing" (404), never a
server error. (URL converters are already safe: Django answers 404 for both.)
"""

from __future__ import annotations

MAX_ID_DIGITS = 18  # 999,999,999,999,999,999 < 2**63 - 1


def parse_id(value: str | None) -> int | None:
    """The id a string names, or None if it cannot name one (not ASCII digits, or too long)."""
    if not value or len(value) > MAX_ID_DIGITS or not (value.isascii() and value.isdigit()):
        return None
    return int(value)
