"""The request log line's extras: how long the request took.

django-structlog writes one request_finished line per request; these receivers, on its own
signals, add the duration (which it does not measure).
"""

from __future__ import annotations

import time

from django.dispatch import receiver
from django_structlog import signals


@receiver(signals.bind_extra_request_metadata)
def start_clock(request, logger, log_kwargs, **kwargs) -> None:
    request._log_started = time.perf_counter()


@receiver(signals.bind_extra_request_finished_metadata)
def add_duration(request, logger, response, log_kwargs, **kwargs) -> None:
    started = getattr(request, "_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
