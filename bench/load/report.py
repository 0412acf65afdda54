"""bench/LOAD.md: what the load run measured, per topology, per step of the ramp and per page."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from bench import run as bench
from bench.load.arith import P95_LIMIT_MS, nodes_for, percentile, step_ok, sustainable

BARE = "bare /healthz/"
# The pages one submission goes through (bench/load/locustfile.py Enterprise.submit), in order.
SUBMISSION = [
    "start form",
    "start",
    "application form",
    "save draft + PDF",
    "application form",
    "to review",
    "confirm page",
    "submit",
    "my case",
]
NODE_CORES = 8  # the production web node of DEPLOY.md
TARGET_RATIO = 10  # a page's uncached web CPU within 10× the bare view's (issue 22); a submission within 20×


def read_requests(var: Path) -> tuple[list[dict], dict]:
    """Return the ramp's steps (users, seconds, times, failures) and, per page, the requests of the last step
    that was carried (or the first step, if none was)."""
    rows, starts = [], {}
    with open(var / "requests.csv", encoding="utf-8") as handle:
        for t, step, name, ms, failed in csv.reader(handle):
            if name == "__step__":
                starts[int(step)] = (float(t), int(float(ms)))
            else:
                rows.append((float(t), int(step), name, float(ms), failed == "1"))
    steps = []
    for index, (start, users) in sorted(starts.items()):
        if users == 0:
            continue
        mine = [r for r in rows if r[1] == index]
        end = max((r[0] for r in mine), default=start)
        steps.append(
            {
                "index": index,
                "users": users,
                "start": start,
                "seconds": max(end - start, 1.0),
                "times": [r[3] for r in mine],
                "failures": sum(r[4] for r in mine),
                "rows": mine,
            }
        )
    return steps, rows


def read_web(var: Path) -> list[tuple]:
    out = []
    for path in var.glob("web.log.*"):
        with open(path, encoding="utf-8") as handle:
            for t, page, cpu, db, hits, misses, status in csv.reader(handle):
                out.append((float(t), page, float(cpu), float(db), int(hits), int(misses), int(status)))
    return out


def page_table(step: dict, web: list[tuple]) -> list[dict]:
    """Per page, in one step: requests/s, p50/p95/p99, failures (Locust's side) and web CPU, database CPU and cache
    hits per request (measured in the workers)."""
    start, end = step["start"], step["start"] + step["seconds"]
    by_page = defaultdict(list)
    for row in step["rows"]:
        by_page[row[2]].append(row)
    served = defaultdict(list)
    for row in web:
        if start <= row[0] <= end + 5:
            served[row[1]].append(row)
    bare_cpu = _mean([r[2] for r in served.get(BARE, [])])
    table = []
    for page, rows in sorted(by_page.items(), key=lambda item: -len(item[1])):
        times = [r[3] for r in rows]
        work = served.get(page, [])
        cpu = _mean([r[2] for r in work])
        hits, misses = sum(r[4] for r in work), sum(r[5] for r in work)
        table.append(
            {
                "page": page,
                "requests": len(rows),
                "rps": len(rows) / step["seconds"],
                "p50": percentile(times, 0.5),
                "p95": percentile(times, 0.95),
                "p99": percentile(times, 0.99),
                "failures": sum(r[4] for r in rows),
                "web_cpu_ms": cpu,
                "db_cpu_ms": _mean([r[3] for r in work]),
                "cache_hit": hits / (hits + misses) if hits + misses else None,
                "ratio": cpu / bare_cpu if cpu is not None and bare_cpu else None,
            }
        )
    return table


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _f(value, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else f"{value:.{digits}f}{suffix}"


def _topology_lines(run: dict) -> list[str]:
    var = Path(run["var"])
    steps, _rows = read_requests(var)
    web = read_web(var)
    best = sustainable(steps)
    nodes = run["nodes"]
    title = (
        "一个节点（1 gunicorn ×2 workers，1 Celery worker ×2）"
        if nodes == 1
        else (f"{nodes} 个节点（{nodes} gunicorn ×2 workers，{nodes} Celery workers ×2，nginx 轮询）")
    )
    lines = [
        f"## {title}",
        "",
        "| 步 | 并发用户 | 请求/秒 | p50 ms | p95 ms | p99 ms | 失败 | 结论 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for step in steps:
        verdict = "可承受" if step_ok(step["times"], step["failures"]) else "超线"
        lines.append(
            f"| {step['index'] + 1} | {step['users']} | {len(step['times']) / step['seconds']:.1f} | "
            f"{_f(percentile(step['times'], 0.5), 0)} | {_f(percentile(step['times'], 0.95), 0)} | "
            f"{_f(percentile(step['times'], 0.99), 0)} | {step['failures']} | {verdict} |"
        )
    lines.append("")
    if best:
        rate = len(best["times"]) / best["seconds"]
        lines.append(
            f"**可承受负载：{best['users']} 个并发用户，{rate:.1f} 请求/秒**（p95 < {P95_LIMIT_MS:.0f} ms，0 失败）。"
        )
    else:
        lines.append("**可承受负载：第一步即超线**（见下表）。")
    shown = best or (steps[0] if steps else None)
    lines.append("")
    if shown:
        lines += _page_lines(shown, web)
    lines += _ledger_lines(run)
    return lines


def _page_lines(step: dict, web: list[tuple]) -> list[str]:
    lines = [
        f"每页（第 {step['index'] + 1} 步，{step['users']} 个用户，{step['seconds']:.0f} 秒）：",
        "",
        "| 页面 | 请求 | 请求/秒 | p50 | p95 | p99 | 失败 | Web CPU ms/次 | 数据库 CPU ms/次 | 缓存命中 | Web CPU ÷ 基线 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in page_table(step, web):
        ratio = row["ratio"]
        limit = 20 if row["page"].startswith(("save draft", "submit")) else TARGET_RATIO
        mark = "" if ratio is None or ratio <= limit or row["page"] == BARE else f" ⚠ >{limit}×"
        lines.append(
            f"| {row['page']} | {row['requests']} | {row['rps']:.2f} | {_f(row['p50'], 0)} | {_f(row['p95'], 0)} | "
            f"{_f(row['p99'], 0)} | {row['failures']} | {_f(row['web_cpu_ms'], 2)} | {_f(row['db_cpu_ms'], 2)} | "
            f"{_f(row['cache_hit'] and row['cache_hit'] * 100, 0, ' %')} | {_f(ratio, 1, '×')}{mark} |"
        )
    return [*lines, ""]


def _ledger_lines(run: dict) -> list[str]:
    ledger = run["ledger"]
    subs, msgs = ledger["submissions"], ledger["messages"]
    lines = [
        "账目（ledger）：",
        "",
        f"- 提交：门户确认 {subs['acknowledged']} 件，数据库中已提交 {subs['acknowledged'] - subs['lost']} 件 —— "
        f"**lost {subs['lost']}**，同一件确认两次 {subs['acknowledged_twice']}。",
        f"- 通知：本轮产生 {ledger['notices']} 条（状态 {ledger['notice_states']}），应发邮件 {msgs['owed']} 封，"
        f"Celery 排空后实发 {msgs['delivered']} 封 —— **lost {msgs['lost']}, duplicated {msgs['duplicated']}**"
        f"（其他通知的邮件 {msgs['other']} 封）。排空用时 {run['drain_seconds']} 秒。",
        f"- Web CPU（/proc，gunicorn workers 全程）：{run['web_cpu_seconds']} 秒。",
        "",
    ]
    if run.get("cross_node"):
        lines += ["跨实例检查（直接访问各实例，不经 nginx）：", ""]
        for name, check in run["cross_node"].items():
            lines.append(f"- {name}: {'通过' if check['ok'] else '**未通过**'} —— {check['detail']}")
        lines.append("")
    return lines


def capacity(run: dict) -> dict | None:
    """What the run's sustainable step (or its first) measured per request and per submission, and what 5,000
    concurrent users and 50 submissions a second would need from it."""
    var = Path(run["var"])
    steps, _rows = read_requests(var)
    step = sustainable(steps) or (steps[0] if steps else None)
    if step is None:
        return None
    table = {row["page"]: row for row in page_table(step, read_web(var))}
    served = [r for r in read_web(var) if step["start"] <= r[0] <= step["start"] + step["seconds"] + 5]
    if not served:
        return None
    web_ms = sum(r[2] for r in served) / len(served)
    db_ms = sum(r[3] for r in served) / len(served)
    sub_web = sum(table[p]["web_cpu_ms"] or 0 for p in SUBMISSION if p in table)
    sub_db = sum(table[p]["db_cpu_ms"] or 0 for p in SUBMISSION if p in table)
    per_user = len(step["times"]) / step["seconds"] / step["users"]
    need = nodes_for(
        users=5000,
        submissions_per_second=50,
        requests_per_user_second=per_user,
        web_ms_per_request=web_ms,
        db_ms_per_request=db_ms,
        web_ms_per_submission=sub_web,
        db_ms_per_submission=sub_db,
        cores_per_node=NODE_CORES,
    )
    return {
        "users": step["users"],
        "rps": len(step["times"]) / step["seconds"],
        "per_user": per_user,
        "web_ms": web_ms,
        "db_ms": db_ms,
        "sub_web": sub_web,
        "sub_db": sub_db,
        **need,
    }


def _capacity_lines(run: dict) -> list[str]:
    c = capacity(run)
    if c is None:
        return []
    return [
        "## 容量推算（DEPLOY.md 引用这些数）",
        "",
        f"- 一个节点（本机 {bench.machine()['cpus']} 核，gunicorn 2 workers，与 PostgreSQL、Redis、Locust 同机）可承受 "
        f"{c['users']} 个并发用户，{c['rps']:.1f} 请求/秒。",
        f"- 该步每个用户 {c['per_user']:.3f} 请求/秒；每次请求平均 Web CPU {c['web_ms']:.1f} ms、数据库 CPU "
        f"{c['db_ms']:.1f} ms；一次提交（{len(SUBMISSION)} 个请求）共 Web CPU {c['sub_web']:.0f} ms、数据库 CPU "
        f"{c['sub_db']:.0f} ms。",
        f"- 5,000 个并发用户：5,000 × {c['per_user']:.3f} = {c['requests_per_second']:.0f} 请求/秒 × "
        f"{c['web_ms']:.1f} ms；另加 50 次提交/秒 × {c['sub_web']:.0f} ms；合计 Web CPU {c['web_cores']:.1f} 核。"
        f"每个 Web 节点 {NODE_CORES} 核、按 60 % 利用率计：**{c['web_nodes']} 个 Web 节点**。",
        f"- 数据库 CPU：{c['requests_per_second']:.0f} × {c['db_ms']:.1f} ms + 50 × {c['sub_db']:.0f} ms = "
        f"**{c['db_cores']:.1f} 核**（主库；只读页面可分到流复制备库）。",
        "",
    ]


def write_load_report(cfg: dict, runs: list[dict], started: str) -> None:
    m = bench.machine()
    first = runs[0]["cast"] if runs else {}
    lines = [
        "# 申报截止日负载测试（make loadtest）",
        "",
        f"由 `python -m bench.load` 写于 {bench._now()}（开始于 {started}）。数据库：{cfg['source_database']} 的副本，"
        f"{cfg['applications']:,} 件申请，{cfg['enterprises']:,} 家企业。",
        "",
        f"机器：{m['cpus']} 核 {m['cpu']}，内存 {m['memory_gb']} GB，{m['os']}，Python {m['python']}，{m['postgres']}，"
        f"{m['redis']}。Locust 与门户在同一台机器上（它的 CPU 也计在这台机器上）。",
        "",
        "## 负载组成",
        "",
        "每个模拟用户是不同的账号（访客除外：各有自己的客户端地址）。权重：访客 5，企业 4，审核人员 2，财务 1；"
        "每人两次操作之间等待 1–4 秒。",
        "",
        "- 访客：政策库列表、搜索、措施页、公开自测、公示列表、/healthz/（负载均衡的健康检查，亦即基线）。",
        "- 企业：登录；政策匹配；测算（API）；我的申请；新建申请、上传一个 PDF 保存草稿、核对并提交（每人一件）。",
        "- 审核人员（双因素登录）：按状态筛选、翻到没看过的页；打开案件；受理或退回补正。",
        "- 财务（双因素登录）：财务审核中的案件批准，已批准的案件登记拨付。",
        "",
        f"爬坡：{cfg['steps']} 个用户，每步 {cfg['step_seconds']} 秒；一步超线（p95 ≥ 1 秒或有失败）即停止。"
        f"演员表：{first}。",
        "",
        "测量方法：响应时间来自 Locust；每个请求的 Web CPU（进程 CPU 时间）、数据库 CPU（该 worker 连接的 PostgreSQL "
        "后端进程的 /proc/<pid>/schedstat）和缓存命中（Django 缓存的 get/get_many）由 gunicorn 钩子在服务它的 worker "
        "中测得（bench/load/gunicorn_conf.py）。pg_stat_statements 未在 shared_preload_libraries 中，故不用。"
        "“Web CPU ÷ 基线”是该页每次请求的 Web CPU 与同一步内 /healthz/ 的之比。",
        "",
    ]
    for run in runs:
        lines += _topology_lines(run)
    if runs:
        lines += _capacity_lines(runs[0])
    cfg["load_results"].parent.mkdir(parents=True, exist_ok=True)
    cfg["load_results"].write_text("\n".join(lines) + "\n", encoding="utf-8")
