"""Settings for the onboarding maturity app, read from the environment.

Development needs nothing set: DJANGO_DEBUG=true gives a throwaway secret key and a local
SQLite file. Production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import dj_database_url
import environ
import structlog
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def is_set(name: str) -> bool:
    """A blank value (as in a systemd unit or an .env template) means "not set": the default."""
    return bool(os.environ.get(name, "").strip())


def env_bool(name: str, default: bool) -> bool:
    return env.bool(name) if is_set(name) else default


def env_int(name: str, default: int) -> int:
    return env.int(name) if is_set(name) else default


def env_str(name: str, default: str) -> str:
    return env.str(name) if is_set(name) else default


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated, spaces around items ignored: "a.example, b.example" is two hosts."""
    if not is_set(name):
        return default
    return [item.strip() for item in env.list(name) if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Read as it is: django-environ would take a value starting with "$" (as about one Django
# generated key in fifty does) for the name of another variable.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(or set DJANGO_DEBUG=true for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_structlog",
    "simple_history",
    "axes",  # sign-in throttling (organizations/throttle.py)
    "django_otp",
    "django_otp.plugins.otp_totp",  # two-factor sign-in (organizations/two_factor.py)
    "django_tasks",
    "django_tasks_db",  # background work (client packs) in the database: `manage.py db_worker`
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files (no CDN)
    "maturity",
    "catalogue",
    "organizations",
    "assessments",
    "api",
    "webhooks",  # signed event deliveries to organizations' HTTPS endpoints (README "Webhooks")
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzip below WhiteNoise (static files come precompressed from collectstatic) and above every
    # middleware that reads or changes a response's body; text only, with Django's BREACH
    # padding (maturity/compression.py).
    "maturity.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",  # the person's saved language
    "maturity.privacy.PrivateByDefaultMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # 413 for a body over the upload limit before anything reads it (assessments/uploads.py).
    "assessments.uploads.RequestSizeLimitMiddleware",
    # Sign-in: the second factor before any page; axes last (turns a refused sign-in into 429).
    "django_otp.middleware.OTPMiddleware",
    "organizations.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "maturity.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "maturity.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts and wait for each other, instead of
    # failing with "database is locked" when two people save or submit at the same moment.
    # Write-ahead logging: a commit appends to the log (one sync) instead of writing and
    # syncing a rollback journal and the database (about 1.8 ms against 0.25 ms per commit
    # on the benchmark's disk, more under load), and readers never wait for a writer. Still
    # synchronous=FULL: a committed save survives a power cut. The mode stays with the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No statement runs, and no lock is waited for, long enough to hold a worker past its
    # timeout: the request fails cleanly instead, and its transaction rolls back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={env_int('DJANGO_DB_STATEMENT_TIMEOUT_MS', 20000)} "
        f"-c lock_timeout={env_int('DJANGO_DB_LOCK_TIMEOUT_MS', 10000)}"
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every authenticate() asks the throttle first (axes), then checks the password by the
# normalised username (organizations/signin.py). See README, "Sign-in".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "organizations.backends.UsernameBackend",
    # Single sign-on (OpenID Connect): answers only the /oidc/callback/ sign-in, when configured.
    "organizations.sso.SsoBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:dashboard"
LOGOUT_REDIRECT_URL = "login"

# English is the source language (the model's fixture, every msgid); German is translated
# (locale/de). A person's saved choice wins, else the browser's Accept-Language
# (accounts/middleware.py).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Bootstrap and plotly.js come from their npm packages (see package.json), served as the app's
# own static files. Nothing is loaded from a CDN. plotly.js is a bundle of only the trace types
# the app draws, built into node_modules/.cache by `npm run build:plotly`
# (scripts/build-plotly.mjs).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/plotly", BASE_DIR / "node_modules" / ".cache" / "plotly-custom"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded logos and rendered client packs go through the storage API: local files by default;
# point STORAGES["default"] at any Django storage backend (S3 with django-storages, ...) to move
# them. They are never served from MEDIA_URL: views check who may see them first.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# "reports": rendered report pages and PDFs of submitted assessments (assessments/report_cache.py).
# Files by default (DJANGO_CACHE_DIR, a directory per server); several servers share one Redis
# instead: DJANGO_CACHE_URL=redis://host:6379/1 (or REDIS_URL; needs the `redis` package), or
# any django-environ cache URL such as dbcache://report_cache (then `manage.py createcachetable`).
# Entries are keyed by everything they show, so a stale one is never read; they expire after a
# week, or on `manage.py clear_report_cache`.
_REPORT_CACHE_URL = env_str("DJANGO_CACHE_URL", env_str("REDIS_URL", ""))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reports": env.cache_url_config(_REPORT_CACHE_URL)
    if _REPORT_CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str(
            "DJANGO_CACHE_DIR", str(Path(tempfile.gettempdir()) / "onboarding-maturity-reports")
        ),
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_REPORT_CACHE_ENTRIES", 5000)},
    },
}
CACHES["reports"]["TIMEOUT"] = env_int("DJANGO_REPORT_CACHE_SECONDS", 7 * 24 * 3600)

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The REST API (/api/v1/, the api app): personal access tokens for scripts, the session for the
# browser. Rates per token (per person for a session): see README "API".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScopeAllows",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ReadThrottle", "api.throttling.WriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api-read": env_str("API_READ_RATE", "600/min"),
        "api-write": env_str("API_WRITE_RATE", "120/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The services' refusals as 400/409/503 (api/errors.py): never a 500 for bad input.
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Onboarding maturity API",
    "DESCRIPTION": "Assessments of the Customer Onboarding Maturity Model: read results, write "
    "answers, submit, plan actions and import CSV. Authenticate with a personal access token "
    "(`Authorization: Bearer omm_...`), created under API tokens in the app.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Deep links put a link inside each operation's button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "assessments.models.Assessment.Status",
        "ActionStatusEnum": "assessments.plan_models.Action.Status",
        "ModelVersionStatusEnum": "catalogue.models.MaturityModel.Status",
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Scripts come only from our own static files: no inline script, no eval. Plotly sets inline
# styles on the charts it draws, so styles allow 'unsafe-inline' (styles cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
# Browser features the app never uses, switched off for every page (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
}
# The CSRF token lives in the session, not in a cookie of its own.
CSRF_USE_SESSIONS = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script ever reads the cookie

# Sign-in throttling (django-axes with our handler, organizations/throttle.py): failed
# passwords per username from one client address within the window, and per address.
if is_set("DJANGO_SIGN_IN_MAX_PER_USERNAME"):
    raise ImproperlyConfigured(
        "DJANGO_SIGN_IN_MAX_PER_USERNAME is gone: failures now count per username and client "
        "address. Set DJANGO_SIGN_IN_MAX_PER_USERNAME_AND_ADDRESS instead (see the README)."
    )
SIGN_IN_WINDOW_SECONDS = env_int("DJANGO_SIGN_IN_WINDOW_SECONDS", 900)
SIGN_IN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS = env_int(
    "DJANGO_SIGN_IN_MAX_PER_USERNAME_AND_ADDRESS", 5
)
SIGN_IN_MAX_FAILURES_PER_ADDRESS = env_int("DJANGO_SIGN_IN_MAX_PER_ADDRESS", 100)
# Where the client's address is: a request.META key such as HTTP_X_FORWARDED_FOR, set by the
# proxy in front of the app, and how many proxies append to it. Default: the connection's.
SIGN_IN_CLIENT_IP_HEADER = env_str("DJANGO_CLIENT_IP_HEADER", "REMOTE_ADDR")
SIGN_IN_TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 1)
AXES_HANDLER = "organizations.throttle.SignInThrottle"
AXES_FAILURE_LIMIT = SIGN_IN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = "organizations.throttle.cool_off"
AXES_USERNAME_CALLABLE = "organizations.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "organizations.signin.client_address"
AXES_LOCKOUT_CALLABLE = "organizations.signin.lockout_response"
AXES_RESET_ON_SUCCESS = False  # the handler clears the username's failures from that address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused tries do not extend a lock
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every counted failure, listed in admin

# Two-factor sign-in (TOTP) for staff and superusers; superusers must set it up when this is on.
REQUIRE_2FA_FOR_SUPERUSERS = env_bool("DJANGO_REQUIRE_2FA_FOR_SUPERUSERS", False)
OTP_TOTP_ISSUER = "Onboarding Maturity"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # admin lists devices, never their secrets

# Single sign-on, OpenID Connect (mozilla-django-oidc, organizations/sso.py; README "Single
# sign-on"). On when the client id and secret are set with OIDC_ISSUER (the endpoints come from
# <issuer>/.well-known/openid-configuration, read at the first sign-in and kept for an hour) or
# with every OIDC_OP_* endpoint. Off: no button, and /oidc/... answers 404.
OIDC_ISSUER = env_str("OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")  # as written
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = "RS256"  # ID tokens signed by the provider's keys (its JWKS)
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)  # each call to the provider
OIDC_CLOCK_LEEWAY_SECONDS = env_int("OIDC_CLOCK_LEEWAY_SECONDS", 30)
OIDC_STORE_ID_TOKEN = False
OIDC_STORE_ACCESS_TOKEN = False

# E-mail (password reset links). DJANGO_EMAIL_URL, e.g. smtp+tls://user:password@host:587,
# or the DJANGO_EMAIL_* variables; the console (stdout) in development.
if is_set("DJANGO_EMAIL_URL"):
    globals().update(env.email_url("DJANGO_EMAIL_URL"))
else:
    EMAIL_BACKEND = env_str(
        "DJANGO_EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")  # as written
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "Onboarding Maturity <noreply@localhost>")

# send_reminders: leads hear from us once a quarter is this many days old without a submission;
# links in e-mails (sent outside any request) start from SITE_URL.
REMINDER_AFTER_DAYS = env_int("DJANGO_REMINDER_AFTER_DAYS", 21)
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Uploads (assessments/uploads.py): a CSV import of at most IMPORT_MAX_BYTES. A request whose
# declared body is over REQUEST_MAX_BYTES (the file plus room for the form around it) gets 413
# before a byte is read; a file passing the limit is stopped while it streams in; within the
# limit an upload is held in memory, never written to a temporary file. Set the proxy's body
# limit (nginx: client_max_body_size) a little above IMPORT_MAX_BYTES too; see the README.
IMPORT_MAX_BYTES = env_int("DJANGO_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
REQUEST_MAX_BYTES = IMPORT_MAX_BYTES + 64 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440  # form fields other than files: Django's 2.5 MB, said here
FILE_UPLOAD_HANDLERS = [
    "assessments.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Behind a TLS-terminating proxy in production.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

# One JSON object per line on stdout, through structlog: one line per request
# (django-structlog's request_finished, with duration_ms from maturity.request_log), plus
# warnings and errors from anywhere.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG  # request_started: below INFO
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # behind a proxy it is the proxy's; and personal
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer(),
            "foreign_pre_chain": [
                structlog.contextvars.merge_contextvars,
                structlog.stdlib.add_logger_name,
                structlog.stdlib.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                structlog.stdlib.ExtraAdder(),
                structlog.processors.format_exc_info,  # a traceback as text in "exception"
            ],
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # The request line says the same once per request; Django's own would repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # our own sign_in_* lines say what matters
    },
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    wrapper_class=structlog.stdlib.BoundLogger,
    cache_logger_on_first_use=True,
)
CSRF_FAILURE_VIEW = "assessments.views.csrf_failure"
