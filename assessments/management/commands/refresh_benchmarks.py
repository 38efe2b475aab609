"""Recompute the peer benchmarks now, in the foreground (the task's work, without a worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from assessments.benchmark_tasks import refresh_peer_benchmarks


class Command(BaseCommand):
    help = "Recompute every cohort's peer benchmark figures now (no worker needed)."

    def handle(self, *args, **options) -> None:
        written = refresh_peer_benchmarks.call()
        self.stdout.write(self.style.SUCCESS(f"Peer benchmarks: {written} figures written."))
