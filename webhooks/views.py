"""/organizations/<slug>/webhooks/: register endpoints, read their delivery log, rotate a secret,
switch one off, delete it, send a test ping. For the organization's consultants and platform
admins; a 404 for everyone else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from webhooks import services, ssrf
from webhooks.forms import ActiveForm, EndpointForm
from webhooks.models import WebhookAttempt, WebhookEndpoint
from webhooks.selectors import organizations_managed_by

DELIVERIES_PER_PAGE = 25


def _organization(request, slug: str):
    return get_object_or_404(organizations_managed_by(request.user), slug=slug)


def _endpoint(request, slug: str, endpoint_id: int) -> WebhookEndpoint:
    organization = _organization(request, slug)
    return get_object_or_404(
        WebhookEndpoint.objects.select_related("organization"),
        organization=organization,
        pk=endpoint_id,
    )


def _list_page(request, organization, form, *, new_endpoint=None, status=200):
    ctx = {
        "organization": organization,
        "endpoints": WebhookEndpoint.objects.filter(organization=organization),
        "form": form,
        "new_endpoint": new_endpoint,
        "max_endpoints": services.MAX_ENDPOINTS,
    }
    return render(request, "webhooks/endpoints.html", ctx, status=status)


@never_cache
@login_required
def endpoint_list(request, slug: str):
    organization = _organization(request, slug)
    if request.method != "POST":
        return _list_page(request, organization, EndpointForm())
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _list_page(request, organization, form, status=400)
    try:
        endpoint = services.endpoint_create(
            organization=organization, user=request.user, **form.cleaned_data
        )
    except (ssrf.UnsafeURL, services.EndpointError) as refused:
        field = "url" if isinstance(refused, ssrf.UnsafeURL) else None
        form.add_error(field, str(refused))
        return _list_page(request, organization, form, status=400)
    # Rendered, not redirected: the secret is shown on this response only.
    return _list_page(request, organization, EndpointForm(), new_endpoint=endpoint, status=201)


def _detail_page(request, endpoint, *, new_secret=False, status=200):
    attempts = Prefetch("log", queryset=WebhookAttempt.objects.order_by("at", "pk"))
    deliveries = endpoint.deliveries.prefetch_related(attempts)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    ctx = {
        "organization": endpoint.organization,
        "endpoint": endpoint,
        "page": page,
        "new_secret": new_secret,
    }
    return render(request, "webhooks/endpoint.html", ctx, status=status)


@never_cache
@login_required
def endpoint_detail(request, slug: str, endpoint_id: int):
    return _detail_page(request, _endpoint(request, slug, endpoint_id))


@never_cache
@require_POST
@login_required
def endpoint_rotate(request, slug: str, endpoint_id: int):
    endpoint = services.endpoint_rotate_secret(endpoint=_endpoint(request, slug, endpoint_id))
    return _detail_page(request, endpoint, new_secret=True)


@require_POST
@login_required
def endpoint_active(request, slug: str, endpoint_id: int):
    endpoint = _endpoint(request, slug, endpoint_id)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the endpoint should be on or off."))
        return _detail_page(request, endpoint, status=400)
    active = form.cleaned_data["active"]
    services.endpoint_set_active(endpoint=endpoint, active=active)
    if active:
        messages.success(request, _("Endpoint switched on: new events are sent to it again."))
    else:
        messages.success(request, _("Endpoint switched off: nothing more is sent to it."))
    return redirect("webhooks:endpoint", endpoint.organization.slug, endpoint.pk)


@require_POST
@login_required
def endpoint_delete(request, slug: str, endpoint_id: int):
    endpoint = _endpoint(request, slug, endpoint_id)
    services.endpoint_delete(endpoint=endpoint)
    messages.success(
        request, _("Endpoint %(url)s deleted, with its delivery log.") % {"url": endpoint.url}
    )
    return redirect("webhooks:list", slug)


@require_POST
@login_required
def endpoint_ping(request, slug: str, endpoint_id: int):
    endpoint = _endpoint(request, slug, endpoint_id)
    services.ping_send(endpoint=endpoint)
    messages.success(request, _("Test ping queued: its result shows in the log below."))
    return redirect("webhooks:endpoint", endpoint.organization.slug, endpoint.pk)
