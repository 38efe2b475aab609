"""The client pack's executive summary: plain sentences with numbers, worked out from the
quarter's totals. Pure Python: dataclasses in, sentences out, the same every time.

Rounding is half up (61.5 reads "62"), so a summary never depends on float quirks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class DimensionFigures:
    code: str
    name: str
    total: int
    max_total: int
    previous: int | None = None  # the total in the quarter before, when the team had one
    target: int | None = None  # the team's target total, when set


@dataclass(frozen=True)
class TeamFigures:
    name: str
    overall: int
    max_overall: int
    dimensions: tuple[DimensionFigures, ...]
    previous_overall: int | None = None  # None: not assessed in the quarter before

    @property
    def has_targets(self) -> bool:
        return any(dim.target is not None for dim in self.dimensions)

    @property
    def below_target(self) -> tuple[DimensionFigures, ...]:
        return tuple(d for d in self.dimensions if d.target is not None and d.total < d.target)


@dataclass(frozen=True)
class ExecutiveSummary:
    headline: str
    team_lines: tuple[str, ...]  # strongest and weakest dimension, a sentence per team
    changes: tuple[str, ...]  # the biggest gain and the biggest drop since the quarter before
    targets: str
    missing: str  # teams without a submitted assessment this quarter; "" when none

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(
            s
            for s in (self.headline, *self.team_lines, *self.changes, self.targets, self.missing)
            if s
        )


def whole(value: Fraction) -> int:
    """Round half away from zero: 2.5 -> 3, -2.5 -> -3."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def join_words(items: list[str] | tuple[str, ...]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _change_words(delta: int) -> str:
    if delta > 0:
        return f"up {delta}"
    if delta < 0:
        return f"down {-delta}"
    return "unchanged"


def headline(teams: tuple[TeamFigures, ...], period: str, previous_period: str) -> str:
    if not teams:
        return f"No team has submitted an assessment for {period}."
    top = teams[0].max_overall
    average = whole(Fraction(sum(t.overall for t in teams), len(teams)))
    if len(teams) == 1:
        opening = f"For the one team assessed, the overall score is {average} / {top}"
    else:
        opening = f"Across {len(teams)} teams, the average overall score is {average} / {top}"
    both = [t for t in teams if t.previous_overall is not None]
    if not both:
        return f"{opening}; no team was assessed in {previous_period} to compare with."
    # Like for like: the change is the mean change of the teams assessed in both quarters.
    delta = whole(Fraction(sum(t.overall - t.previous_overall for t in both), len(both)))
    since = f"{_change_words(delta)} since {previous_period}"
    if len(both) < len(teams):
        since += f" (for the {_plural(len(both), 'team')} assessed in both quarters)"
    return f"{opening}, {since}."


def team_line(team: TeamFigures) -> str:
    """ "Support: strongest Value Orientation (20 / 25), weakest Manageability (8 / 25)." """
    dims = team.dimensions
    high = max(d.total for d in dims)
    low = min(d.total for d in dims)
    top = dims[0].max_total
    if high == low:
        return f"{team.name}: every dimension at {high} / {top}."
    strongest = join_words([d.name for d in dims if d.total == high])
    weakest = join_words([d.name for d in dims if d.total == low])
    return (
        f"{team.name}: strongest {strongest} ({high} / {top}), weakest {weakest} ({low} / {top})."
    )


def _moves(teams: tuple[TeamFigures, ...]) -> list[tuple[int, TeamFigures, DimensionFigures]]:
    return [
        (dim.total - dim.previous, team, dim)
        for team in teams
        for dim in team.dimensions
        if dim.previous is not None
    ]


def _move_sentence(
    moves: list[tuple[int, TeamFigures, DimensionFigures]], previous_period: str, rising: bool
) -> str:
    wanted = [m for m in moves if (m[0] > 0 if rising else m[0] < 0)]
    if not wanted:
        return f"No dimension {'rose' if rising else 'fell'} since {previous_period}."
    extreme = max(m[0] for m in wanted) if rising else min(m[0] for m in wanted)
    best = [m for m in wanted if m[0] == extreme]
    noun = "gain" if rising else "drop"
    words = _change_words(extreme)
    if len(best) == 1:
        _, team, dim = best[0]
        return (
            f"The biggest {noun} since {previous_period}: {team.name}, {dim.name}, "
            f"{words} ({dim.previous} → {dim.total})."
        )
    named = join_words([f"{t.name}, {d.name} ({d.previous} → {d.total})" for _, t, d in best])
    return f"The biggest {noun}s since {previous_period}, {words} each: {named}."


def changes(teams: tuple[TeamFigures, ...], previous_period: str) -> tuple[str, ...]:
    moves = _moves(teams)
    if not moves:
        return ()  # the headline already says there is nothing to compare with
    return (
        _move_sentence(moves, previous_period, rising=True),
        _move_sentence(moves, previous_period, rising=False),
    )


def targets_sentence(teams: tuple[TeamFigures, ...]) -> str:
    with_targets = [t for t in teams if t.has_targets]
    if not teams:
        return ""
    if not with_targets:
        return "No team has set targets yet."
    below = [t for t in with_targets if t.below_target]
    if not below:
        if len(with_targets) == 1:
            return f"{with_targets[0].name} meets every target it has set."
        return f"All {len(with_targets)} teams with targets meet them."

    def shortfalls(team: TeamFigures) -> str:
        return join_words([f"{d.name} ({d.total}, target {d.target})" for d in team.below_target])

    if len(with_targets) == 1:
        return f"{below[0].name} is below target on {shortfalls(below[0])}."
    verb = "is" if len(below) == 1 else "are"
    parts = "; ".join(f"{team.name} on {shortfalls(team)}" for team in below)
    return f"{len(below)} of {len(with_targets)} teams with targets {verb} below target: {parts}."


def missing_sentence(names: tuple[str, ...], period: str) -> str:
    if not names:
        return ""
    verb = "has" if len(names) == 1 else "have"
    return f"{_plural(len(names), 'team')} {verb} not submitted for {period}: {join_words(names)}."


def summarize(
    teams: tuple[TeamFigures, ...],
    *,
    period: str,
    previous_period: str,
    not_submitted: tuple[str, ...] = (),
) -> ExecutiveSummary:
    """The summary of a quarter: teams in the order given (the pack's, by name)."""
    return ExecutiveSummary(
        headline=headline(teams, period, previous_period),
        team_lines=tuple(team_line(team) for team in teams),
        changes=changes(teams, previous_period),
        targets=targets_sentence(teams),
        missing=missing_sentence(not_submitted, period),
    )
