"""Lagebild settings: one file, driven by environment variables (see .env.example).

Every variable read here is listed with its default in ``.env.example``. Without
``DATABASE_URL``/``REDIS_URL`` the embedded servers of :mod:`portal.embedded` are used.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import embedded

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def _secret_key(debug: bool) -> str:
    key = os.getenv("SECRET_KEY")
    if key:
        return key
    if not debug:
        # A production installation whose key came from a file on one machine would sign
        # sessions differently on each web server, and the file is easy to leak with a backup.
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is false "
            "(for development, DEBUG=true keeps a random key in the data directory)."
        )
    # Development without a key: keep a random one in the data directory, so sessions survive
    # a restart of `make run` and no key is ever committed.
    path = embedded.data_dir() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = envbool("DEBUG", "false")
SECRET_KEY = _secret_key(DEBUG)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # The read-only API (events/api/): DRF, its token table, the OpenAPI schema and the
    # Swagger UI files from a package (no CDN).
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ingest",
    "events",
    # Last, so that its post_migrate handler sees every other app's permissions.
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A logged-in user without a role sees only "ask an admin for a role" (403).
    "portal.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.roles",
            ],
        },
    },
]

# --- Database: PostgreSQL only -----------------------------------------------------------

DATABASE_URL = os.getenv("DATABASE_URL") or embedded.postgres_url()
if urlsplit(DATABASE_URL).scheme not in {"postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgresql://...).")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
# Planner settings for every connection. The list pages' queries are short but the planner
# costs them high (2.7 M mentions): with JIT on, PostgreSQL spent 0.6 s compiling a 0.35 s
# event search. Data and indexes live on SSD or in the page cache, where random reads cost
# about what sequential ones do; at the default 4.0 the full-text searches chose to read and
# decompress every article's vector (0.6 s) over the GIN index (0.08 s). Empty: the server's.
DATABASE_PLANNER_OPTIONS = os.getenv("DATABASE_PLANNER_OPTIONS", "-c jit=off -c random_page_cost=1.1")
if DATABASE_PLANNER_OPTIONS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = DATABASE_PLANNER_OPTIONS
# Behind a pooler in transaction mode (PgBouncer), a cursor cannot outlive its transaction:
# Django must not use server-side cursors for .iterator() (README, "Scaling out").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = envbool("DATABASE_TRANSACTION_POOLING", "false")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# How long the event list's facet counts of one set of filters are reused (0: never);
# events/selectors/facets.py says why. In Redis (Django's default cache, portal/cache.py),
# so that every web worker reuses the counts one of them made.
EVENT_FACETS_CACHE_SECONDS = envint("EVENT_FACETS_CACHE_SECONDS", "60")
CACHES = {
    "default": {
        # At REDIS_URL (read on first use); clear() deletes the keys under KEY_PREFIX only.
        "BACKEND": "portal.cache.SharedRedisCache",
        "KEY_PREFIX": "lagebild-cache",
        # A Redis that hangs costs a page at most this long before it counts afresh.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

# --- Redis and Celery --------------------------------------------------------------------

REDIS_URL = os.getenv("REDIS_URL") or embedded.redis_url()


def celery_broker_url(redis_url: str) -> str:
    """Translate a redis-py URL into Kombu's spelling (they differ for Unix sockets)."""
    parts = urlsplit(redis_url)
    if parts.scheme != "unix":
        return redis_url
    db = parse_qs(parts.query).get("db", ["0"])[0]
    return f"redis+socket://{parts.path}?virtual_host={db}"


# The broker is Redis unless CELERY_BROKER_URL names another (e.g. RabbitMQ: amqp://...);
# Redis stays required for the per-host fetch slots and the workers' heartbeats.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL") or celery_broker_url(REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# No result backend: tasks write their outcome to the database, nobody waits on results.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "fetch"
# Tasks are idempotent (they claim their row's state), so a task whose worker died is
# safely run again; prefetch 1 keeps long NLP tasks from queueing behind each other.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", "300")
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", "360")
# A lost broker is retried for ever, at startup and later: Celery's default gives up after
# 100 tries and the worker exits, so a long Redis outage would end every worker.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Must exceed the longest countdown/eta we use, or Redis redelivers such tasks early.
    "visibility_timeout": 6 * 3600,
    # A Redis that hangs (stopped, or the network gone) rather than closing the socket is
    # noticed within these bounds instead of blocking a worker for ever. socket_timeout
    # must stay above kombu's 1 s BRPOP wait.
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
    "socket_keepalive": True,  # TCP only; kombu drops it for a Unix socket
    # Ping pooled connections idle this long before use, so a publish after a Redis restart
    # takes a fresh connection instead of failing on the dead one (kombu's default, pinned).
    "health_check_interval": 25,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "false")
CELERY_TIMEZONE = "Europe/Berlin"
# How often workers write their heartbeat to Redis and when /healthz calls it stale.
WORKER_HEARTBEAT_INTERVAL = envint("WORKER_HEARTBEAT_INTERVAL", "10")
WORKER_HEARTBEAT_MAX_AGE = envint("WORKER_HEARTBEAT_MAX_AGE", "60")
# Queues a healthy installation has at least one live worker for.
CELERY_REQUIRED_QUEUES = ["fetch", "nlp"]

# --- Ingestion ---------------------------------------------------------------------------

INGEST_USER_AGENT = os.getenv(
    "INGEST_USER_AGENT", "LagebildBot/0.1 (research portal for German news; +https://lagebild.example/bot)"
)
INGEST_CONNECT_TIMEOUT = float(os.getenv("INGEST_CONNECT_TIMEOUT", "5"))
INGEST_READ_TIMEOUT = float(os.getenv("INGEST_READ_TIMEOUT", "20"))
INGEST_TOTAL_TIMEOUT = float(os.getenv("INGEST_TOTAL_TIMEOUT", "60"))
INGEST_MAX_BYTES = envint("INGEST_MAX_BYTES", str(10 * 1024 * 1024))
INGEST_MAX_REDIRECTS = envint("INGEST_MAX_REDIRECTS", "5")
# Hosts exempt from the SSRF guard (private/loopback addresses), e.g. 127.0.0.1 for tests.
INGEST_ALLOW_PRIVATE_HOSTS = envlist("INGEST_ALLOW_PRIVATE_HOSTS", "")
INGEST_RESPECT_ROBOTS = envbool("INGEST_RESPECT_ROBOTS", "true")
# Minimum seconds between two requests to one host, across all workers.
INGEST_HOST_DELAY = float(os.getenv("INGEST_HOST_DELAY", "2"))
# Fetches in flight per host, across all workers: a slow host holds at most this many
# threads (0: no limit).
INGEST_HOST_CONCURRENCY = envint("INGEST_HOST_CONCURRENCY", "2")
# A source is paused after this many failures in a row (410 Gone pauses at once).
SOURCE_MAX_FAILURES = envint("SOURCE_MAX_FAILURES", "8")
SOURCE_MAX_BACKOFF_HOURS = envint("SOURCE_MAX_BACKOFF_HOURS", "48")
# Fetch without validators this often: some servers send wrong ETags/Last-Modified.
SOURCE_UNCONDITIONAL_HOURS = envint("SOURCE_UNCONDITIONAL_HOURS", "24")
SITEMAP_MAX_CHILDREN = envint("SITEMAP_MAX_CHILDREN", "20")
ARTICLE_MAX_ATTEMPTS = envint("ARTICLE_MAX_ATTEMPTS", "4")
# The sweep (ingest/pipeline.py) re-sends an article that waited this long for its task
# (the message was lost: broker restart, worker killed) ...
PIPELINE_STALE_WAITING_SECONDS = envint("PIPELINE_STALE_WAITING_SECONDS", str(20 * 60))
# ... or whose step has been running longer than any task may run (its worker died).
PIPELINE_STALE_RUNNING_SECONDS = envint("PIPELINE_STALE_RUNNING_SECONDS", str(12 * 60))
# How often beat runs the sweep (portal/celery.py reads the variable itself: it is
# imported before these settings).
PIPELINE_SWEEP_SECONDS = envint("PIPELINE_SWEEP_SECONDS", "120")
# A step whose runs die or crash this many times ends as FAILED with its reason.
PIPELINE_MAX_RESTARTS = envint("PIPELINE_MAX_RESTARTS", "3")
# Re-analysis of the articles an older model analysed (events/services/reanalysis.py): this
# many per batch, a batch only while at most this many messages wait in the nlp queue (new
# articles come first), and the next look this many seconds later.
REANALYSIS_BATCH = envint("REANALYSIS_BATCH", "100")
REANALYSIS_MAX_NLP_BACKLOG = envint("REANALYSIS_MAX_NLP_BACKLOG", "20")
REANALYSIS_PAUSE_SECONDS = envint("REANALYSIS_PAUSE_SECONDS", "30")
# Retraining from editors' corrections (manage.py retrain, events/services/retraining.py):
# the converted corpus (original training data, held-out GermEval half), the training steps
# of a run (about half a second each on one core; longer runs drift further from the
# committed model: 200 steps cost 0.012 held-out GermEval F1 where 120 cost 0.004, and were
# refused), and each batch's mix of corrected and original sentences. Retrained models live in LAGEBILD_MODELS_ROOT (events/nlp/active.py,
# read there from the environment: the pipeline module does not import Django).
RETRAIN_CORPUS_DIR = Path(os.getenv("RETRAIN_CORPUS_DIR") or BASE_DIR / ".data" / "nlp-build" / "corpus")
RETRAIN_STEPS = envint("RETRAIN_STEPS", "120")
RETRAIN_CORRECTIONS_PER_BATCH = envint("RETRAIN_CORRECTIONS_PER_BATCH", "8")
RETRAIN_ORIGINAL_PER_BATCH = envint("RETRAIN_ORIGINAL_PER_BATCH", "8")
# Of those original sentences, this share comes from the committed NER's last training stage
# (GermEval's training half, ner_ft.spacy; events/nlp/train/config_ft.cfg), the rest from the
# broad first-stage mix (ner_train.spacy). Rehearsing the broad mix pulls the model away from
# its last stage: held-out GermEval F1 0.670 -> 0.639 after 100 steps, against 0.665 with
# the last stage's sentences (a trial on the demonstration's corrections, bench/README.md).
RETRAIN_FINETUNE_SHARE = float(os.getenv("RETRAIN_FINETUNE_SHARE", "1.0"))

# --- Auth --------------------------------------------------------------------------------

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"
# Login throttling (portal/login_throttle.py): after this many failed passwords within the
# window, logging in is refused (even with the right password) until enough of them are older
# than the window: per account (user name) and per client address. 0 turns a limit off.
LOGIN_THROTTLE_ACCOUNT_LIMIT = envint("LOGIN_THROTTLE_ACCOUNT_LIMIT", "5")
LOGIN_THROTTLE_CLIENT_LIMIT = envint("LOGIN_THROTTLE_CLIENT_LIMIT", "20")
LOGIN_THROTTLE_WINDOW_SECONDS = envint("LOGIN_THROTTLE_WINDOW_SECONDS", str(15 * 60))
# Login attempts are kept this long for admins to read (/admin/portal/loginattempt/).
LOGIN_ATTEMPTS_KEEP_DAYS = envint("LOGIN_ATTEMPTS_KEEP_DAYS", "30")
# The client address is REMOTE_ADDR. Behind reverse proxies that append to X-Forwarded-For,
# set the number of them: the address that many entries from the right is the client's.
# Never set it without such proxies: clients could then pick their address at will.
LOGIN_TRUSTED_PROXIES = envint("LOGIN_TRUSTED_PROXIES", "0")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail (watchlist digests) and links from outside the portal ------------------------

# Django's mail settings. Unset: mails are written to the console (the worker's log); for
# real mail set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and the server.
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
# A mail server that hangs holds a digest task this long at most (then the next run retries).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "lagebild@localhost")
# The portal's address as readers reach it, for links in mails (a mail has no request to
# take the host from). Unset: the address `make run` serves.
PORTAL_BASE_URL = (
    os.getenv("PORTAL_BASE_URL")
    or f"http://{os.getenv('PORTAL_ADDR', '127.0.0.1')}:{os.getenv('PORTAL_PORT', '8000')}"
).rstrip("/")
# Watchlist digests (events/services/watchlists.py): beat looks for due ones every
# WATCHLIST_DIGEST_SECONDS (portal/celery.py reads it), so "immediately" means within that.
# A digest looks back this many hours for records that entered while an earlier run was
# writing (or were analysed late), skipping what it has sent already.
WATCHLIST_DIGEST_LOOKBACK_HOURS = envint("WATCHLIST_DIGEST_LOOKBACK_HOURS", "24")

# --- REST API (events/api/): read-only, token or session, analysts and up -------------

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous call answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["events.api.permissions.IsAnalyst"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "events.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lagebild API",
    "DESCRIPTION": "Read-only access to events, actors and places, claims and articles.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["events.api.permissions.IsAnalyst"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Three models have a field "kind": name their choice sets after the model.
    "ENUM_NAME_OVERRIDES": {
        "EntityKindEnum": "events.models.Entity.Kind",
        "AliasKindEnum": "events.models.Alias.Kind",
        "ClaimKindEnum": "events.models.Claim.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Internationalisation: German first --------------------------------------------------

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files: served by WhiteNoise, no CDN ------------------------------------------

STATIC_URL = "static/"
# Front-end packages come from npm at setup (package.json, `make setup`), never from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist")]
# Country outlines for the offline maps: Natural Earth 1:110m as TopoJSON (npm world-atlas).
WORLD_ATLAS = NODE_MODULES / "world-atlas" / "countries-110m.json"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT") or BASE_DIR / ".data" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security: strict unless DEBUG; each can be set on its own behind a proxy ------------

SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(not DEBUG))
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(not DEBUG))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(not DEBUG))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", str(not DEBUG))
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(not DEBUG))
# /healthz is probed over plain HTTP by load balancers and monitors.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if envbool("USE_X_FORWARDED_PROTO", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Never shown in a frame (clickjacking): the old header here, frame-ancestors in the CSP below.
X_FRAME_OPTIONS = "DENY"
# Django's defaults, pinned: links to the outside world do not carry the portal's URLs (they
# hold search terms and ids), and browsers never guess a content type.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The Content-Security-Policy of every response (portal.middleware). No inline script and no
# eval anywhere: the portal's JavaScript is files under static/ and data travels in data-
# attributes or json_script. No inline style either (charts are SVG with attributes, widths
# are classes). Everything comes from the portal itself; no CDN, no tiles, no fonts elsewhere.
# The same policy holds for the Django admin, DRF's browsable API and Swagger UI: each was
# checked in Chromium (tests/browser/test_security_in_browser.py) and needs no exception.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # data: for the small SVG icons that the Django admin and Swagger UI inline in their CSS.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # pgserver logs every start and exit of every process at INFO.
    "loggers": {"pgserver": {"level": "WARNING"}},
}
