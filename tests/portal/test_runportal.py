"""runportal's supervisor with real child processes: kill -9 one, it comes back."""

import os
import signal
import sys
import time

import pytest

from portal.management.commands.runportal import Supervisor, describe_exit
from tests.conftest import wait_for

SLEEPER = [sys.executable, "-c", "import time; time.sleep(300)"]


@pytest.fixture
def supervise():
    """Makes supervisors that log into a list and are always stopped after the test."""
    made = []

    def make(commands, **options):
        lines = []
        supervisor = Supervisor(commands, log=lines.append, stop_grace=5, **options)
        supervisor.lines = lines
        made.append(supervisor)
        return supervisor

    yield make
    for supervisor in made:
        supervisor.stop()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(pid, 0); it is dead all the same.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_child_killed_with_sigkill_is_started_again(supervise):
    supervisor = supervise({"fetch": SLEEPER, "beat": SLEEPER}, backoff_start=0.2)
    supervisor.start()
    first_pid = supervisor.procs["fetch"].pid
    beat_pid = supervisor.procs["beat"].pid

    os.killpg(first_pid, signal.SIGKILL)

    def restarted():
        assert supervisor.check() is None
        return supervisor.procs["fetch"].pid != first_pid

    wait_for(restarted, timeout=10, interval=0.05, message="the restart")
    assert supervisor.lines[0] == "fetch stopped (killed by SIGKILL); restarting in 0.2 s"
    assert supervisor.lines[1] == f"fetch restarted (pid {supervisor.procs['fetch'].pid})"
    assert alive(supervisor.procs["fetch"].pid)
    assert supervisor.procs["beat"].pid == beat_pid  # the others were left alone


def test_the_pause_doubles_and_a_child_that_keeps_dying_makes_it_give_up(supervise):
    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    supervisor = supervise(
        {"web": failing, "nlp": SLEEPER}, backoff_start=0.05, backoff_max=0.1, max_deaths=4, window=60
    )
    supervisor.start()
    nlp_pid = supervisor.procs["nlp"].pid

    started = time.monotonic()
    assert supervisor.run(lambda: time.monotonic() - started > 20, interval=0.01) == 1

    assert [line for line in supervisor.lines if "stopped" in line] == [
        "web stopped (exit 3); restarting in 0.05 s",
        "web stopped (exit 3); restarting in 0.1 s",
        "web stopped (exit 3); restarting in 0.1 s",  # capped at backoff_max
        "web stopped (exit 3), 4 times within 60 s; giving up",
    ]
    supervisor.stop()
    assert supervisor.procs["nlp"].pid == nlp_pid
    assert supervisor.procs["nlp"].returncode == -signal.SIGTERM


def test_deaths_further_apart_than_the_window_never_give_up(supervise):
    # Dies after 0.4 s each time: with a 0.3 s window no two deaths count together.
    flaky = [sys.executable, "-c", "import sys, time; time.sleep(0.4); sys.exit(1)"]
    supervisor = supervise({"fetch": flaky}, backoff_start=0.05, max_deaths=2, window=0.3)
    supervisor.start()

    def three_deaths():
        assert supervisor.check() is None
        return sum("stopped" in line for line in supervisor.lines) >= 3

    wait_for(three_deaths, timeout=20, interval=0.02, message="three deaths")
    assert all(line.endswith("restarting in 0.05 s") for line in supervisor.lines if "stopped" in line)


def test_stop_ends_the_children_and_what_they_left_behind(supervise, tmp_path):
    # A shell that starts a grandchild, as Celery's prefork master starts pool processes.
    pidfile = tmp_path / "grandchild.pid"
    parent = ["sh", "-c", f"sleep 300 & echo $! > {pidfile}; wait"]
    supervisor = supervise({"nlp": parent, "web": SLEEPER})
    supervisor.start()
    wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), message="the grandchild")
    grandchild = int(pidfile.read_text())

    supervisor.stop()

    assert all(proc.returncode is not None for proc in supervisor.procs.values())
    wait_for(lambda: not alive(grandchild), timeout=5, message="the grandchild to die")


def test_describe_exit():
    assert describe_exit(1) == "exit 1"
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(-15) == "killed by SIGTERM"
