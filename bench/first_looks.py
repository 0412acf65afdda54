"""First looks: each page as rendered for the first time, measured under load (issues 19 and 22).

The queue's headline pass asks for the same page again and again, which the page cache answers. Here every request
of a run is a different address or a different person: the queue over many filters and pages and the case pages of
many cases (with both queue caches off, so that no rendered page or row answers), the enterprise's pages for many
enterprises (matching, the case list) and the library's search for many words. wrk sends them through a Lua script
that walks a list of (address, cookie); a run that asks for more requests than the list holds wraps around, which
the results record (`distinct`, `wrapped`).

The enterprises' and reviewers' sessions are written straight into the session store (what the login form leaves:
the user, the backend, the password hash, the idle clock and, for staff, the verified two-factor device): signing
in a thousand enterprises through the form would take minutes of password hashing. They are deleted afterwards.
"""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import quote

# The brief's targets, by web CPU against /healthz/ in the same run.
CPU_TARGETS = {
    "queue_first": 10,
    "case_first": 10,
    "enterprise_list_first": 10,
    "library_first": 10,
}
MATCHING_TARGET_MS = 20
QUEUE = "/admin/applications/application/"
LIBRARY_WORDS = ["补贴", "奖励", "融资", "人才", "租金", "贷款", "研发", "创新", "专精特新", "就业", "社保", "稳岗"]


def signed_in_cookies(users) -> dict[int, str]:
    """Return a Cookie header per user id, for sessions written into the session store as signing in leaves them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.security import REFRESHED_KEY

    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    now = int(timezone.now().timestamp())
    cookies = {}
    for user in users:
        session = store_class()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[REFRESHED_KEY] = now
        if user.is_staff:
            device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        session.save(must_create=True)
        csrf = get_random_string(32)
        cookies[user.pk] = f"csrftoken={csrf}; {settings.SESSION_COOKIE_NAME}={session.session_key}"
    return cookies


def forget_sessions(cookies: dict[int, str]) -> None:
    from django.conf import settings
    from django.utils.module_loading import import_string

    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    for cookie in cookies.values():
        key = cookie.rsplit("=", 1)[1]
        store_class(session_key=key).delete()


def _queue_paths(subjects: dict, port: int, cookie: str, last_page) -> list[str]:
    """Every page of the reviewer's queue under several filters, interleaved (no two neighbours alike)."""
    measure = subjects["busiest_measure"]
    filters = [
        "",
        "?status__exact=submitted",
        "?status__exact=under_review",
        f"?measure__id__exact={measure}",
        f"?measure__id__exact={measure}&status__exact=under_review",
        "?overdue=yes",
        "?submitted_year=2024",
        "?status__exact=approved",
    ]
    lists = []
    for query in filters:
        last = last_page(port, QUEUE + query, cookie)
        pages = int(last.rsplit("p=", 1)[1]) if "p=" in last else 1
        separator = "&" if query else "?"
        lists.append([QUEUE + query] + [f"{QUEUE}{query}{separator}p={n}" for n in range(2, pages + 1)])
    paths = []
    for index in range(max(len(each) for each in lists)):
        paths += [each[index] for each in lists if index < len(each)]
    return paths


def requests_for(subjects: dict, port: int, cookies: dict, last_page) -> dict[str, list[tuple[str, str | None]]]:
    """The (address, cookie) lists of each first-look page, each in a shuffled order fixed by a seed."""
    from accounts.models import User
    from applications.workflow.permissions import applications_visible_to

    shuffle = random.Random(19).shuffle
    reviewer = User.objects.get(username=subjects["reviewer"])
    reviewer_cookie = cookies[reviewer.pk]
    queue = [(path, reviewer_cookie) for path in _queue_paths(subjects, port, reviewer_cookie, last_page)]
    case_ids = list(
        applications_visible_to(reviewer).exclude(status="draft").order_by("?").values_list("pk", flat=True)[:3000]
    )
    cases = [(f"{QUEUE}{pk}/change/", reviewer_cookie) for pk in case_ids]
    enterprise_cookies = [cookie for pk, cookie in cookies.items() if pk != reviewer.pk]
    shuffle(enterprise_cookies)
    words = [f"{a}{b}" for a in LIBRARY_WORDS for b in ["", " 企业", " 中小", " 北京", " 区", " 2024"]]
    shuffle(words)
    return {
        # The floor under every staff page: the admin's own smallest page (a form of three fields, nothing of the
        # portal's), which no cache answers either; the staff pages' ratios are to be read against its ratio.
        "admin_floor_first": [(ADMIN_FLOOR, reviewer_cookie)] * 600,
        "queue_first": queue,
        "case_first": cases,
        "matching_first": [("/matching/", cookie) for cookie in enterprise_cookies],
        "enterprise_list_first": [("/applications/", cookie) for cookie in reversed(enterprise_cookies)],
        "library_first": [(f"/library/?q={quote(word)}", None) for word in words],
    }


ADMIN_FLOOR = "/admin/password_change/"
PAGES = [
    ("admin_floor_first", "参照：管理后台最简页面（修改密码表单，Django 自带，无本系统内容）"),
    ("queue_first", "审核队列 首次查看（8种筛选×各页，缓存全部关闭）"),
    ("case_first", "申请详情页（管理后台）首次查看，每次不同的申请"),
    ("matching_first", "政策匹配（企业）首次查看，每次不同的企业"),
    ("enterprise_list_first", "企业的申请列表 首次查看，每次不同的企业"),
    ("library_first", "政策库搜索（公众）首次查看，每次不同的检索词"),
]


def lua_script(path: Path, requests: list[tuple[str, str | None]], headers: dict) -> Path:
    """Write a wrk script that sends the requests in order, one after another, and counts answers other than 200."""

    def lua(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    rows = ",\n".join(f"  {{{lua(p)}, {lua(c) if c else 'nil'}}}" for p, c in requests)
    base = ", ".join(f"[{lua(k)}] = {lua(v)}" for k, v in headers.items())
    path.write_text(
        f"""local requests = {{
{rows}
}}
local index = 0
not_ok = 0
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function request()
  index = index + 1
  local entry = requests[(index - 1) % #requests + 1]
  local headers = {{{base}}}
  if entry[2] then headers["Cookie"] = entry[2] end
  return wrk.format("GET", entry[1], headers)
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("not 200: %d\\n", total))
end
"""
    )
    return path
