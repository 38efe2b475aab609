"""API benchmark: the assessments list endpoint (GET /api/v1/assessments/), paginated, with a
personal access token, on the data set bench/load.py generates (its generator, reused).

Each figure is measured right after a baseline on the same server and settings: /healthz (load.py's
trivial view) and a trivial signed-in view (GET /api/v1/model-versions/: the same token check,
rate limit and one query). The first page, a page deep in the list (its cursor followed from the
first), and a filtered page. Queries per page are counted in-process on the same database.

    .venv/bin/python bench/api_list.py --assessments 10000
    .venv/bin/python bench/api_list.py --assessments 100000 --database-url postgres://...

The rate limits are lifted for the run (API_READ_RATE), or wrk would measure 429s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
from load import PY, REPO, environment, prepare, start_gunicorn  # noqa: E402

PAGE_SIZE = 50
DEEP_PAGES = 20


def token_and_paths(env) -> dict:
    """A token of the bench admin, and the paths to measure (found by following cursors)."""
    script = f"""
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from api.tokens import token_create
from organizations.models import Organization
admin = get_user_model().objects.get(username="bench-admin")
_row, token = token_create(user=admin, name="bench", scope="read", expires_in_days=1)
client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION="Bearer " + token)
first = "/api/v1/assessments/?page_size={PAGE_SIZE}"
deep = first
for _ in range({DEEP_PAGES}):
    deep = client.get(deep).json()["next"].split("127.0.0.1", 1)[-1]
org = Organization.objects.order_by("pk").first().slug
filtered = f"/api/v1/assessments/?page_size={PAGE_SIZE}&organization={{org}}&status=submitted"
counts = {{}}
client.get(first)  # warm: the model's structure, last_used_at
for name, path in (("first", first), ("deep", deep), ("filtered", filtered)):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    counts[name] = (len(queries), len(response.json()["results"]))
print("JSON" + json.dumps({{"token": token, "first": first, "deep": deep,
                           "filtered": filtered, "queries": counts}}))
"""
    out = subprocess.run(
        [PY, "-c", script],
        cwd=REPO,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.split("JSON", 1)[1])


def wrk(url: str, token: str, seconds: int, connections: int) -> dict:
    return load.wrk(url, "", seconds, connections, header=f"Authorization: Bearer {token}")


def main() -> None:
    parser = argparse.ArgumentParser(description="API list benchmark")
    parser.add_argument("--assessments", type=int, default=10000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)

    scratch = Path(tempfile.mkdtemp(prefix="maturity-bench-api-"))
    database_url = args.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    env = environment(database_url, scratch / "static")
    env["DJANGO_CACHE_DIR"] = str(scratch / "report-cache")
    env["API_READ_RATE"] = "100000000/min"  # measure the endpoint, not the rate limit
    ids = prepare(env, args.assessments)
    found = token_and_paths(env)
    server = start_gunicorn(env, args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    token = found["token"]
    rows = []
    try:
        urllib.request.urlopen(f"{base}/healthz", timeout=10).read()
        for name, key in (("first page", "first"), ("page 21", "deep"), ("filtered", "filtered")):
            healthz = wrk(base + "/healthz", token, args.seconds, args.connections)
            trivial = wrk(base + "/api/v1/model-versions/", token, args.seconds, args.connections)
            result = wrk(base + found[key], token, args.seconds, args.connections)
            rows.append((name, key, result, trivial, healthz))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{engine}, {ids['COUNT']} assessments, {PAGE_SIZE} per page, gunicorn "
        f"{args.workers} workers, wrk 2 threads x {args.connections} connections x "
        f"{args.seconds} s, on {os.cpu_count()} cores\n"
    )
    print(
        "| GET /api/v1/assessments/ | req/s | trivial signed-in req/s | ratio | /healthz req/s "
        "| ratio to /healthz | p50 ms | p95 ms | queries per page (rows) | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, key, r, t, h in rows:
        queries, count = found["queries"][key]
        errors = int(r["errors"] + t["errors"] + h["errors"])
        print(
            f"| {name} | {r['rps']:.1f} | {t['rps']:.1f} | {r['rps'] / t['rps']:.2f} "
            f"| {h['rps']:.1f} | {r['rps'] / h['rps']:.2f} | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {queries} ({count}) | {errors} |"
        )


if __name__ == "__main__":
    main()
