"""The processes of a load run: N gunicorn instances and N Celery workers sharing one database, one Redis and one
media folder, behind nginx when there are two or more; and the Locust run against them."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from bench import run as bench
from bench.load.crossing import cross_node_checks

ROOT = bench.ROOT
BIN = Path(sys.executable).parent

NGINX = """\
daemon off;
worker_processes 1;
error_log {var}/nginx-error.log warn;
pid {var}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {var}/nginx-body;
    proxy_temp_path {var}/nginx-proxy;
    fastcgi_temp_path {var}/nginx-fastcgi;
    uwsgi_temp_path {var}/nginx-uwsgi;
    scgi_temp_path {var}/nginx-scgi;
    client_max_body_size 20m;
    upstream portal {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            # nginx stands for the internal balancer behind the TLS proxy: it passes on what that proxy set.
            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;
            proxy_set_header X-Forwarded-For $http_x_forwarded_for;
        }}
    }}
}}
"""


def fresh_folder(var: Path) -> None:
    shutil.rmtree(var, ignore_errors=True)
    (var / "media").mkdir(parents=True)
    (var / "private").mkdir()


def empty_redis(url: str) -> None:
    """Empty the load test's own Redis database (LOAD_REDIS_URL): sessions, caches, counters and queues of the
    previous run would otherwise stand for a database copied afresh."""
    redis.Redis.from_url(url).flushdb()


def ensure_nginx() -> str:
    found = shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() and "/usr/sbin/nginx")
    if not found:
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True)
        found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found


class Cluster:
    """N web instances (bench.run.Server: gunicorn, 2 workers, production settings) on ports port+1…, N Celery
    workers, and nginx on `port` in front of them when N > 1 (with one node, Locust talks to gunicorn itself)."""

    def __init__(self, cfg: dict, var: Path, nodes: int):
        self.cfg, self.var, self.nodes = cfg, var, nodes
        self.env = {
            "LOAD_WEB_LOG": str(var / "web.log"),
            "LOAD_MAILBOX": str(var / "mailbox.jsonl"),
            "EMAIL_BACKEND": "bench.load.mailbox.CountingBackend",
            "MEDIA_ROOT": str(var / "media"),
            "PRIVATE_MEDIA_ROOT": str(var / "private"),
            "PYTHONPATH": str(ROOT),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        self.ports = [cfg["port"] + 1 + i for i in range(nodes)] if nodes > 1 else [cfg["port"]]
        self.servers, self.workers, self.nginx = [], [], None
        self.url = f"http://127.0.0.1:{cfg['port']}"

    def __enter__(self):
        for index, port in enumerate(self.ports):
            server = bench.Server(self.cfg | {"port": port}, self.env)
            server.options += ["--config", str(ROOT / "bench" / "load" / "gunicorn_conf.py")]
            bench.VAR = self.var / f"node{index}"  # its log: node<N>/gunicorn.log
            self.servers.append(server.__enter__())
            log = open(self.var / f"celery-{index}.log", "w")
            self.workers.append(
                subprocess.Popen(
                    [str(BIN / "celery"), "-A", "portal", "worker", "--concurrency=2", "-n", f"load{index}@%h"],
                    cwd=ROOT,
                    env=bench.server_env(self.cfg) | self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        if self.nodes > 1:
            self._start_nginx()
        return self

    def _start_nginx(self) -> None:
        servers = "\n".join(f"        server 127.0.0.1:{port};" for port in self.ports)
        config = self.var / "nginx.conf"
        config.write_text(NGINX.format(var=self.var, servers=servers, port=self.cfg["port"]))
        self.nginx = subprocess.Popen([ensure_nginx(), "-c", str(config), "-p", str(self.var)], cwd=ROOT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if bench.request(self.cfg["port"], "GET", "/healthz/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"nginx did not answer; see {self.var / 'nginx-error.log'}")

    def web_cpu_seconds(self) -> float:
        return sum(server.worker_cpu_seconds() for server in self.servers)

    def cross_node_checks(self) -> dict:
        return cross_node_checks(self.cfg, self.ports, self.var)

    def __exit__(self, *exc):
        if self.nginx is not None:
            self.nginx.send_signal(signal.SIGQUIT)
            self.nginx.wait(timeout=30)
        for worker in self.workers:
            worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        for server in self.servers:
            server.__exit__(*exc)


def locust(cfg: dict, var: Path, url: str) -> dict:
    """Run Locust headless with the ramp of bench/load/locustfile.py; return the seconds it ran and the CPU seconds
    it used itself (on this machine, taken from the portal's share)."""
    env = dict(os.environ) | {
        "PYTHONPATH": str(ROOT),
        "LOAD_CAST": str(var / "cast.json"),
        "LOAD_REQUESTS": str(var / "requests.csv"),
        "LOAD_LEDGER": str(var / "ledger.jsonl"),
        "LOAD_STEPS": ",".join(map(str, cfg["steps"])),
        "LOAD_STEP_SECONDS": str(cfg["step_seconds"]),
    }
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless"]
    command += ["--host", url, "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    start, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(var / "locust.log", "w") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"seconds": round(time.monotonic() - start, 1), "cpu_seconds": round(cpu, 1)}
