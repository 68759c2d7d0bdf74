"""erdem settings: one module, read from environment variables.

Every setting has an embedded default that needs no server: SQLite in the data
directory, mail written to files, jobs in the same database. Production sets
DATABASE_URL, ERDEM_ALLOWED_HOSTS, ERDEM_EMAIL_URL and friends (docs/deploy.md).
"""

import os
import secrets
from datetime import timedelta
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
    "erdem.outbox",
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
    # Sign-in protection (docs/security.md): throttling of passwords, two-factor codes, the CSP header.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
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
    # request.user.is_verified(): whether this session entered a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "erdem.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "erdem.people.middleware.SecurityHeadersMiddleware",
    # After the language is chosen: sends people who must enter a code to that page first.
    "erdem.people.middleware.TwoFactorMiddleware",
    # After the two-factor step: asks a person to accept a newer version of the terms (docs/privacy.md).
    "erdem.people.privacy_middleware.ConsentMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into erdem's translated page.
    "axes.middleware.AxesMiddleware",
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
# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "erdem.people.lockout.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
# Workers write a heartbeat this often; a task left running by a worker silent for ERDEM_JOB_STALE_SECONDS
# (killed, machine lost) goes back to the queue (docs/decisions/0019).
ERDEM_JOB_HEARTBEAT_SECONDS = float(os.environ.get("ERDEM_JOB_HEARTBEAT_SECONDS", "15"))
ERDEM_JOB_STALE_SECONDS = float(os.environ.get("ERDEM_JOB_STALE_SECONDS", "120"))

# A per-process memory cache: it holds only short-lived derived figures (the landing
# page's), so processes need not share it and no cache server is required.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "erdem"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# How long a sign-in lasts without use of the site (Django's login() gives every sign-in a new session key).
SESSION_COOKIE_AGE = int(os.environ.get("ERDEM_SESSION_AGE", str(14 * 24 * 3600)))
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "erdem.web.views.csrf_failure"  # a friendly, translated "the form has expired" page
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A page opened from erdem in a new window cannot reach back into it (Django's default, said out loud);
# Permissions-Policy comes from erdem.people.middleware.SecurityHeadersMiddleware.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if _env_bool("ERDEM_HTTPS", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    # Only when every subdomain of the site's domain is served over https too.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("ERDEM_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_SSL_REDIRECT = _env_bool("ERDEM_SSL_REDIRECT", True)

# Content-Security-Policy (django-csp): scripts, styles and images only from erdem itself, no inline
# script, no inline style, no plugin, no framing. Lesson media and uploads are served with their own,
# stricter header (erdem.core.uploads, erdem.catalog.media_views), which the middleware leaves alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Password sign-in throttling (django-axes). Failures are counted per e-mail address *and* client
# address together: counting by address alone would let anyone who knows a teacher's e-mail lock
# them out everywhere by typing wrong passwords, and counting by IP alone would lock out a whole
# university behind one NAT address. A lockout ends by itself after the cool-off, or when the person
# resets their password.
AXES_ENABLED = _env_bool("ERDEM_LOGIN_THROTTLE", True)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("ERDEM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ERDEM_LOGIN_COOLOFF_MINUTES", "15")))
# Attempts made during a lockout do not extend it, so the wait the page announces is the real one.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "erdem.people.lockout.sign_in_username"
AXES_CLIENT_IP_CALLABLE = "erdem.people.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "erdem.people.lockout.lockout_response"
# No history of successful sign-ins is kept; failures only while they count.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# How many reverse proxies in front of the application add to X-Forwarded-For; 0 means none, and the
# client address is the connection's. Behind one nginx or Caddy, set 1.
ERDEM_PROXY_COUNT = int(os.environ.get("ERDEM_PROXY_COUNT", "0"))

# Two-factor sign-in (django-otp): a six-digit code from an authenticator app, or a one-time backup
# code, after the password. Required of national admins and Django staff (those who can issue and
# revoke credentials); anyone else may turn it on from their profile and is then asked too.
ERDEM_REQUIRE_TWO_FACTOR = _env_bool("ERDEM_REQUIRE_TWO_FACTOR", True)
OTP_TOTP_ISSUER = os.environ.get("ERDEM_TWO_FACTOR_ISSUER", "erdem")
# The Django admin lists people's devices (to remove a lost one) without showing their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Each wrong code doubles the wait before the next one is checked (1, 2, 4, 8 … seconds).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

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
        # django-axes: a line per failed sign-in (WARNING) is enough; not its INFO chatter.
        "axes": {"level": "WARNING"},
    },
}

# Where to report a vulnerability, published at /.well-known/security.txt (RFC 9116): comma-separated
# "mailto:" or "https:" addresses. Unset, that address answers 404.
ERDEM_SECURITY_CONTACT = _env_list("ERDEM_SECURITY_CONTACT", "")

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

# Personal data (docs/privacy.md). A copy of one's data can be downloaded for this many days.
ERDEM_DATA_EXPORT_DAYS = int(os.environ.get("ERDEM_DATA_EXPORT_DAYS", "7"))
# A deletion request waits this many days, during which the person may cancel it; a national admin
# then carries it out from the queue, or `manage.py retention_apply` does once it has waited
# ERDEM_DELETION_DEADLINE_DAYS in all.
ERDEM_DELETION_COOLING_OFF_DAYS = int(os.environ.get("ERDEM_DELETION_COOLING_OFF_DAYS", "14"))
ERDEM_DELETION_DEADLINE_DAYS = int(os.environ.get("ERDEM_DELETION_DEADLINE_DAYS", "30"))
# Retention, applied daily by `manage.py retention_apply`; 0 keeps the records. The audit log is never purged.
ERDEM_RETENTION_JOB_DAYS = int(os.environ.get("ERDEM_RETENTION_JOB_DAYS", "90"))  # finished jobs and their task rows
ERDEM_RETENTION_SIGN_IN_DAYS = int(os.environ.get("ERDEM_RETENTION_SIGN_IN_DAYS", "90"))  # sign-in attempt records
ERDEM_RETENTION_SESSION_DAYS = int(os.environ.get("ERDEM_RETENTION_SESSION_DAYS", "1"))  # expired sessions
# Files handed in for practical tasks, this many years after their cohort closed (grades and reviews stay).
ERDEM_RETENTION_SUBMISSION_FILE_YEARS = int(os.environ.get("ERDEM_RETENTION_SUBMISSION_FILE_YEARS", "5"))
