"""Load test of the main advisor pages (issue 8), run by ``loadtest/run.py``.

Every simulated user logs in through the real login form as one of the generated
advisors (``flask bench generate``; password ``BENCH_PASSWORD``) and then works like an
advisor: inbox, own cases, the case list with filter and search, case details and the
referral list. CSRF is on in this setup, so the token is read from the login form.
"""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import HttpUser, between, task

from wbagentur.bench.generator import BENCH_DOMAIN, BENCH_PASSWORD

REGIONS = ("nt", "mt", "ot", "sw")
ADVISORS = [f"berater{n}.{code}@{BENCH_DOMAIN}" for code in REGIONS for n in range(1, 9)]
_next_advisor = itertools.cycle(ADVISORS)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CASE_LINK = re.compile(r'href="/faelle/(\d+)"')
SEARCH_TERMS = ("müller", "schmidt", "meier", "WBA-", "bau", "technik")


class Advisor(HttpUser):
    """An advisor clicking through the daily pages (1–3 s think time)."""

    wait_time = between(
        float(os.environ.get("WBA_WAIT_MIN", "1")), float(os.environ.get("WBA_WAIT_MAX", "3"))
    )

    def on_start(self) -> None:
        self.case_ids: list[int] = []
        form = self.client.get("/anmelden", name="/anmelden")
        match = CSRF.search(form.text)
        data = {"email": next(_next_advisor), "password": BENCH_PASSWORD}
        if match:
            data["csrf_token"] = match.group(1)
        with self.client.post(
            "/anmelden",
            data=data,
            name="/anmelden [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"Anmeldung fehlgeschlagen: HTTP {response.status_code}")

    def _remember_cases(self, text: str) -> None:
        found = [int(x) for x in CASE_LINK.findall(text)]
        if found:
            self.case_ids = found[:25]

    @task(3)
    def inbox(self) -> None:
        self._remember_cases(self.client.get("/faelle/posteingang", name="Posteingang").text)

    @task(3)
    def my_cases(self) -> None:
        self._remember_cases(self.client.get("/faelle/meine", name="Meine Fälle").text)

    @task(2)
    def case_list_filter(self) -> None:
        self.client.get("/faelle?status=open&topic=digital", name="Fallliste Filter")

    @task(2)
    def case_list_search(self) -> None:
        self.client.get(f"/faelle?q={random.choice(SEARCH_TERMS)}", name="Fallliste Suche")

    @task(5)
    def case_detail(self) -> None:
        if self.case_ids:
            self.client.get(f"/faelle/{random.choice(self.case_ids)}", name="Falldetail")

    @task(2)
    def referrals(self) -> None:
        self.client.get("/weiterleitungen", name="Weiterleitungen")

    @task(1)
    def due(self) -> None:
        self.client.get("/faelle/faellig", name="Fällige Wiedervorlagen")
