"""Generated access matrix: every case route × role × user region × case region, plus the
grants of transfers (accepted/pending) and of referrals to another contact point."""

import re

import sqlalchemy as sa

from tests.cases.conftest import create_case, create_firm
from tests.factories import ReferralFactory, TransferFactory
from tests.figures import backend_of, record_figure
from tests.referrals.conftest import partner
from wbagentur.core.models import utcnow
from wbagentur.extensions import db
from wbagentur.regions.models import Region

REGIONS = ["NT", "MT", "OT", "SW"]
DISTRICT = {"NT": "16062", "MT": "16051", "OT": "16053", "SW": "16054"}
ALLOWED = {200, 302, 400, 409}


def _case_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("cases.", "referrals.")) or rule.arguments != {"case_id"}:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            routes.append((method, rule.rule, rule.endpoint))
    return sorted(routes)


READ_ENDPOINTS = {"cases.detail"}  # every other route needs edit rights on the case


def _expected(role, user_region, case_region, grant, method, endpoint):
    """Policy: 'ok' or the denial code."""
    if role == "admin":
        return 403
    if role == "coordinator":
        return "ok" if endpoint in READ_ENDPOINTS else 403
    if user_region == case_region:
        return "ok"
    if grant:
        return "ok" if endpoint in READ_ENDPOINTS else 403
    return 404


def test_access_matrix_has_no_leaks(client, clean_app, make_user, auth, capsys):
    routes = _case_routes(clean_app)
    assert any(e == "referrals.case_new" for _, _, e in routes)
    assert any(e == "cases.add_note" for _, _, e in routes)
    with clean_app.app_context():
        region_ids = dict(db.session.execute(sa.select(Region.code, Region.id)).tuples().all())
        cases = []  # (case_id, case_region, {region granted})
        for code in REGIONS:
            cases.append(
                (create_case(firm=create_firm(f"Firma {code}", DISTRICT[code])).id, code, None)
            )
        for i, code in enumerate(REGIONS):
            other = REGIONS[(i + 1) % 4]
            # accepted transfer from `code` to `other`
            case = create_case(firm=create_firm(f"Übergeben {code}", DISTRICT[code]))
            TransferFactory(
                case=case,
                from_region_id=region_ids[code],
                to_region_id=region_ids[other],
                state="accepted",
                reason="r",
                decided_at=utcnow(),
            )
            case.region_id = region_ids[other]
            cases.append((case.id, other, code))
            # pending transfer from `other` to `code`
            case = create_case(firm=create_firm(f"Angeboten {code}", DISTRICT[other]))
            TransferFactory(
                case=case,
                from_region_id=region_ids[other],
                to_region_id=region_ids[code],
                state="pending",
                reason="r",
            )
            cases.append((case.id, other, code))
            # referral of `other` to the contact point of `code`
            case = create_case(firm=create_firm(f"Verwiesen {code}", DISTRICT[other]))
            ReferralFactory(
                case=case,
                partner=partner(f"wba_{code.lower()}"),
                purpose="p",
                data_categories="firm",
                legal_basis="Art. 6",
                state="sent",
            )
            cases.append((case.id, other, code))
        db.session.commit()
    users = [("admin", None), ("coordinator", None)] + [
        (r, c) for r in ("advisor", "supervisor") for c in REGIONS
    ]
    cells = leaks = 0
    mismatches = []
    for role, region in users:
        persona = make_user(role, region)
        auth.logout()
        auth.login(persona)
        for case_id, case_region, granted in cases:
            grant = granted is not None and granted == region
            for method, rule, endpoint in routes:
                url = re.sub(r"<int:case_id>", str(case_id), rule)
                response = client.get(url) if method == "GET" else client.post(url, data={})
                expected = _expected(role, region, case_region, grant, method, endpoint)
                cells += 1
                got = response.status_code
                if expected == "ok":
                    if got not in ALLOWED:
                        mismatches.append(
                            (role, region, case_region, granted, method, endpoint, got)
                        )
                elif got != expected:
                    mismatches.append((role, region, case_region, granted, method, endpoint, got))
                    if got in ALLOWED:
                        leaks += 1
    with capsys.disabled():
        print(f"\n{cells} cells tested, {leaks} leaks")
    # Target of security.md § 5.3: object routes × 4 roles × 4 user regions × 4 object regions.
    minimum = len(routes) * 4 * 4 * 4
    record_figure(
        "authz.matrix_cells",
        cells,
        target=f"≥ {minimum}",
        ok=cells >= minimum,
        db=backend_of(clean_app),
    )
    record_figure("authz.matrix_leaks", leaks, target="0", ok=leaks == 0, db=backend_of(clean_app))
    assert leaks == 0
    assert mismatches == []
    assert cells >= 1000
