"""Every PDF the application produces is tagged (issue #16.3, EN 301 549 clause 10): a
structure tree, /MarkInfo, /Lang de-DE, /Title and embedded fonts.

The PDF routes are found in the URL map (rules ending in ``/pdf``); a new one fails
``test_every_pdf_route_is_covered`` until it is added to ``PDF_ROUTES`` with a request here.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.plans.conftest import create_plan_case
from tests.plans.pdfcheck import assert_accessible, read_pdf

pytestmark = pytest.mark.usefixtures("fixed_clock")

PDF_ROUTES = {
    "plans.letter_pdf",
    "funding.recommendation_pdf",
    "reports.monthly_pdf",
}


def test_every_pdf_route_is_covered(app):
    found = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith("/pdf")}
    assert found == PDF_ROUTES


def test_no_untagged_pdf_library_is_used():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "wbagentur"
    offenders = [
        str(p)
        for p in root.rglob("*.py")
        if "from fpdf" in p.read_text() or "import fpdf" in p.read_text()
    ]
    assert offenders == []


def _check_id(clean_app, client, case_id):
    from wbagentur.extensions import db
    from wbagentur.funding.models import FundingCheck

    data = {
        "staff_over_30h": "12",
        "district_key": "16054",
        "seat_in_thuringia": "y",
        "birth_date": "15.06.1988",
        "employment_status": "employed",
        "has_qualification": "yes",
        "qualification_year": "2012",
        "course_title": "CNC-Fachkraft",
        "hours": "320",
        "hours_unit": "teaching_units_45",
        "course_fees": "14.640,00",
        "start_date": "01.02.2027",
        "end_date": "31.05.2027",
        "goal": "other",
        "azav": "yes",
        "action": "save",
    }
    response = client.post(f"/faelle/{case_id}/foerdercheck", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with clean_app.app_context():
        return db.session.scalar(sa.select(FundingCheck.id).where(FundingCheck.case_id == case_id))


def test_every_pdf_is_tagged(clean_app, client, auth, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        ids = create_plan_case(advisor_id=advisor.id)
    auth.login(advisor)
    check_id = _check_id(clean_app, client, ids.case_id)
    urls = {
        "plans.letter_pdf": f"/faelle/{ids.case_id}/qualifizierungsplan/empfehlung/pdf",
        "funding.recommendation_pdf": (
            f"/faelle/{ids.case_id}/foerdercheck/{check_id}/empfehlung/pdf"
        ),
    }
    produced = {}
    for endpoint, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, endpoint
        produced[endpoint] = read_pdf(response.data)
    auth.logout()
    auth.login(make_user("supervisor", "SW"))
    response = client.get("/uebersicht/monatsbericht/pdf")
    assert response.status_code == 200
    produced["reports.monthly_pdf"] = read_pdf(response.data)
    assert set(produced) == PDF_ROUTES
    for endpoint, info in produced.items():
        assert_accessible(info)
        assert "/H1" in info["tags"], endpoint
        assert "/Table" in info["tags"], endpoint
