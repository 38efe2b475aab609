"""Calendar quarters, without a database."""

from __future__ import annotations

import datetime

import pytest

from assessments.periods import Quarter, recent_quarters


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 1), Quarter(2026, 1)),
        (datetime.date(2026, 3, 31), Quarter(2026, 1)),
        (datetime.date(2026, 4, 1), Quarter(2026, 2)),
        (datetime.date(2026, 9, 30), Quarter(2026, 3)),
        (datetime.date(2026, 11, 23), Quarter(2026, 4)),
        (datetime.date(2026, 12, 31), Quarter(2026, 4)),
    ],
)
def test_quarter_containing_a_day(day, expected):
    assert Quarter.containing(day) == expected


def test_label_and_key():
    assert Quarter(2026, 4).label == "2026 Q4"
    assert Quarter(2026, 4).key == "2026Q4"


def test_previous_and_next_cross_years():
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 2).previous() == Quarter(2026, 1)


@pytest.mark.parametrize("label", ["2026 Q4", "2026-Q4", "2026q4", " 2026Q4 "])
def test_parse_accepts_common_spellings(label):
    assert Quarter.parse(label) == Quarter(2026, 4)


@pytest.mark.parametrize("label", ["2026 Q5", "Q4 2026", "2026", "", "abc"])
def test_parse_rejects_anything_else(label):
    with pytest.raises(ValueError, match="not a quarter"):
        Quarter.parse(label)


@pytest.mark.parametrize(("year", "quarter"), [(2026, 0), (2026, 5), (1999, 1), (2101, 1)])
def test_impossible_quarters_are_refused(year, quarter):
    with pytest.raises(ValueError):
        Quarter(year, quarter)


def test_quarters_order_chronologically():
    assert sorted([Quarter(2026, 1), Quarter(2025, 4), Quarter(2026, 3)]) == [
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 3),
    ]


def test_recent_quarters_newest_first_around_today():
    quarters = recent_quarters(datetime.date(2026, 11, 23), back=2, ahead=1)
    assert [q.label for q in quarters] == ["2027 Q1", "2026 Q4", "2026 Q3", "2026 Q2"]
