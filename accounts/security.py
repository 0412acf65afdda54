"""Security plumbing: who the client is, login lockouts, rate limits, idle sessions and staff two-factor.

The settings that drive it are in portal/settings/base.py under "Security"; the README's "Security" section
describes the behaviour.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from portal.cache import CacheUnavailable

logger = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _proxy_networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _proxy_networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """Return the client's address: REMOTE_ADDR, or, for a request that came through the proxies of
    TRUSTED_PROXIES, the address the nearest of them received it from (the last one in X-Forwarded-For that is not
    a proxy of ours).

    X-Forwarded-For is read only when REMOTE_ADDR is a trusted proxy: anyone reaching the application server
    directly could write any address there (issue 23: 60 sign-in attempts with forged addresses, no lockout).
    """
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    if not _is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each proxy appends the address it received from; anything left of the first address not ours may be forged.
    for address in reversed(forwarded):
        if not _is_trusted_proxy(address):
            return address if _is_address(address) else remote
    return forwarded[0] if forwarded else remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """Return the username a login attempt is counted against, as the user model stores it (e-mails lowercase)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' check, skipped for authenticate() calls made without a request.

    Every login form of the portal and the admin passes the request. Calls without one (Django's test client
    login(), a shell) have no client to count failures against; axes would raise instead of checking anything.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _retry_text(seconds: int) -> str:
    until = timezone.localtime() + datetime.timedelta(seconds=seconds)
    minutes = max(math.ceil(seconds / 60), 1)
    return _("请在 %(time)s 之后再试（约 %(minutes)s 分钟后）。") % {
        "time": time_format(until, "H:i"),
        "minutes": minutes,
    }


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page shown for a login refused during a lockout (AXES_LOCKOUT_CALLABLE): when to try again, and how."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "retry": _retry_text(seconds) if seconds else "",
        "is_admin": request.path.startswith(reverse("admin:index")),
    }
    response = render(request, "accounts/lockout.html", context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


class ProcessRateLimiter:
    """Rate limits counted in this process's memory: the fallback while the shared cache (Redis) is unreachable.

    Each process counts on its own, so with N web processes a client may get up to N times the limit through until
    Redis is back; that is the price of answering at all. Windows are fixed, of the rate's period.
    """

    PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    MAX_BUCKETS = 100_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], tuple[int, float]] = {}

    @classmethod
    def split_rate(cls, rate: str) -> tuple[int, int]:
        """Return (count, seconds) of a rate such as "30/10m" (the syntax of RATE_LIMITS)."""
        count, period = rate.split("/")
        return int(count), int(period[:-1] or 1) * cls.PERIODS[period[-1].lower()]

    def hit(self, group: str, value: str, rate: str) -> int | None:
        """Count one request of `value` (an address or a user) against the rate; return the seconds to wait if it is
        over the limit, else None."""
        limit, period = self.split_rate(rate)
        now = time.time()
        with self._lock:
            if len(self._counts) >= self.MAX_BUCKETS:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, ends = self._counts.get((group, value), (0, 0.0))
            if ends <= now:
                count, ends = 0, (now // period + 1) * period
            self._counts[(group, value)] = (count + 1, ends)
        return max(math.ceil(ends - now), 1) if count + 1 > limit else None


process_rate_limiter = ProcessRateLimiter()


def _rate_key(request: HttpRequest, key: str) -> str:
    if key == "user_or_ip" and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def retry_after(request: HttpRequest, group: str, *, key: str = "ip") -> int | None:
    """Count this request against RATE_LIMITS[group]; return the seconds to wait if it is over, else None.

    The count is kept in the shared cache; if the cache cannot be reached, in this process (logged), so that the
    page still answers and the limit still holds, per process.
    """
    rate = settings.RATE_LIMITS[group]
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    except CacheUnavailable:
        logger.warning("Cache unreachable: rate limits are counted in this process (%s)", group)
        return process_rate_limiter.hit(group, _rate_key(request, key), rate)
    if usage is None or not usage["should_limit"]:
        return None
    return max(usage["time_left"], 1)


def rate_limit(group: str, *, key: str = "ip", block: bool = True) -> Callable:
    """Limit a view's POSTs to RATE_LIMITS[group], counted per client address ("ip") or per user ("user_or_ip").

    Over the limit, `block` answers with the 429 page; without it the view is called with `request.retry_after`
    set (seconds), so that it can show its form again, with what was typed, through `too_many_requests`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.retry_after = retry_after(request, group, key=key) if request.method == "POST" else None
            if request.retry_after and block:
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def too_many_requests(
    request: HttpRequest, template: str = "accounts/rate_limited.html", context: dict | None = None
) -> HttpResponse:
    """Answer 429 with a page that says when to try again; the view passes its form back with what was typed."""
    seconds = request.retry_after
    messages.error(request, _("提交过于频繁，本次未处理。") + _retry_text(seconds))
    response = render(request, template, {"retry_path": request.get_full_path(), **(context or {})}, status=429)
    response["Retry-After"] = str(seconds)
    return response


REFRESHED_KEY = "_idle_clock_restarted_at"


class SessionRefreshMiddleware:
    """Restart a session's idle clock at most once every SESSION_REFRESH_SECONDS, instead of at every request.

    A session ends SESSION_COOKIE_AGE (staff: STAFF_SESSION_IDLE_SECONDS) after it was last saved. Saving it at
    every request cost an UPDATE and a commit per page; saving it when its last restart is a minute old or more
    ends an idle session between a minute before its limit and the limit itself. Placed after SessionMiddleware,
    which saves what this marks as changed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        if session.session_key is None and not session.modified:
            return response  # no session cookie, nothing stored: nothing to read or keep
        restarted = session.get(REFRESHED_KEY, 0)
        if session.is_empty():
            return response  # a session that has ended, or was just flushed by signing out
        now = int(timezone.now().timestamp())
        if session.modified or now - restarted >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now
        return response


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """Start the new session's idle clock: staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request,
    enterprises' after SESSION_COOKIE_AGE. Signing in saves the session, so the next page need not save it again."""
    if request is None or not hasattr(request, "session"):
        return
    if user.is_staff:
        request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
    request.session[REFRESHED_KEY] = int(timezone.now().timestamp())


# Pages an unverified member of staff may still open: the two-factor pages themselves, and signing out.
OTP_EXEMPT_VIEWS = {
    "accounts:otp_setup",
    "accounts:otp_verify",
    "accounts:login",
    "accounts:logout",
    "admin:logout",
    "set_language",
}


def staff_has_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _device in devices_for_user(user, confirmed=True))


class StaffOTPMiddleware:
    """With STAFF_OTP_REQUIRED, signed-in staff verify a one-time code (TOTP) before any other page.

    This guards the admin and everything else staff can reach signed in (e.g. attachment downloads). A member
    of staff without a device is sent to set one up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.STAFF_OTP_REQUIRED
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and not self._exempt(request)
        ):
            target = "accounts:otp_verify" if staff_has_device(user) else "accounts:otp_setup"
            return redirect_to_login(request.get_full_path(), reverse(target))
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OTP_EXEMPT_VIEWS
