"""Calendar quarters: the period every assessment belongs to. Pure Python."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_LABEL = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"A quarter is 1 to 4, not {self.quarter}.")
        if not 2000 <= self.year <= 2100:
            raise ValueError(f"{self.year} is not a plausible assessment year.")

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """Read "2026 Q4", "2026-Q4" or "2026Q4"."""
        match = _LABEL.match(label)
        if not match:
            raise ValueError(f"{label!r} is not a quarter like 2026 Q4.")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def key(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    def __str__(self) -> str:
        return self.label


def recent_quarters(today: datetime.date, back: int = 4, ahead: int = 1) -> list[Quarter]:
    """The quarters a team lead may reasonably score, newest first."""
    current = Quarter.containing(today)
    quarters = [current]
    for _ in range(ahead):
        quarters.insert(0, quarters[0].next())
    for _ in range(back):
        quarters.append(quarters[-1].previous())
    return quarters
