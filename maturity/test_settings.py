"""Settings for the test suite: the real settings with a fast hasher and a known key."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# Playwright's live_server runs Django inside the event loop thread of the browser driver.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from maturity.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The browser tests talk plain HTTP to the live server; production keeps these True.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory, so concurrent-writer tests behave as in production.
    # One file per test run, so two runs at once never share a database. Under pytest-xdist
    # every worker is its own process (its own pid) and pytest-django adds _gw0, _gw1, ... too.
    # (On PostgreSQL pytest-django names each worker's database test_<name>_gw0, _gw1, ...)
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"maturity-test-{os.getpid()}.sqlite3")
    }

# Uploaded logos and rendered packs go to a scratch directory, never the checkout.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="maturity-test-media-"))

# No report cache: the suite measures what a request costs and sees every change at once;
# tests/test_report_cache.py switches a real (in-memory) cache on for itself.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reports": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
