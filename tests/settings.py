"""Test settings: the real ones, with a Redis database of their own and fast hashing.

A separate Redis database keeps a `make run` on the same machine from consuming the
tests' tasks (and the tests from consuming its tasks).
"""

import os
import secrets
import tempfile
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from portal import embedded

# The test run is an entry point like manage.py: start embedded servers where needed.
embedded.autostart()
# The tests run with production's DEBUG=false, which needs a key from the environment: one
# random key per run, inherited by the processes the tests start (workers, commands).
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# The tests analyse with the committed model, whatever a developer's `manage.py retrain`
# installed in .data/models: an empty models root of their own (events/nlp/active.py).
os.environ["LAGEBILD_MODELS_ROOT"] = tempfile.mkdtemp(prefix="lagebild-test-models-")
os.environ.pop("LAGEBILD_MODEL_DIR", None)

from portal.settings import *  # noqa: E402, F403
from portal.settings import REDIS_URL, celery_broker_url  # noqa: E402


def _with_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(db)
        # urlunsplit would drop the empty authority ("unix:/path"), which redis-py rejects.
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{db}"))


TEST_REDIS_DB = int(os.getenv("TEST_REDIS_DB", "15"))
REDIS_URL = _with_redis_db(REDIS_URL, TEST_REDIS_DB)
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL") or celery_broker_url(REDIS_URL)  # RabbitMQ test
# Every test counts its own facets (tests/events/test_filters.py turns the cache on).
EVENT_FACETS_CACHE_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain HTTP in tests, like `make run`.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Static files come from the app folders, no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The tests' local HTTP server lives on 127.0.0.1, which the SSRF guard refuses otherwise.
INGEST_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
INGEST_HOST_DELAY = 0.0
INGEST_CONNECT_TIMEOUT = 2.0
INGEST_READ_TIMEOUT = 1.5
INGEST_TOTAL_TIMEOUT = 5.0

# Parallel test runs on one server (two developers, a CI job) each need a test database.
if os.getenv("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}  # noqa: F405
