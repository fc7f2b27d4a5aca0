"""Locust users for bench/portal_load.py: analysts who log in and then read the portal.

Not meant to be run by hand: portal_load.py writes the plan (pages, credentials, warm-up,
think time) to a JSON file and starts

    locust -f bench/portal_locustfile.py --headless -u 20 -r 5 -t 75s --host http://127.0.0.1:PORT

with LAGEBILD_LOAD_PLAN naming the plan and LAGEBILD_LOAD_SAMPLES the file this writes.

Each user logs in through the real login form (GET for the CSRF token, POST, the session
cookie), then visits the plan's pages one after another: every page of the mix once per round,
in a new random order each round, each visit taking one of the page's URLs at random (a random
event, a random search word). So every page gets about the same number of requests, whatever
its speed. Between two visits a user waits `think` seconds (uniform between the two bounds;
0 to 0 is a closed loop that measures capacity). API pages send the user's token instead of
relying on the session.

The warm-up (the ramp-up, the logins, the first requests that fill caches) is left out: after
`warmup` seconds the stats are reset, and only requests that start after that point are kept
in the samples file, one [page, milliseconds, ok, started] per request, from which
portal_load.py computes exact percentiles (locust's own CSV rounds them to 10 ms above 100 ms).
"""

from __future__ import annotations

import json
import os
import random
import re
import time

import gevent
from locust import HttpUser, events, task

PLAN = json.loads(open(os.environ["LAGEBILD_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
SAMPLES_PATH = os.environ["LAGEBILD_LOAD_SAMPLES"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

measuring = {"since": None, "until": None}
samples: list[list] = []


@events.test_start.add_listener
def _schedule_warmup_end(environment, **kwargs) -> None:
    def end_warmup() -> None:
        gevent.sleep(PLAN["warmup"])
        environment.runner.stats.reset_all()
        measuring["since"] = time.time()

    gevent.spawn(end_warmup)


@events.request.add_listener
def _keep_sample(name, response_time, exception, start_time=None, **kwargs) -> None:
    since = measuring["since"]
    started = start_time if start_time is not None else time.time() - response_time / 1000
    if since is not None and started >= since:
        samples.append([name, round(response_time, 2), exception is None, round(started, 3)])


@events.test_stop.add_listener
def _write_samples(environment, **kwargs) -> None:
    measuring["until"] = time.time()
    with open(SAMPLES_PATH, "w", encoding="utf-8") as out:
        json.dump({"since": measuring["since"], "until": measuring["until"], "samples": samples}, out)


class Analyst(HttpUser):
    low, high = PLAN["think"]

    def wait_time(self) -> float:
        return random.uniform(self.low, self.high)

    def on_start(self) -> None:
        self.round: list[dict] = []
        page = self.client.get("/login/", name="login form")
        match = CSRF_FIELD.search(page.text)
        form = {
            "username": PLAN["username"],
            "password": PLAN["password"],
            "csrfmiddlewaretoken": match.group(1) if match else "",
            "next": "",
        }
        with self.client.post(
            "/login/", data=form, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "sessionid" not in self.client.cookies:
                response.failure(f"login refused: HTTP {response.status_code}")

    @task
    def visit(self) -> None:
        if not self.round:
            self.round = random.sample(PLAN["pages"], len(PLAN["pages"]))
        page = self.round.pop()
        headers = {"Authorization": f"Token {PLAN['token']}"} if page["api"] else {}
        with self.client.get(
            random.choice(page["urls"]),
            name=page["name"],
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A redirect here is the login page (the session got lost) or a merged event:
            # either way not the page that was meant, so it counts as a failure.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
