"""Qualification plan (issue #16): engine per row, sums without double counting, deadlines,
§ 82 collective application, versioning, and the Förderempfehlung letter as tagged PDF."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.helpers import html_page, text_of
from tests.plans.conftest import EMPLOYEES
from tests.plans.pdfcheck import assert_accessible, read_pdf
from wbagentur.cases.models import TimelineEntry
from wbagentur.core import numbers
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db
from wbagentur.funding.engine import CaseInput, evaluate
from wbagentur.plans.models import PlanCourse

pytestmark = pytest.mark.usefixtures("fixed_clock")

TODAY = date(2026, 12, 1)  # conftest.FIXED_NOW
AMOUNT_CODE = {
    "sgb3_82": "total_ba",
    "esf_weiterbildungsscheck": "cheque_amount",
    "esf_anpassungsqualifizierung": "grant",
}


def _single(birth: date, title: str, hours: int, fees: float, start: str, end: str) -> dict:
    """The engine's result for one employee and one course, the document written out here."""
    doc = {
        "firm": {
            "name": "Präzisionsteile Suhl GmbH",
            "staff": [{"weekly_hours": 40, "count": 12}],
            "district_key": "16054",
            "seat_in_thuringia": True,
            "has_works_agreement_training": False,
            "has_collective_agreement_training": False,
        },
        "person": {
            "birth_date": birth.isoformat(),
            "employment_status": "employed",
            "has_usable_vocational_qualification": True,
            "highest_qualification": "vocational",
            "vocational_qualification_year": 2012,
            "employed_since": "2015-08-01",
            "working_days_per_week": 5,
        },
        "course": {
            "title": title,
            "hours": hours,
            "hours_unit": "teaching_units_45",
            "course_fees_eur": fees,
            "start_date": start,
            "end_date": end,
            "azav_measure_approved": True,
            "azav_provider_approved": True,
        },
    }
    return evaluate(CaseInput.from_dict(doc), TODAY).to_dict()


def _expected_rows() -> list[tuple[str, int, int]]:
    """(primary programme, its amount, sum of all eligible programmes' amounts) per row."""
    rows = []
    plan = [
        (EMPLOYEES[0][2], "CNC-Fachkraft", 320, 14640, "2027-02-01", "2027-05-31"),
        (EMPLOYEES[1][2], "CNC-Fachkraft", 320, 14640, "2027-02-01", "2027-05-31"),
        (EMPLOYEES[2][2], "SPS-Programmierung", 80, 2400, "2027-03-01", "2027-03-26"),
    ]
    for args in plan:
        result = _single(*args)
        code = result["routing"]["recommended"]
        by_code = {p["programme"]: p for p in result["programmes"]}
        amount = next(
            a["cents"] for a in by_code[code]["amounts"] if a["code"] == AMOUNT_CODE[code]
        )
        everything = sum(
            a["cents"]
            for c, p in by_code.items()
            if p["status"] == "eligible" and c in AMOUNT_CODE
            for a in p["amounts"]
            if a["code"] == AMOUNT_CODE[c]
        )
        rows.append((code, amount, everything))
    return rows


def test_plan_sums_the_single_engine_results_once(clean_app, plan_case):
    from wbagentur.cases.models import Case
    from wbagentur.plans.services import build_plan

    ids = plan_case()
    expected = _expected_rows()
    with clean_app.app_context():
        plan = build_plan(db.session.get(Case, ids.case_id), TODAY)
        assert len(plan.rows) == 3
        assert [r.open for r in plan.rows] == [False, False, False]
        assert [r.programme["programme"] for r in plan.rows] == [c for c, _, _ in expected]
        assert [r.amount_cents for r in plan.rows] == [a for _, a, _ in expected]
        assert plan.total_cents == sum(a for _, a, _ in expected)
        # Counting every eligible programme would count the same course costs twice.
        assert plan.total_cents < sum(e for _, _, e in expected)
        assert sum(c for _, c in plan.by_programme.values()) == plan.total_cents
        # The short course: Weiterbildungsscheck and Anpassungsqualifizierung never both.
        sps = plan.rows[2]
        assert sps.programme["programme"] != "sgb3_82"
        assert len(sps.alternatives) >= 1
        # Two employees on the CNC course under § 82: one collective application (§ 82 Abs. 5).
        assert len(plan.collectives) == 1
        assert [p.first_name for p in plan.collectives[0].persons] == ["Erika", "Jonas"]
        assert plan.collectives[0].deadline == date(2027, 1, 29)  # day before start, a Friday
        assert [d.due for d in plan.deadlines] == sorted(d.due for d in plan.deadlines)
        assert len(plan.combinations) == 2
        assert plan.combinations[0].startswith("Wir empfehlen Beschäftigtenqualifizierung")
        assert "Qualifizierungsgeld" in plan.combinations[0]
        assert "§ 82a Abs. 5 Nr. 2 SGB III" in plan.combinations[0]
        assert "Weiterbildungsscheck" in plan.combinations[1]
        assert "Anpassungsqualifizierung" in plan.combinations[1]


def test_firm_letter_pdf_is_tagged_and_shows_the_plan(client, auth, make_user, plan_case):
    advisor = make_user("advisor", "SW")
    ids = plan_case(advisor_id=advisor.id)
    auth.login(advisor)
    response = client.get(f"/faelle/{ids.case_id}/qualifizierungsplan/empfehlung/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    info = read_pdf(response.data)
    assert_accessible(info)
    for tag in ("/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI"):
        assert tag in info["tags"], tag
    assert info["title"].startswith("Förderempfehlung für Präzisionsteile Suhl GmbH")
    text = re.sub(r"\s+", " ", info["text"].replace("\xa0", " "))
    expected = _expected_rows()
    total = numbers.format_money(sum(a for _, a, _ in expected), "de").replace("\xa0", " ")
    assert f"Summe der einmaligen Förderbeträge {total}" in text
    for _, amount, _ in expected:
        assert numbers.format_money(amount, "de").replace("\xa0", " ") in text
    for first, last, _ in EMPLOYEES:
        assert f"{first} {last}" in text
    assert "Präzisionsteile Suhl GmbH" in text
    assert "98527 Suhl" in text
    assert "Sammelantrag" in text
    assert "§ 82 Abs. 5 SGB III" in text
    assert "29.01.2027" in text
    assert advisor.email in text
    # Nothing internal: no input names, no engine wording, no ISO dates or dot-decimal money.
    assert not re.search(r"\b(firm|person|course|thuerbfg)\.[a-z_]+", text)
    assert "ungeprüft" not in text
    assert "vermutlich" not in text
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)
    assert not re.search(r"\d+\.\d\d €", text)
    # One document for the firm; summary table on page one, details after it.
    assert info["pages"] >= 2


def test_per_employee_letter(client, auth, make_user, plan_case):
    advisor = make_user("advisor", "SW")
    ids = plan_case(advisor_id=advisor.id)
    auth.login(advisor)
    pid = ids.person_ids[2]
    page = html_page(
        client.get(f"/faelle/{ids.case_id}/qualifizierungsplan/empfehlung?person={pid}")
    )
    text = text_of(page)
    assert "Aylin Kaya" in text
    assert "Erika Beispiel" not in text
    info = read_pdf(
        client.get(f"/faelle/{ids.case_id}/qualifizierungsplan/empfehlung/pdf?person={pid}").data
    )
    assert_accessible(info)
    assert "Aylin Kaya" in info["text"]
    assert (
        client.get(
            f"/faelle/{ids.case_id}/qualifizierungsplan/empfehlung?person=999999"
        ).status_code
        == 404
    )


def _form(**over):
    data = {
        "title": "Schweißen MAG",
        "provider": "Handwerkskammer Südthüringen",
        "hours": "160",
        "hours_unit": "clock_hours",
        "fees": "3.200,00",
        "start_date": "01.03.2027",
        "end_date": "30.04.2027",
        "azav": "yes",
    }
    data.update(over)
    return data


def test_advisor_adds_and_edits_a_course_deadline_reflagged_and_versioned(
    client, auth, make_user, plan_case, clean_app
):
    advisor = make_user("advisor", "SW")
    ids = plan_case(advisor_id=advisor.id, with_courses=False)
    auth.login(advisor)
    data = _form()
    data["persons"] = [str(ids.person_ids[0]), str(ids.person_ids[1])]
    response = client.post(f"/faelle/{ids.case_id}/qualifizierungsplan/lehrgang", data=data)
    assert response.status_code == 302
    with clean_app.app_context():
        course = db.session.scalar(sa.select(PlanCourse).where(PlanCourse.case_id == ids.case_id))
        assert course.fees_cents == 320_000
        assert course.start_date == date(2027, 3, 1)
        course_id = course.id
    page = text_of(html_page(client.get(f"/faelle/{ids.case_id}/qualifizierungsplan")))
    assert "28.02.2027" not in page  # a Sunday: the last working day before is shown
    assert "26.02.2027" in page
    # Moving the start close to today re-checks and flags the deadline.
    data["start_date"] = "10.12.2026"
    data["end_date"] = "20.02.2027"
    data["fees"] = "3.500,00"
    response = client.post(
        f"/faelle/{ids.case_id}/qualifizierungsplan/lehrgang/{course_id}",
        data=data,
        follow_redirects=True,
    )
    text = text_of(html_page(response))
    assert "Frist neu: 09.12.2026 (bald fällig)" in text
    assert "bald fällig" in text
    with clean_app.app_context():
        entries = db.session.scalars(
            sa.select(TimelineEntry)
            .where(TimelineEntry.case_id == ids.case_id)
            .where(TimelineEntry.body.like("Qualifizierungsplan%"))
            .order_by(TimelineEntry.id)
        ).all()
        assert [e.author_id for e in entries] == [advisor.id, advisor.id]
        assert "01.03.2027–30.04.2027 → 10.12.2026–20.02.2027" in entries[1].body
        assert "Kosten je Person 3.200,00\xa0€ → 3.500,00\xa0€" in entries[1].body
        versions = [json.loads(e.data) for e in entries]
        assert [v["fees_cents"] for v in versions] == [320_000, 350_000]
        assert versions[1]["start_date"] == "2026-12-10"
        assert versions[1]["person_ids"] == sorted(ids.person_ids[:2])
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.action.like("plan.%"))
        ).all()
        assert actions == ["plan.course_add", "plan.course_edit"]


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"fees": "14.640,0x"}, "Lehrgangskosten"),
        ({"hours": "0"}, "Umfang"),
        ({"start_date": "31.02.2027"}, "Beginn"),
        ({"end_date": "01.01.2027"}, "Das Ende darf nicht vor dem Beginn liegen."),
        ({"title": ""}, "Bitte geben Sie den Lehrgang an."),
    ],
)
def test_course_form_refuses_bad_input(client, auth, make_user, plan_case, over, message):
    advisor = make_user("advisor", "SW")
    ids = plan_case(advisor_id=advisor.id, with_courses=False)
    auth.login(advisor)
    data = _form(**over)
    data["persons"] = [str(ids.person_ids[0])]
    response = client.post(f"/faelle/{ids.case_id}/qualifizierungsplan/lehrgang", data=data)
    assert response.status_code == 200
    assert message in text_of(html_page(response))


def test_course_form_refuses_persons_of_other_cases(client, auth, make_user, plan_case):
    advisor = make_user("advisor", "SW")
    ids = plan_case(advisor_id=advisor.id, with_courses=False)
    other = plan_case(advisor_id=advisor.id, with_courses=False)
    auth.login(advisor)
    data = _form()
    data["persons"] = [str(other.person_ids[0])]
    response = client.post(f"/faelle/{ids.case_id}/qualifizierungsplan/lehrgang", data=data)
    assert response.status_code == 200
    assert "nur Beschäftigte dieses Falls" in text_of(html_page(response))


def test_plan_of_another_region_is_refused(client, auth, make_user, plan_case):
    ids = plan_case()
    outsider = make_user("advisor", "NT")
    auth.login(outsider)
    for url in ("", "/empfehlung", "/empfehlung/pdf", "/lehrgang"):
        assert client.get(f"/faelle/{ids.case_id}/qualifizierungsplan{url}").status_code in (
            403,
            404,
        )


def test_a_row_with_missing_facts_is_marked_open_in_plan_and_letter(
    clean_app, client, auth, make_user, plan_case
):
    from wbagentur.persons.models import Person

    advisor = make_user("advisor", "SW")
    ids = plan_case(advisor_id=advisor.id)
    with clean_app.app_context():
        db.session.get(Person, ids.person_ids[1]).employment_status = None
        db.session.commit()
    auth.login(advisor)
    table = text_of(html_page(client.get(f"/faelle/{ids.case_id}/qualifizierungsplan")))
    assert table.count("(Angaben fehlen)") == 1
    info = read_pdf(client.get(f"/faelle/{ids.case_id}/qualifizierungsplan/empfehlung/pdf").data)
    text = re.sub(r"\s+", " ", info["text"])
    assert text.count("es fehlen noch Angaben") == 1
