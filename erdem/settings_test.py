"""Test settings: the real settings made fast (cheap hashing, jobs run in-process, mail in memory)."""

from erdem.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests rebuild and read rollups many times a second with reused primary keys (SQLite); reads are not
# cached except where a test turns the cache on to check it.
ERDEM_INSIGHTS_CACHE_SECONDS = 0
# Tests sign people in with force_login; those of the two-factor step turn it on themselves.
ERDEM_REQUIRE_TWO_FACTOR = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so that the fault tests (tests/faults) can run a job worker in
    # another process against the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
