"""Run the whole portal in the foreground: web server, fetch and nlp workers, and beat.

Ctrl-C (or SIGTERM) stops all of them; if one of them dies, the others are stopped too,
so a broken half-running portal never looks healthy.
"""

import os
import secrets
import signal
import subprocess
import sys
import time

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
        # Laid out by hand: in these argv lists each option stays beside its value.
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"{addr}:{port}", "--noreload"],
            "fetch": celery + ["worker", "-Q", "fetch", "-P", "threads", "-c", str(fetch_threads),
                               "-n", "fetch@%h", "--loglevel", "INFO"],
            "nlp": celery + ["worker", "-Q", "nlp", "-c", str(nlp_processes), "-n", "nlp@%h",
                             "--loglevel", "INFO"],
            "beat": celery + ["beat", "--loglevel", "INFO",
                              "-s", str(embedded.data_dir() / "celerybeat-schedule")],
        }  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # The children must reach the same servers even if the env named none of them.
        env.setdefault("DATABASE_URL", settings.DATABASE_URL)
        env.setdefault("REDIS_URL", settings.REDIS_URL)
        # S603: every argv above is ours (this Python, manage.py, celery), no user input.
        procs = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env, start_new_session=True)  # noqa: S603
            for name, cmd in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(f"\nLagebild is running at http://{addr}:{port}/  (Ctrl-C stops everything)\n")
            + login_hint
            + f"Health: http://{addr}:{port}/healthz\n"
        )
        stopping = False

        def request_stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        exit_code = 0
        while not stopping:
            dead = {name: p.returncode for name, p in procs.items() if p.poll() is not None}
            if dead:
                self.stderr.write(f"stopped unexpectedly: {dead}; stopping the rest")
                exit_code = 1
                break
            time.sleep(0.5)
        self._stop(procs)
        self.stdout.write("Lagebild stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _stop(self, procs: dict[str, subprocess.Popen]) -> None:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # Celery: warm shutdown, finishes tasks
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, proc in procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"{name} did not stop in time; killing it")
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

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
