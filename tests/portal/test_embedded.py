"""The embedded Redis keeps what it was given: a real redis-server, killed with SIGKILL."""

import subprocess

import redis

from portal import embedded
from tests.conftest import wait_for


def client() -> redis.Redis:
    return redis.Redis(unix_socket_path=str(embedded.redis_socket()), socket_timeout=5)


def test_it_snapshots_and_keeps_an_append_only_file(own_redis):
    own_redis.start_redis()

    assert own_redis.redis_config("save") == "300 1 60 1000"
    assert own_redis.redis_config("appendonly") == "yes"
    assert own_redis.redis_config("appendfsync") == "everysec"


def test_queued_items_survive_a_hard_kill(own_redis):
    own_redis.start_redis()
    first_pid = own_redis.redis_pid()
    client().rpush("fetch", "task-1", "task-2")

    assert own_redis.kill_redis()
    assert not own_redis.redis_running()
    own_redis.start_redis()

    assert own_redis.redis_pid() != first_pid
    assert client().lrange("fetch", 0, -1) == [b"task-1", b"task-2"]


def test_a_data_dir_with_only_a_snapshot_keeps_its_data_when_the_aof_is_switched_on(own_redis):
    # What an installation from before the append-only file has: a snapshot, no AOF.
    directory = own_redis.redis_dir()
    directory.mkdir(parents=True)
    args = own_redis.redis_server_args(directory, own_redis.redis_socket(), appendonly=False)
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wait_for(own_redis.redis_running, timeout=10, message="redis")
    client().rpush("nlp", "old-task")
    client().save()
    own_redis.kill_redis()
    assert not (directory / embedded.AOF_NAME).exists()

    own_redis.start_redis()
    assert client().lrange("nlp", 0, -1) == [b"old-task"]
    assert own_redis.redis_config("appendonly") == "yes"

    # From now on the AOF holds the data: a hard kill right away loses nothing, the old item
    # included (start_redis returned only once the AOF was written).
    client().rpush("nlp", "new-task")
    own_redis.kill_redis()
    own_redis.start_redis()
    assert client().lrange("nlp", 0, -1) == [b"old-task", b"new-task"]
