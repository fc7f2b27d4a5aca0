"""`python -m portal.servers start|stop|status|destroy`: the embedded PostgreSQL and Redis.

(A module of its own: `python -m portal.embedded` would run a module the package has
already imported.)
"""

import shutil
import sys

from portal.embedded import (
    data_dir,
    start_postgres,
    start_redis,
    status,
    stop_postgres,
    stop_redis,
)


def main(argv: list[str]) -> int:
    """Manage the embedded servers by hand."""
    command = argv[0] if argv else "status"
    if command == "start":
        start_postgres()
        start_redis()
    elif command == "stop":
        stopped = [name for name, stop in (("postgres", stop_postgres), ("redis", stop_redis)) if stop()]
        print("stopped: " + (", ".join(stopped) or "nothing was running"))
        return 0
    elif command == "destroy":
        stop_postgres()
        stop_redis()
        shutil.rmtree(data_dir() / "pg", ignore_errors=True)
        shutil.rmtree(data_dir() / "redis", ignore_errors=True)
        print(f"removed embedded data in {data_dir()}")
        return 0
    elif command != "status":
        print("usage: python -m portal.servers start|stop|status|destroy", file=sys.stderr)
        return 2
    for name, state in status().items():
        print(f"{name:9} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
