"""Settings for production: every secret and host comes from the environment, and HTTPS is enforced."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails: required, e.g. https://qyzc.example.gov.cn
PORTAL_BASE_URL = env("PORTAL_BASE_URL")
# The audit chain's key (HMAC): required, at least 32 characters, kept outside the database and its backups.
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind that TLS-terminating proxy the client's address (for lockouts and rate limits) is the last one it appends
# to X-Forwarded-For, believed only in requests that come from the proxy's own address (README, Production: the
# application server listens on 127.0.0.1 or the proxy's network only).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
