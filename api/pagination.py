"""Cursor pagination on a unique key: a page never repeats or skips a row while rows are added,
and its cost does not grow with the page number (no OFFSET, no COUNT)."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"  # views set their own unique ordering


class NewestFirstPagination(KeysetPagination):
    ordering = "-pk"
