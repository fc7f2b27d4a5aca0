"""The fault scenarios, in the order a full run plays them.

Their modules use the ORM, so they are imported by :func:`load` once Django is set up.
"""

ORDER = [
    "nlp-kill",
    "fetch-kill",
    "redis-restart",
    "redis-kill",
    "postgres-restart",
    "slow-host",
    "canonical-feed",
]


def load() -> dict:
    from bench.faults.scenarios.crashes import fetch_kill, nlp_kill
    from bench.faults.scenarios.hosts import canonical_feed, slow_host
    from bench.faults.scenarios.outages import postgres_restart, redis_kill, redis_restart

    scenarios = {
        "nlp-kill": nlp_kill,
        "fetch-kill": fetch_kill,
        "redis-restart": redis_restart,
        "redis-kill": redis_kill,
        "postgres-restart": postgres_restart,
        "slow-host": slow_host,
        "canonical-feed": canonical_feed,
    }
    assert list(scenarios) == ORDER
    return scenarios
