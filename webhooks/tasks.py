"""The delivery task (django-tasks, database backend: `manage.py db_worker` runs it)."""

from __future__ import annotations

from django_tasks import task

from webhooks import delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Try the delivery once; a failed try queues the next one for later (run_after)."""
    result = delivery.attempt(delivery_id)
    if result.retry_at is not None:
        deliver_webhook.using(run_after=result.retry_at).enqueue(delivery_id)
    return result.status
