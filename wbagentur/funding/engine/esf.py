"""ESF Plus Thüringen (Fachkräfte- und Weiterbildungsrichtlinie vom 20.06.2022):
Weiterbildungsscheck (individual) and berufliche Anpassungsqualifizierung (employer).

Several details of the guideline are unverified (percentage of the cheque, public-sector exclusion,
apprentices); the parameters carry ``verified=False`` and the reasons say so.
"""

from __future__ import annotations

from .calendar import add_days, fmt_date
from .context import EMPLOYMENT_LABELS, Ctx
from .i18n import N_, _
from .money import apply_bp, eur, eur_to_cents, num, pct, rate_bp
from .params import ParamView
from .result import Builder, DecidingBody, ProgrammeResult
from .sme import CITE as SME_CITE
from .sme import sme_class

__all__ = [
    "TITLE_AQ",
    "TITLE_WBS",
    "evaluate_esf_anpassungsqualifizierung",
    "evaluate_esf_weiterbildungsscheck",
]

TITLE_WBS = N_("ESF Plus Weiterbildungsscheck Thüringen")
TITLE_AQ = N_("ESF Plus Berufliche Anpassungsqualifizierung Thüringen")
URL = (
    "https://www.foerderdatenbank.de/FDB/Content/DE/Foerderprogramm/Land/Thueringen/"
    "fachkraefte-weiterbildungsrichtlinie.html"
)
RL = "Fachkräfte- und Weiterbildungsrichtlinie"
#: Weiterbildungsscheck and Anpassungsqualifizierung fund the same course costs from one ESF+
#: guideline: never both on the same costs (funding-rules.md § 11).
NOT_SAME_COSTS_ESF = N_(
    "Weiterbildungsscheck und Anpassungsqualifizierung nicht für dieselben Lehrgangskosten "
    "(Fachkräfte- und Weiterbildungsrichtlinie; Art. 63 Abs. 9 VO (EU) 2021/1060)."
)


def _body_wbs() -> DecidingBody:
    return DecidingBody(
        _("Thüringer Landesverwaltungsamt"),
        _(
            "Abteilungsgruppe Arbeits- und Wirtschaftsförderung (ehemals GFAW); der Antrag muss "
            "per Post eingehen."
        ),
    )


def _body_aq() -> DecidingBody:
    return DecidingBody(
        _("Thüringer Landesverwaltungsamt (Förderportal und Post)"),
        _(
            "Abteilungsgruppe Arbeits- und Wirtschaftsförderung (ehemals GFAW); Antrag über das "
            "Förderportal und zusätzlich unterschrieben per Post."
        ),
    )


def _thuringia(b: Builder, ctx: Ctx) -> None:
    cite = f"{RL} (Zuwendungsempfänger)"
    if ctx.in_thuringia is None:
        b.add(
            "thuringia",
            None,
            cite,
            _(
                "Sitz oder Betriebsstätte des Unternehmens muss in Thüringen liegen; Angabe fehlt "
                "(firm.district_key oder firm.seat_in_thuringia)."
            ),
        )
    else:
        b.add(
            "thuringia",
            ctx.in_thuringia,
            cite,
            _("Sitz oder Betriebsstätte des Unternehmens muss in Thüringen liegen; ")
            + (_("das ist der Fall.") if ctx.in_thuringia else _("das ist nicht der Fall.")),
        )


def evaluate_esf_weiterbildungsscheck(ctx: Ctx, pv: ParamView) -> ProgrammeResult:  # noqa: C901
    """Check the Weiterbildungsscheck for the person in ``ctx``."""
    b = Builder("esf_weiterbildungsscheck", TITLE_WBS, pv, URL)
    c, p, f = ctx.course, ctx.person, ctx.firm
    es = p.employment_status
    cite = f"{RL}, Weiterbildungsscheck"
    if es is None:
        b.add(
            "employment",
            None,
            cite,
            _(
                "Gefördert werden sozialversicherungspflichtig Beschäftigte; Beschäftigungsstatus "
                "fehlt (person.employment_status)."
            ),
        )
    elif es in ("employed", "threatened_by_unemployment"):
        b.add(
            "employment", True, cite, _("Die Person ist sozialversicherungspflichtig beschäftigt.")
        )
    elif es == "apprentice":
        pv.v("apprentices_included")
        b.add(
            "employment",
            None,
            cite,
            _(
                "Auszubildende sind sozialversicherungspflichtig beschäftigt; ob die Richtlinie "
                "sie einschließt, ist nicht geklärt – beim Landesverwaltungsamt nachfragen."
            ),
            severity="soft",
            verified=False,
        )
    else:
        b.add(
            "employment",
            False,
            cite,
            _(
                "Gefördert werden nur sozialversicherungspflichtig Beschäftigte; angegeben: "
                "{value}.",
                value=EMPLOYMENT_LABELS[es],
            ),
        )
    _thuringia(b, ctx)
    limit = eur_to_cents(
        pv.v("income_limit_joint_eur") if p.joint_assessment else pv.v("income_limit_eur")
    )
    kind = _("Zusammenveranlagung") if p.joint_assessment else _("Einzelveranlagung")
    if p.taxable_income_cents is None:
        b.add(
            "income",
            None,
            cite,
            _(
                "Das zu versteuernde Einkommen laut letztem Steuerbescheid muss unter {value} "
                "(Zusammenveranlagung {value2}) liegen; Angabe fehlt (person.taxable_income_eur).",
                value=eur(eur_to_cents(pv.v("income_limit_eur"))),
                value2=eur(eur_to_cents(pv.v("income_limit_joint_eur"))),
            ),
        )
    else:
        ok = p.taxable_income_cents < limit
        b.add(
            "income",
            ok,
            cite,
            _(
                "Zu versteuerndes Einkommen muss unter {limit} liegen ({kind}); angegeben {value}.",
                limit=eur(limit),
                kind=kind,
                value=eur(p.taxable_income_cents),
            ),
        )
    used = p.weiterbildungsscheck_used_this_year
    if used is True:
        b.add(
            "once_per_year",
            False,
            cite,
            _(
                "Je Haushaltsjahr ist nur ein Weiterbildungsscheck möglich; er wurde in diesem "
                "Jahr bereits genutzt."
            ),
        )
    else:
        b.add(
            "once_per_year",
            True,
            cite,
            _("Ein Weiterbildungsscheck je Haushaltsjahr; in diesem Jahr noch nicht genutzt.")
            + (
                _(
                    " (Nicht angegeben – angenommen; Feld "
                    "person.weiterbildungsscheck_used_this_year.)"
                )
                if used is None
                else ""
            ),
            assumed=used is None,
        )
    if c.goal == "afbg":
        b.add(
            "not_afbg",
            False,
            cite,
            _(
                "Aufstiegsfortbildungen (Meister, Fachwirt, Techniker …) sind ausgenommen – "
                "Aufstiegs-BAföG nutzen."
            ),
        )
    else:
        b.add(
            "not_afbg",
            True,
            cite,
            _("Keine Aufstiegsfortbildung.")
            + (_(" (Nicht angegeben – angenommen; Feld course.goal.)") if c.goal is None else ""),
            assumed=c.goal is None,
        )
    if f.is_public_sector is True and pv.v("public_sector_excluded"):
        if pv.ok("public_sector_excluded"):
            b.add(
                "public_sector",
                False,
                cite,
                _("Beschäftigte des öffentlichen Dienstes sind ausgeschlossen."),
            )
        else:
            b.add(
                "public_sector",
                False,
                cite,
                _(
                    "Beschäftigte des öffentlichen Dienstes waren nach früheren Fassungen "
                    "ausgeschlossen (aktuelle Fassung ungeprüft) – beim Landesverwaltungsamt "
                    "klären."
                ),
                severity="soft",
                verified=False,
            )
    deadline = c.booking_date or c.start_date
    # "vor der verbindlichen Anmeldung" / "Stichtag (verbindliche Anmeldung)": two word forms.
    deadline_what = _("der verbindlichen Anmeldung") if c.booking_date else _("dem Kursbeginn")
    deadline_name = _("verbindlichen Anmeldung") if c.booking_date else _("Kursbeginn")
    if deadline is None:
        b.add(
            "apply_before_booking",
            None,
            cite,
            _(
                "Der Antrag muss vor der verbindlichen Anmeldung beim Landesverwaltungsamt "
                "eingehen; Anmelde- bzw. Kursbeginn fehlt (course.booking_date, "
                "course.start_date)."
            ),
        )
    elif c.application_date is not None:
        ok = c.application_date < deadline
        b.add(
            "apply_before_booking",
            ok,
            cite,
            _(
                "Der Antrag muss vor {deadline_what} ({deadline}) eingehen; gestellt am {value}",
                deadline_what=deadline_what,
                deadline=fmt_date(deadline),
                value=fmt_date(c.application_date),
            )
            + ("." if ok else _(" – zu spät.")),
        )
    elif ctx.ref < deadline:
        b.add(
            "apply_before_booking",
            True,
            cite,
            _(
                "Der Antrag muss vor {deadline_what} eingehen: noch möglich bis {value}.",
                deadline_what=deadline_what,
                value=fmt_date(add_days(deadline, -1)),
            ),
        )
    else:
        b.add(
            "apply_before_booking",
            None,
            cite,
            _(
                "Stichtag ({value}) war der {deadline}; ob der Antrag vorher gestellt wurde, ist "
                "nicht angegeben (course.application_date).",
                value=deadline_name,
                deadline=fmt_date(deadline),
            ),
        )
    if ctx.fees is None:
        b.add(
            "amount",
            None,
            cite,
            _("Für die Höhe fehlen Teilnahme- und Prüfungsgebühren (course.course_fees_eur)."),
            severity="info",
        )
    else:
        cap = max(0, eur_to_cents(pv.v("cap_eur")))
        rate = rate_bp(pv.v("rate"))
        amount = min(cap, apply_bp(ctx.fees, rate))
        b.amount(
            "cheque_amount",
            _("Weiterbildungsscheck"),
            _(
                "{rate} von {value} Teilnahme- und Prüfungsgebühren, höchstens {cap}",
                rate=pct(rate),
                value=eur(ctx.fees),
                cap=eur(cap),
            )
            + ("" if pv.ok("rate") else _(" (Prozentsatz ungeprüft)")),
            cents=amount,
            up_to=True,
        )
        b.add(
            "amount",
            True,
            cite,
            _("Zuschuss bis zu {cap}; ", cap=eur(cap))
            + (
                _("Fördersatz {rate} der Teilnahme- und Prüfungsgebühren.", rate=pct(rate))
                if pv.ok("rate")
                else _(
                    "der Fördersatz von {rate} ist nicht belegt (frühere Fassungen: 50 %; "
                    "Ältere: 70 %) – Parameter prüfen.",
                    rate=pct(rate),
                )
            ),
            severity="info",
            verified=pv.ok("rate"),
        )
    if deadline is not None and c.application_date is None:
        b.step(
            _(
                "Antrag per Post beim Landesverwaltungsamt – muss vor {deadline_what} eingehen.",
                deadline_what=deadline_what,
            ),
            add_days(deadline, -1),
            "application",
        )
    b.step(
        _("Auszahlung erst nach Kursende und Prüfung des Verwendungsnachweises."),
        c.end_date,
        "info",
    )
    b.exclude("afbg", _("Aufstiegsfortbildungen sind ausgenommen (→ Aufstiegs-BAföG)."))
    b.exclude(
        "sgb3_82", _("Keine Doppelförderung derselben Kosten (Art. 63 Abs. 9 VO (EU) 2021/1060).")
    )
    b.exclude("esf_anpassungsqualifizierung", _(NOT_SAME_COSTS_ESF))
    return b.finish(_body_wbs())


def _aq_rate(b: Builder, ctx: Ctx, pv: ParamView, cite: str) -> int:
    """Rate in basis points; by EU SME class when the catalogue has ``rate_by_sme_class``."""
    sme = sme_class(ctx.firm, ctx.size.weighted)
    base = rate_bp(pv.v("rate"))
    if not pv.has("rate_by_sme_class"):
        return base
    by_class = pv.v("rate_by_sme_class")
    verified = pv.ok("rate_by_sme_class")
    if sme.code is None:
        b.add(
            "sme_class",
            None,
            SME_CITE,
            _(
                "Der Fördersatz hängt von der KMU-Einstufung ab; {text} Gerechnet mit {rate}.",
                text=sme.text,
                rate=pct(base),
            ),
            severity="info",
            verified=verified,
        )
        return base
    rate = rate_bp(by_class.get(sme.code, pv.v("rate")))
    b.add(
        "sme_class",
        True,
        SME_CITE,
        _(
            "KMU-Einstufung: {text} Fördersatz für diese Klasse: bis zu {rate}",
            text=sme.text,
            rate=pct(rate),
        )
        + ("." if verified else _(" (KMU-Staffelung ungeprüft, Parameter im Förderkatalog).")),
        severity="info",
        verified=verified,
    )
    return rate


def _aq_wage_costs(ctx: Ctx, pv: ParamView) -> tuple[int | None, str]:
    """Participants' wage costs during the course as the TLVwA accepts them: standard unit costs
    (catalogue, per clock hour) × hours; without a unit cost in the catalogue the stated eligible
    wage; (None, "") when neither is known."""
    c = ctx.course
    unit = pv.v("wage_unit_cost_eur_per_hour") if pv.has("wage_unit_cost_eur_per_hour") else None
    if unit is not None and c.hours is not None:
        hours = c.hours * 0.75 if c.hours_unit == "teaching_units_45" else c.hours
        cents = eur_to_cents(unit * hours)
        return cents, _(
            "{hours} Zeitstunden × {unit} Standardeinheitskosten je Stunde",
            hours=num(hours),
            unit=eur(eur_to_cents(unit)),
        )
    wage = c.eligible_wage_cents
    if wage is None and c.gross_wage_for_training_time_cents is not None:
        wage = c.gross_wage_for_training_time_cents
    if wage is not None:
        if unit is None:
            return wage, _(
                "Personalausgaben der Teilnehmenden laut Angabe (Standardeinheitskosten nicht im "
                "Förderkatalog hinterlegt)"
            )
        return wage, _("Personalausgaben der Teilnehmenden laut Angabe (Stundenzahl fehlt)")
    return None, ""


def _aq_amount(b: Builder, ctx: Ctx, pv: ParamView, cite: str) -> None:
    rate = _aq_rate(b, ctx, pv, cite)
    wages, wage_basis = _aq_wage_costs(ctx, pv)
    if ctx.fees is None:
        b.add(
            "amount",
            None,
            cite,
            _(
                "Zuwendungsfähig sind die Lehrgangskosten und die Personalausgaben der "
                "Teilnehmenden; die Lehrgangskosten fehlen (course.course_fees_eur)."
            ),
        )
        return
    total = ctx.fees + (wages or 0)
    parts = _("{fees} Lehrgangskosten (Basis: B-DKS-Kostensätze)", fees=eur(ctx.fees))
    if wages is not None:
        parts += " + " + _("{wages} Personalausgaben ({basis})", wages=eur(wages), basis=wage_basis)
        b.amount(
            "eligible_wage_costs",
            _("Personalausgaben der Teilnehmenden (zuwendungsfähig)"),
            wage_basis,
            cents=wages,
        )
    b.amount("eligible_expenditure", _("Zuwendungsfähige Ausgaben"), parts, cents=total)
    b.amount(
        "grant",
        _("Zuschuss zu Lehrgangskosten und Personalausgaben"),
        _("bis zu {rate} von {total} ({parts})", rate=pct(rate), total=eur(total), parts=parts),
        cents=apply_bp(total, rate),
        up_to=True,
    )
    text = _(
        "Bis zu {rate} der zuwendungsfähigen Ausgaben: Lehrgangskosten und Personalausgaben der "
        "Teilnehmenden während der Weiterbildung (Standardeinheitskosten, wie sie das "
        "Landesverwaltungsamt anerkennt).",
        rate=pct(rate),
    )
    if wages is None:
        text += " " + _(
            "Personalausgaben nicht angegeben (course.eligible_wage_eur) und keine "
            "Standardeinheitskosten im Förderkatalog – berechnet nur mit den Lehrgangskosten."
        )
    b.add("amount", True, cite, text, severity="info")


def evaluate_esf_anpassungsqualifizierung(ctx: Ctx, pv: ParamView) -> ProgrammeResult:
    """Check the employer-side Anpassungsqualifizierung for the case in ``ctx``."""
    b = Builder("esf_anpassungsqualifizierung", TITLE_AQ, pv, URL)
    c, p = ctx.course, ctx.person
    cite = f"{RL}, Anpassungsqualifizierung"
    _thuringia(b, ctx)
    es = p.employment_status
    w = ctx.size.weighted
    if es == "self_employed" and (w is None or w < 1):
        if w is None:
            b.add(
                "not_solo",
                None,
                cite,
                _(
                    "Solo-Selbstständige sind ausgeschlossen; Beschäftigtenzahl fehlt "
                    "(firm.headcount)."
                ),
            )
        else:
            b.add(
                "not_solo",
                False,
                cite,
                _("Solo-Selbstständige (ohne Beschäftigte) sind ausgeschlossen."),
            )
    if es is None:
        b.add(
            "participant",
            None,
            cite,
            _(
                "Teilnehmen können Beschäftigte (auch geringfügig) und Selbstständige; "
                "Beschäftigungsstatus fehlt (person.employment_status)."
            ),
        )
    elif es in ("employed", "threatened_by_unemployment", "apprentice", "self_employed"):
        b.add(
            "participant",
            True,
            cite,
            _("Teilnehmende Person: {value}.", value=EMPLOYMENT_LABELS[es]),
        )
    else:
        b.add(
            "participant",
            False,
            cite,
            _(
                "Gefördert wird die Anpassung der Kompetenzen von Beschäftigten und "
                "Selbstständigen; angegeben: {value}.",
                value=EMPLOYMENT_LABELS[es],
            ),
        )
    lead = pv.v("lead_days")
    start = c.start_date
    if start is None:
        b.add(
            "lead_time",
            None,
            cite,
            _(
                "Antrag {value} Wochen vor Projektbeginn; Beginn fehlt (course.start_date).",
                value=lead // 7,
            ),
        )
    else:
        latest = add_days(start, -lead)
        b.key_date("latest_application", _("Antrag spätestens am"), latest)
        if c.application_date is not None:
            ok = c.application_date <= latest
            b.add(
                "lead_time",
                ok,
                cite,
                _(
                    "Antrag {value} Wochen vor Projektbeginn, also bis {latest}; gestellt am "
                    "{value2}",
                    value=lead // 7,
                    latest=fmt_date(latest),
                    value2=fmt_date(c.application_date),
                )
                + ("." if ok else _(" – zu spät.")),
            )
        elif ctx.ref <= latest:
            b.add(
                "lead_time",
                True,
                cite,
                _(
                    "Antrag {value} Wochen vor Projektbeginn: noch möglich bis {latest}.",
                    value=lead // 7,
                    latest=fmt_date(latest),
                ),
            )
        else:
            b.add(
                "lead_time",
                False,
                cite,
                _(
                    "Antrag {value} Wochen vor Projektbeginn wäre bis {latest} nötig gewesen; "
                    "Projektbeginn verschieben oder vorzeitigen Beginn beantragen.",
                    value=lead // 7,
                    latest=fmt_date(latest),
                ),
            )
        if c.application_date is None:
            b.step(
                _(
                    "Förderantrag des Arbeitgebers beim Landesverwaltungsamt über das Förderportal "
                    "und zusätzlich unterschrieben per Post, {weeks} Wochen vor Projektbeginn.",
                    weeks=lead // 7,
                ),
                latest,
                "application",
            )
    _aq_amount(b, ctx, pv, cite)
    b.add(
        "participant_data",
        None,
        "Art. 17 und Anhang I VO (EU) 2021/1057",
        _(
            "Voraussetzung: Bei Eintritt sind die ESF+-Teilnehmendendaten jeder teilnehmenden "
            "Person zu erheben (Erwerbsstatus, Alter, Bildungsstand ISCED, weitere Indikatoren; "
            "besondere Kategorien nur mit Einwilligung) – ohne sie werden die Ausgaben nicht "
            "anerkannt."
        ),
        severity="info",
    )
    b.step(
        _(
            "ESF+-Teilnehmendendaten jeder teilnehmenden Person bei Eintritt erheben "
            "(Teilnehmendenfragebogen) und mit dem Verwendungsnachweis einreichen."
        ),
        start,
        "proof",
    )
    b.exclude(
        "sgb3_82", _("Keine Doppelförderung derselben Kosten (Art. 63 Abs. 9 VO (EU) 2021/1060).")
    )
    b.exclude("esf_weiterbildungsscheck", _(NOT_SAME_COSTS_ESF))
    return b.finish(_body_aq())
