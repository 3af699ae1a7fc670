"""Yiqi settings. Everything that differs between machines comes from environment variables.

DJANGO_ENV selects the profile: ``production`` (default: DEBUG off, secret key required),
``development`` (``make run``) or ``test`` (``make test``).
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = (
    BASE_DIR / "var"
)  # SQLite database, task queue, uploads and collected static on the embedded default
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
# A developer's checkout carries a .env (made by `make`); real environment variables always win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# pytest always gets the test profile (inline tasks, in-memory mail), also in a checkout whose .env says development.
DJANGO_ENV = "test" if "pytest" in sys.modules else env.str("DJANGO_ENV", default="production")
if DJANGO_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be production, development or test, not {DJANGO_ENV!r}")
IS_PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"

DEBUG = env.bool("DJANGO_DEBUG", default=DJANGO_ENV == "development")
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production (DJANGO_ENV=production).")
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdefghij"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django.forms",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_countries",
    "django_htmx",
    "simple_history",
    "axes",
    "huey.contrib.djhuey",
    "yiqi.core",
    "yiqi.organizations",
    "yiqi.accounts",
    "yiqi.notifications",
    "yiqi.registry",
    "yiqi.alliances",
    "yiqi.servicerecords",
    "yiqi.catalog",
    "yiqi.booking",
    "yiqi.orders",
    "yiqi.fees",
    "yiqi.usage",
    "yiqi.vouchers",
    "yiqi.monitoring",
    "yiqi.interlocks",
    "yiqi.feedback",
    "yiqi.resources",
    "yiqi.census",
    "yiqi.experts",
    "yiqi.outcomes",
    "yiqi.evaluation",
    "yiqi.exchange",
    "yiqi.purchases",
    "yiqi.demands",
    "yiqi.portal",
    "yiqi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "yiqi.core.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "yiqi.accounts.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "yiqi.core.memo.RequestMemoMiddleware",
]

ROOT_URLCONF = "yiqi.urls"
# Form widgets render through the template engine, so yiqi/templates can override Django's widget templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "yiqi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yiqi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yiqi.portal.context_processors.platform",
            ],
        },
    },
]

# Database: SQLite file by default (no server needed); production sets DATABASE_URL=postgres://...
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'yiqi.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "yiqi.accounts.hashers.WebArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yiqi.accounts.validators.NotBlankPasswordValidator"},
    # The demo password is printed in the README: allowed only in the development profile (`make run`'s accounts).
    {
        "NAME": "yiqi.accounts.validators.PublishedPasswordValidator",
        "OPTIONS": {"passwords": [] if DJANGO_ENV == "development" else ["yiqi-demo-2026"]},
    },
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:workspace"
LOGOUT_REDIRECT_URL = "portal:home"

# The client address: 0 = the connecting address (no proxy); behind one nginx that appends to X-Forwarded-For, 1.
# The app server must then be reachable only through those proxies. See yiqi/accounts/throttling.py.
YIQI_TRUSTED_PROXY_COUNT = env.int("YIQI_TRUSTED_PROXY_COUNT", default=0)
# Login throttling never locks an account for everyone: 5 failures for one username from one address stop that
# username from that address, 20 failures from one address whatever the usernames stop that address; 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
YIQI_LOGIN_FAILURES_PER_ADDRESS = env.int("YIQI_LOGIN_FAILURES_PER_ADDRESS", default=20)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "ip_address"]
AXES_HANDLER = "yiqi.accounts.throttling.LoginAttemptHandler"
AXES_CLIENT_IP_CALLABLE = "yiqi.accounts.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "yiqi.accounts.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "yiqi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic writes here and nginx serves it (deploy/nginx/yiqi.conf: location /static/).
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = not IS_PRODUCTION  # serve straight from the app folders until collectstatic runs
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Nothing is served from MEDIA_ROOT any more: instrument photos and documents, import files, order results and
# usage evidence are all in PRIVATE_MEDIA_ROOT and reach a browser only through views that check who asks.
# MEDIA_ROOT is kept so that migration registry 0007 finds the attachments it moves out of it.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# When set (production behind nginx, e.g. "/_protected/"), a file view answers with an X-Accel-Redirect to this
# `internal` location, which nginx maps to PRIVATE_MEDIA_ROOT; empty: Django streams the file itself.
YIQI_ACCEL_REDIRECT_PREFIX = env.str("YIQI_ACCEL_REDIRECT_PREFIX", default="")
if YIQI_ACCEL_REDIRECT_PREFIX and not (
    YIQI_ACCEL_REDIRECT_PREFIX.startswith("/") and YIQI_ACCEL_REDIRECT_PREFIX.endswith("/")
):
    raise ImproperlyConfigured("YIQI_ACCEL_REDIRECT_PREFIX must start and end with '/', e.g. /_protected/")
# Uploads above this stream to a temporary file; the import and attachment forms enforce their own limits.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if not IS_PRODUCTION else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="yiqi@localhost")
# Emails link here (a mail client cannot open "/booking/7/"): the address people reach the site at. In production
# it defaults to HTTPS on the first allowed host, elsewhere to the development server.
YIQI_SITE_URL = env.str(
    "YIQI_SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}" if IS_PRODUCTION else "http://127.0.0.1:8000"
)
if not YIQI_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        "YIQI_SITE_URL must be an absolute http(s) address, e.g. https://yiqi.example.cn"
    )
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# One task mechanism: Huey. SQLite-backed queue on the embedded default (a consumer process, no server),
# Redis in production (REDIS_URL); tests run tasks inline.
REDIS_URL = env.str("REDIS_URL", default="")

# The cache holds the API throttles' counters, so with several processes it must be shared: CACHE_URL if set,
# else Redis at REDIS_URL (outside tests), else this process's memory (`make run`: one process).
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "yiqi-cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yiqi"}}
HUEY = {
    "name": "yiqi",
    "immediate": TESTING,
    "utc": True,
    # Idle polling backs off to at most one second, so an uploaded import starts promptly.
    "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread", "max_delay": 1.0},
}
if TESTING:
    HUEY["immediate_use_memory"] = True
elif REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "tasks.sqlite3")})

# National sign-on (yiqi/accounts/national_signon.py): OAuth2 with the national platform, off without a client id.
# The redirect address to register with it is YIQI_SITE_URL + /accounts/national/return/.
YIQI_NATIONAL_SSO = {
    "client_id": env.str("YIQI_NATIONAL_SSO_CLIENT_ID", default=""),
    "client_secret": env.str("YIQI_NATIONAL_SSO_CLIENT_SECRET", default=""),
    "authorize_url": env.str("YIQI_NATIONAL_SSO_AUTHORIZE_URL", default=""),
    "token_url": env.str("YIQI_NATIONAL_SSO_TOKEN_URL", default=""),
    "userinfo_url": env.str("YIQI_NATIONAL_SSO_USERINFO_URL", default=""),
    "scope": env.str("YIQI_NATIONAL_SSO_SCOPE", default="openid profile email"),
}
if YIQI_NATIONAL_SSO["client_id"] and not all(
    YIQI_NATIONAL_SSO[key].startswith(("https://", "http://"))
    for key in ("authorize_url", "token_url", "userinfo_url")
):
    raise ImproperlyConfigured(
        "YIQI_NATIONAL_SSO_AUTHORIZE_URL, _TOKEN_URL and _USERINFO_URL must be absolute addresses"
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "yiqi.accounts.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON nested more than 32 deep is a 400 (yiqi.core.api.BoundedJSONParser), never a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "yiqi.core.api.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "yiqi.core.api.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
    "EXCEPTION_HANDLER": "yiqi.core.api.exception_handler",
}
# API tokens (django-rest-knox): only a SHA-512 digest and the first 15 characters (to find it) are stored; each
# token expires after YIQI_API_TOKEN_DAYS.
YIQI_API_TOKEN_DAYS = env.int("YIQI_API_TOKEN_DAYS", default=90)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=YIQI_API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
    "AUTO_REFRESH": False,
}
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
SPECTACULAR_SETTINGS = {
    "TITLE": "Yiqi 仪器开放共享平台 API",
    "DESCRIPTION": "科研设施与仪器开放共享平台接口。Token 认证：请求头 `Authorization: Token <key>`。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field name another app's choices also use.
    "ENUM_NAME_OVERRIDES": {
        # The registry's instrument and the instrument a unit's system pushes (exchange) share these.
        "InstrumentKindEnum": "yiqi.registry.models.Instrument.Kind",
        "InstrumentSourceEnum": "yiqi.registry.models.Instrument.Source",
        "VoucherProgrammeLevelEnum": "yiqi.vouchers.models.Programme.Level",
        "MonitoringDeviceKindEnum": "yiqi.monitoring.models.Device.Kind",
        "ReconciliationItemKindEnum": "yiqi.monitoring.models.ReconciliationItem.Kind",
        "MachineStateEnum": "yiqi.monitoring.models.MachineState",
        "InterlockStateEnum": "yiqi.interlocks.models.InterlockState",
        "ResourceKindEnum": "yiqi.resources.models.ResourceKind",
        "CensusReturnStatusEnum": "yiqi.census.models.ReturnStatus",
        "CensusMarkKindEnum": "yiqi.census.models.MarkKind",
        "ServiceKindEnum": "yiqi.servicerecords.models.ServiceKind",
        "ServiceRecordStatusEnum": "yiqi.servicerecords.models.ServiceStatus",
        "WebhookEventEnum": "yiqi.exchange.models.WebhookEvent",
        "PurchaseOpinionEnum": "yiqi.purchases.models.Opinion",
        "TestOrderStatusEnum": "yiqi.orders.models.OrderStatus",
        "EvaluationSchemeStatusEnum": "yiqi.evaluation.models.Scheme.Status",
        "EvaluationIndicatorKindEnum": "yiqi.evaluation.models.Indicator.Kind",
        "OutcomeKindEnum": "yiqi.outcomes.models.OutcomeKind",
        "OutcomeLevelEnum": "yiqi.outcomes.models.OutcomeLevel",
    },
}

# Production hardening (manage.py check --deploy passes with DJANGO_ENV=production).
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Sessions end after this much inactivity (yiqi/accounts/sessions.py): staff — unit staff, department and platform
# administrators — sooner than everyone else. A staff session also ends YIQI_STAFF_SESSION_HOURS after login, anyone
# else's after SESSION_COOKIE_AGE.
YIQI_STAFF_IDLE_MINUTES = env.int("YIQI_STAFF_IDLE_MINUTES", default=120)
YIQI_IDLE_MINUTES = env.int("YIQI_IDLE_MINUTES", default=1440)
YIQI_STAFF_SESSION_HOURS = env.int("YIQI_STAFF_SESSION_HOURS", default=12)
SESSION_COOKIE_AGE = env.int("YIQI_SESSION_DAYS", default=7) * 24 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp), in every profile so that development and the tests see what production
# refuses. Scripts and styles come from this site's own static files only: templates carry no inline <script>,
# <style>, style="…" or on…="…" (yiqi/core/tests/test_production.py checks); the one exception is a nonce a page
# asks for with request.csp_nonce (FullCalendar injects its stylesheet with it). Images and fonts may be data:
# URIs (Bootstrap's icons in its CSS, FullCalendar's arrow font in its). The API docs page (Swagger UI) adds inline styles for itself only (yiqi/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"upgrade-insecure-requests": True} if IS_PRODUCTION else {}),
    },
}
# Permissions-Policy (yiqi.core.security_headers): no page may use these browser features.
YIQI_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env.str("LOG_LEVEL", default="INFO" if not TESTING else "WARNING"),
    },
}

# Limits for uploads handled by the registry.
YIQI_IMPORT_MAX_BYTES = 10 * 1024 * 1024
YIQI_IMPORT_MAX_ROWS = 200_000
YIQI_PHOTO_MAX_BYTES = 2 * 1024 * 1024
YIQI_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
YIQI_RESULT_MAX_BYTES = 50 * 1024 * 1024  # one commissioned-testing results file

# Remote monitoring (yiqi.monitoring; README "Remote monitoring").
YIQI_MQTT_URL = env.str("YIQI_MQTT_URL", default="mqtt://127.0.0.1:1883")
YIQI_MQTT_SHARE_GROUP = env.str("YIQI_MQTT_SHARE_GROUP", default="yiqi-ingest")
YIQI_TELEMETRY_RETENTION_DAYS = env.int(
    "YIQI_TELEMETRY_RETENTION_DAYS", default=90
)  # raw samples; hours kept
YIQI_TELEMETRY_MAX_FUTURE_SECONDS = 300  # a clock this far ahead is wrong
YIQI_TELEMETRY_MAX_SAMPLES = 1000  # per message or request
YIQI_TELEMETRY_MAX_BYTES = 256 * 1024
# Per device, a token bucket: a steady rate in samples per minute, and a burst so a device that was cut off can
# send its backlog (a day at one sample a minute) at once.
YIQI_TELEMETRY_RATE_PER_MINUTE = env.int("YIQI_TELEMETRY_RATE_PER_MINUTE", default=600)
YIQI_TELEMETRY_RATE_BURST = env.int("YIQI_TELEMETRY_RATE_BURST", default=5000)
YIQI_MONITORING_ONLINE_SECONDS = env.int(
    "YIQI_MONITORING_ONLINE_SECONDS", default=120
)  # board: online if seen
YIQI_MONITORING_OFFLINE_HOURS = env.int(
    "YIQI_MONITORING_OFFLINE_HOURS", default=6
)  # alert: device silent this long
YIQI_MONITORING_IDLE_DAYS = env.int("YIQI_MONITORING_IDLE_DAYS", default=30)  # long idleness

# Interlocks (yiqi.interlocks): a booked user may enable the instrument this many minutes before the booked start,
# and it is switched off this many minutes after the booked end.
YIQI_INTERLOCK_GRACE_MINUTES = env.int("YIQI_INTERLOCK_GRACE_MINUTES", default=15)
YIQI_INTERLOCK_ACK_SECONDS = env.float(
    "YIQI_INTERLOCK_ACK_SECONDS", default=5.0
)  # wait for the device's answer
YIQI_INTERLOCK_ALLOWLIST_HOURS = env.int(
    "YIQI_INTERLOCK_ALLOWLIST_HOURS", default=24
)  # bookings pushed ahead

# Exchange (yiqi.exchange): the national (or a provincial) platform's SOAP WSDL that reporting jobs send to, by
# default the built-in fake endpoint (on only outside production); transport errors are retried with backoff.
YIQI_EXCHANGE_FAKE_ENDPOINT = env.bool("YIQI_EXCHANGE_FAKE_ENDPOINT", default=not IS_PRODUCTION)
YIQI_EXCHANGE_WSDL = env.str("YIQI_EXCHANGE_WSDL", default=f"{YIQI_SITE_URL}/exchange/fake-national/?wsdl")
YIQI_EXCHANGE_TIMEOUT = env.float("YIQI_EXCHANGE_TIMEOUT", default=30.0)  # seconds per call
YIQI_EXCHANGE_BATCH = env.int("YIQI_EXCHANGE_BATCH", default=200)  # records read per query while sending
YIQI_EXCHANGE_CONCURRENCY = env.int("YIQI_EXCHANGE_CONCURRENCY", default=4)  # records in flight at once
YIQI_EXCHANGE_RETRY_SECONDS = env.int("YIQI_EXCHANGE_RETRY_SECONDS", default=60)  # first retry; doubles
YIQI_EXCHANGE_MAX_ATTEMPTS = env.int("YIQI_EXCHANGE_MAX_ATTEMPTS", default=6)
# The platform's level: a province reports to the national platform and receives from its cities at
# /exchange/receive/; a city (or county) reports upward to its province (YIQI_EXCHANGE_WSDL is then the province's
# /exchange/receive/?wsdl and units' codes are the ones the province issued); a city also receives from its counties.
YIQI_PLATFORM_LEVEL = env.str("YIQI_PLATFORM_LEVEL", default="province")
if YIQI_PLATFORM_LEVEL not in ("province", "city", "county"):
    raise ImproperlyConfigured("YIQI_PLATFORM_LEVEL must be province, city or county")
# Units' own systems: API keys (Authorization: Unit-Key <key>) last this long unless the unit chooses less, and each
# key may make this many requests (DRF rate syntax); webhooks are signed, retried with backoff, and must point to a
# public https address in production.
YIQI_UNIT_KEY_DAYS = env.int("YIQI_UNIT_KEY_DAYS", default=365)
YIQI_UNIT_KEY_RATE = env.str("YIQI_UNIT_KEY_RATE", default="120/min")
YIQI_WEBHOOK_TIMEOUT = env.float("YIQI_WEBHOOK_TIMEOUT", default=10.0)  # seconds per attempt
YIQI_WEBHOOK_RETRY_SECONDS = env.int("YIQI_WEBHOOK_RETRY_SECONDS", default=30)  # first retry; doubles
YIQI_WEBHOOK_MAX_ATTEMPTS = env.int("YIQI_WEBHOOK_MAX_ATTEMPTS", default=8)
YIQI_WEBHOOK_REPLAY_SECONDS = env.int("YIQI_WEBHOOK_REPLAY_SECONDS", default=300)  # receivers' window
YIQI_WEBHOOK_REQUIRE_PUBLIC = env.bool("YIQI_WEBHOOK_REQUIRE_PUBLIC", default=IS_PRODUCTION)
# Yearly evaluation (yiqi.evaluation): a figure's declared value is flagged when it exceeds what telemetry verified
# by more than this share.
YIQI_EVALUATION_GAP_SHARE = env.float("YIQI_EVALUATION_GAP_SHARE", default=0.10)
# An instrument with no use in this many months is listed as long idle (evaluation's instrument lists).
YIQI_EVALUATION_IDLE_MONTHS = env.int("YIQI_EVALUATION_IDLE_MONTHS", default=6)
# Results of use (yiqi.outcomes): points per confirmed result of each kind in the weighted count the evaluation
# reads (e.g. YIQI_OUTCOME_WEIGHTS=paper=1,patent=2,standard=3,award=5,project=2).
YIQI_OUTCOME_WEIGHTS = env.dict(
    "YIQI_OUTCOME_WEIGHTS",
    cast={"value": int},
    default={"paper": 1, "patent": 2, "standard": 3, "award": 5, "project": 2},
)
