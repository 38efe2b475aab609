"""Placeholder: being written (issue 13). Every view answers 404 until then."""

from django.http import Http404


def organization_export_xlsx(request, **kwargs):
    raise Http404("Not built yet.")
