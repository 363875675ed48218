"""Every GET route answers with the full security header set – anonymous and signed in
(security.md WEB-02, figure 9: share of sampled responses with the header set = 100 %)."""

import re

from tests.test_security_headers import REQUIRED
from wbagentur.core.access import access_marker


def _get_urls(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule)
        url = re.sub(r"<[^>]+>", "x", url)
        yield rule.endpoint, url


def test_every_get_route_carries_the_header_set(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    supervisor = make_user("supervisor", "SW")
    admin = make_user("admin")
    responses = 0
    missing = []
    for persona in (None, advisor, supervisor, admin):
        client = clean_app.test_client()
        if persona is not None:
            client.post("/anmelden", data={"email": persona.email, "password": persona.password})
        for endpoint, url in _get_urls(clean_app):
            if access_marker(clean_app, endpoint) is None:
                continue
            response = client.get(url)
            responses += 1
            for name, value in REQUIRED.items():
                if value not in response.headers.get(name, ""):
                    missing.append((persona and persona.role, url, response.status_code, name))
            if persona is not None and response.status_code == 200 and response.mimetype == "text/html":
                if response.headers.get("Cache-Control") != "no-store":
                    missing.append((persona.role, url, 200, "Cache-Control"))
    assert responses > 150
    assert missing == [], missing[:10]
