"""Load test of the main advisor pages (issue 8, PERF-01), run by ``loadtest/run.py``.

Every simulated user signs in through the real login form (CSRF on) as one of the generated
advisors (``flask bench generate``, 100 at 100,000 cases; password ``BENCH_PASSWORD``),
spread round-robin over the accounts so that no account has more sessions than the app
allows (``SESSION_MAX_PER_USER``, 3) up to 300 users. Then it works like an advisor with 1–3
s think time and the PERF-01 mix: about 70 % list and detail reads (inbox, own cases, the
case list with a filter, case detail, the funding check in the case, the referral list, due
follow-ups), 20 % saves (a note on one of the user's own cases) and 10 % search (POST of the
search form and the redirected result list, as the browser does it).

A request counts as an error unless it answers with the expected status; a page that
sends the user back to the login form (session lost) is an error, too. Set
``WBA_NO_WRITES=1`` to leave the saves out (the notes stay in the benchmark database).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from typing import Any

import gevent
from locust import HttpUser, between, events, task

from loadtest import pages
from wbagentur.bench.generator import ADVISORS_PER_REGION, BENCH_DOMAIN, BENCH_PASSWORD

REGIONS = ("nt", "mt", "ot", "sw")
# Every generated advisor account, round-robin over the regions (run.py reads them from the
# database); without run.py the first eight of each region.
ADVISORS = [a for a in os.environ.get("WBA_ACCOUNTS", "").split(",") if a] or [
    f"berater{n}.{code}@{BENCH_DOMAIN}"
    for n in range(1, ADVISORS_PER_REGION + 1)
    for code in REGIONS
]
_next_advisor = itertools.cycle(ADVISORS)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CASE_LINK = re.compile(r'href="/faelle/(\d+)"')
SEARCH_TERMS = ("müller", "schmidt", "meier", "WBA-", "bau", "technik")
LOGIN_ATTEMPTS = 5
WRITES = os.environ.get("WBA_NO_WRITES", "") not in ("1", "true", "yes")

# Errors of the whole run by request name, including the sign-in phase that is left out
# of the latency statistics: a login refused while the users arrive must still count.
ALL_ERRORS: Counter[str] = Counter()
# The latency statistics start when every user has signed in (argon2 logins of 50 users
# saturate two cores for seconds); WBA_MEASURE_RAMP_UP=1 keeps the sign-in phase.
MEASURE_RAMP_UP = os.environ.get("WBA_MEASURE_RAMP_UP", "") in ("1", "true", "yes")
# Seconds after the last sign-in before the statistics start: requests that queued behind
# the login storm finish during this time (they answered in 1.8-7 s right after the last
# login and dominated the p95 of a 60 s run, though the steady state was far below).
SETTLE_SECONDS = float(os.environ.get("WBA_SETTLE_SECONDS", "10"))
_signed_in = 0
_measuring_since: float | None = None


@events.request.add_listener
def _count_error(name: str, exception: BaseException | None = None, **_kw: Any) -> None:
    if exception is not None:
        ALL_ERRORS[f"{name}: {exception}"] += 1


@events.quitting.add_listener
def _write_errors(**_kw: Any) -> None:
    path = os.environ.get("WBA_ERRORS_FILE")
    if path:
        measured = None if _measuring_since is None else round(time.time() - _measuring_since, 1)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(
                {"errors": dict(ALL_ERRORS), "signed_in": _signed_in, "measured_s": measured},
                f,
                ensure_ascii=False,
                indent=1,
            )


class Advisor(HttpUser):
    """An advisor clicking through the daily pages."""

    wait_time = between(
        float(os.environ.get("WBA_WAIT_MIN", "1")), float(os.environ.get("WBA_WAIT_MAX", "3"))
    )

    def on_start(self) -> None:
        self.case_ids: list[int] = []
        self.own_case_ids: list[int] = []
        self.csrf = ""
        self.email = next(_next_advisor)
        for _attempt in range(LOGIN_ATTEMPTS):
            if self._login():
                break
        self._signed_in()
        # Start with the user's own cases, so detail pages and saves have targets.
        self.my_cases()

    def _signed_in(self) -> None:
        global _signed_in, _measuring_since
        _signed_in += 1
        runner = self.environment.runner
        if _measuring_since is None and (
            MEASURE_RAMP_UP or (runner is not None and _signed_in >= runner.target_user_count)
        ):
            if MEASURE_RAMP_UP:
                _measuring_since = time.time()
            else:
                _measuring_since = time.time() + SETTLE_SECONDS
                gevent.spawn_later(SETTLE_SECONDS, self.environment.stats.reset_all)

    def _login(self) -> bool:
        """One login through the form. A refused login counts as an error; the user then
        waits a moment and tries again (up to LOGIN_ATTEMPTS), so the pages are still
        measured."""
        form = self.client.get("/anmelden", name=pages.LOGIN_FORM)
        match = CSRF.search(form.text or "")
        data = {"email": self.email, "password": BENCH_PASSWORD}
        if match:
            data["csrf_token"] = match.group(1)
        with self.client.post(
            "/anmelden", data=data, name=pages.LOGIN, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and "/anmelden" not in response.headers.get(
                "Location", ""
            ):
                return True
            response.failure(f"Anmeldung: HTTP {response.status_code}")
        # Like a person trying again after a moment (Retry-After of a 503 says 30 s).
        time.sleep(random.uniform(1, 3))
        return False

    def _page(self, url: str, name: str) -> str:
        """GET ``url``; an error unless it answers 200 without a detour to the login."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/anmelden" in response.url:
                response.failure("zur Anmeldung umgeleitet (Sitzung verloren)")
            text = response.text or ""
        # The CSRF token belongs to the session: any form after the login carries it.
        match = CSRF.search(text)
        if match:
            self.csrf = match.group(1)
        return text

    def _remember(self, text: str, own: bool = False) -> None:
        found = [int(x) for x in CASE_LINK.findall(text)][:25]
        if found:
            self.case_ids = found
            if own:
                self.own_case_ids = found

    @task(10)
    def inbox(self) -> None:
        self._remember(self._page("/faelle/posteingang", pages.INBOX))

    @task(10)
    def my_cases(self) -> None:
        self._remember(self._page("/faelle/meine", pages.MY_CASES), own=True)

    @task(10)
    def case_list_filter(self) -> None:
        self._page("/faelle?status=open&topic=digital&sort=neueste", pages.CASE_LIST_FILTER)

    @task(20)
    def case_detail(self) -> None:
        if self.case_ids:
            self._page(f"/faelle/{random.choice(self.case_ids)}", pages.CASE_DETAIL)

    @task(10)
    def funding_check(self) -> None:
        if self.own_case_ids:
            case_id = random.choice(self.own_case_ids)
            self._page(f"/faelle/{case_id}/foerdercheck", pages.FUNDING_CHECK)

    @task(5)
    def referrals(self) -> None:
        self._page("/weiterleitungen", pages.REFERRALS)

    @task(5)
    def due(self) -> None:
        self._page("/faelle/faellig", pages.DUE)

    @task(10)
    def case_list_search(self) -> None:
        """The search form: the term goes by POST and the result list comes from the 303
        redirect, whose URL carries only an opaque key (security.md WEB-05). Measured as one
        request, the way the user waits for it."""
        if not self.csrf:
            self._page("/faelle", pages.CASE_LIST_FILTER)
        term = random.choice(SEARCH_TERMS)
        with self.client.post(
            "/faelle",
            data={"csrf_token": self.csrf, "q": term},
            name=pages.SEARCH,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/anmelden" in response.url:
                response.failure("zur Anmeldung umgeleitet (Sitzung verloren)")
            elif "suche=" not in response.url or "q=" in response.url:
                response.failure(f"keine Suche über POST: {response.url}")

    @task(20 if WRITES else 0)
    def add_note(self) -> None:
        if not (self.own_case_ids and self.csrf):
            return
        case_id = random.choice(self.own_case_ids)
        data: dict[str, Any] = {
            "csrf_token": self.csrf,
            "body": "Lasttest: Rückruf vereinbart, Unterlagen folgen.",
        }
        with self.client.post(
            f"/faelle/{case_id}/notizen",
            data=data,
            name=pages.ADD_NOTE,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or f"/faelle/{case_id}" not in location:
                response.failure(f"HTTP {response.status_code} {location}")
