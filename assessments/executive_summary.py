"""The client pack's executive summary: plain sentences with numbers, worked out from the
quarter's totals. Pure Python: dataclasses in, sentences out, the same every time.

Rounding is half up (61.5 reads "62"), so a summary never depends on float quirks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext, ngettext


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
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _change_words(delta: int) -> str:
    if delta > 0:
        return gettext("up %(delta)s") % {"delta": delta}
    if delta < 0:
        return gettext("down %(delta)s") % {"delta": -delta}
    return gettext("unchanged")


def headline(teams: tuple[TeamFigures, ...], period: str, previous_period: str) -> str:
    if not teams:
        return gettext("No team has submitted an assessment for %(period)s.") % {"period": period}
    top = teams[0].max_overall
    average = whole(Fraction(sum(t.overall for t in teams), len(teams)))
    both = [t for t in teams if t.previous_overall is not None]
    values = {"average": average, "top": top, "count": len(teams), "previous": previous_period}
    if not both:
        if len(teams) == 1:
            return (
                gettext(
                    "For the one team assessed, the overall score is %(average)s / %(top)s; "
                    "no team was assessed in %(previous)s to compare with."
                )
                % values
            )
        return (
            gettext(
                "Across %(count)s teams, the average overall score is %(average)s / %(top)s; "
                "no team was assessed in %(previous)s to compare with."
            )
            % values
        )
    # Like for like: the change is the mean change of the teams assessed in both quarters.
    delta = whole(Fraction(sum(t.overall - t.previous_overall for t in both), len(both)))
    values.update(change=_change_words(delta), both=len(both))
    if len(teams) == 1:
        return (
            gettext(
                "For the one team assessed, the overall score is %(average)s / %(top)s, "
                "%(change)s since %(previous)s."
            )
            % values
        )
    if len(both) < len(teams):
        return (
            ngettext(
                "Across %(count)s teams, the average overall score is %(average)s / %(top)s, "
                "%(change)s since %(previous)s (for the %(both)s team assessed in both quarters).",
                "Across %(count)s teams, the average overall score is %(average)s / %(top)s, "
                "%(change)s since %(previous)s (for the %(both)s teams assessed in both "
                "quarters).",
                len(both),
            )
            % values
        )
    return (
        gettext(
            "Across %(count)s teams, the average overall score is %(average)s / %(top)s, "
            "%(change)s since %(previous)s."
        )
        % values
    )


def team_line(team: TeamFigures) -> str:
    """ "Support: strongest Value Orientation (20 / 25), weakest Manageability (8 / 25)." """
    dims = team.dimensions
    high = max(d.total for d in dims)
    low = min(d.total for d in dims)
    top = dims[0].max_total
    if high == low:
        return gettext("%(team)s: every dimension at %(high)s / %(top)s.") % {
            "team": team.name,
            "high": high,
            "top": top,
        }
    strongest = join_words([d.name for d in dims if d.total == high])
    weakest = join_words([d.name for d in dims if d.total == low])
    return gettext(
        "%(team)s: strongest %(strongest)s (%(high)s / %(top)s), "
        "weakest %(weakest)s (%(low)s / %(top)s)."
    ) % {
        "team": team.name,
        "strongest": strongest,
        "high": high,
        "top": top,
        "weakest": weakest,
        "low": low,
    }


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
        none = (
            gettext("No dimension rose since %(previous)s.")
            if rising
            else gettext("No dimension fell since %(previous)s.")
        )
        return none % {"previous": previous_period}
    extreme = max(m[0] for m in wanted) if rising else min(m[0] for m in wanted)
    best = [m for m in wanted if m[0] == extreme]
    words = _change_words(extreme)
    if len(best) == 1:
        _, team, dim = best[0]
        one = (
            gettext(
                "The biggest gain since %(previous)s: %(team)s, %(dimension)s, "
                "%(change)s (%(before)s → %(after)s)."
            )
            if rising
            else gettext(
                "The biggest drop since %(previous)s: %(team)s, %(dimension)s, "
                "%(change)s (%(before)s → %(after)s)."
            )
        )
        return one % {
            "previous": previous_period,
            "team": team.name,
            "dimension": dim.name,
            "change": words,
            "before": dim.previous,
            "after": dim.total,
        }
    named = join_words([f"{t.name}, {d.name} ({d.previous} → {d.total})" for _, t, d in best])
    several = (
        gettext("The biggest gains since %(previous)s, %(change)s each: %(list)s.")
        if rising
        else gettext("The biggest drops since %(previous)s, %(change)s each: %(list)s.")
    )
    return several % {"previous": previous_period, "change": words, "list": named}


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
        return gettext("No team has set targets yet.")
    below = [t for t in with_targets if t.below_target]
    if not below:
        if len(with_targets) == 1:
            return gettext("%(team)s meets every target it has set.") % {
                "team": with_targets[0].name
            }
        return gettext("All %(count)s teams with targets meet them.") % {"count": len(with_targets)}

    def shortfalls(team: TeamFigures) -> str:
        return join_words(
            [
                gettext("%(dimension)s (%(total)s, target %(target)s)")
                % {"dimension": d.name, "total": d.total, "target": d.target}
                for d in team.below_target
            ]
        )

    if len(with_targets) == 1:
        return gettext("%(team)s is below target on %(shortfalls)s.") % {
            "team": below[0].name,
            "shortfalls": shortfalls(below[0]),
        }
    parts = "; ".join(
        gettext("%(team)s on %(shortfalls)s") % {"team": team.name, "shortfalls": shortfalls(team)}
        for team in below
    )
    return ngettext(
        "%(count)s of %(total)s teams with targets is below target: %(parts)s.",
        "%(count)s of %(total)s teams with targets are below target: %(parts)s.",
        len(below),
    ) % {"count": len(below), "total": len(with_targets), "parts": parts}


def missing_sentence(names: tuple[str, ...], period: str) -> str:
    if not names:
        return ""
    return ngettext(
        "%(count)s team has not submitted for %(period)s: %(names)s.",
        "%(count)s teams have not submitted for %(period)s: %(names)s.",
        len(names),
    ) % {"count": len(names), "period": period, "names": join_words(names)}


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
