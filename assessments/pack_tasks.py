"""The client pack's background work: render the PDF, store it, say how far it got.

Run by `python manage.py db_worker` (django-tasks' database backend). The ClientPack row is the
record people read: its status, "7 of 20 teams", and in plain words why it failed.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from assessments import client_pack
from assessments.periods import Quarter
from assessments.recipient_language import user_language
from assessments.workspace_models import ClientPack

logger = logging.getLogger(__name__)

GENERIC_ERROR = (
    "Something went wrong while the pack was being rendered. Try again; if it fails again, "
    "tell your administrator (pack {pk})."
)
NO_REQUESTER = "The person who asked for this pack no longer has an account, so it cannot be made."


def _progress(pk: int):
    def report(done: int, total: int) -> None:
        ClientPack.objects.filter(pk=pk).update(teams_done=done, teams_total=total)

    return report


def render_pack(pack_id: int, language: str | None = None) -> str:
    """Render one pack; the task's body, callable directly. Returns the pack's final status.

    Rendered in `language` (the requester's when they asked); without one (a task queued before
    the language was passed) in the requester's saved language, else the site's default.

    Never raises for a pack that fails: the failure is recorded on the pack (its words for the
    person who asked, the traceback in the log) so the status page can offer a retry."""
    pack = ClientPack.objects.select_related("organization", "requested_by").filter(pk=pack_id)
    pack = pack.first()
    if pack is None or pack.status == ClientPack.Status.DONE:
        return pack.status if pack else "missing"  # deleted, or done by an earlier run
    ClientPack.objects.filter(pk=pack.pk).update(
        status=ClientPack.Status.RUNNING, teams_done=0, error=""
    )
    try:
        if pack.requested_by is None:
            raise client_pack.PackError(NO_REQUESTER)
        with translation.override(pack_language(pack, language)):
            document = client_pack.build_pack(
                pack.organization,
                Quarter(pack.year, pack.quarter),
                pack.requested_by,
                on_progress=_progress(pack.pk),
            )
            content = client_pack.render_pack_pdf(document)
        pack.refresh_from_db(fields=["teams_done", "teams_total"])
        pack.file.save(client_pack.pack_filename(pack), ContentFile(content), save=False)
        now = timezone.now()
        pack.status = ClientPack.Status.DONE
        pack.error = ""
        pack.finished_at = now
        pack.expires_at = now + client_pack.PACK_LIFETIME
        pack.save(update_fields=["file", "status", "error", "finished_at", "expires_at"])
    except Exception as error:  # noqa: BLE001 - any failure becomes a failed pack and a retry
        logger.exception("client pack %s failed", pack.pk)
        message = (
            str(error)
            if isinstance(error, client_pack.PackError)
            else GENERIC_ERROR.format(pk=pack.pk)
        )
        ClientPack.objects.filter(pk=pack.pk).update(
            status=ClientPack.Status.FAILED, error=message, finished_at=timezone.now()
        )
        return ClientPack.Status.FAILED
    return ClientPack.Status.DONE


def pack_language(pack: ClientPack, language: str | None = None) -> str:
    """`language` when it is one the site speaks, else the requester's saved language, else
    the site's default."""
    if language and language in dict(settings.LANGUAGES):
        return language
    return user_language(pack.requested_by_id)


@task()
def render_client_pack(pack_id: int, language: str | None = None) -> str:
    return render_pack(pack_id, language)


def pack_enqueue(*, pack: ClientPack, language: str | None = None) -> ClientPack:
    """Queue a pack for rendering and remember the task's id: a failed or expired one starts
    over, without its old file. `language` is what it is rendered in: pass the requester's
    current one; without it the requester's saved language is used (see pack_language)."""
    if pack.file:
        pack.file.delete(save=False)
    ClientPack.objects.filter(pk=pack.pk).update(
        status=ClientPack.Status.QUEUED,
        teams_done=0,
        error="",
        file="",
        finished_at=None,
        expires_at=None,
    )
    result = render_client_pack.enqueue(pack.pk, language or None)
    ClientPack.objects.filter(pk=pack.pk).update(task_id=str(result.id)[:64])
    pack.refresh_from_db()
    return pack
