"""erdem settings: one module, read from environment variables.

Every setting has an embedded default that needs no server: SQLite in the data
directory, mail written to files, jobs in the same database. Production sets
DATABASE_URL, ERDEM_ALLOWED_HOSTS, ERDEM_EMAIL_URL and friends (docs/deploy.md).
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ERDEM_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The key from the environment, else one generated on first run and kept in DATA_DIR."""
    if key := os.environ.get("ERDEM_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("ERDEM_DEBUG", False)
ALLOWED_HOSTS = _env_list("ERDEM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("ERDEM_CSRF_TRUSTED_ORIGINS", "")
# The address people reach the platform at; used in e-mails sent by background jobs.
SITE_URL = os.environ.get("ERDEM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# erdem's apps come first: their templates and, above all, their translation catalogues
# take precedence over Django's own (whose Mongolian has gaps and a few slips).
INSTALLED_APPS = [
    "erdem.core",
    "erdem.organisations",
    "erdem.people",
    "erdem.programmes",
    "erdem.access",
    "erdem.frameworks",
    "erdem.catalog",
    "erdem.assessments",
    "erdem.learning",
    "erdem.assignments",
    "erdem.workshops",
    "erdem.authoring",
    "erdem.credentials",
    "erdem.cascade",
    "erdem.insights",
    "erdem.recognition",
    "erdem.portfolio",
    "erdem.audit",
    "erdem.jobs",
    "erdem.web",
    "erdem.api",
    "erdem.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before everything that writes the body, so that it compresses last (docs/decisions/0008).
    "erdem.core.compression.TextGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "erdem.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "erdem.urls"
WSGI_APPLICATION = "erdem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "erdem.core.context_processors.erdem",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{DATA_DIR / 'erdem.sqlite3'}",
        conn_max_age=int(os.environ.get("ERDEM_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the job worker write while web requests read; IMMEDIATE avoids
    # "database is locked" on lock upgrades between the two processes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.Person"
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:landing"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "erdem.people.validators.UserAttributeSimilarityValidator"},
    {"NAME": "erdem.people.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "erdem.people.validators.CommonPasswordValidator"},
    {"NAME": "erdem.people.validators.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

LANGUAGE_CODE = "mn"
LANGUAGES = [("mn", "Монгол"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "erdem_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

FORMAT_MODULE_PATH = ["erdem.formats"]
USE_I18N = True
USE_TZ = True
# Off, so that ids and codes in pages and forms are never grouped ("1 108"); figures meant for
# reading are grouped explicitly with humanize's `intcomma`, which follows the language's format.
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = os.environ.get("ERDEM_TIME_ZONE", "Asia/Ulaanbaatar")

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ERDEM_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ERDEM_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: files in DATA_DIR/mail by default; ERDEM_EMAIL_URL=smtp://user:pass@host:587?tls=1
# or console:// switches the backend.
DEFAULT_FROM_EMAIL = os.environ.get("ERDEM_FROM_EMAIL", "erdem <no-reply@erdem.localhost>")
_email_url = os.environ.get("ERDEM_EMAIL_URL", "file://")
if _email_url.startswith("smtp"):
    from urllib.parse import parse_qs, unquote, urlsplit

    _parts = urlsplit(_email_url)
    _query = parse_qs(_parts.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _parts.hostname or "localhost"
    EMAIL_PORT = _parts.port or 25
    EMAIL_HOST_USER = unquote(_parts.username or "")
    EMAIL_HOST_PASSWORD = unquote(_parts.password or "")
    EMAIL_USE_TLS = _query.get("tls", ["0"])[0] == "1"
    EMAIL_USE_SSL = _query.get("ssl", ["0"])[0] == "1"
    EMAIL_TIMEOUT = 20
elif _email_url.startswith("console"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# Background jobs: django-tasks with its database backend (docs/decisions/0002-jobs.md).
# ERDEM_JOB_BACKEND=immediate runs jobs inside the request, for tests and debugging.
_job_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _job_backends[os.environ.get("ERDEM_JOB_BACKEND", "database")]}}

# A per-process memory cache: it holds only short-lived derived figures (the landing
# page's), so processes need not share it and no cache server is required.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "erdem"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "erdem.web.views.csrf_failure"  # a friendly, translated "the form has expired" page
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _env_bool("ERDEM_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = _env_bool("ERDEM_SSL_REDIRECT", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ERDEM_LOG_LEVEL", "INFO")},
    # 4xx answers are the platform working as intended (the proxy's access log has them);
    # django.request still logs every 5xx with its traceback.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # fpdf2 subsets fonts with fontTools, which logs every table it touches at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# Programme-level facts used across the apps.
ERDEM_CONSENT_VERSION = "2026-01"
ERDEM_IMPORT_MAX_ROWS = 5000
ERDEM_IMPORT_MAX_BYTES = 5 * 1024 * 1024

# Credentials (docs/credentials.md). The official Open Badges 3.0 JSON schema, when the server has a
# copy: every credential is checked against it before it is issued, and the verifier uses it.
ERDEM_OB3_SCHEMA_PATH = os.environ.get("ERDEM_OB3_SCHEMA_PATH", "")
# The verifier may fetch other issuers' DID documents and status lists over https; off, it says
# plainly what it could not check.
ERDEM_VERIFIER_FETCH = _env_bool("ERDEM_VERIFIER_FETCH", True)

# Dashboards read a monthly rollup of the raw records (erdem.insights.rollups); a page that finds
# it older than this many seconds queues a refresh. `manage.py insights_refresh` from cron keeps it
# fresh between visits.
ERDEM_INSIGHTS_MAX_AGE = int(os.environ.get("ERDEM_INSIGHTS_MAX_AGE", "600"))
# Reads of the rollup are kept in each process's cache until the rollup is rebuilt (the key holds the
# time it was computed), at most this many seconds; 0 turns that off.
ERDEM_INSIGHTS_CACHE_SECONDS = int(os.environ.get("ERDEM_INSIGHTS_CACHE_SECONDS", "3600"))
