"""Benchmark: webhook delivery throughput to a local HTTPS receiver, through the real task code.

Run: .venv/bin/python bench/webhooks.py [--deliveries 300] [--workers 1,2,4] [--endpoints 3]

A throwaway SQLite database; a threaded HTTPS receiver on 127.0.0.1 with its own certificate
authority (tests/webhook_receiver.py: the same receiver the tests use, checking every signature).
The bench sets the two test-only settings the receiver needs: WEBHOOK_CA_BUNDLE (its authority)
and WEBHOOK_ALLOWED_NETWORKS (127.0.0.1/32 and ::1/128). The host name is "localhost", resolved
by the system for every try, as in production.

Measured, each from an empty queue:
- enqueue: events turned into deliveries and queued task rows (webhooks.services), per second;
- task calls: deliver_webhook run in this process, one after another (no queue), per second;
- workers: `db_worker --batch` processes (django-tasks' database worker) draining the queue, per
  second of wall time, for each worker count.
Plus the tries' own durations (sign, check, resolve, connect, TLS, POST, answer) from the log.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ALLOWED = ["127.0.0.1/32", "::1/128"]


def configure(database: Path, ca_bundle: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="maturity.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings

    settings.WEBHOOK_CA_BUNDLE = ca_bundle
    settings.WEBHOOK_ALLOWED_NETWORKS = ALLOWED


def worker_main(database: str, ca_bundle: str, worker_id: str) -> None:
    """A `db_worker --batch` process with the bench's two settings."""
    configure(Path(database), ca_bundle)
    from django.core.management import call_command

    call_command(
        "db_worker",
        batch=True,
        startup_delay=False,
        reload=False,
        worker_id=worker_id,
        verbosity=0,
        interval=0.05,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--endpoints", type=int, default=3, help="endpoints an event goes to")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return

    scratch = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    from tests.webhook_receiver import make_certificates, start_receiver

    certificates = make_certificates(scratch)
    # The certificate names receiver.example.test; the bench reaches it as localhost, so it
    # makes its own leaf for "localhost" signed by the same authority.
    _localhost_certificate(scratch)
    database = scratch / "bench.sqlite3"
    configure(database, str(certificates.ca))

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from organizations.models import Organization
    from webhooks import services
    from webhooks.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
    from webhooks.tasks import deliver_webhook

    call_command("migrate", verbosity=0)
    receiver, server = start_receiver(certificates)
    organization = Organization.objects.create(name="Bench Corp", slug="bench")
    endpoints = [
        services.endpoint_create(
            organization=organization,
            user=None,
            url=f"https://localhost:{receiver.port}/hook/{n}",
            events=Event.values,
        )
        for n in range(args.endpoints)
    ]
    # One receiver checks every signature with one secret, so the endpoints share it (a bench
    # shortcut: the app gives each endpoint its own).
    WebhookEndpoint.objects.update(secret=endpoints[0].secret)
    receiver.secret = endpoints[0].secret
    data = {
        "assessment": {
            "id": 1,
            "team": {"id": 1, "slug": "team", "name": "Team"},
            "year": 2026,
            "quarter": 3,
            "model_version": "v0",
            "url": "https://app.example.com/assessments/1/",
            "status": "submitted",
            "submitted_at": timezone.now(),
            "overall_total": 60,
            "max_overall": 100,
            "dimensions": [
                {"code": c, "name": c, "total": 15, "max_total": 25, "band": "Developing"}
                for c in ("VO", "CX", "AO", "MP")
            ],
        }
    }
    live = list(WebhookEndpoint.objects.select_related("organization"))

    def enqueue(count: int) -> float:
        """Queue `count` deliveries (count / endpoints events); seconds taken."""
        started = time.perf_counter()
        for _ in range(count // len(live)):
            with transaction.atomic():
                services.deliveries_create(
                    endpoints=live,
                    event=Event.ASSESSMENT_SUBMITTED,
                    organization=organization,
                    data=data,
                )
        return time.perf_counter() - started

    def reset() -> None:
        DBTaskResult.objects.all().delete()
        WebhookDelivery.objects.all().delete()
        receiver.received.clear()

    n = args.deliveries - args.deliveries % len(live)

    def run_workers(workers: int, expected: int) -> float:
        """Seconds until `workers` db_worker --batch processes have drained the queue."""
        started = time.perf_counter()
        command = [sys.executable, __file__, "--worker", str(database), str(certificates.ca)]
        processes = [
            subprocess.Popen([*command, f"bench-{workers}-{i}"], env={**os.environ})
            for i in range(workers)
        ]
        for process in processes:
            process.wait()
        elapsed = time.perf_counter() - started
        _check(expected, receiver, WebhookDelivery)
        return elapsed

    rows = []

    # 1. Enqueue, then call the task function directly, one after another.
    reset()
    enqueue_seconds = enqueue(n)
    rows.append(("enqueue (deliveries + task rows)", n, enqueue_seconds))
    pending = list(WebhookDelivery.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    for pk in pending:
        deliver_webhook.call(pk)
    rows.append(("task calls, in process", n, time.perf_counter() - started))
    _check(n, receiver, WebhookDelivery)
    durations = list(WebhookAttempt.objects.values_list("duration_ms", flat=True))

    # 2. db_worker processes draining the queue; first one with nothing to do, for the cost
    # of starting a worker process (Django set-up), which the net figures leave out.
    reset()
    startup = run_workers(1, 0)
    for workers in [int(w) for w in args.workers.split(",") if w]:
        reset()
        enqueue(n)
        elapsed = run_workers(workers, n)
        rows.append((f"db_worker --batch x {workers}, wall time", n, elapsed))
        rows.append((f"db_worker --batch x {workers}, net of start-up", n, elapsed - startup))
    print(f"worker process start-up (empty queue): {startup:.2f} s")

    server.shutdown()
    print()
    print(f"{'mode':<44}{'deliveries':>11}{'seconds':>10}{'deliveries/s':>14}")
    for label, count, seconds in rows:
        print(f"{label:<44}{count:>11}{seconds:>10.2f}{count / seconds:>14.1f}")
    print()
    quantiles = statistics.quantiles(durations, n=100)
    print(
        f"one try (resolve, connect, TLS handshake, POST, answer), in process: "
        f"p50 {statistics.median(durations):.1f} ms, p95 {quantiles[94]:.1f} ms, "
        f"max {max(durations)} ms"
    )
    print(f"receiver: every signature verified; {args.endpoints} endpoints per event")


def _localhost_certificate(scratch: Path) -> None:
    """Re-issue the receiver's certificate for "localhost", signed by the same authority."""
    (scratch / "server.ext").write_text(
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
    )
    subprocess.run(
        ["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"],
        cwd=scratch, check=True, capture_output=True,
    )  # fmt: skip


def _check(n: int, receiver, WebhookDelivery) -> None:  # noqa: N803 - the model class
    succeeded = WebhookDelivery.objects.filter(status="succeeded").count()
    verified = sum(1 for r in receiver.received if r.verified)
    if succeeded != n or verified != n:
        raise SystemExit(f"expected {n} delivered and verified, got {succeeded} / {verified}")


if __name__ == "__main__":
    main()
