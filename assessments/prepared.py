"""Reads run on every request of a hot page, their SQL built once per process.

For a one-row read such as "this assessment, if the user may see it" (four tables joined for
select_related, a subquery or two for the scope), building the statement through the ORM costs
about ten times as much as running it (1 ms against 0.1 ms). A `PreparedRead` builds its
queryset once per variant (say, admin or not) and database vendor, with stand-ins for the
values that vary; each call swaps the stand-ins among the statement's parameters for the real
values and makes the model instances as the queryset itself would (select_related included).

A stand-in is an integer no parameter of ours otherwise takes; the values swapped in are
integers (ids). Only what a queryset's SQL depends on may vary between variants: the builder
gets the variant and must give the same SQL for the same variant whatever the values.
report_cache.py runs its fingerprint the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
STAND_INS = {
    "pk": 2_000_000_101,
    "user": 2_000_000_102,
}


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    compiler: SQLCompiler  # after as_sql(): its select, klass_info and converters
    db: str


class PreparedRead:
    """`build(variant, **stand_ins)` -> a queryset of model instances (no annotations, no
    deferred fields), compiled once per variant and vendor."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}

    def _statement(self, variant: Hashable, names: tuple[str, ...]) -> _Compiled:
        key = (variant, names, connections[DEFAULT_DB_ALIAS].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            queryset = self._build(variant, **{name: STAND_INS[name] for name in names})
            db = queryset.db
            if queryset.query.annotations or queryset.query.deferred_loading[0]:
                raise ValueError("A prepared read returns whole rows: no annotations or only().")
            compiler = queryset.query.get_compiler(using=db)
            sql, params = compiler.as_sql()
            inlined = [name for name in names if str(STAND_INS[name]) in sql]
            if inlined:  # written into the SQL, not a parameter: it could not be swapped
                raise ValueError(f"The prepared statement holds {inlined} in its text.")
            compiled = self._compiled[key] = _Compiled(sql, tuple(params), compiler, db)
        return compiled

    def fetch(self, variant: Hashable, **values: int) -> list[Model]:
        """The rows for these values (ints, by stand-in name), as model instances."""
        if any(not BIGINT_MIN <= int(value) <= BIGINT_MAX for value in values.values()):
            return []  # as the ORM answers an exact lookup no 64-bit column can match
        compiled = self._statement(variant, tuple(sorted(values)))
        swap = {STAND_INS[name]: int(value) for name, value in values.items()}
        params = [swap.get(p, p) if type(p) is int else p for p in compiled.params]
        with connections[compiled.db].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return list(_instances(compiled, rows))


def _instances(compiled: _Compiled, rows: list[tuple]) -> Any:
    """Django's ModelIterable, over rows already fetched."""
    compiler = compiled.compiler
    select, klass_info = compiler.select, compiler.klass_info
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, compiled.db)
    for row in compiler.results_iter([rows]):
        obj = model_cls.from_db(compiled.db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        yield obj
