"""`make bench`: fill a database of its own with a million cases, measure the pages, the deadline sweep and Celery,
and write bench/RESULTS.md.

    python -m bench.run              # everything: prepare, http, sweep, celery, rematch, then RESULTS.md
    python -m bench.run http sweep   # only some steps (results of earlier steps are kept in var/bench/)
    python -m bench.run rematch      # only the nightly re-match of subscriptions (writes its section of RESULTS.md)

Environment: BENCH_APPLICATIONS (1000000), BENCH_ENTERPRISES (100000, or a tenth of the applications),
BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/portal_bench, or portal_bench_<applications> for another
size), BENCH_REDIS_URL (redis://127.0.0.1:6379/13), BENCH_SECONDS (seconds of load per page, 10),
BENCH_CONNECTIONS (4), BENCH_PORT (8765), BENCH_CELERY_TASKS (10000), BENCH_RESULTS (bench/RESULTS.md at the full
size, var/bench/<database>/RESULTS.md otherwise).

Every page is served the production way: gunicorn with 2 workers, portal.settings.production (DEBUG off), behind
what the settings take for a TLS proxy (the load tool sends X-Forwarded-Proto: https), and each is measured against
/healthz/, which does no database work, served by the same server in the same run.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VAR = ROOT / "var" / "bench"
STEPS = ["prepare", "http", "sweep", "celery", "rematch", "integrity", "report"]
HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
TARGETS = {
    "queue_ratio": 1 / 6,
    "sweep_rate": 100_000,
    "sweep_rss_mb": 150,
    "celery_rate": 500,
    # The nightly re-match of subscriptions: minutes, in bounded memory.
    "rematch_seconds": 600,
    "rematch_rss_mb": 400,
}


def config() -> dict:
    env = os.environ
    applications = int(env.get("BENCH_APPLICATIONS", "1000000"))
    # The full size has its own database and writes bench/RESULTS.md; a smaller run another database and file.
    full = applications == 1_000_000
    database = "portal_bench" if full else f"portal_bench_{applications}"
    global VAR
    VAR = ROOT / "var" / "bench" / database
    return {
        "applications": applications,
        "enterprises": int(env.get("BENCH_ENTERPRISES", "100000" if full else str(max(1, applications // 10)))),
        "database_url": env.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}"),
        "redis_url": env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "seconds": int(env.get("BENCH_SECONDS", "10")),
        # Each page is measured right after this many seconds of the baseline (its ratios are to that run).
        "pair_seconds": int(env.get("BENCH_PAIR_SECONDS", "5")),
        "connections": int(env.get("BENCH_CONNECTIONS", "4")),
        "port": int(env.get("BENCH_PORT", "8765")),
        "celery_tasks": int(env.get("BENCH_CELERY_TASKS", "10000")),
        "results": Path(env.get("BENCH_RESULTS", BENCH_DIR / "RESULTS.md" if full else VAR / "RESULTS.md")),
    }


def server_env(cfg: dict) -> dict:
    """The environment of every process of the bench: production settings on the bench's database and Redis."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        AUDIT_HMAC_KEY="bench-only-audit-key-not-a-secret-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PORTAL_BASE_URL=f"http://127.0.0.1:{cfg['port']}",
        DATABASE_URL=cfg["database_url"],
        REDIS_URL=cfg["redis_url"],
        CONN_MAX_AGE=env.get("CONN_MAX_AGE", "60"),
        # Staff two-factor stays on, as in production: the bench signs the reviewer in with a one-time code.
        STAFF_OTP_REQUIRED="True",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def run(cfg: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(args, cwd=ROOT, env=server_env(cfg), check=True, text=True, capture_output=capture)
    return result.stdout if capture else ""


def manage(cfg: dict, *args: str) -> None:
    run(cfg, sys.executable, "manage.py", *args)


def load_results() -> dict:
    path = VAR / "results.json"
    return json.loads(path.read_text()) if path.exists() else {}


def save_results(results: dict) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))


def django_setup(cfg: dict) -> None:
    import django

    os.environ.update(server_env(cfg))
    django.setup()


# Step 1: the database.


def _admin_connection(cfg: dict):
    import psycopg

    url = urllib.parse.urlsplit(cfg["database_url"])
    return psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True), url.path.lstrip("/")


def recreate_database(cfg: dict) -> None:
    connection, name = _admin_connection(cfg)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def settle(cfg: dict) -> float:
    """VACUUM (ANALYZE) and CHECKPOINT the freshly generated database, as a database in service has been.

    Rows written by COPY carry no hint bits and no visibility map: the first reads after the generation write every
    page they touch again, and the checkpoint after millions of rows writes the rest, both while the first pages
    are being measured. Return the seconds it took."""
    import psycopg

    say("vacuuming and checkpointing the generated data")
    start = time.monotonic()
    with psycopg.connect(cfg["database_url"], autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
        connection.execute("CHECKPOINT")
    return round(time.monotonic() - start, 1)


def database_exists(cfg: dict) -> bool:
    connection, name = _admin_connection(cfg)
    with connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def data_size(cfg: dict) -> dict:
    out = run(
        cfg,
        sys.executable,
        "-c",
        "import django, json; django.setup(); from bench.run import table_counts; print(json.dumps(table_counts()))",
        capture=True,
    )
    return json.loads(out.strip().splitlines()[-1])


def table_counts() -> dict:
    """Return the rows of the tables the bench fills (exact counts: this runs once, not per request)."""
    from django.apps import apps
    from django.db import connection

    names = {
        "enterprises": "accounts.Enterprise",
        "users": "accounts.User",
        "applications": "applications.Application",
        "events": "applications.Event",
        "payments": "applications.Payment",
        "notices": "applications.Notice",
        "measures": "measures.Measure",
    }
    counts = {}
    with connection.cursor() as cursor:
        for key, label in names.items():
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
            counts[key] = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM accounts_enterprise WHERE email LIKE '%%@bench.example.cn'")
        counts["bench_enterprises"] = cursor.fetchone()[0]
    return counts


def prepare(cfg: dict, results: dict) -> None:
    """Create the bench database, migrate, load the policy data and generate the cases (unless already there)."""
    fresh = not database_exists(cfg)
    if fresh:
        say("creating the bench database")
        recreate_database(cfg)
    manage(cfg, "migrate", "--no-input", "-v0")
    size = data_size(cfg)
    wanted = size.get("bench_enterprises") == cfg["enterprises"] and size.get("applications") == cfg["applications"]
    if not wanted:
        if size.get("applications"):
            say(f"the bench database holds other data ({size}): starting again")
            recreate_database(cfg)
            manage(cfg, "migrate", "--no-input", "-v0")
        manage(cfg, "load_policy_data")
        say(f"generating {cfg['enterprises']} enterprises and {cfg['applications']} applications")
        start = time.monotonic()
        env_args = [sys.executable, "-m", "bench.generate"]
        subprocess.run(
            env_args,
            cwd=ROOT,
            check=True,
            env=server_env(cfg)
            | {"BENCH_ENTERPRISES": str(cfg["enterprises"]), "BENCH_APPLICATIONS": str(cfg["applications"])},
        )
        results["generation"] = {"seconds": round(time.monotonic() - start, 1), "at": _now()}
        results["generation"]["settle_seconds"] = settle(cfg)
    else:
        say("the bench database already holds the data asked for: reusing it")
    manage(cfg, "collectstatic", "--no-input", "-v0")
    results["data"] = data_size(cfg)


# Step 2: the pages.


class Server:
    """gunicorn serving the portal as in production: 2 workers, the same settings for every page."""

    def __init__(self, cfg: dict, env: dict | None = None):
        self.cfg = cfg
        self.env = env or {}
        self.port = cfg["port"]
        self.process = None
        self.options = ["--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--timeout", "120"]

    def __enter__(self):
        VAR.mkdir(parents=True, exist_ok=True)
        log = open(VAR / "gunicorn.log", "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi", *self.options],
            cwd=ROOT,
            env=server_env(self.cfg) | self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz/")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer; see {VAR / 'gunicorn.log'}")

    def worker_cpu_seconds(self) -> float:
        """Return the CPU time (user + system) the web workers have used: per request, a cost that other work on
        the machine slows down less than it slows down requests per second."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        total = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def request(port: int, method: str, path: str, *, body: str = "", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    all_headers = {**HEADERS, **(headers or {})}
    if body:
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body.encode() or None, headers=all_headers)
    response = connection.getresponse()
    content = response.read().decode("utf-8", "replace")
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    connection.close()
    return response.status, content, cookies, dict(response.getheaders())


def login(port: int, username: str, password: str) -> str:
    """Sign in through the login form, as a person would; return the Cookie header a browser then sends."""
    status, page, cookies, _h = request(port, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token:
        raise RuntimeError(f"login page: HTTP {status}")
    origin = f"https://127.0.0.1:{port}"
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)})
    status, page, cookies2, _h = request(
        port,
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"{origin}/accounts/login/",
            "Origin": origin,
        },
    )
    if status != 302 or "sessionid" not in cookies2:
        raise RuntimeError(f"login as {username} failed: HTTP {status}")
    # Both cookies, as a browser sends them: the CSRF cookie (rotated at sign-in) signs the queue's action form.
    cookie = f"csrftoken={cookies2.get('csrftoken', cookies['csrftoken'])}; sessionid={cookies2['sessionid']}"
    if (token := one_time_code(username)) is not None:
        verify_second_factor(port, cookie, token)
    return cookie


def one_time_code(username: str) -> str | None:
    """Return the current code of a member of staff's authenticator app (set up here once), or None for others.

    The code is what the app would show: TOTP over the device's key and the current time. The device's record of
    the last code used is cleared first, so that signing in twice within one 30-second step works.
    """
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    if not user.is_staff:
        return None
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verify_second_factor(port: int, cookie: str, token: str) -> None:
    """Type the one-time code into the two-factor page, as a member of staff does after the password."""
    status, page, _c, _h = request(port, "GET", "/accounts/otp/verify/", headers={"Cookie": cookie})
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not csrf:
        raise RuntimeError(f"two-factor page: HTTP {status}")
    origin = f"https://127.0.0.1:{port}"
    body = urllib.parse.urlencode({"token": token, "csrfmiddlewaretoken": csrf.group(1)})
    headers = {"Cookie": cookie, "Referer": f"{origin}/accounts/otp/verify/", "Origin": origin}
    status, _page, _c, _h = request(port, "POST", "/accounts/otp/verify/", body=body, headers=headers)
    if status != 302:
        raise RuntimeError(f"two-factor code refused: HTTP {status}")


def choose_subjects() -> dict:
    """Return the reviewer with the largest queue, the enterprise with the most cases and the pages' parameters."""
    from django.db.models import Count

    from accounts.models import Enterprise, User
    from applications.models import Application
    from applications.workflow.permissions import applications_visible_to
    from measures.models import Measure

    per_measure = dict(
        Application.objects.exclude(status="draft")
        .values_list("measure")
        .annotate(n=Count("id"))
        .values_list("measure", "n")
    )
    leads = {}
    for measure in (
        Measure.objects.filter(monetary=True).select_related("document").prefetch_related("lead_departments")
    ):
        for department in measure.lead_departments.all():
            if department.district_id == measure.document.district_id:
                leads.setdefault(department.pk, []).append(measure.pk)
    reviewers = User.objects.filter(username__startswith="bench-rev-", department__in=leads)
    reviewer = max(reviewers, key=lambda u: sum(per_measure.get(m, 0) for m in leads[u.department_id]))
    queue_size = applications_visible_to(reviewer).count()
    busiest_measure = max(leads[reviewer.department_id], key=lambda m: per_measure.get(m, 0))
    enterprise = (
        Enterprise.objects.filter(email__endswith="@bench.example.cn")
        .annotate(n=Count("applications"))
        .order_by("-n")
        .first()
    )
    return {
        "reviewer": reviewer.username,
        "reviewer_queue": queue_size,
        "busiest_measure": busiest_measure,
        "enterprise_user": enterprise.owner.username,
        "enterprise_cases": enterprise.n,
    }


def pages(subjects: dict) -> list[dict]:
    queue = "/admin/applications/application/"
    measure = subjects["busiest_measure"]
    return [
        {"key": "baseline", "name": "基线 /healthz/（不访问数据库）", "path": "/healthz/", "as": None, "expect": "ok"},
        {"key": "queue", "name": "审核队列（管理后台）首页，不筛选", "path": queue, "as": "reviewer"},
        {
            "key": "queue_deep",
            "name": "审核队列 深翻页（不筛选，最后一页）",
            "path": queue,
            "deep": True,
            "as": "reviewer",
        },
        {
            "key": "queue_status",
            "name": "审核队列 按状态筛选（待预审）",
            "path": f"{queue}?status__exact=submitted",
            "as": "reviewer",
        },
        {
            "key": "queue_measure",
            "name": "审核队列 按措施和状态筛选",
            "path": f"{queue}?measure__id__exact={measure}&status__exact=under_review",
            "as": "reviewer",
        },
        {
            "key": "queue_status_deep",
            "name": "审核队列 按状态筛选 深翻页（最后一页）",
            "path": f"{queue}?status__exact=submitted",
            "deep": True,
            "as": "reviewer",
        },
        {
            "key": "queue_search",
            "name": "审核队列 按企业名称搜索",
            "path": f"{queue}?q={quote('华信科技')}",
            "as": "reviewer",
        },
        {"key": "enterprise_list", "name": "企业的申请列表", "path": "/applications/", "as": "enterprise"},
        {"key": "matching", "name": "政策匹配（企业）", "path": "/matching/", "as": "enterprise"},
        {"key": "library_search", "name": "政策库搜索（公众）", "path": f"/library/?q={quote('补贴')}", "as": None},
    ]


def last_page_path(port: int, path: str, cookie: str) -> str:
    """Return the path of the last page the queue links to (the deepest a reviewer can click to)."""
    _status, page, _c, _h = request(port, "GET", path, headers={"Cookie": cookie})
    numbers = [int(n) for n in re.findall(r"[?&](?:amp;)?p=(\d+)", page)]
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}p={max(numbers)}" if numbers else path


def wrk(cfg: dict, path: str, cookie: str | None, *, seconds: int | None = None, script: Path | None = None) -> dict:
    """Load one address (or, with a script of bench.first_looks, the list of addresses it walks) for some seconds."""
    url = f"http://127.0.0.1:{cfg['port']}{path}"
    duration = seconds or cfg["seconds"]
    command = ["wrk", "-t1", f"-c{cfg['connections']}", f"-d{duration}s", "--latency", "--timeout", "30s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # A script counts every answer other than 200 (a redirect to the login page would otherwise pass as cheap).
    not_ok = re.search(r"not 200: (\d+)", output)
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.M))
    return {
        "rps": rps,
        "requests": total,
        "non_2xx": int(not_ok.group(1)) if not_ok else int(bad.group(1)) if bad else 0,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "command": shlex.join([*command, url]).replace(cookie or "\0", "sessionid=…"),
    }


# The queue pages are measured three times: as served (a page rendered since the district's last change comes from
# the cache, applications/queue_cache.py); with the page cache off and the rows kept (QUEUE_CACHE_SECONDS=0), about
# what the first look after a change to one case costs (it renders that row again, here none); and with both off,
# what a look costs when every row is new. Each pass has its own baseline, served by the same server.
PASSES = [
    ("served", {}, None),
    ("rendered", {"QUEUE_CACHE_SECONDS": "0"}, "（页面缓存关闭，行取自缓存）"),
    ("cold", {"QUEUE_CACHE_SECONDS": "0", "QUEUE_ROW_CACHE_SECONDS": "0"}, "（缓存全部关闭，每次渲染）"),
]


def http_step(cfg: dict, results: dict) -> None:
    load_before, started = os.getloadavg(), _now()
    subjects = choose_subjects()
    results["subjects"] = subjects
    measured = []
    for name, env, suffix in PASSES:
        chosen = pages(subjects) if suffix is None else [p for p in pages(subjects) if p["key"] in ("baseline", *QUEUE)]
        measured += _measure_pages(cfg, subjects, chosen, env, name, suffix)
    measured += _measure_first_looks(cfg, subjects)
    results["http"] = {"pages": measured, "at": started, "loadavg_before": load_before}


QUEUE = ("queue", "queue_deep", "queue_status", "queue_measure", "queue_status_deep")


def _measure_pages(cfg: dict, subjects: dict, chosen: list[dict], env: dict, name: str, suffix: str | None):
    """Measure each page right after a run of the baseline in the same server, and take its ratios to that run.

    The machine's pace drifts over the minutes of a pass (on a shared host the same cached page has cost from 1.9
    to 3.6 ms of web CPU within an hour, and `/healthz/` from 0.43 to 0.51 ms within one pass): a baseline measured
    once per pass would compare pages with a machine that is no longer there.
    """
    from bench.generate import BENCH_PASSWORD

    measured = []
    with Server(cfg, env) as server:
        cookies = {
            "reviewer": login(server.port, subjects["reviewer"], BENCH_PASSWORD),
            "enterprise": login(server.port, subjects["enterprise_user"], BENCH_PASSWORD),
            None: None,
        }

        def load(path: str, cookie: str | None, seconds: int | None = None) -> dict:
            cpu_before = server.worker_cpu_seconds()
            result = wrk(cfg, path, cookie, seconds=seconds)
            cpu = server.worker_cpu_seconds() - cpu_before
            result["cpu_ms_per_request"] = round(cpu * 1000 / result["requests"], 2) if result["requests"] else None
            if result["non_2xx"]:
                raise RuntimeError(f"{path}: {result['non_2xx']} responses were not 2xx/3xx under load")
            return result

        baseline_path = chosen[0]["path"]
        for index, page in enumerate(chosen):
            cookie = cookies[page["as"]]
            path = last_page_path(server.port, page["path"], cookie) if page.get("deep") else page["path"]
            start = time.perf_counter()
            status, content, _c, _h = request(server.port, "GET", path, headers={"Cookie": cookie} if cookie else {})
            single = time.perf_counter() - start
            if status != 200 or (page.get("expect") and page["expect"] not in content):
                raise RuntimeError(f"{path}: HTTP {status} before the load; see {VAR / 'gunicorn.log'}")
            say(f"{page['key']} ({name}): {path}")
            paired = None
            if index:
                paired = load(baseline_path, None, cfg["pair_seconds"])
            # A short warm-up first (each worker's first request loads the URL conf, templates and translations).
            wrk(cfg, path, cookie, seconds=2)
            result = load(path, cookie)
            paired = paired or result
            entry = {**page, "path": path, "first_request_seconds": round(single, 3), "pass": name, **result}
            entry["baseline_rps"], entry["baseline_cpu_ms"] = paired["rps"], paired["cpu_ms_per_request"]
            entry["ratio"] = round(result["rps"] / paired["rps"], 3)
            cpu, baseline_cpu = result["cpu_ms_per_request"], paired["cpu_ms_per_request"]
            entry["cpu_ratio"] = round(baseline_cpu / cpu, 3) if cpu and baseline_cpu else None
            if suffix:
                entry["name"] += suffix
                entry["key"] += f"_{name}"
            measured.append(entry)
            say(
                f"  {result['rps']:.1f} requests/s, p50 {result['p50']}, {result['cpu_ms_per_request']} ms CPU;"
                f" baseline just before: {paired['rps']:.1f} requests/s, {paired['cpu_ms_per_request']} ms CPU"
            )
    return measured


FIRST_LOOK_ENV = {"QUEUE_CACHE_SECONDS": "0", "QUEUE_ROW_CACHE_SECONDS": "0"}
FIRST_LOOK_SESSIONS = int(os.environ.get("BENCH_FIRST_LOOK_ENTERPRISES", "3000"))


def _measure_first_looks(cfg: dict, subjects: dict) -> list[dict]:
    """Measure each page of bench.first_looks as first rendered: every request another address or person.

    As for the other passes, each page is measured right after a run of /healthz/ in the same server, and its
    ratios are to that run. The first three addresses of each list are asked for once to check they answer 200,
    the next tenth is the warm-up, and the rest is measured.
    """
    from accounts.models import Enterprise, User
    from bench import first_looks

    measured = []
    with Server(cfg, FIRST_LOOK_ENV) as server:
        enterprises = Enterprise.objects.filter(email__endswith="@bench.example.cn").select_related("owner")
        owners = [enterprise.owner for enterprise in enterprises.order_by("?")[:FIRST_LOOK_SESSIONS]]
        reviewer = User.objects.get(username=subjects["reviewer"])
        say(f"first looks: writing {len(owners) + 1} sessions")
        cookies = first_looks.signed_in_cookies([reviewer, *owners])
        try:
            lists = first_looks.requests_for(subjects, server.port, cookies, last_page_path)
            baseline = _load(cfg, server, "/healthz/", None)
            measured.append(
                {
                    "key": "baseline_first",
                    "name": "基线 /healthz/（首次查看一轮）",
                    "path": "/healthz/",
                    "pass": "first",
                }
                | baseline
                | {"baseline_rps": baseline["rps"], "baseline_cpu_ms": baseline["cpu_ms_per_request"]}
                | {"ratio": 1.0, "cpu_ratio": 1.0}
            )
            for key, name in first_looks.PAGES:
                entries = lists[key]
                for path, cookie in entries[:3]:
                    status, _content, _c, _h = request(
                        server.port, "GET", path, headers={"Cookie": cookie} if cookie else {}
                    )
                    if status != 200:
                        raise RuntimeError(f"{key}: {path} answered HTTP {status}; see {VAR / 'gunicorn.log'}")
                warm_count = max(20, len(entries) // 10)
                warm, rest = entries[3 : 3 + warm_count], entries[3 + warm_count :]
                if len(rest) < 2 * warm_count:  # a short list (a small queue): walked again and again
                    warm = rest = entries
                say(f"{key} (first looks): {len(rest)} different requests")
                paired = _load(cfg, server, "/healthz/", None, cfg["pair_seconds"])
                wrk(cfg, "/", None, seconds=2, script=first_looks.lua_script(VAR / f"{key}-warm.lua", warm, HEADERS))
                result = _load(cfg, server, "/", None, script=first_looks.lua_script(VAR / f"{key}.lua", rest, HEADERS))
                entry = {"key": key, "name": name, "path": rest[0][0], "pass": "first", **result}
                entry["distinct"], entry["wrapped"] = len(rest), result["requests"] > len(rest)
                entry["baseline_rps"], entry["baseline_cpu_ms"] = paired["rps"], paired["cpu_ms_per_request"]
                entry["ratio"] = round(result["rps"] / paired["rps"], 3)
                cpu, baseline_cpu = result["cpu_ms_per_request"], paired["cpu_ms_per_request"]
                entry["cpu_ratio"] = round(baseline_cpu / cpu, 3) if cpu and baseline_cpu else None
                measured.append(entry)
                say(
                    f"  {result['rps']:.1f} requests/s ({result['requests']} of {len(rest)} different), p50"
                    f" {result['p50']}, {cpu} ms CPU; baseline just before: {paired['cpu_ms_per_request']} ms CPU"
                )
        finally:
            first_looks.forget_sessions(cookies)
    return measured


def _load(cfg: dict, server: Server, path: str, cookie: str | None, seconds: int | None = None, script=None) -> dict:
    """wrk against the server, with the web workers' CPU time per request; any answer but 200 (or 3xx without a
    script) stops the bench."""
    cpu_before = server.worker_cpu_seconds()
    result = wrk(cfg, path, cookie, seconds=seconds, script=script)
    cpu = server.worker_cpu_seconds() - cpu_before
    result["cpu_ms_per_request"] = round(cpu * 1000 / result["requests"], 2) if result["requests"] else None
    if result["non_2xx"]:
        raise RuntimeError(f"{path}: {result['non_2xx']} responses were not as expected under load")
    return result


# Step 3: the deadline sweep.


def sweep_step(cfg: dict, results: dict) -> None:
    results["sweep"] = {"at": _now()}
    for mode in ("catch-up", "steady"):
        say(f"deadline sweep over all open cases ({mode}), in a process of its own")
        output = run(cfg, sys.executable, "-m", "bench.sweep", mode, capture=True)
        results["sweep"][mode] = json.loads(output.strip().splitlines()[-1])
        say(f"  {results['sweep'][mode]}")


# Step 4: Celery.


def celery_step(cfg: dict, results: dict) -> None:
    from bench.celery_bench import measure

    results["celery"] = measure(cfg, server_env(cfg), VAR) | {"at": _now()}
    say(f"  {results['celery']}")


# Step 5: the nightly re-match of subscriptions.


def rematch_step(cfg: dict, results: dict) -> None:
    """Time the nightly re-match over every bench enterprise (bench/rematch.py) and write its lines to RESULTS.md."""
    from bench.report import write_rematch_section

    earlier = results.get("rematch", {})
    results["rematch"] = {"at": _now()}
    for mode in ("baseline", "steady"):
        say(f"nightly re-match of subscriptions ({mode}), in a process of its own")
        output = run(cfg, sys.executable, "-m", "bench.rematch", mode, capture=True)
        entry = json.loads(output.strip().splitlines()[-1])
        if entry.get("skipped") and mode in earlier:
            entry = earlier[mode]  # the first night was measured before; it is not run twice
        results["rematch"][mode] = entry
        say(f"  {entry}")
    write_rematch_section(results, cfg["results"])
    say(f"wrote the re-match to {cfg['results']}")


def integrity_step(cfg: dict, results: dict) -> None:
    """Time the integrity links of a submission and the reviewer's reading of them (bench/integrity_bench.py)."""
    manage(cfg, "migrate", "--no-input", "-v0")  # the enterprises' address and account columns
    say("integrity links at submission and on the case page, in a process of its own")
    output = run(cfg, sys.executable, "-m", "bench.integrity_bench", capture=True)
    results["integrity"] = json.loads(output.strip().splitlines()[-1]) | {"at": _now()}
    say(f"  {results['integrity']}")


# Step 6: RESULTS.md.


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())

    def version(*command: str) -> str:
        try:
            output = subprocess.run(command, capture_output=True, text=True, check=False)
        except OSError:
            return "?"
        lines = (output.stdout or output.stderr).strip().splitlines()
        return lines[0] if lines else "?"

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": version("psql", "--version"),
        "redis": version("redis-server", "--version"),
        "wrk": version("wrk", "--version"),
    }


def main(argv: list[str]) -> None:
    steps = argv or STEPS
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise SystemExit(f"unknown steps {sorted(unknown)}; choose from {STEPS}")
    cfg = config()
    results = load_results()
    results["config"] = {k: str(v) for k, v in cfg.items()}
    if "prepare" in steps:
        prepare(cfg, results)
        save_results(results)
    if {"http", "sweep", "celery", "rematch", "integrity"} & set(steps):
        django_setup(cfg)
    steps_run = [
        ("http", http_step),
        ("sweep", sweep_step),
        ("celery", celery_step),
        ("rematch", rematch_step),
        ("integrity", integrity_step),
    ]
    for step, function in steps_run:
        if step in steps:
            function(cfg, results)
            save_results(results)
    if "report" in steps:
        from bench.report import write_report

        results["machine"] = machine()
        save_results(results)
        write_report(results, cfg["results"])
        say(f"wrote {cfg['results']}")


if __name__ == "__main__":
    main(sys.argv[1:])
