"""Deployment checks of the portal's own settings (`manage.py check --deploy`): what production cannot run without.

Registered by the applications app (`ApplicationsConfig.ready`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

DEVELOPMENT_AUDIT_KEY = "development-audit-key-not-for-production"
MIN_AUDIT_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def check_redis(app_configs, **kwargs) -> list[Error]:
    """Production needs Redis: without it the rate limits are counted per process and sessions are not shared."""
    if settings.REDIS_URL:
        return []
    return [
        Error(
            "REDIS_URL is not set: rate limits would be counted by each process apart and the cache not shared.",
            hint="Set REDIS_URL, e.g. redis://127.0.0.1:6379/0 (README, Production).",
            id="portal.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_audit_key(app_configs, **kwargs) -> list[Error]:
    """The audit chain's key must be the operators' own secret, not the development default."""
    key = settings.AUDIT_HMAC_KEY
    if key != DEVELOPMENT_AUDIT_KEY and len(key) >= MIN_AUDIT_KEY_LENGTH:
        return []
    return [
        Error(
            f"AUDIT_HMAC_KEY is the development default or shorter than {MIN_AUDIT_KEY_LENGTH} characters.",
            hint="Generate one (python -c 'import secrets; print(secrets.token_hex(32))') and keep it outside the "
            "database and its backups.",
            id="portal.E002",
        )
    ]
