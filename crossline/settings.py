"""Crossline settings: one module, driven by environment variables.

CROSSLINE_ENV is "development" (the default: SQLite, plain-HTTP cookies, demo helpers allowed)
or "production" (fails closed: no SECRET_KEY or ALLOWED_HOSTS means no start, and every
setting that `check --deploy --fail-level WARNING` looks at is strict).
DATABASE_URL switches from the embedded SQLite database to PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CROSSLINE_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret that production must be given; development derives a throwaway one."""
    value = os.environ.get(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return "development-only-not-secret-" + "x" * 40


CROSSLINE_ENV = env_str("CROSSLINE_ENV", "development")
if CROSSLINE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("CROSSLINE_ENV must be 'development' or 'production'.")
PRODUCTION = CROSSLINE_ENV == "production"

SECRET_KEY = env_secret("SECRET_KEY")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
DEBUG = env_bool("DEBUG", False) and not PRODUCTION
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
# Demo shortcuts (printing demo users' MFA codes) exist only outside production.
CROSSLINE_DEMO = env_bool("CROSSLINE_DEMO", False) and not PRODUCTION

INSTALLED_APPS = [
    "django.forms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "crossline.core",
    "crossline.reference",
    "crossline.organisations",
    "crossline.accounts",
    "crossline.audit",
    "crossline.returns",
    "crossline.compliance",
    "crossline.demo",
    "crossline.placements",
    "crossline.linkage",
    "crossline.intensification",
    "crossline.assessment",
    "crossline.tasking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "crossline.core.middleware.RequestIdMiddleware",
    "crossline.core.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "crossline.accounts.middleware.SessionTimeoutMiddleware",
    # Deny by default: every view needs a signed-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "crossline.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "crossline.core.middleware.NoStoreMiddleware",
    # Last, so that a locked-out sign-in is answered by axes before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crossline.urls"
WSGI_APPLICATION = "crossline.wsgi.application"

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
                "crossline.core.context_processors.service",
            ],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)}
    if PRODUCTION:
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("sslmode", env_str("DB_SSLMODE", "verify-full"))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "crossline.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE: a writing transaction takes the lock at BEGIN, so two writers queue
                # instead of failing half-way; WAL lets readers carry on meanwhile.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", "") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "crossline.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 15}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "crossline.accounts.passwords.BreachedPasswordValidator"},
    {"NAME": "crossline.accounts.passwords.MaximumLengthValidator"},
]
# A deployment points this at an offline copy of a breached-password corpus (SHA-1 hashes, one a line,
# optionally "HASH:COUNT" as the Pwned Passwords downloader writes). The service never calls out.
BREACHED_PASSWORDS_FILE = env_str("BREACHED_PASSWORDS_FILE", "")
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# django-axes: lock the (username, IP) pair, never a username alone, so nobody can lock out a
# colleague by guessing at their name from elsewhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True

OTP_TOTP_ISSUER = "Crossline"
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions: idle and absolute limits enforced by SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 8))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Step-up: bulk export, erasure and MFA changes need a sign-in this recent.
STEP_UP_MAX_AGE = timedelta(minutes=5)

# --- Transport and browser security -----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-crossline-session"
    CSRF_COOKIE_NAME = "__Host-crossline-csrf"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
else:
    SESSION_COOKIE_NAME = "crossline-session"
    CSRF_COOKIE_NAME = "crossline-csrf"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Static files (GOV.UK Frontend and MOJ Frontend, built from npm at set-up) --------------------
STATIC_URL = "/static/"
# collectstatic's target in production; in development WhiteNoise serves from the finders instead.
STATIC_ROOT = BASE_DIR / "static_build" if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(VAR_DIR / "files")}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["crossline.accounts.api_auth.MachineClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"machine-client": env_str("API_RATE", "120/min")},
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Crossline API",
    "DESCRIPTION": "National county lines intelligence platform: machine-client API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Background work (django-tasks, database backend; `crossline db_worker`) --------------------
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "outbox-mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", PRODUCTION)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "crossline-no-reply@example.gov.uk")

# --- Crossline ------------------------------------------------------------------------------
CROSSLINE_ADMIN_PATH = env_str("ADMIN_PATH", "system-admin-7f3c/")
# Where raw submitted files are kept, content-addressed by SHA-256.
RAW_FILE_STORE = Path(env_str("RAW_FILE_STORE", str(VAR_DIR / "raw-files")))
# How long a holding force's approval lets a user of another force read its records of an entity.
LINKAGE_ACCESS_DAYS = env_int("LINKAGE_ACCESS_DAYS", 90)
# Where `crossline audit anchor` appends the audit chain's head (LOG-02). In production this must be
# a store the database's administrators cannot rewrite (a WORM bucket mount, another host's share):
# an anchor kept beside the database proves nothing against someone who can rewrite both.
AUDIT_ANCHOR_FILE = Path(env_str("AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "crossline.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "crossline.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Placement notifications: how long after routing an unacknowledged one is escalated to the host
# force's supervisors, then to the national duty desk. Unset: crossline/placements/conf.py's
# defaults (24 and 48 hours). See docs/operations.md.
if env_str("PLACEMENT_ESCALATE_TO_SUPERVISORS_HOURS"):
    PLACEMENT_ESCALATE_TO_SUPERVISORS_AFTER = timedelta(hours=float(env_str("PLACEMENT_ESCALATE_TO_SUPERVISORS_HOURS")))
if env_str("PLACEMENT_ESCALATE_TO_DUTY_DESK_HOURS"):
    PLACEMENT_ESCALATE_TO_DUTY_DESK_AFTER = timedelta(hours=float(env_str("PLACEMENT_ESCALATE_TO_DUTY_DESK_HOURS")))
# The largest file anyone may send (a national return, an intensification-week spreadsheet), and
# the largest request body: the file plus room for the form around it. Larger requests are refused
# before they are read (core.middleware.RequestSizeLimitMiddleware).
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
# Crossover with `crossline resolve --engine spark`: the Spark master to run on. local[*] uses this
# machine's cores; a national deployment points it at its cluster (spark://host:7077, yarn, k8s://...).
LINKAGE_SPARK_MASTER = env_str("CROSSLINE_SPARK_MASTER", "local[*]")
# The address people use to reach the service (for links in e-mails).
CROSSLINE_BASE_URL = env_str("CROSSLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
