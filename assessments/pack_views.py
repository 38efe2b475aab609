"""Placeholder: being written (issue 13). Every view answers 404 until then."""

from django.http import Http404


def pack_start(request, **kwargs):
    raise Http404("Not built yet.")


def pack_status(request, **kwargs):
    raise Http404("Not built yet.")


def pack_progress(request, **kwargs):
    raise Http404("Not built yet.")


def pack_download(request, **kwargs):
    raise Http404("Not built yet.")


def pack_retry(request, **kwargs):
    raise Http404("Not built yet.")
