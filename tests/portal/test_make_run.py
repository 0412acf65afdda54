"""`make run`: the development server listens on this machine only unless asked, and e-mails link to its port."""

import os
import re
import shlex
import subprocess
import sys

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR


def honcho_environment(*make_arguments: str) -> dict[str, str]:
    """Return the variables `make run <arguments>` gives honcho (from `make -n`, which runs nothing)."""
    dry_run = subprocess.run(
        ["make", "-n", "run", *make_arguments], cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    [line] = [line for line in dry_run.stdout.splitlines() if "honcho start" in line]
    words = shlex.split(line)
    return dict(word.split("=", 1) for word in words[: words.index(next(w for w in words if "=" not in w))])


def procfile_command(name: str, environment: dict[str, str]) -> str:
    """Return the command of a Procfile.dev process as the shell honcho starts it with expands it."""
    procfile = (BASE_DIR / "Procfile.dev").read_text()
    [command] = re.findall(rf"^{name}:\s*(.+)$", procfile, flags=re.MULTILINE)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment}
    return subprocess.run(["sh", "-c", f"echo {command}"], env=env, capture_output=True, text=True).stdout.strip()


def local_setting(expression: str, **environment: str) -> str:
    """Return expression evaluated under `make run`'s settings in a process with environment (and no REDIS_URL)."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PORTAL_BASE_URL", "PORTAL_PORT"}}
    env |= {"DJANGO_SETTINGS_MODULE": "portal.settings.local", "PYTHONPATH": str(BASE_DIR), **environment}
    script = f"import django; django.setup()\n{expression}"
    run = subprocess.run([sys.executable, "-c", script], env=env, cwd=BASE_DIR, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip().splitlines()[-1]


def test_the_development_server_listens_on_this_machine_only():
    assert procfile_command("web", honcho_environment()).endswith("runserver 127.0.0.1:8000")


def test_make_run_host_opens_it_to_the_network():
    assert procfile_command("web", honcho_environment("HOST=0.0.0.0")).endswith("runserver 0.0.0.0:8000")


def test_a_host_variable_of_the_shell_is_not_taken_for_the_address(monkeypatch):
    monkeypatch.setenv("HOST", "devbox")  # zsh exports the machine's name as HOST
    assert procfile_command("web", honcho_environment()).endswith("runserver 127.0.0.1:8000")


LINK = "from applications.notices.recipients import absolute_link; print(absolute_link('/applications/7/'))"


@pytest.mark.parametrize("port", ["9000", "8000"])
def test_mail_links_lead_to_the_port_make_run_serves(port):
    environment = honcho_environment(f"PORT={port}")
    assert procfile_command("web", environment).endswith(f"runserver 127.0.0.1:{port}")
    # The worker, which sends the mail, gets the same environment from honcho.
    assert local_setting(LINK, **environment) == f"http://127.0.0.1:{port}/applications/7/"


def test_a_portal_base_url_given_wins_over_the_port():
    environment = honcho_environment("PORT=9000") | {"PORTAL_BASE_URL": "https://zhengce.example.gov.cn"}
    assert local_setting(LINK, **environment) == "https://zhengce.example.gov.cn/applications/7/"
