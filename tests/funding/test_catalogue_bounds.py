"""Catalogue parameters typed and bounded (issue #17 item 3): refused at edit and at approval,
shown with German labels, notes and sources editable per version, "ungeprüft" wording only while
a parameter is unverified."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from tests.factories import ParameterVersionFactory
from tests.funding.helpers import EX1
from tests.funding.test_catalogue import _user
from tests.funding.test_views_admin import PROGRAMME_82, _form_defaults
from tests.helpers import html_page, text_of
from wbagentur.extensions import db
from wbagentur.funding import services
from wbagentur.funding.engine import DEFAULT_PARAMETER_SETS, evaluate_document
from wbagentur.funding.engine.param_specs import SPECS, validate_parameters
from wbagentur.funding.models import FundingProgramme, ParameterVersion

PROGRAMME_WBS = 1  # seed order: esf_weiterbildungsscheck first


def _count(app: Any) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ParameterVersion.id))) or 0


def test_every_default_parameter_has_a_label_and_is_within_bounds() -> None:
    for ps in DEFAULT_PARAMETER_SETS:
        for key in ps.params:
            assert key in SPECS, key
        assert validate_parameters(ps.to_dict()["params"], ps.valid_from, ps.valid_to) == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("rate", 5, "Fördersatz: muss eine Zahl zwischen 0 und 1 sein"),
        ("rate", -0.1, "Fördersatz: muss eine Zahl zwischen 0 und 1 sein"),
        ("cap_eur", -100, "Höchstbetrag: muss eine Zahl ≥ 0 sein"),
        ("income_limit_eur", "viel", "Einkommensgrenze (Einzelveranlagung): muss eine Zahl ≥ 0"),
        ("public_sector_excluded", 1, "Öffentlicher Dienst ausgeschlossen: muss ja oder nein"),
    ],
)
def test_out_of_range_values_are_refused(key: str, value: Any, message: str) -> None:
    params = DEFAULT_PARAMETER_SETS[0].to_dict()["params"]
    params[key]["value"] = value
    problems = validate_parameters(params)
    assert any(p.startswith(message) for p in problems), problems


def test_dates_must_be_ordered() -> None:
    params = {
        "short_time_work_exclusion_from": {"value": "2024-08-01", "verified": True},
        "short_time_work_exclusion_until": {"value": "2024-07-31", "verified": True},
    }
    assert validate_parameters(params) == [
        "Ausschluss bei Kurzarbeit bis: liegt vor „Ausschluss bei Kurzarbeit ab“."
    ]
    assert validate_parameters({}, date(2025, 1, 1), date(2024, 1, 1)) == [
        "Gültig bis: liegt vor „Gültig ab“."
    ]


def test_size_bands_must_ascend_and_hold_rates() -> None:
    bands = [
        {"max_exclusive": 500, "employer_lk_share": 0.5, "aez_rate": 0.5},
        {"max_exclusive": 50, "employer_lk_share": 0.0, "aez_rate": 1.5},
    ]
    problems = validate_parameters({"bands": {"value": bands, "verified": True}})
    assert problems == [
        "Betriebsgrößenklassen mit Arbeitgeberanteil und Zuschuss: Klasse 2: aez_rate muss "
        "zwischen 0 und 1 liegen."
    ]


def test_verified_parameter_may_not_keep_ungeprueft_wording() -> None:
    note = "Prozentsatz nicht gefunden – ungeprüft."
    assert validate_parameters({"rate": {"value": 0.5, "verified": False, "note": note}}) == []
    assert validate_parameters({"rate": {"value": 0.5, "verified": True, "note": note}}) == [
        "Fördersatz: als geprüft markiert, der Hinweis nennt den Wert aber noch „ungeprüft“ – "
        "bitte den Hinweis anpassen."
    ]


def test_propose_form_refuses_a_rate_of_five_and_a_negative_cap(
    client: Any, auth: Any, make_user: Any, clean_app: Any
) -> None:
    auth.login(make_user("admin"))
    data = _form_defaults(client, PROGRAMME_WBS)
    data.update(
        {"valid_from": "01.01.2027", "source": "Test", "p__rate": "5", "p__cap_eur": "-100"}
    )
    before = _count(clean_app)
    response = client.post(f"/verwaltung/foerderprogramme/{PROGRAMME_WBS}/neue-fassung", data=data)
    assert response.status_code == 200
    text = text_of(html_page(response))
    assert text.count("Bitte geben Sie eine Zahl") + text.count("zwischen") >= 1
    assert _count(clean_app) == before


def test_propose_form_shows_labels_and_edits_notes_and_sources(
    client: Any, auth: Any, make_user: Any, clean_app: Any
) -> None:
    auth.login(make_user("admin"))
    page = client.get(f"/verwaltung/foerderprogramme/{PROGRAMME_WBS}/neue-fassung")
    text = text_of(html_page(page))
    assert "Höchstbetrag" in text
    assert "Fördersatz" in text
    assert "cap_eur" not in text
    data = _form_defaults(client, PROGRAMME_WBS)
    data.update(
        {
            "valid_from": "01.01.2027",
            "source": "Fachkräfte- und Weiterbildungsrichtlinie, Änderung 2027",
            "v__rate": "y",
            "n__rate": "Satz laut Richtlinie Nr. 5.2 bestätigt.",
            "s__rate": "Richtlinie Nr. 5.2",
        }
    )
    response = client.post(f"/verwaltung/foerderprogramme/{PROGRAMME_WBS}/neue-fassung", data=data)
    assert response.status_code == 302
    with clean_app.app_context():
        version = db.session.scalar(
            sa.select(ParameterVersion).where(ParameterVersion.state == "proposed")
        )
        assert version.params["rate"] == {
            "value": 0.5,
            "verified": True,
            "source": "Richtlinie Nr. 5.2",
            "note": "Satz laut Richtlinie Nr. 5.2 bestätigt.",
        }
    detail = text_of(html_page(client.get(f"/verwaltung/foerderprogramme/{PROGRAMME_WBS}")))
    assert "Höchstbetrag" in detail
    assert "1.000,00" in detail
    assert "50 %" in detail


def test_marking_verified_with_the_old_note_is_refused_with_the_label(
    client: Any, auth: Any, make_user: Any, clean_app: Any
) -> None:
    auth.login(make_user("admin"))
    data = _form_defaults(client, PROGRAMME_82)
    # The seed note of the flat social-security share says "– ungeprüft."
    assert "ungeprüft" in data["n__sv_flat_rate"]
    data.update({"valid_from": "01.01.2027", "source": "Test", "v__sv_flat_rate": "y"})
    before = _count(clean_app)
    response = client.post(f"/verwaltung/foerderprogramme/{PROGRAMME_82}/neue-fassung", data=data)
    assert response.status_code == 200
    assert (
        "Pauschale für den Arbeitgeberanteil am Sozialversicherungsbeitrag: als geprüft markiert"
        in text_of(html_page(response))
    )
    assert _count(clean_app) == before
    data["n__sv_flat_rate"] = "BA-Weisung zu § 82 Abs. 3 bestätigt 20 %."
    response = client.post(f"/verwaltung/foerderprogramme/{PROGRAMME_82}/neue-fassung", data=data)
    assert response.status_code == 302
    assert _count(clean_app) == before + 1


def _store_proposal(app: Any, admin_id: int, params: dict[str, Any]) -> int:
    """A proposal written around the form (as an old row or a script would)."""
    with app.app_context():
        programme = db.session.get(FundingProgramme, PROGRAMME_WBS)
        data = {
            "programme": programme.code,
            "version": "esf_weiterbildungsscheck@2027-01-01",
            "valid_from": "2027-01-01",
            "valid_to": None,
            "source": "Test",
            "source_url": None,
            "params": params,
        }
        version = ParameterVersionFactory(
            programme=programme,
            version_key=data["version"],
            valid_from=date(2027, 1, 1),
            parameters=json.dumps(data),
            source="Test",
            state="proposed",
            proposed_by_id=admin_id,
        )
        db.session.commit()
        return version.id


def test_approval_refuses_out_of_range_values_and_engine_grants_nothing_negative(
    client: Any, auth: Any, make_user: Any, clean_app: Any
) -> None:
    admin, coordinator = make_user("admin"), make_user("coordinator")
    params = {k: p.to_dict() for k, p in DEFAULT_PARAMETER_SETS[0].params.items()}
    params["rate"]["value"] = 5
    params["cap_eur"]["value"] = -100
    version_id = _store_proposal(clean_app, admin.id, params)
    auth.login(coordinator)
    response = client.post(
        f"/verwaltung/foerderprogramme/fassungen/{version_id}/freigeben",
        data={"note": ""},
        follow_redirects=True,
    )
    text = text_of(html_page(response))
    assert "Die Fassung kann so nicht freigegeben werden" in text
    assert "Fördersatz: muss eine Zahl zwischen 0 und 1 sein" in text
    assert "Höchstbetrag: muss eine Zahl ≥ 0 sein" in text
    with clean_app.app_context():
        assert db.session.get(ParameterVersion, version_id).state == "proposed"
        with pytest.raises(services.InvalidParameters):
            services.approve_version(
                _user(coordinator), db.session.get(ParameterVersion, version_id)
            )
    # Even if such a set reached the engine, it would never grant a negative amount.
    bad = DEFAULT_PARAMETER_SETS[0].to_dict()
    bad["params"]["rate"]["value"] = 5
    bad["params"]["cap_eur"]["value"] = -100
    sets = [bad, *(ps for ps in DEFAULT_PARAMETER_SETS[1:])]
    out = evaluate_document(EX1, parameter_sets=sets)
    wbs = out["programmes"][0]
    assert all((a.get("cents") or 0) >= 0 for a in wbs["amounts"])


def test_verified_parameter_drops_ungeprueft_wording_in_results() -> None:
    document = {**EX1, "person": {**EX1["person"], "taxable_income_eur": 30000}}
    before = evaluate_document(document)
    wbs = before["programmes"][0]
    assert "ungeprüft" in json.dumps(wbs, ensure_ascii=False)
    assert any("„Fördersatz“" in w for w in before["warnings"])
    verified = DEFAULT_PARAMETER_SETS[0].to_dict()
    verified["params"]["rate"] = {"value": 0.5, "verified": True, "source": "Nr. 5.2", "note": ""}
    verified["params"]["public_sector_excluded"]["verified"] = True
    verified["params"]["apprentices_included"]["verified"] = True
    sets = [verified, *DEFAULT_PARAMETER_SETS[1:]]
    after = evaluate_document(document, parameter_sets=sets)
    wbs = after["programmes"][0]
    assert "ungeprüft" not in json.dumps(wbs, ensure_ascii=False)
    assert "nicht belegt" not in json.dumps(wbs, ensure_ascii=False)
    assert all(r["verified"] for r in wbs["reasons"])
    assert not any("„Fördersatz“" in w for w in after["warnings"])


def test_programme_page_shows_labels_not_keys(client: Any, auth: Any, make_user: Any) -> None:
    auth.login(make_user("coordinator"))
    text = text_of(html_page(client.get(f"/verwaltung/foerderprogramme/{PROGRAMME_82}")))
    assert "Betriebsgrößenklassen mit Arbeitgeberanteil und Zuschuss" in text
    assert "min_hours_exclusive" not in text
    assert "Mindestdauer (mehr als … Stunden)" in text
