"""The client pack's pages: ask for a pack, watch it render, download it, retry a failed one.

Every pack is read through client_pack.packs_visible_to: another organization's pack, or another
lead's, answers 404 like anything else outside what the user may see.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import client_pack, pack_tasks
from assessments.periods import Quarter
from assessments.workspace_models import ClientPack
from organizations import selectors as scope

PACKS_LISTED = 20
IN_FLIGHT = (ClientPack.Status.QUEUED, ClientPack.Status.RUNNING)


class PackForm(forms.Form):
    quarter = forms.ChoiceField(label="Quarter")

    def __init__(self, *args, quarters: list[Quarter], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.key, q.label) for q in quarters]

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])


def progress_text(pack: ClientPack) -> str:
    """ "7 of 20 teams", in words for the page and the JSON alike."""
    if pack.status == ClientPack.Status.QUEUED:
        return gettext("Waiting for a worker to start.")
    if pack.status == ClientPack.Status.RUNNING:
        if not pack.teams_total:
            return gettext("Starting.")
        if pack.teams_done >= pack.teams_total:
            return ngettext(
                "%(done)s of %(total)s teams; laying out the PDF.",
                "%(done)s of %(total)s teams; laying out the PDF.",
                pack.teams_total,
            ) % {"done": pack.teams_done, "total": pack.teams_total}
        return ngettext(
            "%(done)s of %(total)s teams.", "%(done)s of %(total)s teams.", pack.teams_total
        ) % {"done": pack.teams_done, "total": pack.teams_total}
    if pack.status == ClientPack.Status.DONE:
        return ngettext("Ready: %(count)s team.", "Ready: %(count)s teams.", pack.teams_total) % {
            "count": pack.teams_total
        }
    return gettext("Failed.")


def _status_context(pack: ClientPack) -> dict:
    return {
        "pack": pack,
        "expired": client_pack.is_expired(pack),
        "in_flight": pack.status in IN_FLIGHT,
        "stalled": client_pack.is_stalled(pack),
        "progress": progress_text(pack),
    }


@login_required
@require_http_methods(["GET", "POST"])
def pack_start(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(scope.organizations_visible_to(request.user), slug=slug)
    quarters = client_pack.submitted_quarters(organization, request.user)
    form = PackForm(request.POST or None, quarters=quarters)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["quarter"]
        pending = (
            client_pack.packs_visible_to(request.user)
            .filter(
                organization=organization,
                year=period.year,
                quarter=period.quarter,
                requested_by=request.user,
                status__in=IN_FLIGHT,
            )
            .first()
        )
        if pending is not None:  # a second click while the first is rendering
            messages.info(
                request,
                gettext("The %(quarter)s pack is already being rendered.")
                % {"quarter": period.label},
            )
            return redirect("assessments:pack-status", pk=pending.pk)
        pack = ClientPack.objects.create(
            organization=organization,
            year=period.year,
            quarter=period.quarter,
            requested_by=request.user,
        )
        pack_tasks.pack_enqueue(pack=pack, language=translation.get_language())
        return redirect("assessments:pack-status", pk=pack.pk)
    packs = list(
        client_pack.packs_visible_to(request.user).filter(organization=organization)[:PACKS_LISTED]
    )
    ctx = {
        "organization": organization,
        "form": form,
        "quarters": quarters,
        "pack_rows": [(pack, client_pack.is_expired(pack), progress_text(pack)) for pack in packs],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "assessments/pack_start.html", ctx, status=status)


@login_required
@require_GET
@never_cache
def pack_status(request: HttpRequest, pk: int) -> HttpResponse:
    pack = get_object_or_404(client_pack.packs_visible_to(request.user), pk=pk)
    return render(request, "assessments/pack_status.html", _status_context(pack))


@login_required
@require_GET
@never_cache
def pack_progress(request: HttpRequest, pk: int) -> JsonResponse:
    pack = get_object_or_404(client_pack.packs_visible_to(request.user), pk=pk)
    expired = client_pack.is_expired(pack)
    ready = pack.status == ClientPack.Status.DONE and not expired
    return JsonResponse(
        {
            "status": pack.status,
            "status_label": pack.get_status_display(),
            "teams_done": pack.teams_done,
            "teams_total": pack.teams_total,
            "progress": progress_text(pack),
            "finished": pack.status not in IN_FLIGHT,
            "expired": expired,
            "error": pack.error,
            "download_url": reverse("assessments:pack-download", args=[pack.pk]) if ready else "",
        }
    )


@login_required
@require_GET
def pack_download(request: HttpRequest, pk: int) -> HttpResponse:
    pack = get_object_or_404(client_pack.packs_visible_to(request.user), pk=pk)
    if pack.status != ClientPack.Status.DONE:
        messages.info(request, gettext("The pack is not ready yet."))
        return redirect("assessments:pack-status", pk=pack.pk)
    if not client_pack.is_expired(pack):
        try:
            handle = pack.file.open("rb")
        except FileNotFoundError:
            pass  # deleted from storage behind our back: as good as expired
        else:
            return FileResponse(
                handle,
                as_attachment=True,
                filename=client_pack.pack_filename(pack),
                content_type="application/pdf",
            )
    ctx = {**_status_context(pack), "expired": True}
    return render(request, "assessments/pack_status.html", ctx, status=410)


@login_required
@require_POST
def pack_retry(request: HttpRequest, pk: int) -> HttpResponse:
    pack = get_object_or_404(client_pack.packs_visible_to(request.user), pk=pk)
    if pack.status in IN_FLIGHT and not client_pack.is_stalled(pack):
        messages.info(request, gettext("The pack is already being rendered."))
    elif pack.status == ClientPack.Status.DONE and not client_pack.is_expired(pack):
        messages.info(request, gettext("The pack is ready: download it below."))
    else:
        # Rendered in the requester's language: the current one when they retry themselves,
        # else their saved one (pack_tasks.pack_language).
        mine = pack.requested_by_id == request.user.pk
        language = translation.get_language() if mine else None
        pack_tasks.pack_enqueue(pack=pack, language=language)
        messages.success(request, gettext("The pack is queued again."))
    return redirect("assessments:pack-status", pk=pack.pk)
