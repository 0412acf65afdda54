"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import datetime
from email.utils import getaddresses
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # Django's admin, with its model list kept (portal/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "ninja",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "measures",
    "contacts",
    "applications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.security.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.AdminObjectIdMiddleware",
    "accounts.language.RememberLanguageMiddleware",
    "accounts.security.StaffOTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a login refused during a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
            ],
            # |money, |share and {% language_choices %} in every template, the admin's and e-mails' too.
            "builtins": ["portal.templatetags.portal_tags"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Under `make run` the web server, the worker's processes and beat share the file. A transaction takes the write
    # lock when it begins (IMMEDIATE), so two that read and then write wait for each other (up to `timeout` seconds)
    # instead of one failing with "database is locked"; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "measures:home"

LANGUAGE_CODE = "zh-hans"
# Each language is named in itself on the switch ({% language_choices %}), never translated ("英语").
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded attachments never live under the web root: they are served by a view that checks permissions.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Applications' attachments: outside the web root, served only by a view that checks who may see the case.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Files stored per case (a removed file that was never handed in is deleted and no longer counts), and bytes stored
# per enterprise over all its cases (applications/workflow/uploads.py).
ATTACHMENTS_PER_APPLICATION = 20
ATTACHMENT_QUOTA_BYTES = env.int("ATTACHMENT_QUOTA_BYTES", default=200 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis feeds the Celery broker and the cache. Without it (make run), Celery's broker is an SQLite file under var/
# (kombu's SQLAlchemy transport, portal/broker.py), which needs no server, and the cache is per process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are saved to the database and read from Redis (one query fewer on every signed-in page). Without
    # Redis the cache is per process, which cannot share a signed-out session between processes: database only.
    SESSION_ENGINE = "accounts.sessions"
    CELERY_BROKER_URL = REDIS_URL
    # With late acknowledgement, Redis hands a message that is not acknowledged within the visibility timeout to
    # another worker. It must therefore exceed the hard time limit and every countdown/ETA (CELERY_MAX_COUNTDOWN),
    # or a task runs twice; it is also how long the task of a killed worker (SIGKILL) waits to be redelivered.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_FILE = Path(env("CELERY_BROKER_FILE", default=str(VAR_DIR / "celery-broker.sqlite3")))
    CELERY_BROKER_URL = f"sqlite:///{CELERY_BROKER_FILE}"
    CELERY_BROKER_TRANSPORT = "portal.broker:Transport"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task that overruns is interrupted (SoftTimeLimitExceeded, then killed); sweeps work in chunks well below this.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# The longest countdown a task may be given; anything further ahead is beat's job.
CELERY_MAX_COUNTDOWN = CELERY_VISIBILITY_TIMEOUT // 2
if not CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "Celery needs CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT, "
        "or a task that runs long is delivered twice."
    )
# Beat reads its schedule from the database (django-celery-beat): the entries below are written there when beat
# starts and can then be seen, changed, paused or run from the admin (周期任务). Times are Beijing time.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "applications.deadlines.tasks.sweep_deadlines", "schedule": crontab(minute="*/15")},
    "close-due-publicity": {"task": "applications.deadlines.tasks.close_due_publicity", "schedule": crontab(minute=5)},
    "end-expired-bans": {
        "task": "applications.deadlines.tasks.end_expired_bans",
        "schedule": crontab(hour=0, minute=10),
    },
    "send-daily-digests": {
        "task": "applications.deadlines.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # The notices held for those who chose one e-mail a day (applications.notices.digest).
    "send-notice-digests": {
        "task": "applications.deadlines.tasks.send_notice_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "lapse-due-corrections": {
        "task": "applications.deadlines.tasks.lapse_due_corrections",
        "schedule": crontab(minute=20),
    },
    "dispatch-pending-notices": {
        "task": "applications.notices.tasks.dispatch_pending_notices",
        "schedule": crontab(minute="*/2"),
    },
    "check-working-day-calendar": {
        "task": "measures.tasks.check_working_day_calendar",
        "schedule": crontab(hour=9, minute=30),
    },
    "anchor-audit-chains": {
        "task": "applications.anchors.tasks.anchor_audit_chains",
        "schedule": crontab(hour=0, minute=30),
    },
    # The nightly re-match: one e-mail per subscribed person of the measures new to them (applications/subscriptions).
    "send-measure-digests": {
        "task": "applications.subscriptions.tasks.send_measure_digests",
        "schedule": crontab(hour=2, minute=0),
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
# The portal's one name, set once: the sender of its mail, the issuer authenticator apps show, the site's and the
# admin's titles (translated on English pages and mail by the catalogue, where it is the default).
PORTAL_NAME = env("PORTAL_NAME", default="北京中小企业惠企政策服务平台")
MAIL_FROM_ADDRESS = env("MAIL_FROM_ADDRESS", default="noreply@localhost")
DEFAULT_FROM_EMAIL = f"{PORTAL_NAME} <{MAIL_FROM_ADDRESS}>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Operators told about problems (a year missing from the holiday calendar, and Django's server errors):
# comma separated, e.g. "运维 <ops@example.gov.cn>,it@example.gov.cn".
ADMINS = getaddresses(env.list("ADMINS", default=[]))

# The portal's public address, for the links in e-mails (which are written where there is no request).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Deadlines and reminders (applications.reminders). Working days follow the official calendar (measures.workdays).
REVIEW_LIMIT_WORKING_DAYS = env.int("REVIEW_LIMIT_WORKING_DAYS", default=5)  # a case waiting longer is overdue
ESCALATION_WORKING_DAYS = env.int("ESCALATION_WORKING_DAYS", default=5)  # then, after this many more, to the head
RECOVERY_DUE_DAYS = env.int("RECOVERY_DUE_DAYS", default=30)  # default time to repay after a fraud decision
SWEEP_CHUNK_SIZE = env.int("SWEEP_CHUNK_SIZE", default=2000)
# Notices sent by one Celery task over one mail-server connection (applications.notices.tasks.enqueue).
NOTICE_BATCH_SIZE = env.int("NOTICE_BATCH_SIZE", default=50)
# Single-address notices marked sent together, in one transaction (a worker that dies part-way resends at most these).
NOTICE_COMMIT_EVERY = env.int("NOTICE_COMMIT_EVERY", default=10)
# Seconds a rendered page of the reviewer's queue is kept; any change to a case of the district renews it sooner
# (applications/queue_cache.py). 0 turns the cache off.
QUEUE_CACHE_SECONDS = env.int("QUEUE_CACHE_SECONDS", default=60)
# Seconds an unused rendered row of the queue is kept; a row's key holds everything it shows, so a change makes a new
# key rather than a stale row (applications/queue_cache.py). 0 turns it off.
QUEUE_ROW_CACHE_SECONDS = env.int("QUEUE_ROW_CACHE_SECONDS", default=900)
# Seconds an unused rendered card of the matching page is kept; shared by every enterprise whose match of that measure
# reads the same, and its key holds all the card shows (measures/match_cards.py). 0 turns it off.
MATCH_CARD_CACHE_SECONDS = env.int("MATCH_CARD_CACHE_SECONDS", default=900)
SWEEP_CHUNK_PAUSE = env.float("SWEEP_CHUNK_PAUSE", default=0)  # seconds between chunks; tests use it, production not

# The audit trail (README "Security"): the events' hash chain is keyed with this (HMAC-SHA256; required in production,
# kept outside the database), and a daily digest of every case's chain head is appended to AUDIT_ANCHOR_LOG and
# mailed to AUDIT_ANCHOR_RECIPIENTS (applications/anchors/). Changing the key breaks every chain written before.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", default="development-audit-key-not-for-production")
AUDIT_ANCHOR_LOG = env.path("AUDIT_ANCHOR_LOG", default=VAR_DIR / "audit" / "anchors.log")
AUDIT_ANCHOR_RECIPIENTS = [address for _name, address in getaddresses(env.list("AUDIT_ANCHOR_RECIPIENTS", default=[]))]

# Security (README "Security"): failed-login lockout, rate limits, idle sessions, CSP and staff two-factor.
# Locked-out logins are refused before the password is checked; accounts.security.LoginLockoutBackend is
# django-axes' backend that lets through authenticate() calls made without a request (the test client's login).
AUTHENTICATION_BACKENDS = [
    "accounts.security.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# What a lockout applies to: "username+ip_address" (default) locks a name from one address only, so nobody can
# lock a colleague out from elsewhere; the login rate limit below bounds guessing across many names.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env.list("AXES_LOCKOUT_PARAMETERS", default=["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_USERNAME_CALLABLE = "accounts.security.login_username"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
# Addresses (or networks, "10.0.0.0/24") of the proxies in front of the portal, each of which appends the address it
# received from to X-Forwarded-For; the header is believed only in a request from one of them. Empty: REMOTE_ADDR.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Rate limits (django-ratelimit, counted in the default cache: Redis in production), "count/period" with period
# s, m, h or d, optionally multiplied ("30/10m"). Login and registration count per address, submissions per user.
RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/10m"),
    "register": env("RATE_LIMIT_REGISTER", default="10/h"),
    "submission": env("RATE_LIMIT_SUBMISSION", default="10/h"),
    "objection": env("RATE_LIMIT_OBJECTION", default="5/h"),
}
RATELIMIT_IP_META_KEY = "accounts.security.client_ip"
# Colleagues an enterprise's owner may invite a day (counted in the database, Beijing time).
INVITATIONS_PER_DAY = env.int("INVITATIONS_PER_DAY", default=5)
# The Redis cache (portal.cache, Django's with its client reused) increments atomically (INCR) but is not on
# django-ratelimit's list of known backends.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Sessions end after this long without a request; staff sessions sooner (set at login, accounts.security).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_MINUTES", default=30) * 60
# A request restarts the idle clock by saving its session, at most once this many seconds (accounts.security).
SESSION_REFRESH_SECONDS = 60

# Content Security Policy (django-csp): only this site's own scripts, styles, images and fonts. Bootstrap's CSS
# draws its icons from data: URIs. A template that needs an inline script gives it nonce="{{ request.csp_nonce }}".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # The hash is the admin change list's one inline <style> (a list without actions).
        "style-src": [SELF, NONCE, "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Staff verify a one-time code (TOTP, django-otp) before using the admin or any page signed in. A member of staff
# without a device sets one up at /accounts/otp/setup/; an administrator removes a lost one in the admin (TOTP 设备).
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = PORTAL_NAME

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
