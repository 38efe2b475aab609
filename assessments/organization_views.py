"""Placeholder: being written (issue 13). Every view answers 404 until then."""

from django.http import Http404


def organization_page(request, **kwargs):
    raise Http404("Not built yet.")


def compare(request, **kwargs):
    raise Http404("Not built yet.")
