"""Security hardening: CSP on every page, rate limits on sign-in and registration, idle sessions, check --deploy."""

import datetime
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.factories import EnterpriseUserFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
REGISTRATION = {
    "credit_code": "91110000600037341L",
    "name": "北京门城科技有限公司",
    "contact_person": "张经理",
    "email": "zhang@example.cn",
    "mobile": "13800138000",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


@pytest.fixture
def limits(settings):
    """Two requests of each kind per hour, counted apart from every other test."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "2/h")


def csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())


@pytest.mark.parametrize("url", ["/", "/library/", "/directory/", "/accounts/login/", "/gongshi/", "/admin/login/"])
def test_pages_carry_a_content_security_policy_without_inline_script(client, policy_data, url):
    policy = csp(client.get(url))
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"


def test_the_admin_pages_carry_it_too(client, policy_data):
    client.force_login(User.objects.create_superuser("root", "root@example.cn", "x-long-password"))
    response = client.get(reverse("admin:measures_measure_changelist"))
    assert response.status_code == 200 and "'self'" in csp(response)["script-src"]


def template_problems() -> list[str]:
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|\son[a-z]+=|\sstyle=", re.I)
    return [
        f"{path.relative_to(TEMPLATES)}: {m.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for m in inline.finditer(path.read_text())
    ]


def test_no_template_has_inline_script_handlers_or_styles():
    # The policy would block them: behaviour goes to static/js/portal.js (data- attributes), looks to CSS classes.
    assert template_problems() == []


def test_scripts_and_styles_are_served_from_this_site():
    base = (TEMPLATES / "base.html").read_text()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', base) + re.findall(r"\{% static '([^']+)' %\}", base)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]


def test_sign_in_is_limited_and_the_name_typed_is_kept(client, limits):
    user = EnterpriseUserFactory()
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": "correct-horse-battery"})
    page = response.content.decode()
    assert response.status_code == 429 and "提交过于频繁" in page and f'value="{user.username}"' in page
    assert not response.wsgi_request.user.is_authenticated


def test_the_admin_sign_in_is_limited_too(client, limits):
    staff = StaffUserFactory()
    for _ in range(2):
        client.post(reverse("admin:login"), {"username": staff.username, "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": staff.username, "password": "correct-horse-battery"})
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()


def test_the_limit_counts_each_client_address_apart(client, limits, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's REMOTE_ADDR: the requests come through the proxy
    user = EnterpriseUserFactory()
    statuses = []
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2"):
        client.logout()
        response = client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": "correct-horse-battery"},
            # The first address is whatever the client wrote; the proxy appended the one that counts.
            HTTP_X_FORWARDED_FOR=f"198.51.100.7, {address}",
        )
        statuses.append(response.status_code)
    # Two sign-ins an hour from 10.0.0.1, the third refused; 10.0.0.2 has its own two.
    assert statuses == [302, 302, 429, 302]


def sign_in_from(client, user, password, remote, forwarded):
    return client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    ).status_code


def test_a_forged_forwarded_address_from_outside_the_proxy_is_ignored(client, limits, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]  # production's default: the proxy on the same machine
    user = EnterpriseUserFactory()
    statuses = [sign_in_from(client, user, "correct-horse-battery", "203.0.113.9", f"198.51.100.{n}") for n in range(3)]
    assert statuses == [302, 302, 429]  # one direct client, whatever it wrote in the header


def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    user = EnterpriseUserFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in_from(client, user, "wrong", "203.0.113.9", f"198.51.100.{n}")
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": "correct-horse-battery"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )
    assert response.status_code == 429 and not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("remote", "forwarded", "client_address"),
    [
        ("10.0.0.1", "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # the proxy appended the client's address
        ("10.0.0.1", "198.51.100.7, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # through two proxies of ours
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
        ("203.0.113.9", "10.0.0.2", "203.0.113.9"),  # not from a proxy: the header is not read at all
    ],
)
def test_the_client_address_is_the_last_one_not_of_our_proxies(rf, settings, remote, forwarded, client_address):
    from accounts.security import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client_address


def test_registration_is_limited_and_keeps_what_was_typed(client, limits):
    for _ in range(2):
        client.post(reverse("accounts:register"), {**REGISTRATION, "password2": "mismatch"})
    response = client.post(reverse("accounts:register"), REGISTRATION)
    page = response.content.decode()
    assert response.status_code == 429 and "北京门城科技有限公司" in page and "91110000600037341L" in page
    assert not User.objects.filter(username="zhang@example.cn").exists()


def test_an_idle_staff_session_ends_sooner_than_an_enterprises(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS, settings.SESSION_COOKIE_AGE = 30 * 60, 60 * 60
    client.force_login(StaffUserFactory(is_superuser=True))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_an_enterprise_session_lasts_its_own_idle_time(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS, settings.SESSION_COOKIE_AGE = 30 * 60, 60 * 60
    client.force_login(EnterpriseUserFactory())
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert client.get(reverse("accounts:profile")).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=95)):
        assert client.get(reverse("accounts:profile")).status_code == 302


def production_check(**overrides) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "DEBUG", "AUDIT_"))},
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 20 + uuid.uuid4().hex + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "PORTAL_BASE_URL": "https://portal.example.gov.cn",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
        "AUDIT_HMAC_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
    }
    env = {k: v for k, v in {**env, **overrides}.items() if v is not None}
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_the_production_settings_pass_the_deployment_checks():
    result = production_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_redis_fails_the_deployment_checks():
    result = production_check(REDIS_URL=None)
    assert result.returncode == 1 and "portal.E001" in result.stderr and "REDIS_URL is not set" in result.stderr


@pytest.mark.parametrize("key", ["development-audit-key-not-for-production", "short"])
def test_production_with_a_weak_audit_key_fails_the_deployment_checks(key):
    result = production_check(AUDIT_HMAC_KEY=key)
    assert result.returncode == 1 and "portal.E002" in result.stderr


def test_production_refuses_to_start_without_an_audit_key():
    result = production_check(AUDIT_HMAC_KEY=None)
    assert result.returncode == 1 and "AUDIT_HMAC_KEY" in result.stderr
