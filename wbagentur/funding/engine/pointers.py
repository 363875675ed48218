"""Further programmes an advisor meets beyond the seven the engine checks in full (issue #17
item 12): Transfer (§§ 110, 111, 111a SGB III), vocational rehabilitation, the Bildungsurlaub
laws of the neighbouring Länder, the SBB scholarships and the ended Bildungsprämie.

Each is triggered by the facts the input gives and answers with its conditions – each with the
citation and ``met`` True/False/None as far as the input tells –, the amounts the law fixes, a
status computed like a programme's (``eligible`` / ``needs_information`` / ``not_eligible``) and
who decides. Transfer follows the consolidated SGB III text; rehabilitation is a pointer (the
deciding body assesses it); conditions not given by the reference are marked ``verified: false``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .calendar import age_on, fmt_date
from .firmsize import DEFAULT_WEIGHTS, firm_size
from .i18n import N_, _
from .inputs import CaseInput
from .money import apply_bp, eur, pct

__all__ = ["BILDUNGSURLAUB", "pointers"]

#: Bildungsurlaub laws of the Länder around Thuringia (the law of the place of work applies).
BILDUNGSURLAUB: dict[str, tuple[str, str | None]] = {
    "HE": (N_("Hessen"), "Hessisches Gesetz über den Anspruch auf Bildungsurlaub (HBUG)"),
    "NI": (N_("Niedersachsen"), "Niedersächsisches Bildungsurlaubsgesetz (NBildUG)"),
    "ST": (N_("Sachsen-Anhalt"), "Bildungsfreistellungsgesetz Sachsen-Anhalt (BFG LSA)"),
    "BY": (N_("Bayern"), None),
    "SN": (N_("Sachsen"), None),
}
BILDUNGSPRAEMIE_END = date(2021, 12, 31)

#: § 110 Abs. 2 SGB III: 50 % of the necessary and appropriate costs, at most 2,500 € a person.
TRANSFER_RATE_BP = 5000
TRANSFER_CAP_CENTS = 250_000
#: § 111 Abs. 1 S. 2 SGB III: Transferkurzarbeitergeld for at most twelve months.
TRANSFER_KUG_MONTHS = 12
#: § 111 Abs. 9 with § 105 SGB III: 60 % (67 % with a child) of the net pay difference.
KUG_RATE_BP, KUG_RATE_CHILD_BP = 6000, 6700
#: § 111a Abs. 1 S. 1 Nr. 3, Abs. 3 SGB III: employer's minimum share of the course costs.
TRANSFER_EMPLOYER_SHARE_BP, TRANSFER_EMPLOYER_SHARE_SMALL_BP, TRANSFER_SMALL_BELOW = 5000, 2500, 250

URL_110 = "https://www.gesetze-im-internet.de/sgb_3/__110.html"


def _cond(text: str, citation: str, met: bool | None, verified: bool = True) -> dict[str, Any]:
    return {"text": text, "citation": citation, "met": met, "verified": verified}


def _status(conditions: list[dict[str, Any]]) -> str:
    if any(c["met"] is False for c in conditions):
        return "not_eligible"
    if any(c["met"] is None for c in conditions):
        return "needs_information"
    return "eligible"


def _pointer(
    code: str,
    title: str,
    text: str,
    citation: str,
    body: str,
    conditions: list[dict[str, Any]] | None = None,
    amounts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    conditions = conditions or []
    return {
        "programme": code,
        "title": title,
        "text": text,
        "citation": citation,
        "deciding_body": body,
        "status": _status(conditions) if conditions else "needs_information",
        "conditions": conditions,
        "amounts": amounts or [],
    }


def _amount(label: str, basis: str, cents: int | None, up_to: bool = True) -> dict[str, Any]:
    return {"label": label, "basis": basis, "cents": cents, "up_to": up_to}


def _threatened(status: str | None) -> bool | None:
    if status == "threatened_by_unemployment":
        return True
    if status in (None, "employed", "apprentice"):
        return None
    return False


def _transfer(case: CaseInput) -> list[dict[str, Any]]:  # noqa: C901
    """§§ 110, 111, 111a SGB III for an employee of a firm in a Betriebsänderung."""
    f, p, c = case.firm, case.person, case.course
    advised = f.transfer_advice_by_agency
    threatened = _threatened(p.employment_status)
    common = [
        _cond(
            _(
                "Betriebsänderung im Sinne des § 111 BetrVG mit Personalabbau – unabhängig von "
                "der Unternehmensgröße."
            ),
            "§ 110 Abs. 1 S. 3 SGB III",
            True,
        ),
        _cond(
            _("Die Person ist durch die Betriebsänderung von Arbeitslosigkeit bedroht.")
            + (
                ""
                if threatened is not None
                else " " + _("Angabe fehlt (person.employment_status).")
            ),
            "§ 110 Abs. 1 S. 1, § 111 Abs. 4 Nr. 1 SGB III",
            threatened,
        ),
        _cond(
            _(
                "Die Betriebsparteien haben sich vor der Entscheidung (Interessenausgleich, "
                "Sozialplan) von der Agentur für Arbeit beraten lassen."
            )
            + (
                ""
                if advised is not None
                else " " + _("Angabe fehlt (firm.transfer_advice_by_agency).")
            ),
            "§ 110 Abs. 1 S. 1 Nr. 1, § 111 Abs. 1 S. 1 Nr. 4 SGB III",
            advised,
        ),
    ]
    if f.is_public_sector is True:
        common.append(
            _cond(
                _("Beschäftigte des öffentlichen Dienstes sind ausgeschlossen."),
                "§ 110 Abs. 3 S. 3 SGB III",
                False,
            )
        )
    body = _("Agentur für Arbeit am Sitz des Betriebs (Arbeitgeber-Service)")
    measure = [
        *common,
        _cond(
            _(
                "Die Maßnahme führt ein Dritter durch, dient der Eingliederung in den Arbeitsmarkt "
                "(nicht einer Anschlussbeschäftigung im selben Unternehmen oder Konzern), ihre "
                "Durchführung ist gesichert und der Arbeitgeber beteiligt sich angemessen an der "
                "Finanzierung."
            ),
            "§ 110 Abs. 1 S. 1 Nr. 2–4, S. 2, Abs. 3 S. 1 SGB III",
            None,
        ),
    ]
    fees = None
    if c.course_fees_cents is not None or c.exam_fees_cents is not None:
        fees = (c.course_fees_cents or 0) + (c.exam_fees_cents or 0)
    cap = min(TRANSFER_CAP_CENTS, apply_bp(fees, TRANSFER_RATE_BP)) if fees is not None else None
    out = [
        _pointer(
            "transfer_measures",
            _("Transfermaßnahmen"),
            _(
                "Zuschuss zu Maßnahmen, die von Arbeitslosigkeit Bedrohte bei einer "
                "Betriebsänderung in neue Arbeit bringen (Bewerbung, Profiling, Qualifizierung); "
                "andere Leistungen mit gleichem Ziel sind während der Teilnahme ausgeschlossen."
            ),
            "§ 110 SGB III",
            body,
            measure,
            [
                _amount(
                    _("Zuschuss zu den Maßnahmekosten"),
                    _(
                        "{rate} der erforderlichen und angemessenen Maßnahmekosten, höchstens "
                        "{cap} je Person (§ 110 Abs. 2 SGB III)",
                        rate=pct(TRANSFER_RATE_BP),
                        cap=eur(TRANSFER_CAP_CENTS),
                    )
                    + (
                        " – " + _("bei {fees} Kosten dieses Lehrgangs", fees=eur(fees))
                        if fees is not None
                        else ""
                    ),
                    cap,
                )
            ],
        )
    ]
    with_child = bool(p.children)
    rate = KUG_RATE_CHILD_BP if with_child else KUG_RATE_BP
    diff = p.net_pay_difference_monthly_cents
    kug_amounts = [
        _amount(
            _("Transferkurzarbeitergeld monatlich"),
            _(
                "{rate} der Nettoentgeltdifferenz{child}, längstens {months} Monate",
                rate=pct(rate),
                child=_(" (mit Kind)") if with_child else "",
                months=TRANSFER_KUG_MONTHS,
            )
            + (
                " – " + _("bei {diff} Nettoentgeltdifferenz", diff=eur(diff))
                if diff is not None
                else ""
            ),
            apply_bp(diff, rate) if diff is not None else None,
            up_to=False,
        )
    ]
    if diff is not None:
        kug_amounts.append(
            _amount(
                _("Transferkurzarbeitergeld über die Höchstdauer"),
                _(
                    "{months} Monate × {monthly}",
                    months=TRANSFER_KUG_MONTHS,
                    monthly=eur(apply_bp(diff, rate)),
                ),
                TRANSFER_KUG_MONTHS * apply_bp(diff, rate),
            )
        )
    out.append(
        _pointer(
            "transfer_kug",
            _("Transferkurzarbeitergeld (Transfergesellschaft)"),
            _(
                "Lohnersatz für von dauerhaftem Arbeitsausfall Betroffene, die in einer "
                "betriebsorganisatorisch eigenständigen Einheit (Transfergesellschaft) auf neue "
                "Arbeit vorbereitet werden."
            ),
            "§ 111 SGB III",
            body,
            [
                *common,
                _cond(
                    _(
                        "Vor dem Wechsel in die Transfergesellschaft arbeitsuchend melden und an "
                        "einer Maßnahme zur Feststellung der Eingliederungsaussichten (Profiling) "
                        "teilnehmen; der Arbeitsausfall ist der Agentur anzuzeigen."
                    ),
                    "§ 111 Abs. 1 S. 1 Nr. 5, Abs. 4 Nr. 4 SGB III",
                    None,
                ),
            ],
            kug_amounts,
        )
    )
    size = firm_size(f, DEFAULT_WEIGHTS).weighted
    small = size is not None and size < TRANSFER_SMALL_BELOW
    need_bp = TRANSFER_EMPLOYER_SHARE_SMALL_BP if small else TRANSFER_EMPLOYER_SHARE_BP
    employer: bool | None = None
    if fees and c.employer_contribution_cents is not None:
        employer = c.employer_contribution_cents >= apply_bp(fees, need_bp)
    approved = (
        None
        if c.azav_measure_approved is None or c.azav_provider_approved is None
        else bool(c.azav_measure_approved and c.azav_provider_approved)
    )
    out.append(
        _pointer(
            "transfer_training",
            _("Weiterbildung während des Transferkurzarbeitergeldes"),
            _(
                "Übernahme der Weiterbildungskosten für Beziehende von Transferkurzarbeitergeld, "
                "wenn die Maßnahme während des Bezugs endet (sonst § 81 unter den Bedingungen von "
                "§ 111a Abs. 2)."
            ),
            "§ 111a SGB III",
            body,
            [
                _cond(
                    _("Anspruch auf Transferkurzarbeitergeld (§ 111).")
                    + (
                        ""
                        if p.transfer_short_time_work is not None
                        else " " + _("Angabe fehlt (person.transfer_short_time_work).")
                    ),
                    "§ 111a Abs. 1 S. 1 SGB III",
                    p.transfer_short_time_work,
                ),
                _cond(
                    _("Beratung durch die Agentur für Arbeit vor Beginn der Teilnahme."),
                    "§ 111a Abs. 1 S. 1 Nr. 1 SGB III",
                    None,
                ),
                _cond(
                    _("Träger und Maßnahme sind zugelassen (AZAV)."),
                    "§ 111a Abs. 1 S. 1 Nr. 2 SGB III",
                    approved,
                ),
                _cond(
                    _(
                        "Der Arbeitgeber trägt mindestens {share} der Lehrgangskosten{small}.",
                        share=pct(need_bp),
                        small=_(" (Betrieb unter 250 Beschäftigten)") if small else "",
                    )
                    + (
                        ""
                        if employer is not None
                        else " "
                        + _(
                            "Angabe fehlt (course.employer_contribution_eur, "
                            "course.course_fees_eur)."
                        )
                    ),
                    "§ 111a Abs. 1 S. 1 Nr. 3, Abs. 3 SGB III",
                    employer,
                ),
            ],
        )
    )
    return out


def _rehabilitation() -> dict[str, Any]:
    return _pointer(
        "rehabilitation",
        _("Berufliche Rehabilitation (Teilhabe am Arbeitsleben)"),
        _(
            "Wenn eine Behinderung oder Krankheit die bisherige Arbeit verhindert: Leistungen zur "
            "Teilhabe am Arbeitsleben, auch Weiterbildung. Träger ist oft die Deutsche "
            "Rentenversicherung (nach 15 Versicherungsjahren oder bei Rentenbezug), sonst die "
            "Agentur für Arbeit; der Antrag bei einem Träger genügt, er leitet weiter "
            "(§ 14 SGB IX). Ob und welche Leistung, entscheidet der Träger nach Prüfung."
        ),
        "§§ 112 ff. SGB III; §§ 9, 11, 16 SGB VI; § 14 SGB IX",
        _("Deutsche Rentenversicherung bzw. Agentur für Arbeit (Reha-Team)"),
        [
            _cond(
                _(
                    "Art oder Schwere einer Behinderung erfordern Leistungen, um die "
                    "Erwerbsfähigkeit zu erhalten oder wiederherzustellen."
                ),
                "§ 112 Abs. 1 SGB III",
                True,
            )
        ],
    )


def _bildungsurlaub(state: str) -> dict[str, Any]:
    land_id, law = BILDUNGSURLAUB[state]
    land = _(land_id)
    if law:
        text = _(
            "Arbeitsort in {land}: Für den Bildungsurlaub gilt das Recht des Arbeitsorts – "
            "{law}; die ThürBfG-Prüfung gilt nur, wenn der Betriebssitz in Thüringen liegt.",
            land=land,
            law=law,
        )
        conditions = [
            _cond(
                _(
                    "{land} hat ein Bildungsurlaubsgesetz; Anspruch, Tage und Fristen nach {law}.",
                    land=land,
                    law=law,
                ),
                law,
                None,
            )
        ]
    else:
        text = _(
            "Arbeitsort in {land}: {land} hat kein Bildungsurlaubsgesetz; ein Anspruch besteht "
            "nur nach dem ThürBfG, wenn der Betriebssitz in Thüringen liegt, oder nach "
            "Tarifvertrag.",
            land=land,
        )
        conditions = [
            _cond(
                _("{land} hat kein Bildungsurlaubsgesetz.", land=land),
                _("kein Landesgesetz"),
                False,
            )
        ]
    return _pointer(
        "bildungsurlaub_" + state.lower(),
        _("Bildungsurlaub {land}", land=land),
        text,
        law or _("kein Landesgesetz"),
        _("Arbeitgeber"),
        conditions,
    )


def _stipends(case: CaseInput, ref: date) -> list[dict[str, Any]]:
    p, c = case.person, case.course
    out: list[dict[str, Any]] = []
    age = age_on(p.birth_date, c.start_date or ref) if p.birth_date else None
    if p.has_usable_vocational_qualification is True and age is not None and age < 25:
        out.append(
            _pointer(
                "weiterbildungsstipendium",
                _("Weiterbildungsstipendium (SBB)"),
                _(
                    "Zuschuss zu Weiterbildungen für junge Berufstätige mit besonders guter "
                    "Abschlussprüfung; Aufnahme über die zuständige Kammer (Stiftung "
                    "Begabtenförderung berufliche Bildung)."
                ),
                "Richtlinie Weiterbildungsstipendium (BMBF)",
                _("Zuständige Stelle (Kammer) / SBB"),
                [
                    _cond(
                        _("Abgeschlossene Berufsausbildung."),
                        "Richtlinie Weiterbildungsstipendium",
                        True,
                    ),
                    _cond(
                        _("Bei der Aufnahme jünger als 25 Jahre (hier {age}).", age=age),
                        "Richtlinie Weiterbildungsstipendium",
                        True,
                        verified=False,
                    ),
                    _cond(
                        _(
                            "Besonders gute Abschlussprüfung (z. B. 87 Punkte oder besser), "
                            "erfolgreiche Teilnahme an einem Leistungswettbewerb oder begründeter "
                            "Vorschlag des Betriebs oder der Berufsschule."
                        ),
                        "Richtlinie Weiterbildungsstipendium",
                        None,
                        verified=False,
                    ),
                ],
            )
        )
    if c.goal == "university_degree" and p.has_usable_vocational_qualification is True:
        years = p.years_of_work
        out.append(
            _pointer(
                "aufstiegsstipendium",
                _("Aufstiegsstipendium (SBB)"),
                _(
                    "Stipendium für ein erstes Hochschulstudium nach Berufsausbildung und "
                    "Berufserfahrung; Bewerbung vor oder zu Beginn des Studiums bei der Stiftung "
                    "Begabtenförderung berufliche Bildung."
                ),
                "Richtlinie Aufstiegsstipendium (BMBF)",
                _("Stiftung Begabtenförderung berufliche Bildung (SBB)"),
                [
                    _cond(
                        _("Erstes Hochschulstudium nach abgeschlossener Berufsausbildung."),
                        "Richtlinie Aufstiegsstipendium",
                        p.highest_qualification not in ("bachelor", "master", "doctorate"),
                    ),
                    _cond(
                        _("Mindestens zwei Jahre Berufserfahrung nach der Ausbildung.")
                        + (
                            ""
                            if years is not None
                            else " " + _("Angabe fehlt (person.years_of_work).")
                        ),
                        "Richtlinie Aufstiegsstipendium",
                        None if years is None else years >= 2,
                        verified=False,
                    ),
                    _cond(
                        _(
                            "Besondere Leistung: sehr gute Abschlussprüfung, Wettbewerb oder "
                            "begründeter Vorschlag des Arbeitgebers."
                        ),
                        "Richtlinie Aufstiegsstipendium",
                        None,
                        verified=False,
                    ),
                ],
            )
        )
    return out


def _bildungspraemie(case: CaseInput) -> dict[str, Any] | None:
    p, c = case.person, case.course
    income = p.taxable_income_cents
    low_income = income is not None and income <= 2_000_000 and p.employment_status == "employed"
    old_course = c.start_date is not None and c.start_date <= BILDUNGSPRAEMIE_END
    if not (low_income or old_course):
        return None
    ended = fmt_date(BILDUNGSPRAEMIE_END)
    return _pointer(
        "bildungspraemie",
        _("Bildungsprämie (beendet)"),
        _(
            "Die Bildungsprämie des Bundes (Prämiengutschein: die Hälfte der Kosten, höchstens "
            "500 €, zu versteuerndes Einkommen bis 20.000 €) ist am {ended} ausgelaufen und hat "
            "keinen Nachfolger; in Thüringen hilft der Weiterbildungsscheck.",
            ended=ended,
        ),
        _("ESF-Programm Bildungsprämie (bis {ended})", ended=ended),
        "—",
        [
            _cond(
                _("Programm beendet am {ended}.", ended=ended)
                if not (old_course and c.start_date and c.start_date <= BILDUNGSPRAEMIE_END)
                else _(
                    "Programm beendet am {ended}; ein Gutschein hätte vor Kursbeginn beantragt "
                    "werden müssen.",
                    ended=ended,
                ),
                _("ESF-Programm Bildungsprämie"),
                False,
            )
        ],
    )


def pointers(case: CaseInput, ref: date) -> list[dict[str, Any]]:
    """Further programmes for ``case`` (reference date ``ref``), in a fixed order."""
    out: list[dict[str, Any]] = []
    if case.firm.restructuring is True:
        out.extend(_transfer(case))
    if case.person.rehabilitation_need is True:
        out.append(_rehabilitation())
    state = case.person.workplace_state
    if state in BILDUNGSURLAUB:
        out.append(_bildungsurlaub(state))
    out.extend(_stipends(case, ref))
    praemie = _bildungspraemie(case)
    if praemie is not None:
        out.append(praemie)
    return out
