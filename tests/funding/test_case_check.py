"""The funding check inside a case: prefill, save with timeline entry, scoping, Förderempfehlung."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from wbagentur.cases.models import TimelineEntry
from wbagentur.extensions import db
from wbagentur.funding.models import FundingCheck

# Course and follow-up dates in 2027 are in the future only on a fixed clock.
pytestmark = pytest.mark.usefixtures("fixed_clock")

COURSE = {
    "course_title": "CNC-Fachkraft",
    "hours": "480",
    "hours_unit": "clock_hours",
    "course_fees": "6000",
    "eligible_wage": "10000",
    "start_date": "11.01.2027",
    "end_date": "30.06.2027",
    "goal": "other",
    "azav": "yes",
    "income_band": "30000",
}


def _prefilled(client, case_id):
    import html5lib

    response = client.get(f"/faelle/{case_id}/foerdercheck")
    assert response.status_code == 200
    html_page(response)
    doc = html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)
    form = [
        f
        for f in doc.iter("form")
        if f.get("method") == "post" and "foerdercheck" in f.get("action")
    ][0]
    data = {}
    for el in form.iter("input"):
        if el.get("type") == "checkbox":
            if el.get("checked") is not None:
                data[el.get("name")] = "y"
        elif el.get("name") and el.get("name") != "csrf_token":
            data[el.get("name")] = el.get("value") or ""
    for el in form.iter("select"):
        chosen = [o for o in el.iter("option") if o.get("selected") is not None]
        data[el.get("name")] = (chosen or list(el.iter("option")))[0].get("value")
    return data


def _save(client, case_id, **extra):
    data = {**_prefilled(client, case_id), **COURSE, **extra, "action": "save"}
    return client.post(f"/faelle/{case_id}/foerdercheck", data=data)


def test_case_check_prefills_from_firm_and_person(client, auth, make_user, firm_case):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    data = _prefilled(client, ids.case_id)
    assert data["staff_over_30h"] == "22"
    assert data["staff_up_to_10h"] == "3"
    assert data["district_key"] == "16066"
    assert data["birth_date"] == "15.06.1988"
    assert data["employment_status"] == "employed"
    assert data["has_qualification"] == "yes"
    assert data["qualification_year"] == "2012"
    assert data["employed_since"] == "01.08.2015"
    assert data["working_days"] == "5"
    assert data["seat_in_thuringia"] == "y"


def test_case_check_run_shows_result_without_saving(client, auth, make_user, firm_case, clean_app):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    data = {**_prefilled(client, ids.case_id), **COURSE, "action": "check"}
    response = client.post(f"/faelle/{ids.case_id}/foerdercheck", data=data)
    assert response.status_code == 200
    assert "13.500,00\xa0€" in text_of(html_page(response))
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FundingCheck.id))) == 0


def test_case_check_save_stores_check_and_timeline_entry(
    client, auth, make_user, firm_case, clean_app
):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    response = _save(client, ids.case_id)
    assert response.status_code == 302
    with clean_app.app_context():
        check = db.session.scalar(sa.select(FundingCheck))
        assert check.case_id == ids.case_id
        assert check.person_id == ids.person_id
        assert check.versions["sgb3_82"] == "sgb3_82@2024-04-01.2"
        assert check.input["person"]["birth_date"] == "1988-06-15"
        assert ",sgb3_82," in check.eligible_codes
        entry = db.session.scalar(
            sa.select(TimelineEntry).where(TimelineEntry.kind == "funding_check")
        )
        check_id = check.id
    assert response.headers["Location"] == f"/faelle/{ids.case_id}/foerdercheck/{check_id}"
    assert entry.body.startswith("Förderprüfung: ")
    assert "§ 82 SGB III förderfähig (13.500,00\xa0€)" in entry.body
    data = json.loads(entry.data)
    assert data["check_id"] == check_id
    assert data["parameter_versions"]["sgb3_82"] == "sgb3_82@2024-04-01.2"
    page = text_of(html_page(client.get(response.headers["Location"])))
    assert "sgb3_82@2024-04-01.2" in page
    assert "Förderempfehlung" in page


def test_case_check_double_submit_saves_once(client, auth, make_user, firm_case, clean_app):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    data = {**_prefilled(client, ids.case_id), **COURSE, "action": "save"}
    first = client.post(f"/faelle/{ids.case_id}/foerdercheck", data=data)
    second = client.post(f"/faelle/{ids.case_id}/foerdercheck", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FundingCheck.id))) == 1


def test_case_check_bad_input_saves_nothing(client, auth, make_user, firm_case, clean_app):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    for field, value, message in (
        ("end_date", "01.01.2027", "Das Ende darf nicht vor dem Beginn liegen."),
        ("working_days", "9", "Bitte geben Sie eine Zahl von 1 bis 7 ein."),
        ("employed_since", "2015", "Bitte geben Sie das Datum als TT.MM.JJJJ ein"),
        ("exam_fees", "teuer", "Bitte geben Sie einen Betrag in Euro"),
    ):
        response = _save(client, ids.case_id, **{field: value})
        assert response.status_code == 200, field
        assert message in response.get_data(as_text=True), field
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FundingCheck.id))) == 0


def test_case_check_other_region_is_404(client, auth, make_user, firm_case):
    ids = firm_case(region_code="SW")
    auth.login(make_user("advisor", "OT"))
    assert client.get(f"/faelle/{ids.case_id}/foerdercheck").status_code == 404


def test_case_check_admin_and_coordinator_cannot_run_it(client, auth, make_user, firm_case):
    ids = firm_case()
    auth.login(make_user("admin"))
    assert client.get(f"/faelle/{ids.case_id}/foerdercheck").status_code == 403


def test_saved_check_of_other_region_is_404(client, auth, make_user, firm_case):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    location = _save(client, ids.case_id).headers["Location"]
    auth.logout()
    auth.login(make_user("advisor", "NT"))
    assert client.get(location).status_code == 404
    assert client.get(location + "/empfehlung").status_code == 404
    assert client.get(location + "/empfehlung/pdf").status_code == 404


def test_saved_check_of_another_case_is_404(client, auth, make_user, firm_case):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    other = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    location = _save(client, ids.case_id).headers["Location"]
    check_id = location.rsplit("/", 1)[1]
    assert client.get(f"/faelle/{other.case_id}/foerdercheck/{check_id}").status_code == 404


def test_recommendation_print_view_lists_programmes_and_amounts(client, auth, make_user, firm_case):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    location = _save(client, ids.case_id).headers["Location"]
    response = client.get(location + "/empfehlung")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text = text_of(html_page(response))
    assert "css/letter.css" in body
    assert ids.reference in text
    assert "Metallbau Muster GmbH" in text
    assert "Beschäftigtenqualifizierung (§ 82 SGB III)" in text
    assert "Erika Beispiel" in text
    assert "13.500,00\xa0€" in text
    assert "10.01.2027" in text
    assert "Agentur für Arbeit" in text
    assert "Südwestthüringen" in text


def test_recommendation_pdf_is_attachment_with_reference(client, auth, make_user, firm_case):
    from pypdf import PdfReader

    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    location = _save(client, ids.case_id).headers["Location"]
    response = client.get(location + "/empfehlung/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ids.reference in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert ids.reference in text
    assert "§ 82 SGB III" in text
    assert "13.500,00" in text


def test_coordinator_reads_saved_check_but_cannot_start_one(client, auth, make_user, firm_case):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    location = _save(client, ids.case_id).headers["Location"]
    auth.logout()
    auth.login(make_user("coordinator"))
    assert client.get(location).status_code == 200
    assert client.get(f"/faelle/{ids.case_id}/foerdercheck").status_code == 403


def test_case_check_takes_award_date_and_shows_the_decisive_date(
    client, auth, make_user, firm_case
):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    data = {
        **_prefilled(client, ids.case_id),
        **COURSE,
        "application_date": "01.12.2026",
        "award_date": "15.12.2026",
        "short_time_work": "no",
    }
    page = text_of(html_page(client.post(f"/faelle/{ids.case_id}/foerdercheck", data=data)))
    # § 422 SGB III: the award (15.12.2026) comes before the course start (11.01.2027).
    assert "§ 422 Abs. 1 SGB III: Maßgeblich für die anzuwendende Fassung ist der Tag der " in page
    assert "Bewilligung (15.12.2026)" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"application_date": "10.12.2026", "award_date": "01.12.2026"},
            "Die Bewilligung kann nicht vor dem Antrag liegen.",
        ),
        ({"award_date": "31.13.2026"}, "Bitte geben Sie das Bewilligungsdatum als TT.MM.JJJJ ein."),
    ],
)
def test_case_check_bad_award_date_is_refused(
    client, auth, make_user, firm_case, clean_app, changes, message
):
    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    auth.login(advisor)
    data = {**_prefilled(client, ids.case_id), **COURSE, **changes, "action": "save"}
    response = client.post(f"/faelle/{ids.case_id}/foerdercheck", data=data)
    assert response.status_code == 200
    assert message in text_of(html_page(response))
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FundingCheck.id))) == 0


def test_saved_check_offers_the_next_unchecked_person_and_the_referral(
    client, auth, make_user, firm_case, clean_app
):
    """Issue #14: from one saved check the next employee without one and the referral for
    the recommended programme are one click away; the coordinator gets neither."""
    from tests.factories import make_person
    from wbagentur.cases import services as case_services
    from wbagentur.cases.models import Case

    advisor = make_user("advisor", "SW")
    ids = firm_case(assigned_to_id=advisor.id)
    with clean_app.app_context():
        second = make_person("Jonas", "Zweiter", employer_id=ids.firm_id)
        case_services.add_participants(None, db.session.get(Case, ids.case_id), [second.id])
        db.session.commit()
        second_id = second.id
    auth.login(advisor)
    location = _save(client, ids.case_id, person=str(ids.person_id)).headers["Location"]
    page = html_page(client.get(location))
    offered = next(e for e in page.iter() if e.get("data-unchecked") is not None)
    assert text_of(offered).endswith("Prüfen für Jonas Zweiter")
    links = [a.get("href") for a in offered.iter("{http://www.w3.org/1999/xhtml}a")]
    assert links == [f"/faelle/{ids.case_id}/foerdercheck?person={second_id}"]
    refer = next(e for e in page.iter() if e.get("data-refer") is not None)
    assert refer.get("href").startswith(f"/faelle/{ids.case_id}/weiterleiten?bedarf=")
    auth.logout()
    auth.login(make_user("coordinator"))
    body = client.get(location).get_data(as_text=True)
    assert "data-unchecked" not in body
    assert "data-refer" not in body
