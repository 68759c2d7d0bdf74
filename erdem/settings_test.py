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
