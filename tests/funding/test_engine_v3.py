"""Funding engine, issue #17 items 5, 9 and 12 and the English explanations.

Worked examples from the law text (funding-rules.md § 4.2, § 6, § 11; §§ 110-111a SGB III), each
through the engine and – where a client sees the difference – through the JSON API and the CLI.
The AFBG means test (item 7) is in test_engine_v2.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.funding.helpers import EX1, EX3, EX8, doc
from wbagentur.funding.engine import DEFAULT_PARAMETER_SETS, evaluate_document


def _programme(out: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in out["programmes"] if p["programme"] == code)


def _reason(out: dict[str, Any], code: str, rule: str) -> dict[str, Any]:
    return next(r for r in _programme(out, code)["reasons"] if r["rule"] == f"{code}.{rule}")


def _amounts(out: dict[str, Any], code: str) -> dict[str, dict[str, Any]]:
    return {a["code"]: a for a in _programme(out, code)["amounts"]}


def _pointers(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["programme"]: p for p in out["routing"]["pointers"]}


# --------------------------------------------------------------------------- item 5

AQ = "esf_anpassungsqualifizierung"


def _with_unit_cost(eur_per_hour: float) -> list[dict[str, Any]]:
    sets = [ps.to_dict() for ps in DEFAULT_PARAMETER_SETS]
    for s in sets:
        if s["programme"] == AQ:
            s["params"]["wage_unit_cost_eur_per_hour"]["value"] = eur_per_hour
    return sets


def test_anpassungsqualifizierung_applies_by_portal_and_by_post(client: Any, runner: Any) -> None:
    out = client.post("/api/foerdercheck", json=EX1).get_json()
    body = _programme(out, AQ)["deciding_body"]
    assert body["name"] == "Thüringer Landesverwaltungsamt (Förderportal und Post)"
    assert "Förderportal und zusätzlich unterschrieben per Post" in body["note"]
    cli = json.loads(runner.invoke(args=["funding", "check", "-"], input=json.dumps(EX1)).output)
    assert _programme(cli, AQ)["deciding_body"] == body


def test_anpassungsqualifizierung_names_the_esf_entry_data_as_a_requirement() -> None:
    out = evaluate_document(EX1)
    reason = _reason(out, AQ, "participant_data")
    assert reason["text"].startswith("Art. 17 und Anhang I VO (EU) 2021/1057: Voraussetzung:")
    step = next(s for s in _programme(out, AQ)["next_steps"] if s["kind"] == "proof")
    assert "ESF+-Teilnehmendendaten" in step["text"]
    assert step["due_date"] == "2027-01-11"  # at entry = course start


def test_anpassungsqualifizierung_wage_costs_as_standard_unit_costs() -> None:
    # EX1: 480 clock hours × 25 € (a unit cost an administrator enters) = 12,000 € wage costs,
    # instead of the 10,000 € stated; 6,000 € course costs + 12,000 € = 18,000 €, grant up to
    # 50 % = 9,000 €.
    out = evaluate_document(EX1, parameter_sets=_with_unit_cost(25))
    amounts = _amounts(out, AQ)
    assert amounts["eligible_wage_costs"]["cents"] == 1_200_000
    assert (
        "480 Zeitstunden × 25,00 € Standardeinheitskosten"
        in amounts["eligible_wage_costs"]["basis"]
    )
    assert amounts["eligible_expenditure"]["cents"] == 1_800_000
    assert amounts["grant"]["cents"] == 900_000
    # 200 teaching units of 45 minutes are 150 clock hours: 150 × 25 € = 3,750 €.
    ustd = doc(EX1, course={"hours": 200, "hours_unit": "teaching_units_45"})
    assert (
        _amounts(evaluate_document(ustd, parameter_sets=_with_unit_cost(25)), AQ)[
            "eligible_wage_costs"
        ]["cents"]
        == 375_000
    )


def test_anpassungsqualifizierung_unit_cost_is_unverified_in_the_catalogue() -> None:
    out = evaluate_document(EX1)
    wage = _amounts(out, AQ)["eligible_wage_costs"]
    assert "Standardeinheitskosten nicht im Förderkatalog hinterlegt" in wage["basis"]
    warning = next(w for w in out["warnings"] if "Standardeinheitskosten Personalausgaben" in w)
    assert "Ungeprüfter Wert" in warning
    assert "nicht gefunden" in warning  # the note names why the figure is missing
    without = evaluate_document(doc(EX1, course={"eligible_wage_eur": None}))
    assert _amounts(without, AQ)["grant"]["cents"] == 300_000  # 50 % of the course costs only
    assert "berechnet nur mit den Lehrgangskosten" in _reason(without, AQ, "amount")["text"]


# --------------------------------------------------------------------------- item 9


@pytest.mark.parametrize(
    ("firm", "label"),
    [
        ({"headcount": 300, "annual_turnover_eur": 40e6}, "großes Unternehmen (kein KMU)"),
        ({"headcount": 180, "annual_turnover_eur": 20e6}, "mittleres Unternehmen"),
        ({"headcount": 30, "annual_turnover_eur": 3e6}, "kleines Unternehmen"),
    ],
)
def test_section_82_shows_the_eu_sme_class_beside_its_own_bands(
    firm: dict[str, Any], label: str
) -> None:
    # funding-rules.md § 6: "A 300-employee firm is 'mittel' for § 82 but not an EU SME".
    document = doc(EX1, firm={"staff": None, "linked_to_large_enterprise": False, **firm})
    reason = _reason(evaluate_document(document), "sgb3_82", "sme_class")
    assert reason["citation"] == "Empfehlung 2003/361/EG, Anhang Art. 2"
    assert f"EU-KMU-Klasse: {label}" in reason["text"]
    assert "Größenklassen von § 82 Abs. 2, 3 und 6 SGB III" in reason["text"]


def test_sme_class_in_every_programme_whose_rate_depends_on_size(client: Any, runner: Any) -> None:
    out = client.post("/api/foerdercheck", json=EX3).get_json()
    cli = json.loads(runner.invoke(args=["funding", "check", "-"], input=json.dumps(EX3)).output)
    assert _reason(cli, "sgb3_82", "sme_class") == _reason(out, "sgb3_82", "sme_class")
    assert "EU-KMU-Klasse: mittleres Unternehmen" in _reason(out, "sgb3_82", "sme_class")["text"]
    with_class = {
        p["programme"]
        for p in out["programmes"]
        for r in p["reasons"]
        if r["rule"].endswith(".sme_class")
    }
    # § 82 (rates by firm size) and the Anpassungsqualifizierung (catalogue rate by SME class);
    # the cheque, § 82a (60/67 %), AFBG, ThürBfG and § 81 do not depend on the firm's class.
    assert with_class == {"sgb3_82", AQ}


# --------------------------------------------------------------------------- item 12

RESTRUCTURING = doc(
    EX3,
    firm={"restructuring": True, "transfer_advice_by_agency": True, "headcount": 180},
    person={
        "employment_status": "threatened_by_unemployment",
        "net_pay_difference_monthly_eur": 1800,
        "transfer_short_time_work": True,
    },
    course={"employer_contribution_eur": 1000},
)


def test_transfer_measures_50_percent_at_most_2500_per_person(client: Any, runner: Any) -> None:
    # § 110 Abs. 2 SGB III: 50 % of 4,000 € = 2,000 € (below the 2,500 € cap).
    out = client.post("/api/foerdercheck", json=RESTRUCTURING).get_json()
    measures = _pointers(out)["transfer_measures"]
    assert measures["amounts"][0]["cents"] == 200_000
    assert measures["status"] == "needs_information"  # third party, integration: the AA checks
    met = {c["citation"]: c["met"] for c in measures["conditions"]}
    assert met["§ 110 Abs. 1 S. 3 SGB III"] is True
    assert met["§ 110 Abs. 1 S. 1 Nr. 1, § 111 Abs. 1 S. 1 Nr. 4 SGB III"] is True
    assert measures["deciding_body"].startswith("Agentur für Arbeit")
    expensive = evaluate_document(doc(RESTRUCTURING, course={"course_fees_eur": 9000}))
    assert _pointers(expensive)["transfer_measures"]["amounts"][0]["cents"] == 250_000
    cli = json.loads(
        runner.invoke(args=["funding", "check", "-"], input=json.dumps(RESTRUCTURING)).output
    )
    assert _pointers(cli) == _pointers(out)


def test_transfer_kurzarbeitergeld_60_percent_for_at_most_twelve_months() -> None:
    # § 111 Abs. 1 S. 2, Abs. 9 with § 105 SGB III: 60 % of 1,800 € = 1,080 € a month,
    # 12 × 1,080 € = 12,960 €; with a child 67 % = 1,206 €.
    kug = _pointers(evaluate_document(RESTRUCTURING))["transfer_kug"]
    assert [a["cents"] for a in kug["amounts"]] == [108_000, 1_296_000]
    child = doc(RESTRUCTURING, person={"children": [{"birth_date": "2020-01-01"}]})
    assert _pointers(evaluate_document(child))["transfer_kug"]["amounts"][0]["cents"] == 120_600


def test_training_during_transfer_kug_needs_the_employer_share() -> None:
    # § 111a Abs. 1 S. 1 Nr. 3, Abs. 3: in a firm under 250 the employer pays at least 25 % of
    # the course costs: 1,000 € of 4,000 € is enough, 900 € is not; from 250 staff 50 %.
    training = _pointers(evaluate_document(RESTRUCTURING))["transfer_training"]
    share = next(c for c in training["conditions"] if "Abs. 3" in c["citation"])
    assert share["met"] is True
    assert "mindestens 25 %" in share["text"]
    low = _pointers(
        evaluate_document(doc(RESTRUCTURING, course={"employer_contribution_eur": 900}))
    )
    assert low["transfer_training"]["status"] == "not_eligible"
    big = _pointers(evaluate_document(doc(RESTRUCTURING, firm={"headcount": 300})))
    share = next(c for c in big["transfer_training"]["conditions"] if "Abs. 3" in c["citation"])
    assert share["met"] is False
    assert "mindestens 50 %" in share["text"]


def test_transfer_excludes_the_public_sector_and_needs_the_agencys_advice() -> None:
    public = _pointers(evaluate_document(doc(RESTRUCTURING, firm={"is_public_sector": True})))
    assert public["transfer_measures"]["status"] == "not_eligible"
    unadvised = _pointers(
        evaluate_document(doc(RESTRUCTURING, firm={"transfer_advice_by_agency": False}))
    )
    assert unadvised["transfer_kug"]["status"] == "not_eligible"
    assert _pointers(evaluate_document(EX3)) == {}


def test_bildungspraemie_ended_on_31_december_2021_and_old_courses_say_so() -> None:
    old = evaluate_document(
        doc(EX3, top={"reference_date": "2021-10-01"}, course={"start_date": "2021-11-01"})
    )
    praemie = _pointers(old)["bildungspraemie"]
    assert praemie["status"] == "not_eligible"
    assert "31.12.2021" in praemie["conditions"][0]["text"]


def test_aufstiegsstipendium_needs_two_years_of_work() -> None:
    base = doc(EX1, course={"goal": "university_degree"}, person={"years_of_work": 1})
    stip = _pointers(evaluate_document(base))["aufstiegsstipendium"]
    assert stip["status"] == "not_eligible"
    ok = _pointers(evaluate_document(doc(base, person={"years_of_work": 4})))
    assert ok["aufstiegsstipendium"]["status"] == "needs_information"  # the grade is asked


def test_further_programmes_are_shown_in_the_result_page(client: Any) -> None:
    out = evaluate_document(RESTRUCTURING)
    assert (
        _pointers(out)["transfer_kug"]["title"] == "Transferkurzarbeitergeld (Transfergesellschaft)"
    )


# --------------------------------------------------------------------------- English


def _english(client: Any) -> None:
    assert client.post("/sprache", data={"lang": "en", "next": "/"}).status_code == 302


MEISTER = doc(
    EX1,
    person={"assets_eur": 60000, "income_eur": 500, "health_insurance": "statutory_own"},
    course={
        "goal": "afbg",
        "afbg_level": 2,
        "mode": "full_time",
        "hours": 1600,
        "hours_unit": "teaching_units_45",
        "lessons_per_week": 30,
        "end_date": None,
        "duration_months": 24,
    },
)


def test_english_user_gets_english_explanations_from_the_api(client: Any) -> None:
    german = client.post("/api/foerdercheck", json=MEISTER).get_json()
    _english(client)
    english = client.post("/api/foerdercheck", json=MEISTER).get_json()
    means = _reason(english, "afbg", "means_test")
    assert "Assets above the allowance of €45,000.00" in means["text"]
    assert "€247.00 a month" in means["text"]
    assert _reason(german, "afbg", "means_test")["text"] != means["text"]
    assert _amounts(english, "afbg")["income_setoff_monthly"]["label"] == "Income set off"
    # the amounts themselves are the same
    assert _amounts(english, "afbg")["maintenance_total"]["cents"] == 592_800
    aq = _programme(english, AQ)
    assert aq["deciding_body"]["name"] == "Thüringer Landesverwaltungsamt (funding portal and post)"
    assert any(
        w.startswith('Unverified value "Income allowance of the participant per month" (353)')
        for w in english["warnings"]
    )
    assert _programme(english, "afbg")["title"].startswith("Aufstiegs-BAföG (upgrading")
    assert english["routing"]["sequence"][0]["text"].startswith("Upgrading training")
    kug = _pointers(client.post("/api/foerdercheck", json=RESTRUCTURING).get_json())["transfer_kug"]
    assert kug["title"] == "Transfer short-time allowance (transfer company)"
    ex1 = client.post("/api/foerdercheck", json=EX1).get_json()
    s82 = _programme(ex1, "sgb3_82")
    assert s82["title"] == "Employee qualification (§ 82 SGB III)"
    employment = _reason(ex1, "sgb3_82", "employment")
    assert employment["text"] == (
        "§ 82 Abs. 1 S. 1 SGB III: The person is in an existing employment relationship."
    )
    assert _amounts(ex1, "sgb3_82")["wage_subsidy"]["label"] == "Wage subsidy"
    assert _amounts(ex1, "sgb3_82")["wage_subsidy"]["basis"].startswith("75% of €10,000.00")
    assert _amounts(ex1, "sgb3_82")["wage_subsidy"]["cents"] == 750_000


def test_english_plausibility_warning(client: Any) -> None:
    _english(client)
    out = client.post("/api/foerdercheck", json=doc(EX1, course={"hours": 20000})).get_json()
    assert (
        "Plausibility: a course of 20000 hours is more than 10,000 hours; please check "
        "(course.hours)." in out["warnings"]
    )


def test_english_parameter_labels() -> None:
    from wbagentur.funding.engine import i18n
    from wbagentur.funding.engine.param_specs import SPECS, label_of

    english = {"cap_eur": "Maximum amount", "rate": "Funding rate"}
    i18n.set_hook(
        lambda: (
            "en",
            lambda m: {"Höchstbetrag": "Maximum amount", "Fördersatz": "Funding rate"}.get(m, m),
        )
    )
    try:
        assert {k: label_of(k) for k in english} == english
    finally:
        from wbagentur.funding import _engine_language

        i18n.set_hook(_engine_language)
    assert label_of("cap_eur") == "Höchstbetrag"
    assert len(SPECS) > 100


def test_saved_checks_stay_german_for_an_english_advisor() -> None:
    from wbagentur.funding.engine import i18n

    i18n.set_hook(lambda: ("en", lambda m: "EN"))
    try:
        with i18n.german():
            out = evaluate_document(MEISTER)
    finally:
        from wbagentur.funding import _engine_language

        i18n.set_hook(_engine_language)
    assert "Vermögen über dem Freibetrag" in _reason(out, "afbg", "means_test")["text"]


def test_result_page_lists_the_further_programmes_with_their_conditions(clean_app: Any) -> None:
    from flask import render_template_string

    out = evaluate_document(RESTRUCTURING)
    page = (
        "{% from 'funding/_result.html' import render_result with context %}{{ render_result(r) }}"
    )
    with clean_app.test_request_context("/"):
        html = render_template_string(page, r=out)
    assert "Weitere Programme" in html
    assert "Transferkurzarbeitergeld (Transfergesellschaft)" in html
    assert "§ 111a Abs. 1 S. 1 Nr. 3, Abs. 3 SGB III: Der Arbeitgeber trägt mindestens 25 %" in html
    assert "1.080,00" in html  # 60 % of 1,800 € a month
    # the pointer is not repeated as a hint above the programmes
    assert html.count("Transfermaßnahmen:") == 0


#: Proper names that stay German in English texts (authorities, guideline, ministry).
PROPER_NAMES = (
    "Agentur für Arbeit",
    "Fachkräfte- und Weiterbildungsrichtlinie",
    "Thüringer Ministerium für Bildung, Wissenschaft und Kultur",
    "Zuständigkeit ungeprüft",  # the catalogue's note on the recognising authority (data)
)
#: Legal citations stay German in both languages ("§ 82 Abs. 2, 3 und 6 SGB III").
CITATION = re.compile(r"§§? [^;()]*?(SGB III|SGB IX|SGB VI|AFBG|BAföG|ThürBfG|BetrVG)")
GERMAN_WORDS = re.compile(r"\b(der|die|das|und|nicht|ist|fehlt|für|mit|oder|bei|Angabe|Antrag)\b")


LATE_CHEQUE = doc(
    EX1,
    person={"taxable_income_eur": 30000},
    course={"application_date": "2027-01-20", "booking_date": "2027-01-05"},
)


@pytest.mark.parametrize("document", [EX1, EX3, EX8, MEISTER, RESTRUCTURING, LATE_CHEQUE])
def test_english_explanations_cover_every_programme(client: Any, document: dict) -> None:
    _english(client)
    out = client.post("/api/foerdercheck", json=document).get_json()
    texts = []
    for p in out["programmes"]:
        texts += [p["title"], p["deciding_body"]["name"], p["deciding_body"]["note"]]
        texts += [r["text"].split(": ", 1)[-1] for r in p["reasons"]]
        texts += [a["label"] for a in p["amounts"]] + [a["basis"] for a in p["amounts"]]
        texts += [s["text"] for s in p["next_steps"]] + [e["reason"] for e in p["exclusions"]]
        texts += [k["label"] for k in p["key_dates"]]
    for x in out["routing"]["pointers"]:
        texts += [x["title"], x["text"], *(c["text"] for c in x["conditions"])]
    texts += [s["text"] for s in out["routing"]["sequence"]]
    german = []
    for text in texts:
        for name in PROPER_NAMES:
            text = text.replace(name, "")
        text = CITATION.sub("", text)
        if GERMAN_WORDS.search(text):
            german.append(text)
    assert german == []


def test_unit_cost_entered_in_the_catalogue_reaches_the_api_and_the_cli(
    clean_app: Any, make_user: Any, client: Any, runner: Any
) -> None:
    # An administrator enters 25 € per participant hour (the figure the reference lacks), a
    # second person approves it: EX1's 480 clock hours count 12,000 € wage costs, the grant is
    # up to 50 % of 18,000 € = 9,000 € – in the API and the CLI.
    from datetime import date

    import sqlalchemy as sa

    from wbagentur.accounts.models import User
    from wbagentur.extensions import db
    from wbagentur.funding import catalogue, services
    from wbagentur.funding.models import FundingProgramme

    admin, coordinator = make_user("admin"), make_user("coordinator")
    with clean_app.app_context():
        programme = db.session.scalar(
            sa.select(FundingProgramme).where(FundingProgramme.code == AQ)
        )
        params = catalogue.effective_version(programme, date(2026, 11, 21)).params
        params["wage_unit_cost_eur_per_hour"] = {
            **params["wage_unit_cost_eur_per_hour"],
            "value": 25,
        }
        version = services.propose_version(
            db.session.get(User, admin.id),
            programme,
            valid_from=date(2022, 6, 20),
            source="Testquelle Standardeinheitskosten",
            source_url=None,
            params=params,
        )
        services.approve_version(db.session.get(User, coordinator.id), version, "geprüft")
        db.session.commit()
    out = client.post("/api/foerdercheck", json=EX1).get_json()
    assert _amounts(out, AQ)["eligible_wage_costs"]["cents"] == 1_200_000
    assert _amounts(out, AQ)["grant"]["cents"] == 900_000
    cli = json.loads(runner.invoke(args=["funding", "check", "-"], input=json.dumps(EX1)).output)
    assert _amounts(cli, AQ) == _amounts(out, AQ)
    assert any(
        "„Standardeinheitskosten Personalausgaben je Stunde“ (25)" in w for w in out["warnings"]
    )


def test_public_result_page_shows_no_field_paths_in_further_programmes(clean_app: Any) -> None:
    from flask import render_template_string

    out = evaluate_document(doc(RESTRUCTURING, firm={"transfer_advice_by_agency": None}))
    page = (
        "{% from 'funding/_result.html' import render_result with context %}"
        "{{ render_result(r, public=True) }}"
    )
    with clean_app.test_request_context("/"):
        html = render_template_string(page, r=out)
        advisor = render_template_string(page.replace("public=True", "public=False"), r=out)
    assert "firm.transfer_advice_by_agency" in advisor  # the advisor learns which field is open
    assert "firm.transfer_advice_by_agency" not in html
    assert "von der Agentur für Arbeit beraten lassen" in html


def test_afbg_duration_of_zero_months_is_no_crash(client: Any) -> None:
    # Found by the generated documents: assets were divided by a duration of 0 months.
    zero = doc(MEISTER, course={"duration_months": 0})
    response = client.post("/api/foerdercheck", json=zero)
    assert response.status_code == 200
    means = _reason(response.get_json(), "afbg", "means_test")
    assert means["met"] is None
    assert "Dauer fehlt" in means["text"]


def test_result_page_in_english(clean_app: Any) -> None:
    from flask import render_template_string, session
    from flask_babel import refresh

    page = (
        "{% from 'funding/_result.html' import render_result with context %}{{ render_result(r) }}"
    )
    with clean_app.test_request_context("/"):
        session["lang"] = "en"
        refresh()
        result = evaluate_document(MEISTER)  # built in the English request, like the API does
        html = render_template_string(page, r=result)
    assert "Employee qualification (§ 82 SGB III)" in html
    assert "Maintenance grant after the means test: €247.00 a month" in html
    assert "Grant towards the course fees: " in html
    assert "up to €" in html
    for german in ("bis zu", "monatlich", "Entscheidet", "Begründung"):
        assert german not in html
