"""429 answers say when the exceeded limit really resets (issue #19 item 9): an hourly
limit said ``Retry-After: 60`` although its window reset 1,212 s later."""

from __future__ import annotations

import time


def test_hourly_limit_states_its_real_reset_time(client, clean_app):
    limit = int(clean_app.config["PASSWORD_RESET_IP_LIMIT"].split()[0])
    assert "hour" in clean_app.config["PASSWORD_RESET_IP_LIMIT"]
    started = time.time()
    for _ in range(limit):
        client.post("/passwort-vergessen", data={"email": "niemand@test.example"})
    response = client.post("/passwort-vergessen", data={"email": "niemand@test.example"})
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    elapsed = time.time() - started
    # The window opened with the first request: it resets about an hour after it.
    assert 3600 - elapsed - 5 <= retry_after <= 3601
    assert "Zu viele Anfragen" in response.get_data(as_text=True)


def test_minute_limit_states_at_most_a_minute(client, clean_app):
    limit = int(clean_app.config["RATELIMIT_LOGIN"].split()[0])
    for _ in range(limit):
        client.post("/anmelden", data={"email": "niemand@test.example", "password": "x"})
    response = client.post("/anmelden", data={"email": "niemand@test.example", "password": "x"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61
