"""Run the whole portal in the foreground: web server, fetch and nlp workers, and beat.

Ctrl-C (or SIGTERM) stops all of them. A child that dies is started again after a pause
that doubles with each death (1 s, 2 s, 4 s ... 60 s), so one crash (a worker that lost
Redis, a kill -9) does not take the portal down. A child that keeps dying (5 times within
2 minutes) is broken, not unlucky: then the others are stopped too and the command exits
with 1, so a broken half-running portal never looks healthy.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q

from portal import embedded
from portal.roles import ADMIN, user_create

STOP_GRACE_SECONDS = 15


class Command(BaseCommand):
    help = "Run web server, Celery workers (fetch, nlp) and beat together until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.getenv("PORTAL_ADDR", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.getenv("PORTAL_PORT", "8000")))
        parser.add_argument("--fetch-threads", type=int, default=8)
        parser.add_argument("--nlp-processes", type=int, default=os.cpu_count() or 1)

    def handle(self, *args, addr, port, fetch_threads, nlp_processes, **options):
        login_hint = self._ensure_first_admin()
        celery = [sys.executable, "-m", "celery", "-A", "portal"]
        # Gossip and mingle talk to the other workers over broadcast queues; Lagebild uses
        # neither (workers report through their own heartbeat, portal/health.py), and their
        # channels are what raised AttributeErrors while a worker reconnected to Redis.
        quiet = ["--without-gossip", "--without-mingle"]
        # Laid out by hand: in these argv lists each option stays beside its value.
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"{addr}:{port}", "--noreload"],
            "fetch": celery + ["worker", "-Q", "fetch", "-P", "threads", "-c", str(fetch_threads),
                               "-n", "fetch@%h", "--loglevel", "INFO", *quiet],
            "nlp": celery + ["worker", "-Q", "nlp", "-c", str(nlp_processes), "-n", "nlp@%h",
                             "--loglevel", "INFO", *quiet],
            "beat": celery + ["beat", "--loglevel", "INFO",
                              "-s", str(embedded.data_dir() / "celerybeat-schedule")],
        }  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # The children must reach the same servers even if the env named none of them.
        env.setdefault("DATABASE_URL", settings.DATABASE_URL)
        env.setdefault("REDIS_URL", settings.REDIS_URL)
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        # Before the children start: they run in sessions of their own, so a Ctrl-C that
        # interrupted the start would leave them running without anyone to stop them.
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        supervisor = Supervisor(commands, cwd=settings.BASE_DIR, env=env, log=self._log)
        supervisor.start()
        self.stdout.write(
            self.style.SUCCESS(f"\nLagebild is running at http://{addr}:{port}/  (Ctrl-C stops everything)\n")
            + login_hint
            + f"Health: http://{addr}:{port}/healthz\n"
        )
        exit_code = supervisor.run(lambda: stopping)
        supervisor.stop()
        self.stdout.write("Lagebild stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _log(self, message: str) -> None:
        self.stderr.write(f"{time.strftime('%H:%M:%S')} runportal: {message}")

    def _ensure_first_admin(self) -> str:
        """On the first run, create the account `admin` and print its password.

        With the embedded database the password is also kept in .data/admin-password.txt;
        for a configured database it is only printed (it does not belong in a local file).
        """
        from django.contrib.auth.models import User

        embedded_db = embedded.needed()["postgres"]
        password_file = embedded.data_dir() / "admin-password.txt"
        has_admin = User.objects.filter(Q(groups__name=ADMIN) | Q(is_superuser=True)).exists()
        if has_admin:
            if embedded_db and password_file.exists():
                return f"Log in as admin, password in {password_file}\n"
            return "Log in with an existing account (new accounts: manage.py create_user).\n"
        password = os.getenv("LAGEBILD_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user_create(username="admin", role=ADMIN, password=password)
        hint = f"First run: created the account 'admin' with the password {password}\n"
        if embedded_db:
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
            hint += f"(kept in {password_file}; change it at /admin/password_change/)\n"
        return hint


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit {returncode}"


class Supervisor:
    """Keeps named child processes running, each in a process group of its own.

    A child that dies is started again after ``backoff_start`` seconds, doubled for each
    further death within ``window`` seconds, at most ``backoff_max``. The ``max_deaths``-th
    death within ``window`` makes :meth:`check` report the child instead: something is
    broken (a port in use, a bad setting) and restarting it would only hide that.
    """

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        cwd=None,
        env: dict[str, str] | None = None,
        log: Callable[[str], None] = print,
        backoff_start: float = 1.0,
        backoff_max: float = 60.0,
        max_deaths: int = 5,
        window: float = 120.0,
        stop_grace: float = STOP_GRACE_SECONDS,
    ):
        self.commands = commands
        self.cwd = cwd
        self.env = env
        self.log = log
        self.backoff_start = backoff_start
        self.backoff_max = backoff_max
        self.max_deaths = max_deaths
        self.window = window
        self.stop_grace = stop_grace
        self.procs: dict[str, subprocess.Popen] = {}
        self.deaths: dict[str, deque[float]] = {name: deque() for name in commands}
        self.restart_at: dict[str, float] = {}  # children waiting out their pause

    def start(self) -> None:
        for name in self.commands:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        # S603: the argv lists are the caller's own (this Python, manage.py, celery).
        # A session of its own: a Ctrl-C in the terminal reaches only runportal, which then
        # stops the children in order, and a dead child's leftovers can be killed as a group.
        self.procs[name] = subprocess.Popen(  # noqa: S603
            self.commands[name], cwd=self.cwd, env=self.env, start_new_session=True
        )

    def check(self) -> str | None:
        """Notice dead children and restart those whose pause is over.

        Returns the name of a child that died too often (the caller should give up), else None.
        """
        now = time.monotonic()
        for name, proc in self.procs.items():
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    self._spawn(name)
                    self.log(f"{name} restarted (pid {self.procs[name].pid})")
                continue
            returncode = proc.poll()
            if returncode is None:
                continue
            # The leader is gone; what is left of its group (prefork pool processes) is of
            # no use without it and would only hold memory and tasks.
            _kill_group(proc.pid, signal.SIGKILL)
            deaths = self.deaths[name]
            deaths.append(now)
            while deaths and now - deaths[0] > self.window:
                deaths.popleft()
            if len(deaths) >= self.max_deaths:
                self.log(
                    f"{name} stopped ({describe_exit(returncode)}), {len(deaths)} times within "
                    f"{self.window:g} s; giving up"
                )
                return name
            delay = min(self.backoff_max, self.backoff_start * 2 ** (len(deaths) - 1))
            self.restart_at[name] = now + delay
            self.log(f"{name} stopped ({describe_exit(returncode)}); restarting in {delay:g} s")
        return None

    def run(self, stop_requested: Callable[[], bool], interval: float = 0.5) -> int:
        """Supervise until ``stop_requested()``; 0 then, 1 if a child died too often."""
        while not stop_requested():
            if self.check() is not None:
                return 1
            time.sleep(interval)
        return 0

    def stop(self) -> None:
        """Stop every child: SIGTERM (Celery's warm shutdown finishes its tasks), then SIGKILL."""
        self.restart_at.clear()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{name} did not stop in time; killing it")
                _kill_group(proc.pid, signal.SIGKILL)
                proc.wait()
            else:
                _kill_group(proc.pid, signal.SIGKILL)  # leftovers of a child that exited


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is already empty
        os.killpg(pgid, sig)
