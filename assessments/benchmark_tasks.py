"""The peer benchmark refresh as a background task (django-tasks, database backend).

Enqueue it after anything that changes what feeds the figures: a submitted assessment, an
organization opting out or back in. `manage.py refresh_benchmarks` runs it in the foreground.
"""

from __future__ import annotations

from django_tasks import task

from assessments.benchmark_data import peer_benchmarks_refresh


@task()
def refresh_peer_benchmarks() -> int:
    """Recompute every cohort's figures; the number of PeerBenchmark rows written."""
    return peer_benchmarks_refresh()
