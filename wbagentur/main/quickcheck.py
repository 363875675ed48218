"""The Förderkompass quick check for laypeople: six plain questions, and the funding
engine's result document retold in plain German.

Only the engine's public interface is used (``funding.services.check_document`` and its
JSON result document); nothing of the engine's wording reaches the page. Every sentence
shown comes from the tables below, keyed by programme code and rule id. A rule id that
is not in the tables is never printed: an open point becomes "weitere Angaben, die wir
im Gespräch klären", a met or failed rule is left out. So field names
(``firm.district_key``), parameter keys and versions (``…@2022-06-20/rate``) cannot
appear, whatever the engine writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from wbagentur.core import formatting, numbers
from wbagentur.core.forms import BaseForm, MoneyField, NumberField
from wbagentur.core.translation import gettext as _
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.funding.plain import plain_text

# Firm size bands of the quick check; the request form knows four (250 and more together).
SIZE_BANDS = {
    "1_9": _l("1 bis 9 Beschäftigte"),
    "10_49": _l("10 bis 49 Beschäftigte"),
    "50_249": _l("50 bis 249 Beschäftigte"),
    "250_499": _l("250 bis 499 Beschäftigte"),
    "500_plus": _l("500 und mehr Beschäftigte"),
}
# A headcount inside each band for the engine (the engine's thresholds are 5, 10, 25, 50,
# 250 and 500; each value lies on the same side of all of them as the whole band, except
# for 1 to 9, where 5 to 9 is assumed: firms with fewer than 5 staff have no Bildungsfreistellung).
BAND_HEADCOUNT = {"1_9": 5, "10_49": 30, "50_249": 100, "250_499": 300, "500_plus": 600}
BAND_TO_REQUEST = {
    "1_9": "1_9",
    "10_49": "10_49",
    "50_249": "50_249",
    "250_499": "250_plus",
    "500_plus": "250_plus",
}
EMPLOYMENT = {
    "employed": _l("Ja, die Person ist angestellt"),
    "unemployed": _l("Nein, die Person ist arbeitslos oder sucht Arbeit"),
}
OUTSIDE = "outside"

# Plain names and the amount that answers "how much?" per programme.
PROGRAMMES: dict[str, tuple[Any, str | None]] = {
    "sgb3_82": (_l("Förderung der Agentur für Arbeit für Beschäftigte"), "total_ba"),
    "esf_weiterbildungsscheck": (_l("Weiterbildungsscheck des Landes Thüringen"), "cheque_amount"),
    "esf_anpassungsqualifizierung": (
        _l("Zuschuss des Landes Thüringen für Weiterbildung im Betrieb"),
        "grant",
    ),
    "sgb3_81": (
        _l("Bildungsgutschein der Agentur für Arbeit oder des Jobcenters"),
        "course_costs_ba",
    ),
    "afbg": (_l("Aufstiegs-BAföG (Meister, Technikerin, Fachwirt)"), "non_repayable_fees"),
    "sgb3_82a": (_l("Qualifizierungsgeld der Agentur für Arbeit"), None),
    "thuerbfg": (_l("Bildungsfreistellung: bezahlt freigestellt für Weiterbildung"), None),
}
# Open points that decide whether the programme fits at all (not details to clarify):
# a programme with one of them open is "vielleicht", never "wahrscheinlich".
FUNDAMENTAL = frozenset(
    {
        "afbg.goal",
        "sgb3_81.person",
        "sgb3_82a.structural_share",
        "sgb3_82a.agreement",
        "sgb3_82a.employer_pays",
        "thuerbfg.recognised",
    }
)
MET = {
    "sgb3_82.employment": _l("Die Person ist angestellt – diese Förderung gilt für Beschäftigte."),
    "sgb3_82.min_hours": _l("Die Weiterbildung dauert mehr als 120 Stunden."),
    "sgb3_82.age_waiver": _l(
        "Die Person ist 45 Jahre oder älter: Der Betrieb muss sich an den Lehrgangskosten "
        "nicht beteiligen."
    ),
    "sgb3_82.firm_size": _l(
        "Wie viel die Agentur für Arbeit übernimmt, hängt von der Größe des Betriebs ab."
    ),
    "esf_weiterbildungsscheck.employment": _l("Die Person ist angestellt."),
    "esf_weiterbildungsscheck.thuringia": _l("Der Betrieb liegt in Thüringen."),
    "esf_anpassungsqualifizierung.participant": _l("Die Person ist angestellt."),
    "esf_anpassungsqualifizierung.thuringia": _l("Der Betrieb liegt in Thüringen."),
    "sgb3_81.person": _l(
        "Die Person ist arbeitslos: Die Agentur für Arbeit oder das Jobcenter kann die "
        "Weiterbildung bezahlen, wenn sie für eine neue Arbeit nötig ist."
    ),
    "afbg.min_lessons": _l("Die Weiterbildung ist lang genug für das Aufstiegs-BAföG."),
    "thuerbfg.employee": _l("Die Person ist angestellt."),
    "thuerbfg.thuringia": _l("Der Betrieb liegt in Thüringen."),
    "thuerbfg.firm_size": _l("Der Betrieb hat mindestens 5 Beschäftigte."),
}
NOT_MET = {
    "sgb3_82.employment": _l(
        "Die Förderung der Agentur für Arbeit für Beschäftigte gilt nur für Angestellte."
    ),
    "sgb3_82.min_hours": _l(
        "Die Förderung der Agentur für Arbeit für Beschäftigte gilt erst für Weiterbildungen "
        "mit mehr als 120 Stunden."
    ),
    "esf_weiterbildungsscheck.employment": _l("Den Weiterbildungsscheck bekommen nur Angestellte."),
    "esf_weiterbildungsscheck.thuringia": _l("Den Weiterbildungsscheck gibt es nur in Thüringen."),
    "esf_anpassungsqualifizierung.participant": _l(
        "Der Zuschuss des Landes für Weiterbildung im Betrieb gilt nur für Beschäftigte."
    ),
    "esf_anpassungsqualifizierung.thuringia": _l(
        "Den Zuschuss des Landes gibt es nur für Betriebe in Thüringen."
    ),
    "afbg.min_lessons": _l("Für das Aufstiegs-BAföG ist die Weiterbildung zu kurz."),
    "thuerbfg.employee": _l("Bildungsfreistellung gibt es nur für Angestellte."),
    "thuerbfg.firm_size": _l("Bildungsfreistellung gibt es erst in Betrieben ab 5 Beschäftigten."),
    "thuerbfg.thuringia": _l("Bildungsfreistellung nach Thüringer Recht gilt nur in Thüringen."),
}
_AZAV = _l(
    "ob der Bildungsträger und der Lehrgang für die Förderung zugelassen sind "
    "(fragen Sie den Anbieter nach der „AZAV-Zulassung“)"
)
_BEFORE_START = _l("wann der Lehrgang beginnt – der Antrag muss vor dem Beginn gestellt werden")
OPEN = {
    "sgb3_82.azav_measure": _AZAV,
    "sgb3_82.azav_provider": _AZAV,
    "sgb3_81.azav_measure": _AZAV,
    "sgb3_81.azav_provider": _AZAV,
    "sgb3_82a.azav_provider": _AZAV,
    "sgb3_82.apply_before_start": _BEFORE_START,
    "sgb3_82a.apply_before_start": _BEFORE_START,
    "sgb3_82.qualification_age": _l(
        "wann die Person ihren letzten Berufsabschluss gemacht hat (in der Regel mindestens "
        "2 Jahre her)"
    ),
    "esf_anpassungsqualifizierung.lead_time": _l(
        "wann der Lehrgang beginnt – der Antrag muss 6 Wochen vorher gestellt werden"
    ),
    "esf_weiterbildungsscheck.apply_before_booking": _l(
        "ob die Person schon verbindlich angemeldet ist – der Antrag muss vorher gestellt werden"
    ),
    "esf_weiterbildungsscheck.income": _l(
        "ob das Einkommen unter der Grenze liegt (zu versteuerndes Einkommen unter 55.000 €, "
        "bei gemeinsamer Veranlagung unter 110.000 €)"
    ),
    "afbg.goal": _l("ob die Weiterbildung zu einem Abschluss wie Meister oder Fachwirtin führt"),
    "afbg.mode": _l("ob die Weiterbildung in Vollzeit oder Teilzeit stattfindet"),
    "thuerbfg.recognised": _l("ob die Veranstaltung für die Bildungsfreistellung anerkannt ist"),
    "thuerbfg.waiting_time": _l("seit wann die Person im Betrieb arbeitet (mindestens 6 Monate)"),
    "thuerbfg.notice": _l("ob der Antrag 8 Wochen vor der Veranstaltung gestellt werden kann"),
    "sgb3_82a.structural_share": _l(
        "ob ein größerer Teil der Belegschaft wegen des Strukturwandels neue Kenntnisse braucht"
    ),
    "sgb3_82a.agreement": _l("ob es dazu eine Vereinbarung im Betrieb gibt"),
    "sgb3_82a.employer_pays": _l("ob der Betrieb die Lehrgangskosten ganz bezahlt"),
    "sgb3_81.person": _l("ob die Person einen Berufsabschluss hat"),
}
GENERIC_OPEN = _l("weitere Angaben, die wir im Gespräch mit Ihnen klären")
PROVISIONAL = _l("vorläufig – die Stelle bestätigt den Betrag")


def parse_euro(text: str | None) -> float | None:
    """'6.000' / '6000' / '6.000,50' → 6000.0 / 6000.5; None if not a German amount
    (``core.numbers``, the parser of every money field)."""
    try:
        cents = numbers.parse_money_cents(text, "de")
    except numbers.NumberInputError:
        return None
    return None if cents is None or cents < 0 else cents / 100


COSTS_MESSAGE = _l(
    "Bitte geben Sie die Kosten in Euro zwischen 1 und 1.000.000 ein, "
    "zum Beispiel 6.000 oder 6.000,50."
)


class LayQuickCheckForm(BaseForm):
    """Six questions a layperson can answer without papers."""

    age = NumberField(
        _l("Wie alt ist die Person, die sich weiterbilden möchte?"),
        validators=[InputRequired(_l("Bitte geben Sie das Alter in Jahren ein, zum Beispiel 50."))],
        whole=True,
        minimum=15,
        maximum=80,
        message=_l("Bitte geben Sie das Alter als ganze Zahl zwischen 15 und 80 ein."),
        range_message=_l("Bitte geben Sie das Alter als ganze Zahl zwischen 15 und 80 ein."),
        description=_l("In Jahren, zum Beispiel 50."),
    )
    employed = SelectField(
        _l("Ist die Person zurzeit angestellt?"),
        choices=[("", _l("Bitte wählen"))] + list(EMPLOYMENT.items()),
        validate_choice=False,
        validators=[DataRequired(_l("Bitte wählen Sie, ob die Person angestellt ist."))],
    )
    size_band = SelectField(
        _l("Wie viele Beschäftigte hat der Betrieb?"),
        choices=[("", _l("Bitte wählen"))] + list(SIZE_BANDS.items()),
        validate_choice=False,
        validators=[DataRequired(_l("Bitte wählen Sie die Größe des Betriebs."))],
        description=_l("Bei Arbeitslosen: der Betrieb, in dem die Person arbeiten möchte."),
    )
    hours = NumberField(
        _l("Wie viele Stunden dauert die Weiterbildung ungefähr?"),
        validators=[InputRequired(_l("Bitte geben Sie die Stunden ein, zum Beispiel 400."))],
        whole=True,
        minimum=1,
        maximum=10000,
        message=_l("Bitte geben Sie die Stunden als ganze Zahl zwischen 1 und 10.000 ein."),
        range_message=_l("Bitte geben Sie die Stunden als ganze Zahl zwischen 1 und 10.000 ein."),
        description=_l("Alle Stunden zusammen, zum Beispiel 400."),
    )
    costs = MoneyField(
        _l("Was kostet die Weiterbildung?"),
        validators=[
            InputRequired(_l("Bitte geben Sie die Kosten in Euro ein, zum Beispiel 6.000."))
        ],
        minimum_cents=100,
        maximum_cents=1_000_000 * 100,
        confirm_above=100_000 * 100,
        message=COSTS_MESSAGE,
        range_message=COSTS_MESSAGE,
        description=_l("Lehrgangs- und Prüfungsgebühren in Euro, zum Beispiel 6.000."),
    )
    district = SelectField(
        _l("Wo liegt der Betrieb?"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(_l("Bitte wählen Sie den Landkreis oder die Stadt."))],
    )

    def set_district_choices(self, districts: list[tuple[str, str]]) -> None:
        self.district.choices = (
            [("", _l("Bitte wählen"))] + districts + [(OUTSIDE, _l("außerhalb Thüringens"))]
        )

    def validate_district(self, field_: SelectField) -> None:
        if field_.data not in {value for value, _label in field_.choices if value}:
            raise ValidationError(_l("Bitte wählen Sie einen Eintrag aus der Liste."))

    def validate_size_band(self, field_: SelectField) -> None:
        if field_.data not in SIZE_BANDS:
            raise ValidationError(_l("Bitte wählen Sie einen Eintrag aus der Liste."))

    def validate_employed(self, field_: SelectField) -> None:
        if field_.data not in EMPLOYMENT:
            raise ValidationError(_l("Bitte wählen Sie einen Eintrag aus der Liste."))

    def answers(self) -> dict[str, Any]:
        """The validated answers as plain values."""
        return {
            "age": int(self.age.data),
            "employed": self.employed.data,
            "size_band": self.size_band.data,
            "hours": int(self.hours.data),
            "costs": self.costs.data / 100,
            "district": self.district.data,
        }


def birth_date_for_age(age: int, today: date) -> date:
    """A birth date at which the person is ``age`` today and for the next half year."""
    try:
        anniversary = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - age, day=28)
    return anniversary - timedelta(days=183)


def engine_document(answers: dict[str, Any], today: date) -> dict[str, Any]:
    """The engine's input document for the answers."""
    firm: dict[str, Any] = {"headcount": BAND_HEADCOUNT[answers["size_band"]]}
    if answers["district"] == OUTSIDE:
        firm["seat_in_thuringia"] = False
    else:
        firm["district_key"] = answers["district"]
    return {
        "firm": firm,
        "person": {
            "birth_date": birth_date_for_age(answers["age"], today).isoformat(),
            "employment_status": answers["employed"],
        },
        "course": {
            "hours": answers["hours"],
            "hours_unit": "clock_hours",
            "course_fees_eur": answers["costs"],
        },
    }


# --------------------------------------------------------------------------- the answer


@dataclass
class Offer:
    """One programme as the layperson reads it."""

    code: str
    name: str
    amount: str | None
    provisional: bool
    likely: bool
    why: list[str] = field(default_factory=list)
    open_points: list[str] = field(default_factory=list)


@dataclass
class PlainAnswer:
    """The whole answer: the verdict first, then the reasons."""

    verdict: str  # "likely", "maybe" or "unlikely"
    headline: str
    main: Offer | None
    others: list[Offer]
    not_possible: list[str]


def _amount(programme: dict[str, Any], code: str | None) -> tuple[str | None, int | None]:
    if code is None:
        return None, None
    for amount in programme.get("amounts", []):
        if amount.get("code") == code and amount.get("cents"):
            return formatting.format_money(int(amount["cents"])), int(amount["cents"])
    return None, None


def _provisional(programme: dict[str, Any], warnings: list[str]) -> bool:
    if any(r.get("verified") is False for r in programme.get("reasons", [])):
        return True
    if any("ungeprüft" in str(a.get("basis", "")) for a in programme.get("amounts", [])):
        return True
    version = programme.get("parameter_version")
    return bool(version) and any(str(version) in w for w in warnings)


def _offer(programme: dict[str, Any], warnings: list[str]) -> Offer | None:
    code = programme.get("programme", "")
    if code not in PROGRAMMES or programme.get("status") == "not_eligible":
        return None
    reasons = programme.get("reasons", [])
    if any(r.get("met") is False and r.get("severity") == "hard" for r in reasons):
        return None
    name, amount_code = PROGRAMMES[code]
    amount, _cents = _amount(programme, amount_code)
    why = [str(MET[r["rule"]]) for r in reasons if r.get("met") is True and r.get("rule") in MET]
    open_rules = [
        r["rule"] for r in reasons if r.get("met") is None and r.get("severity") in ("hard", "soft")
    ]
    open_points: list[str] = []
    for rule in open_rules:
        text = str(OPEN.get(rule, GENERIC_OPEN))
        if text not in open_points:
            open_points.append(text)
    return Offer(
        code=code,
        name=str(name),
        amount=amount,
        provisional=amount is not None and _provisional(programme, warnings),
        likely=not any(rule in FUNDAMENTAL for rule in open_rules),
        why=list(dict.fromkeys(why)),
        open_points=open_points,
    )


def present(result: dict[str, Any], costs_cents: int | None = None) -> PlainAnswer:
    """Retell the engine's result document for a layperson (``costs_cents``: the course
    costs the person gave, for the share of the costs the main amount covers)."""
    warnings = [str(w) for w in result.get("warnings", [])]
    programmes = result.get("programmes", [])
    offers = [o for o in (_offer(p, warnings) for p in programmes) if o is not None]
    cents = {
        p.get("programme"): (_amount(p, PROGRAMMES[p["programme"]][1])[1] or 0)
        for p in programmes
        if p.get("programme") in PROGRAMMES
    }
    recommended = (result.get("routing") or {}).get("recommended")
    likely = [o for o in offers if o.likely and o.amount]
    main: Offer | None = None
    if likely:
        main = next((o for o in likely if o.code == recommended), None) or max(
            likely, key=lambda o: cents.get(o.code, 0)
        )
        verdict = "likely"
        headline = _(
            "Wahrscheinlich förderfähig: %(name)s – bis zu %(amount)s",
            name=main.name,
            amount=main.amount,
        )
    elif offers:
        main = next((o for o in offers if o.likely), None) or offers[0]
        verdict = "maybe"
        headline = _(
            "Vielleicht förderfähig: %(name)s – das klären wir in der Beratung", name=main.name
        )
    else:
        verdict = "unlikely"
        headline = _(
            "Nach Ihren Angaben passt wahrscheinlich keine der geprüften Förderungen. "
            "Eine Beratung kann trotzdem helfen."
        )
    not_possible: list[str] = []
    for p in programmes:
        for r in p.get("reasons", []):
            if r.get("met") is False and r.get("severity") == "hard" and r.get("rule") in NOT_MET:
                text = str(NOT_MET[r["rule"]])
                if text not in not_possible:
                    not_possible.append(text)
    if verdict == "likely" and main is not None and costs_cents:
        share = round(100 * cents.get(main.code, 0) / costs_cents)
        if 0 < share <= 100:
            main.why.insert(
                0,
                _(
                    "Das sind etwa %(share)s %% der Kosten von %(costs)s, die Sie angegeben haben.",
                    share=share,
                    costs=formatting.format_money(costs_cents),
                ),
            )
    others = [o for o in offers if o is not main]
    for other in others:
        if not other.likely:
            # Whether it fits at all is open: no amount that reads like a promise.
            other.amount, other.provisional = None, False
    return PlainAnswer(verdict, headline, main, others, not_possible)


def request_prefill(answers: dict[str, Any], answer: PlainAnswer) -> dict[str, Any]:
    """What the request form takes over: size band, district and a short message."""
    employed = (
        "angestellt" if answers["employed"] == "employed" else "arbeitslos oder arbeitsuchend"
    )
    costs = formatting.format_money(round(float(answers["costs"]) * 100))
    message = _(
        "Meine Angaben aus dem Förderkompass: Alter %(age)s Jahre, %(employed)s, "
        "Weiterbildung etwa %(hours)s Stunden, Kosten %(costs)s. Ergebnis: %(headline)s.",
        age=answers["age"],
        employed=employed,
        hours=answers["hours"],
        costs=costs,
        headline=answer.headline,
    )
    return {
        "headcount_band": BAND_TO_REQUEST[answers["size_band"]],
        "district_key": None if answers["district"] == OUTSIDE else answers["district"],
        "message": message[:2000],
    }


# --------------------------------------------------------------------------- for experts


def public_result(result: dict[str, Any]) -> dict[str, Any]:
    """A copy of the result document whose texts carry no field paths or parameter keys."""
    programmes = []
    for p in result.get("programmes", []):
        programmes.append(
            {
                **p,
                "parameter_version": None,
                "reasons": [
                    {**r, "text": plain_text(str(r.get("text", "")))} for r in p["reasons"]
                ],
                "amounts": [
                    {**a, "basis": plain_text(str(a.get("basis", "")))} for a in p["amounts"]
                ],
                "next_steps": [
                    {**s, "text": plain_text(str(s.get("text", "")))} for s in p["next_steps"]
                ],
                "deciding_body": {
                    **p["deciding_body"],
                    "note": plain_text(str(p["deciding_body"].get("note", ""))),
                },
            }
        )
    routing = dict(result.get("routing") or {})
    if "hints" in routing:
        routing["hints"] = [plain_text(str(h)) for h in routing["hints"]]
    return {
        **result,
        "programmes": programmes,
        "parameter_versions": {},
        "warnings": [plain_text(str(w)) for w in result.get("warnings", [])],
        "routing": routing,
    }
