"""With two web instances: what one instance did, the other must know. Each check goes to the instances directly
(not through nginx), so which instance answers is chosen, not left to the balancer.

- a session made on A is signed in on B;
- a file uploaded during the run (on whichever instance) is served by both;
- the sign-in rate limit counts the attempts made on A and on B together;
- two reviewers' presses of the same action on A and on B at once make one transition (the row lock);
- the queue page cached before that change is not served by either instance after it.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from pathlib import Path

import psycopg

from bench import run as bench
from bench.load.totp import totp

QUEUE = "/admin/applications/application/"


def _sign_in(port: int, username: str, password: str, device: dict | None = None) -> str:
    status, page, cookies, _h = bench.request(port, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    origin = f"https://127.0.0.1:{port}"
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    headers = {"Cookie": f"csrftoken={cookies['csrftoken']}", "Referer": f"{origin}/accounts/login/", "Origin": origin}
    status, _page, cookies2, _h = bench.request(port, "POST", "/accounts/login/", body=body, headers=headers)
    if status != 302:
        raise RuntimeError(f"sign-in of {username} on {port}: HTTP {status}")
    cookie = f"csrftoken={cookies2.get('csrftoken', cookies['csrftoken'])}; sessionid={cookies2['sessionid']}"
    if device:
        bench.verify_second_factor(port, cookie, totp(device["key"], device["step"], device["digits"]))
    return cookie


def _session(a: int, b: int, user: str, password: str) -> dict:
    cookie = _sign_in(a, user, password)
    status, _page, _c, _h = bench.request(b, "GET", "/applications/", headers={"Cookie": cookie})
    return {"ok": status == 200, "detail": f"signed in on :{a}, /applications/ on :{b} answered {status}"}


def _files(ports: list[int], user: str, password: str, pk: int) -> dict:
    cookie = _sign_in(ports[0], user, password)
    _s, page, _c, _h = bench.request(ports[1], "GET", f"/applications/{pk}/", headers={"Cookie": cookie})
    links = re.findall(rf"/applications/{pk}/attachments/\d+/", page)
    if not links:
        return {"ok": False, "detail": f"case {pk} shows no attachment"}
    answers = []
    for port in ports:
        status, content, _c, _h = bench.request(port, "GET", links[0], headers={"Cookie": cookie})
        answers.append(status == 200 and content.startswith("%PDF"))
    return {"ok": all(answers), "detail": f"{links[0]} served as a PDF by {sum(answers)} of {len(ports)} instances"}


def _rate_limit(ports: list[int], limit: int = 30) -> dict:
    """Wrong passwords for ever new names from one address, alternating instances, until one is refused (429)."""
    status, page, cookies, _h = bench.request(ports[0], "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    for attempt in range(1, 4 * limit + 2):
        port = ports[attempt % len(ports)]
        origin = f"https://127.0.0.1:{port}"
        body = urllib.parse.urlencode(
            {"username": f"nobody{attempt}@load.example.cn", "password": "wrong", "csrfmiddlewaretoken": token}
        )
        headers = {
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"{origin}/accounts/login/",
            "Origin": origin,
            "X-Forwarded-For": "10.250.0.1",
        }
        status, _p, _c, _h = bench.request(port, "POST", "/accounts/login/", body=body, headers=headers)
        if status == 429:
            return {"ok": attempt == limit + 1, "detail": f"refused at attempt {attempt} (limit {limit} per address)"}
    return {"ok": False, "detail": f"never refused in {4 * limit + 1} attempts"}


def _lock_and_cache(cfg: dict, ports: list[int], reviewer: dict, password: str) -> dict:
    cookie = _sign_in(ports[0], reviewer["username"], password, reviewer)
    headers = {"Cookie": cookie}
    listed = f"{QUEUE}?status__exact=submitted"
    _s, page, _c, _h = bench.request(ports[1], "GET", listed, headers=headers)  # cached on B's side too
    cases = re.findall(r"/admin/applications/application/(\d+)/change/", page)
    if not cases:
        return {"ok": False, "detail": f"{reviewer['username']} has no submitted case"}
    pk = int(cases[0])
    forms = []
    for port in ports:
        _s, form, _c, _h = bench.request(port, "GET", f"{QUEUE}{pk}/act/accept/", headers=headers)
        fields = dict(re.findall(r'name="(csrfmiddlewaretoken|seen)" value="([^"]*)"', form))
        forms.append((port, urllib.parse.urlencode(fields)))
    answers = []

    def press(port: int, body: str) -> None:
        origin = f"https://127.0.0.1:{port}"
        extra = {"Referer": f"{origin}{QUEUE}{pk}/act/accept/", "Origin": origin}
        answers.append(bench.request(port, "POST", f"{QUEUE}{pk}/act/accept/", body=body, headers=headers | extra)[0])

    threads = [threading.Thread(target=press, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with psycopg.connect(cfg["database_url"]) as connection:
        accepted = connection.execute(
            "SELECT COUNT(*) FROM applications_event WHERE application_id = %s AND action = 'accept'", [pk]
        ).fetchone()[0]
    still_listed = []
    for port in ports:
        _s, page, _c, _h = bench.request(port, "GET", listed, headers=headers)
        still_listed.append(f"/application/{pk}/change/" in page)
    return {
        "lock": {"ok": accepted == 1, "detail": f"case {pk}: answers {answers}, {accepted} accept event(s)"},
        "cache": {
            "ok": not any(still_listed),
            "detail": f"case {pk} still in the cached 'submitted' queue on {sum(still_listed)} instance(s)",
        },
    }


def cross_node_checks(cfg: dict, ports: list[int], var: Path) -> dict:
    cast = json.loads((var / "cast.json").read_text())
    password = cast["password"]
    acknowledged = [json.loads(line) for line in (var / "ledger.jsonl").read_text().splitlines()]
    plans = {plan["username"] for plan in cast["enterprises"]}
    checks = {"session": _session(ports[0], ports[1], cast["enterprises"][-1]["username"], password)}
    if acknowledged:
        owner = _owner(cfg, acknowledged[0]["pk"])
        if owner in plans:
            checks["files"] = _files(ports, owner, password, acknowledged[0]["pk"])
    checks["rate_limit"] = _rate_limit(ports)
    checks |= _lock_and_cache(cfg, ports, cast["reviewers"][-1], password)
    return checks


def _owner(cfg: dict, pk: int) -> str:
    with psycopg.connect(cfg["database_url"]) as connection:
        return connection.execute(
            "SELECT u.username FROM applications_application a JOIN accounts_enterprise e ON e.id = a.enterprise_id"
            " JOIN accounts_user u ON u.id = e.owner_id WHERE a.id = %s",
            [pk],
        ).fetchone()[0]
