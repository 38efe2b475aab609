"""Run by bench/load.py inside the benchmark's environment: a signed-in session and targets."""

from __future__ import annotations

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.middleware.csrf import CSRF_SESSION_KEY  # noqa: E402

from assessments.models import Assessment  # noqa: E402
from assessments.periods import Quarter  # noqa: E402
from assessments.services import assessment_start  # noqa: E402
from organizations.models import Team  # noqa: E402

CSRF_SECRET = "b" * 32  # what load.py posts as csrfmiddlewaretoken


def session_for(user) -> str:
    """A signed-in session, as signing in leaves it (the CSRF secret lives in the session)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the password backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[CSRF_SESSION_KEY] = CSRF_SECRET
    session.create()
    return session.session_key


admin, _ = get_user_model().objects.get_or_create(
    username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
)
team = Team.objects.order_by("-pk").first()
report = (
    Assessment.objects.filter(team=team, status="submitted").order_by("-year", "-quarter").first()
)
first_team = Team.objects.order_by("pk").first()
draft, _ = assessment_start(team=first_team, period=Quarter(2090, 1), user=admin)
print("SESSION", session_for(admin))
print("REPORT", report.pk)
print("DRAFT", draft.pk)
print("COUNT", Assessment.objects.count())
