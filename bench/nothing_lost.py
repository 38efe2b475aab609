"""Load benchmark: nothing lost and nobody in, against gunicorn on 127.0.0.1.

    .venv/bin/python bench/nothing_lost.py [--rounds 30] [--editors 4] [--database-url ...]

Real HTTP clients, each with its own session, doing what the pages do (forms read from the
rendered HTML, shown-* values included):
- concurrent editors on one draft step: answers lost (must be 0), conflicts shown, 500s;
- parallel submits of one draft, parallel uploads of one CSV: outcomes and 500s;
- password guessing on every sign-in path: wrong guesses let through before the lock;
- import throughput in rows per second (bench/import_speed.py) for 1,000 and 10,000.
Prints a table.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from load import environment, manage, start_gunicorn  # noqa: E402

PASSWORD = "bench-password-not-secret-1"
SETUP = """
import json
from django.contrib.auth import get_user_model
from organizations.models import Organization, Team
from assessments.periods import Quarter
from assessments.services import assessment_start
User = get_user_model()
org, _ = Organization.objects.get_or_create(slug="lost", defaults={{"name": "Nothing Lost Ltd"}})
team, _ = Team.objects.get_or_create(
    organization=org, slug="editors", defaults={{"name": "Editors"}}
)
people = []
for n in range({editors}):
    user, created = User.objects.get_or_create(username=f"editor{{n}}")
    user.set_password("{password}"); user.save()
    org.consultants.add(user); people.append(user.username)
target, _ = User.objects.get_or_create(username="guessed")
target.set_password("{password}"); target.is_staff = True; target.save()
first = User.objects.get(username="editor0")
draft, _ = assessment_start(team=team, period=Quarter(2091, 1), user=first)
print(json.dumps({{"draft": draft.pk, "people": people}}))
"""
ANSWERS = """
import json
from assessments.models import Answer, Assessment
a = Assessment.objects.get(pk={pk})
print(json.dumps({{"status": a.status, "answers": {{x.question.code: x.score for x in
    Answer.objects.filter(assessment=a).select_related("question")}}}}))
"""


class FormReader(HTMLParser):
    """The fields a browser would send from the form with the given id (or the first form)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.done, self.fields = form_id, False, False, {}
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in {"submit", "button", "radio", "checkbox"}:
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "input" and kind in {"radio", "checkbox"} and "checked" in attrs:
            self.fields[attrs["name"]] = attrs.get("value", "on")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    reader = FormReader(form_id)
    reader.feed(html)
    return reader.fields


class Browser:
    """One person's browser: a cookie jar, no automatic redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    class _LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
        """Production settings mark cookies Secure; this benchmark talks plain HTTP to
        127.0.0.1 (a TLS proxy would stand in front in production), so send them anyway."""

        def return_ok_secure(self, cookie, request):
            return True

    def __init__(self, base: str, address: str = "127.0.0.1") -> None:
        self.base, self.address = base, address
        jar = http.cookiejar.CookieJar(policy=self._LoopbackPolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), self._NoRedirect()
        )

    def request(self, path: str, data: dict | bytes | None = None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8", "replace"), response
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace"), error

    def sign_in(self, username: str, password: str, path: str = "/accounts/login/") -> int:
        status, html, _ = self.request(path)
        fields = form_fields(html)
        fields.update(username=username, password=password)
        status, _, _ = self.request(path, fields)
        return status


def editors_race(base, draft: int, people: list[str], rounds: int, env) -> dict:
    """Each editor owns one question of the step and all share VO-5; every round they save at
    once from pages loaded before anyone saved. An editor's own accepted value must survive."""
    browsers = [Browser(base) for _ in people]
    for browser, name in zip(browsers, people, strict=True):
        browser.sign_in(name, PASSWORD)
    url = f"/assessments/{draft}/step/2/"
    statuses: Counter = Counter()
    last_accepted: dict[str, int] = {}
    barrier = threading.Barrier(len(browsers))
    for _ in range(rounds):
        pages = [form_fields(b.request(url)[1], "wizard-form") for b in browsers]

        def save(index: int, pages=pages) -> tuple[int, dict]:
            own = f"VO-{index % 4 + 1}"
            choice = {own: str(random.randint(1, 5)), "VO-5": str(random.randint(1, 5))}
            barrier.wait(timeout=60)
            status, _, _ = browsers[index].request(url, {**pages[index], **choice, "nav": "save"})
            return status, choice

        with ThreadPoolExecutor(len(browsers)) as pool:
            results = list(pool.map(save, range(len(browsers))))
        for index, (status, choice) in enumerate(results):
            statuses[status] += 1
            if status == 302:
                last_accepted[f"VO-{index % 4 + 1}"] = int(choice[f"VO-{index % 4 + 1}"])
    final = json.loads(
        manage(env, "shell", "-c", ANSWERS.format(pk=draft)).strip().splitlines()[-1]
    )
    lost = sum(1 for code, value in last_accepted.items() if final["answers"].get(code) != value)
    return {"saves": sum(statuses.values()), "statuses": dict(statuses), "lost": lost}


def parallel_submits(base, draft: int, people: list[str], env) -> dict:
    filler = Browser(base)
    filler.sign_in(people[0], PASSWORD)
    for step in range(2, 6):
        url = f"/assessments/{draft}/step/{step}/"
        html = filler.request(url)[1]
        scores = dict.fromkeys(set(re.findall(r'name="([A-Z]{2}-\d)"', html)), "3")
        filler.request(url, {**form_fields(html, "wizard-form"), **scores, "nav": "save"})
    browsers = [Browser(base) for _ in people]
    for browser, name in zip(browsers, people, strict=True):
        browser.sign_in(name, PASSWORD)
    review = [form_fields(b.request(f"/assessments/{draft}/step/6/")[1]) for b in browsers]
    barrier = threading.Barrier(len(browsers))

    def submit(index: int) -> int:
        barrier.wait(timeout=60)
        return browsers[index].request(f"/assessments/{draft}/submit/", review[index])[0]

    with ThreadPoolExecutor(len(browsers)) as pool:
        statuses = Counter(pool.map(submit, range(len(browsers))))
    final = json.loads(
        manage(env, "shell", "-c", ANSWERS.format(pk=draft)).strip().splitlines()[-1]
    )
    return {"statuses": dict(statuses), "status": final["status"]}


def parallel_imports(base, people: list[str], uploads: int) -> dict:
    rows = ["organization,team,year,quarter,model_version,question,score,note"]
    codes = [f"{d}-{n}" for d in ("VO", "CX", "AO", "MP") for n in range(1, 6)]
    rows += [f"Nothing Lost Ltd,Editors,2092,2,v0,{code},4," for code in codes]
    csv_bytes = ("\r\n".join(rows) + "\r\n").encode()
    browsers = [Browser(base) for _ in range(uploads)]
    for index, browser in enumerate(browsers):
        browser.sign_in(people[index % len(people)], PASSWORD)
    pages = [form_fields(b.request("/organizations/lost/import/")[1], None) for b in browsers]
    barrier = threading.Barrier(uploads)

    def upload(index: int) -> int:
        boundary = f"----bench{index}"
        parts = []
        for name, value in pages[index].items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            )
        body = (
            "".join(parts).encode()
            + (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + csv_bytes
            + f"\r\n--{boundary}--\r\n".encode()
        )
        barrier.wait(timeout=60)
        return browsers[index].request(
            "/organizations/lost/import/",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )[0]

    with ThreadPoolExecutor(uploads) as pool:
        statuses = Counter(pool.map(upload, range(uploads)))
    return {"statuses": dict(statuses)}


def password_guessing(base, guesses: int) -> list[tuple[str, int, int, bool]]:
    """Per sign-in path: wrong guesses that were checked (answered as a wrong password) before
    the lock, and whether the right password still got in right after."""
    results = []
    for path in ("/accounts/login/", "/admin/login/"):
        browser = Browser(base)
        checked = locked = 0
        for _ in range(guesses):
            status, html, _ = browser.request(path)
            fields = {**form_fields(html), "username": "guessed", "password": "wrong-guess"}
            status, html, _ = browser.request(path, fields)
            if status == 200 and "locked" not in html.lower() and "too many" not in html.lower():
                checked += 1
            else:
                locked += 1
        right = Browser(base).sign_in("guessed", PASSWORD, path)
        results.append((path, checked, locked, right == 302))
        reset = getattr(password_guessing, "reset", None)
        if reset:
            reset()  # the next path starts from a clean slate
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--guesses", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--skip-import-speed", action="store_true")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="maturity-lost-"))
    database_url = args.database_url or f"sqlite:///{scratch / 'lost.sqlite3'}"
    env = environment(database_url, scratch / "static")
    env["DJANGO_LOG_LEVEL"] = "ERROR"
    manage(env, "migrate", "--noinput")
    manage(env, "install_model")
    manage(env, "collectstatic", "--noinput")
    ids = json.loads(
        manage(env, "shell", "-c", SETUP.format(editors=args.editors, password=PASSWORD))
        .strip()
        .splitlines()[-1]
    )
    password_guessing.reset = lambda: manage(env, "axes_reset")
    server = start_gunicorn(env, args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        editing = editors_race(base, ids["draft"], ids["people"], args.rounds, env)
        submits = parallel_submits(base, ids["draft"], ids["people"], env)
        imports = parallel_imports(base, ids["people"], args.editors)
        guessing = password_guessing(base, args.guesses)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    fives = sum(
        n
        for outcome in (editing["statuses"], submits["statuses"], imports["statuses"])
        for status, n in outcome.items()
        if status >= 500
    )
    print(f"\n{engine}, gunicorn {args.workers} workers, on {os.cpu_count()} cores\n")
    print("| scenario | outcome |")
    print("|---|---|")
    print(
        f"| {args.editors} editors x {args.rounds} rounds on one step | {editing['saves']} saves: "
        f"{editing['statuses']}; answers lost: **{editing['lost']}** |"
    )
    print(
        f"| {args.editors} submits of one draft at once | {submits['statuses']}; "
        f"assessment {submits['status']} |"
    )
    print(f"| {args.editors} uploads of one CSV at once | {imports['statuses']} |")
    for path, checked, locked, right in guessing:
        print(
            f"| {args.guesses} wrong guesses at {path} | {checked} checked, {locked} refused "
            f"unchecked; the right password from the same address right after: "
            f"{'signed in' if right else 'refused (locked)'} |"
        )
    print(f"| responses 500 in all of the above | **{fives}** |")
    if not args.skip_import_speed:
        print(
            subprocess.run(
                [sys.executable, str(REPO / "bench" / "import_speed.py")]
                + (["--database-url", args.database_url] if args.database_url else []),
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )


if __name__ == "__main__":
    main()
