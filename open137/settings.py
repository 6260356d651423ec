"""open137 settings: one file, read from the environment.

Every variable is documented in the README. Defaults suit a developer's machine; production
sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import importlib.util
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# Importing this module reads the environment and nothing else: it creates no folder and
# writes no file. `open137 migrate` and `open137 serve` create DATA_DIR and, where a key
# may be made up (see open137/web/datadir.py), DATA_DIR/secret_key.

YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")


def envbool(name: str, default: bool) -> bool:
    """A yes/no variable; a value that is neither (a typo like "ture") stops the start."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is neither yes nor no: write one of "
        f"{', '.join(YES)} (yes) or {', '.join(NO)} (no), or leave it empty for "
        f"the default ({'yes' if default else 'no'}).")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole-number variable; anything else stops the start with the variable's name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a whole number: write digits such as {default}, "
            f"or leave it empty for the default.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is too small: it must be at least "
                                   f"{minimum}.")
    return number


def envfloat(name: str, default: float) -> float:
    """A decimal number variable (a point, not a comma); anything else stops the start."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a number: write one such as {default}, or leave it "
            f"empty for the default.") from None


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def database_from_url(url: str, data_dir: Path) -> dict[str, object]:
    """Turn DATABASE_URL (postgres://... or sqlite:////path) into a DATABASES entry."""
    if not url:
        return sqlite_database(data_dir / "open137.sqlite3")
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:////absolute/path -> "/absolute/path"; sqlite:///relative -> "relative"
        return sqlite_database(Path(unquote(parts.path[1:])))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parts.query))
        # PostgreSQL's JIT compiler spends tens of milliseconds compiling each query its
        # planner thinks is large; ours (a month of requests, a dashboard) finish in less
        # than that, so it only adds time. `?options=...` in the URL replaces this.
        options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Reuse connections between requests; health checks drop broken ones.
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
            "TEST": {"NAME": os.environ.get("DATABASE_TEST_NAME") or None},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL starts with {parts.scheme!r}, which is not a known database: write "
        f"postgres://user:password@host:5432/name or sqlite:////absolute/path.sqlite3.")


def sqlite_database(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Keep each process's connection: opening one runs the PRAGMAs below every time.
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
            # busy timeout instead of failing with "database is locked" mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
        "TEST": {"NAME": os.environ.get("DATABASE_TEST_NAME") or None},
    }


DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "var")))
# Where `open137 migrate` or `serve` keeps a made-up key when SECRET_KEY is not set.
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    try:
        return SECRET_KEY_FILE.read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        # Empty: Django refuses to sign anything with it, and `open137 serve` says what
        # to do. The test runner sets a throwaway key of its own.
        return ""


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = [h for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_ROOT = envstr("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Django's admin, with the city's name and Jalali dates.
    "open137.web.apps.CityAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "open137.security.apps.SignInAttemptsConfig",  # django-axes
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "open137.core",
    "open137.audit",
    "open137.directory",
    "open137.deadlines",
    "open137.notifications",
    "open137.places",
    "open137.cases",
    "open137.intelligence",
    "open137.oversight",
    "open137.web",
    "open137.portal",
    "open137.desk",
    "open137.api",
    "open137.open311",
    "open137.imports",
    "open137.smsgateway",
    "open137.messenger",
    "open137.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "open137.security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The city's language whatever the browser says; English by the switch.
    "open137.web.middleware.CityLanguageMiddleware",
    # Inside the language's: it finishes Persian pages while their language is active.
    "open137.web.middleware.PersianDigitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL bytes, lone surrogates, oversized bodies: refused before any view reads them.
    "open137.web.hostile.HostileInputMiddleware",
    "open137.security.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "open137.urls"
TEST_RUNNER = "open137.core.testrunner.Runner"
WSGI_APPLICATION = "open137.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "open137" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(envstr("DATABASE_URL", ""), DATA_DIR)}
# A PostgreSQL read replica for dashboards and reports (docs/deploy.md); off when unset.
# Only code wrapped in core.dbrouter.replica() reads there; tests use the primary.
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL, DATA_DIR),
                            "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["open137.core.dbrouter.ReplicaRouter"]

# A cache shared by every web server: Redis when REDIS_URL is set and the `redis` package
# is installed (the `redis` extra: pip install -e '.[redis]'); otherwise each process keeps
# its own. Rate limits count in Redis when it is there, else in the database (both are
# shared by every process).
REDIS_URL = envstr("REDIS_URL", "")
REDIS_CACHE = bool(REDIS_URL) and importlib.util.find_spec("redis") is not None
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_CACHE
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first; older hashes are upgraded on the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # Locks an account and address out after repeated failed sign-ins.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_MINUTES / 60  # hours
# An account is locked for one address at a time: a stranger's failures never lock the
# staff member out from their own address. Behind the trusted proxy the address is the one
# the proxy saw, as for every rate limit.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "open137.core.ratelimit.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "open137.web.views.locked_out"
AXES_VERBOSE = False

# Staff may add an authenticator app (TOTP) at /accounts/two-factor/; with this on,
# administrators must.
TWO_FACTOR_REQUIRED_FOR_ADMINS = envbool("TWO_FACTOR_REQUIRED_FOR_ADMINS", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Persian first: the interface starts in LANGUAGE_CODE (Persian, right to left) whatever the
# browser asks; the language switch changes it for one person. English is complete too.
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LANGUAGE_CODE = envstr("LANGUAGE_CODE", "fa").strip().lower() or "fa"
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ValueError(f"LANGUAGE_CODE: {LANGUAGE_CODE!r} is not one of {list(dict(LANGUAGES))}")
LOCALE_PATHS = [BASE_DIR / "open137" / "locale"]
USE_I18N = True
USE_TZ = True
# The database stores UTC; the city's clock (deadlines, working hours) is TIME_ZONE.
TIME_ZONE = envstr("TIME_ZONE", "Asia/Tehran")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "open137" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))
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
WHITENOISE_USE_FINDERS = DEBUG
# A file missing from the manifest (tests, a forgotten collectstatic) is served unhashed
# instead of failing the page.
WHITENOISE_MANIFEST_STRICT = False

# 404, 403, 400 and 500 pages are templates in open137/templates; an expired form too.
CSRF_FAILURE_VIEW = "open137.web.views.csrf_failure"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/home/"
LOGOUT_REDIRECT_URL = "/"

# The city pack loaded by `open137 load_city` without a path: a folder name under
# citypacks/ or a path. Empty means the pack named in citypacks/default.
CITYPACKS_DIR = BASE_DIR / "citypacks"
CITY_PACK = envstr("CITY_PACK", "")

# Map tiles (e.g. https://tiles.example.ir/{z}/{x}/{y}.png): empty draws only the
# district outlines, so maps work on a closed network.
MAP_TILE_URL = envstr("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = envstr("MAP_TILE_ATTRIBUTION", "")
# Oversight: requests drawn per unit and month for the inspectors' quality audit.
AUDIT_SAMPLE_SIZE = envint("AUDIT_SAMPLE_SIZE", 5)
# Largest photo accepted from a form, in bytes.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# Largest picture accepted, in pixels (width x height), read from the file's header before
# anything is decoded: a few megabytes of PNG can announce gigabytes of pixels.
UPLOAD_MAX_PIXELS = envint("UPLOAD_MAX_PIXELS", 40_000_000)
# Requests the public portal accepts per client address, like "20/h"; "0" turns it off.
RATE_LIMIT_PORTAL = envstr("RATE_LIMIT_PORTAL", "20/h")
# Tracking pages (/track/<code>) a visitor may open per address, and lookups of codes that no
# request has (a scan for codes): tracking codes are the citizens' secrets. Mobile networks
# put many citizens behind one address, hence the generous first figure.
RATE_LIMIT_TRACK = envstr("RATE_LIMIT_TRACK", "120/h")
RATE_LIMIT_TRACK_MISSES = envstr("RATE_LIMIT_TRACK_MISSES", "20/h")

# Notifications (docs/notifications.md). SMS go through SMS_BACKEND: "console" (print),
# "file" (one JSON line per message, with `to` and `text`, appended to SMS_FILE_PATH) or
# "http" (a gateway: SMS_HTTP_URL, called with GET, a form POST or a JSON POST that carries
# the number in SMS_HTTP_TO_PARAM and the text in SMS_HTTP_TEXT_PARAM, plus the static
# parameters in SMS_HTTP_PARAMS written like "sender=3000&apikey=..." and the headers in
# SMS_HTTP_HEADERS written like "apikey: ...; Accept: application/json"; the number as
# "local" 0912..., "international" 98912... or "e164" +98912...; SMS_HTTP_SUCCESS, when
# set, is a regular expression the answer must contain for the SMS to count as sent).
SMS_BACKEND = envstr("SMS_BACKEND", "console")
SMS_FILE_PATH = envstr("SMS_FILE_PATH", str(DATA_DIR / "sms.jsonl"))
SMS_HTTP_URL = envstr("SMS_HTTP_URL", "")
SMS_HTTP_METHOD = envstr("SMS_HTTP_METHOD", "POST")
SMS_HTTP_FORMAT = envstr("SMS_HTTP_FORMAT", "form")  # form or json, for POST
SMS_HTTP_TO_PARAM = envstr("SMS_HTTP_TO_PARAM", "to")
SMS_HTTP_TEXT_PARAM = envstr("SMS_HTTP_TEXT_PARAM", "text")
SMS_HTTP_PARAMS = envstr("SMS_HTTP_PARAMS", "")
SMS_HTTP_HEADERS = envstr("SMS_HTTP_HEADERS", "")
SMS_HTTP_PHONE_FORMAT = envstr("SMS_HTTP_PHONE_FORMAT", "local")
SMS_HTTP_SUCCESS = envstr("SMS_HTTP_SUCCESS", "")
SMS_HTTP_TIMEOUT = envint("SMS_HTTP_TIMEOUT", 10)
# Inbound SMS (POST /sms/inbound) must carry this secret; empty refuses every message.
SMS_INBOUND_SECRET = envstr("SMS_INBOUND_SECRET", "")
# Inbound SMS per phone number, like "30/m"; "0" turns the limit off.
RATE_LIMIT_SMS_INBOUND = envstr("RATE_LIMIT_SMS_INBOUND", "30/m")
# No non-urgent SMS in these local hours, like "22-7"; they wait for the end of the period.
# Empty means none.
SMS_QUIET_HOURS = envstr("SMS_QUIET_HOURS", "")
# A message that carries a unit's note is shortened to fit this many SMS parts (four: a
# result carries its note, the answer link and the code, and a reason must still be read).
SMS_MAX_PARTS = envint("SMS_MAX_PARTS", 4)
# The messenger channel (docs/messenger.md): a Telegram-compatible Bot API such as Bale's.
# MESSENGER_API_URL is the bot's base address with its token (https://tapi.bale.ai/bot<token>);
# empty switches the channel off. With MESSENGER_WEBHOOK_SECRET set, updates arrive at
# POST /messenger/update carrying it in X-Telegram-Bot-Api-Secret-Token; without it the
# worker fetches them by long polling. MESSENGER_FILE_URL overrides where the platform's
# files are downloaded from; MESSENGER_TIMEOUT is the seconds to wait for the platform;
# a report left half-way expires after MESSENGER_CONVERSATION_MINUTES; RATE_LIMIT_MESSENGER
# caps the updates taken from one chat, like "30/m" ("0" turns it off).
MESSENGER_API_URL = envstr("MESSENGER_API_URL", "")
MESSENGER_WEBHOOK_SECRET = envstr("MESSENGER_WEBHOOK_SECRET", "")
MESSENGER_FILE_URL = envstr("MESSENGER_FILE_URL", "")
MESSENGER_TIMEOUT = envint("MESSENGER_TIMEOUT", 10)
MESSENGER_CONVERSATION_MINUTES = envint("MESSENGER_CONVERSATION_MINUTES", 60)
RATE_LIMIT_MESSENGER = envstr("RATE_LIMIT_MESSENGER", "30/m")
# Days a citizen has to answer the satisfaction question; then the request is closed.
SATISFACTION_WINDOW_DAYS = envint("SATISFACTION_WINDOW_DAYS", 7)
# Email: Django's own settings. Without EMAIL_HOST, emails are printed by the worker.
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
                       if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "137@localhost")
# Webhooks: seconds to wait for the receiver, and hours to keep retrying a call.
WEBHOOK_TIMEOUT = envint("WEBHOOK_TIMEOUT", 10)
WEBHOOK_RETRY_HOURS = envint("WEBHOOK_RETRY_HOURS", 48)
# The worker (`open137 worker`): messages claimed at once, seconds a claim is held before
# another worker may take it over, seconds to sleep when idle, seconds between checks for
# due periodic jobs; retries wait WORKER_RETRY_BASE_SECONDS, doubling up to
# WORKER_RETRY_MAX_SECONDS, for WORKER_RETRY_HOURS (SMS and email).
WORKER_BATCH = envint("WORKER_BATCH", 50)
WORKER_LEASE_SECONDS = envint("WORKER_LEASE_SECONDS", 300)
WORKER_IDLE_SECONDS = envint("WORKER_IDLE_SECONDS", 5)
WORKER_JOBS_SECONDS = envint("WORKER_JOBS_SECONDS", 30)
WORKER_RETRY_BASE_SECONDS = envint("WORKER_RETRY_BASE_SECONDS", 30)
WORKER_RETRY_MAX_SECONDS = envint("WORKER_RETRY_MAX_SECONDS", 3600)
WORKER_RETRY_HOURS = envint("WORKER_RETRY_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The staff JSON API (/api/v1/): tokens first, so that a request without credentials is
# answered 401 with `WWW-Authenticate: Token`; JSON only (no browsable pages).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "open137.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "open137 staff API",
    "DESCRIPTION": "Requests, unit work and reference data of the 137 centre. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["open137.api.schema.only_this_api"],
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "open137.cases.workflow.Status",
        "PlanReasonEnum": "open137.cases.models.PlanReason",
    },
}
# Subject suggestion, duplicates, mass incidents and surges (docs/intelligence.md).
# A suggestion scoring at least CLASSIFIER_MIN_SCORE (0..1) may route a request with nobody
# checking it (SMS intake); below it the request goes to triage. The worker retrains the
# classifier at night once CLASSIFIER_RETRAIN_MIN_NEW newly confirmed requests exist.
CLASSIFIER_MIN_SCORE = envfloat("CLASSIFIER_MIN_SCORE", 0.6)
CLASSIFIER_RETRAIN_MIN_NEW = envint("CLASSIFIER_RETRAIN_MIN_NEW", 50)
# Open requests on the same subject this near (metres) and this recent (days) are offered as
# duplicates; a subject's tuning in the admin overrides both.
DUPLICATE_RADIUS_M = envint("DUPLICATE_RADIUS_M", 150)
DUPLICATE_WINDOW_DAYS = envint("DUPLICATE_WINDOW_DAYS", 14)
# A surge: at least SURGE_MIN_COUNT requests on a subject in a district in the last
# SURGE_WINDOW_HOURS (at most 24), and more than SURGE_FACTOR times the average of the same
# hours over the previous SURGE_BASELINE_DAYS days.
SURGE_FACTOR = envfloat("SURGE_FACTOR", 3.0)
SURGE_MIN_COUNT = envint("SURGE_MIN_COUNT", 10)
SURGE_WINDOW_HOURS = envint("SURGE_WINDOW_HOURS", 24)
SURGE_BASELINE_DAYS = envint("SURGE_BASELINE_DAYS", 28)
# Requests per client address to POST /api/v1/classify, like "120/m"; "0" turns it off.
RATE_LIMIT_CLASSIFY = envstr("RATE_LIMIT_CLASSIFY", "120/m")
# Requests per client address to GET /api/v1/places (the address search); "0" turns it off.
# A type-ahead asks once per pause in typing, so it is higher than classify's.
RATE_LIMIT_PLACES = envstr("RATE_LIMIT_PLACES", "300/m")
# Street-map tiles not yet made (made ones come from the cache and are not counted) per
# visitor's address; a view needs about ten. Staff are not limited; "0" turns it off.
RATE_LIMIT_MAP_TILES = envstr("RATE_LIMIT_MAP_TILES", "600/m")
# A request with an address and no point is placed from the gazetteer when its best answer
# scores at least this (0..1); below it nothing is guessed.
PLACES_CONFIDENT_SCORE = float(envstr("PLACES_CONFIDENT_SCORE", "0.75"))
# Open311 GeoReport v2 (/open311/v2/): POSTs per API key, like "120/m"; "0" turns it off.
RATE_LIMIT_OPEN311_POST = envstr("RATE_LIMIT_OPEN311_POST", "120/m")
# What the discovery document tells client developers (empty: a general sentence), and
# whether this endpoint is "production" or "test".
OPEN311_CONTACT = envstr("OPEN311_CONTACT", "")
OPEN311_KEY_SERVICE = envstr("OPEN311_KEY_SERVICE", "")
OPEN311_ENDPOINT_TYPE = envstr("OPEN311_ENDPOINT_TYPE", "production")
# Days after closing when a request's contact details (and its followers') are removed by
# `open137 anonymise` and the worker's daily job.
ANONYMISE_AFTER_DAYS = envint("ANONYMISE_AFTER_DAYS", 365)
# `open137 serve`: address, port, gunicorn workers (two per core plus one is gunicorn's own
# rule of thumb for sync workers that mostly wait on the database) and request timeout.
HOST = envstr("HOST", "127.0.0.1")
PORT = envint("PORT", 8000, minimum=1)
WEB_CONCURRENCY = envint("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1, minimum=1)
WEB_TIMEOUT = envint("WEB_TIMEOUT", 30, minimum=1)
# Proxies whose X-Forwarded-For names the real client (the same variable gunicorn reads).
FORWARDED_ALLOW_IPS = [a.strip() for a in envstr("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",")
                       if a.strip()]

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind HTTPS (docs/security.md): SECURE_SSL=1 makes cookies secure, redirects plain HTTP
# (SECURE_SSL_REDIRECT, on by default then; off when the proxy redirects already) and sends
# HSTS for SECURE_HSTS_SECONDS (a year by default). SECURE_PROXY_SSL_HEADER=1 trusts the
# proxy's X-Forwarded-Proto; set it only when the proxy always sets or strips that header.
SECURE_SSL = envbool("SECURE_SSL", False) and not DEBUG
if SECURE_SSL:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    # The health check is asked over plain HTTP by load balancers and monitors.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (open137.security.middleware): extra style sources, space
# separated, e.g. "'unsafe-inline'" should a vendored library need it.
CSP_STYLE_EXTRA = envstr("CSP_STYLE_EXTRA", "").split()
