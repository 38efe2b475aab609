"""Edits that carry what the page showed, so nobody silently overwrites a colleague. Pure Python.

A save sends, for each field the person changed, the value the page showed and the new value.
A field that someone else changed since the page was loaded (it now holds neither what this
page showed nor what this person chose) is a conflict: the save is refused and both values are
put in front of the person, who chooses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class _Unknown:
    """The client did not say what its page showed (an old page or a script): no check."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class FieldEdit:
    field: str  # the form field's name, e.g. "VO-1", "VO-1-note", "touch_model"
    label: str  # for people: "VO-1 score"
    shown: object  # what the page showed, or UNKNOWN
    mine: object  # what this person chose
    current: object  # what the database holds now


@dataclass(frozen=True)
class Conflict:
    field: str
    label: str
    mine: object
    theirs: object


def conflicts(edits: Iterable[FieldEdit]) -> list[Conflict]:
    """The edits that would overwrite a value someone else saved after the page was loaded."""
    return [
        Conflict(edit.field, edit.label, edit.mine, edit.current)
        for edit in edits
        if edit.shown is not UNKNOWN and edit.current not in (edit.shown, edit.mine)
    ]
