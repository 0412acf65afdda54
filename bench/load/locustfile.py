"""Locust's deadline day: visitors, enterprises, reviewers and finance officers, each user an account of its own.

Run by `python -m bench.load` (which starts the portal and reads what this writes); it never imports Django. The
cast (accounts, submission plans, authenticator keys) is read from LOAD_CAST, every request is appended to
LOAD_REQUESTS (time, step, page, milliseconds, failed) and every submission the portal acknowledged to LOAD_LEDGER.

The ramp (LoadShape) runs LOAD_STEPS users (10,20,40,80,160), LOAD_STEP_SECONDS each, and stops after the first step
whose p95 is over a second or that had a failure (LOAD_STOP_EARLY=0 runs every step).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, LoadTestShape, between, events, task

from bench.load.arith import StepWindow
from bench.load.forms import PDF, form_fields
from bench.load.totp import totp

CAST = json.loads(open(os.environ.get("LOAD_CAST", "var/loadtest/cast.json"), encoding="utf-8").read())
STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "10,20,40,80,160").split(",")]
STEP_SECONDS = int(os.environ.get("LOAD_STEP_SECONDS", "60"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "5"))
STOP_EARLY = os.environ.get("LOAD_STOP_EARLY", "1") == "1"
QUEUE = "/admin/applications/application/"
SEARCH_TERMS = ["补贴", "贷款贴息", "房租", "高新技术", "专精特新", "稳岗", "研发", "首贷", "人才", "上市"]
NAMES = ["华信", "中科", "京通", "金桥", "博远", "蓝海", "天合", "恒泰", "智联", "云帆"]  # bench.generate's names
INDUSTRIES = ["软件和信息技术服务业", "批发业", "零售业", "工业", "餐饮业"]
NEXT = {kind: itertools.count() for kind in ("enterprises", "reviewers", "finance", "ip")}
WINDOW = StepWindow()
_requests = open(os.environ.get("LOAD_REQUESTS", "var/loadtest/requests.csv"), "a", buffering=1, encoding="utf-8")
_ledger = open(os.environ.get("LOAD_LEDGER", "var/loadtest/ledger.jsonl"), "a", buffering=1, encoding="utf-8")


@events.request.add_listener
def _record(name, response_time, exception, **_kw):
    WINDOW.add(response_time, exception is not None)
    _requests.write(f"{time.time():.3f},{WINDOW.step},{name},{response_time:.1f},{int(exception is not None)}\n")


class Portal(HttpUser):
    """A browser: its own cookies (sent by hand: the portal's are Secure and the TLS proxy is not in the test), its
    own client address, the CSRF token from each form."""

    abstract = True
    wait_time = between(1, 4)

    def on_start(self):
        n = next(NEXT["ip"])
        self.ip = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.cookies = {}
        self.origin = "https://" + urlsplit(self.host).netloc

    def call(self, method, path, page, *, data=None, files=None, expect=(200,), json_body=None):
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": self.ip, "X-Load-Page": page}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers |= {"Origin": self.origin, "Referer": self.origin + path}
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        self.client.cookies.clear()
        with self.client.request(
            method,
            path,
            name=page,
            headers=headers,
            data=data,
            files=files,
            json=json_body,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            for name, value in response.cookies.items():
                self.cookies[name] = value
            if response.status_code not in expect:
                error = re.search(
                    r'class="(?:errornote|errorlist|alert alert-danger)[^"]*"[^>]*>(.{0,160})', response.text
                )
                said = re.sub(r"<[^>]+>", " ", error.group(1)).strip() if error else ""
                response.failure(
                    f"HTTP {response.status_code} (expected {expect}) {re.sub(r'[0-9]+', 'N', path)} {said}"
                )
            else:
                response.success()
            return response

    def post_form(self, path, page, html, extra=None, files=None, expect=(302,)):
        fields = form_fields(html, path)
        fields.update(extra or {})
        return self.call("POST", path, page, data=fields, files=files, expect=expect)

    def sign_in(self, username: str, device: dict | None = None) -> None:
        page = self.call("GET", "/accounts/login/", "sign-in form")
        self.post_form("/accounts/login/", "sign-in", page.text, {"username": username, "password": CAST["password"]})
        if device:
            page = self.call("GET", "/accounts/otp/verify/", "two-factor form")
            code = totp(device["key"], device["step"], device["digits"])
            self.post_form("/accounts/otp/verify/", "two-factor", page.text, {"token": code})

    def bare(self):
        self.call("GET", "/healthz/", "bare /healthz/")


class Visitor(Portal):
    """Reads the library, searches it, opens measures, runs the public check and reads the 公示 list."""

    weight = 5

    @task(3)
    def library(self):
        self.call("GET", "/library/", "library")

    @task(3)
    def search(self):
        self.call("GET", "/library/?" + urlencode({"q": random.choice(SEARCH_TERMS)}), "library search")

    @task(4)
    def measure(self):
        self.call("GET", f"/measures/{random.choice(CAST['measures'])}/", "measure page")

    @task(2)
    def public_check(self):
        query = {"industry": random.choice(INDUSTRIES), "employees": random.randint(3, 300)}
        self.call("GET", "/matching/check/?" + urlencode(query), "public check")

    @task(1)
    def publicity(self):
        self.call("GET", "/gongshi/", "publicity list")

    @task(2)
    def healthz(self):
        self.bare()


class Enterprise(Portal):
    """Signs in, looks at its matches, estimates, then starts, saves (with a PDF) and submits one application."""

    weight = 4

    def on_start(self):
        super().on_start()
        plans = CAST["enterprises"]
        index = next(NEXT["enterprises"])
        if index >= len(plans):
            raise RuntimeError(f"the cast has {len(plans)} enterprises; raise LOAD_ENTERPRISES")
        self.plan, self.case, self.tried = plans[index], None, False
        self.sign_in(self.plan["username"])

    @task(3)
    def matching(self):
        self.call("GET", "/matching/", "matching")

    @task(2)
    def estimate(self):
        inputs = {k[6:]: v for k, v in self.plan["fields"].items() if k.startswith("input_")}
        path = f"/api/measures/{self.plan['measure']}/estimate"
        self.call("POST", path, "estimate (API)", json_body={"inputs": inputs, "enterprise": True})

    @task(2)
    def cases(self):
        self.call("GET", "/applications/", "my applications")
        if self.case:
            self.call("GET", f"/applications/{self.case}/", "my case")

    @task(2)
    def submit(self):
        if self.case or self.tried:
            return
        self.tried = True  # one application each: a refused one is a failure in the report, not tried again
        start = f"/applications/new/{self.plan['measure']}/"
        page = self.call("GET", start, "start form")
        made = self.post_form(start, "start", page.text)
        match = re.search(r"/applications/(\d+)/edit/", made.headers.get("Location", ""))
        if not match:
            return
        pk = int(match.group(1))
        edit = f"/applications/{pk}/edit/"
        page = self.call("GET", edit, "application form")
        files = [(name, ("材料.pdf", PDF, "application/pdf")) for name in self.plan["files"]]
        saved = self.post_form(edit, "save draft + PDF", page.text, self.plan["fields"] | {"intent": "save"}, files)
        page = self.call("GET", edit, "application form")
        self.post_form(edit, "to review", page.text, self.plan["fields"] | {"intent": "review"})
        confirm = f"/applications/{pk}/confirm/"
        page = self.call("GET", confirm, "confirm page")
        done = self.post_form(confirm, "submit", page.text)
        if saved.status_code == 302 and done.headers.get("Location", "").endswith(f"/applications/{pk}/"):
            detail = self.call("GET", f"/applications/{pk}/", "my case")
            reference = re.search(r"SQ-\d{4}-\d{6}", detail.text)
            _ledger.write(
                json.dumps({"pk": pk, "reference": reference and reference.group(0), "t": time.time()}) + "\n"
            )
            self.case = pk


class Staff(Portal):
    abstract = True
    cast_key = ""
    filters: list[dict] = []
    actions: dict[str, list[str]] = {}

    def on_start(self):
        super().on_start()
        people = CAST[self.cast_key]
        index = next(NEXT[self.cast_key])
        if index >= len(people):
            raise RuntimeError(f"the cast has {len(people)} {self.cast_key}; raise LOAD_STAFF_COPIES")
        self.device = people[index]
        self.pages, self.seen, self.measures = {}, set(), set()
        self.sign_in(self.device["username"], self.device)

    def look(self, query: dict) -> list[int]:
        """Open a page of the queue this person has not opened before if there is one (a filter, a page number:
        a first look, not a reload), return the cases on it."""
        key = urlencode(query)
        unseen = [n for n in range(1, self.pages.get(key, 1) + 1) if (key, n) not in self.seen]
        number = random.choice(unseen) if unseen else random.randint(1, self.pages.get(key, 1))
        self.seen.add((key, number))
        page = self.call("GET", f"{QUEUE}?{urlencode(query | ({'p': number} if number > 1 else {}))}", "queue page")
        numbers = [int(n) for n in re.findall(r"[?&](?:amp;)?p=(\d+)", page.text)]
        self.pages[key] = max(numbers, default=1)
        self.measures.update(re.findall(r"measure__id__exact=(\d+)", page.text))
        return [int(n) for n in re.findall(r"/admin/applications/application/(\d+)/change/", page.text)]

    @task(4)
    def browse(self):
        """The queue as a person narrows it: a status, one of the measures it lists, a name searched for."""
        query = random.choice(self.filters)
        if self.measures and random.random() < 0.3:
            query = query | {"measure__id__exact": random.choice(sorted(self.measures))}
        elif random.random() < 0.15:
            query = query | {"q": random.choice(NAMES)}
        self.look(query)

    @task(3)
    def work_a_case(self):
        status = random.choice(list(self.actions))
        cases = self.look({"status__exact": status})
        if not cases:
            return
        pk = random.choice(cases)
        case = self.call("GET", f"{QUEUE}{pk}/change/", "case page")
        seen = re.search(r"[?&](?:amp;)?seen=(\d+)", case.text)
        action = random.choice(self.actions[status])
        path = f"{QUEUE}{pk}/act/{action}/"
        form = self.call("GET", path + (f"?seen={seen.group(1)}" if seen else ""), f"action form ({action})")
        if form.status_code != 200:
            return  # taken by a colleague meanwhile: the portal sends back to the case page
        fields = form_fields(form.text, path)
        extra = {"comment": (fields.get("comment") or "").strip() or "负载测试：请补充材料。"}
        if "amount" in fields and not fields["amount"]:
            extra["amount"] = "1000.00"
        if "bank_reference" in fields:
            extra["bank_reference"] = f"LT{random.randint(10**9, 10**10)}"
        self.post_form(path, f"action ({action})", form.text, extra, expect=(302,))


class Reviewer(Staff):
    """Works the queue of a lead department: filters and pages, case pages, accepts and returns cases."""

    weight = 2
    cast_key = "reviewers"
    filters = [{}, {"status__exact": "submitted"}, {"status__exact": "under_review"}, {"status__exact": "resubmitted"}]
    actions = {"submitted": ["accept", "accept", "accept", "return_for_correction"], "resubmitted": ["accept"]}


class Finance(Staff):
    """Approves cases of the district's finance review and records payments."""

    weight = 1
    cast_key = "finance"
    filters = [{}, {"status__exact": "finance_review"}, {"status__exact": "approved"}]
    actions = {"finance_review": ["finance_approve"], "approved": ["record_payment"]}


class LoadShape(LoadTestShape):
    """The ramp: each step's users for LOAD_STEP_SECONDS; stop after the first step over the line (p95 > 1 s or
    any failure) unless LOAD_STOP_EARLY=0."""

    def tick(self):
        step = int(self.get_run_time() // STEP_SECONDS)
        if step != WINDOW.step:
            if STOP_EARLY and WINDOW.step >= 0 and not WINDOW.sustainable():
                return None
            WINDOW.start(step)
            _requests.write(f"{time.time():.3f},{step},__step__,{STEPS[step] if step < len(STEPS) else 0},0\n")
        if step >= len(STEPS):
            return None
        return STEPS[step], SPAWN_RATE
