"""No state-changing endpoint accepts a request without a valid CSRF token
(security.md WEB-01, figure 10: target 0)."""

import re

from tests.figures import backend_of, record_figure
from tests.personas import TEST_PASSWORD

# Documented exemption: the stateless JSON API of the funding check (no cookies used).
CSRF_EXEMPT = {"funding.api_check"}
# The REST API (/api/v1) is authenticated by bearer tokens only and ignores the session
# cookie, so a forged cross-site request has nothing to ride on: it must answer 401 to
# the signed-in browser below (docs/api.md).


def test_every_post_route_rejects_a_missing_token(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    clean_app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = clean_app.test_client()
        page = client.get("/anmelden").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post(
            "/anmelden",
            data={"email": advisor.email, "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert client.get("/").status_code == 200
        from wbagentur.core.access import access_marker

        accepted, checked = [], 0
        for rule in clean_app.url_map.iter_rules():
            if access_marker(clean_app, rule.endpoint) == "token":
                for method in sorted(rule.methods & {"POST", "PATCH"}):
                    url = re.sub(r"<int:[^>]+>", "1", rule.rule)
                    response = client.open(url, method=method, json={})
                    if response.status_code != 401:
                        accepted.append((rule.endpoint, response.status_code))
                continue
            if (
                not ({"POST", "PUT", "PATCH", "DELETE"} & rule.methods)
                or rule.endpoint in CSRF_EXEMPT
            ):
                continue
            url = re.sub(r"<int:[^>]+>", "1", rule.rule)
            url = re.sub(r"<[^>]+>", "x", url)
            response = client.post(url, data={"irgendwas": "1"})
            checked += 1
            if response.status_code != 400:
                accepted.append((rule.endpoint, response.status_code))
        record_figure(
            "csrf.unprotected",
            len(accepted),
            target="0",
            ok=not accepted and checked >= 60,
            db=backend_of(clean_app),
            detail=f"{checked} POST-Routen; dokumentierte Ausnahme: "
            f"{', '.join(sorted(CSRF_EXEMPT))}",
        )
        assert checked >= 60
        assert accepted == []
    finally:
        clean_app.config["WTF_CSRF_ENABLED"] = False
