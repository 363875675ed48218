"""§§ 82a–82c SGB III Qualifizierungsgeld (since 1.4.2024): firm, course, person, amount.

The amount is 60 % (67 % with a child) of the monthly net pay difference (§ 82b); without that
figure the programme can still be eligible, the amount then says which input is missing.
"""

from __future__ import annotations

from datetime import date

from .calendar import add_days, add_years, fmt_date
from .context import EMPLOYMENT_LABELS, Ctx, aa_body
from .decisive import decisive_date
from .i18n import N_
from .money import apply_bp, eur, pct, rate_bp
from .params import ParamView
from .result import Builder, ProgrammeResult
from .sgb3_82 import check_hours, check_presumed_absent

__all__ = ["TITLE", "evaluate_sgb3_82a"]

TITLE = N_("Qualifizierungsgeld (§§ 82a–82c SGB III)")
URL = "https://www.gesetze-im-internet.de/sgb_3/__82a.html"
URL_22 = "https://www.gesetze-im-internet.de/sgb_3/__22.html"


def _firm(b: Builder, ctx: Ctx, pv: ParamView) -> None:
    f, w = ctx.firm, ctx.size.weighted
    small_below = pv.v("small_firm_below")
    share = f.structural_change_share
    cite = "§ 82a Abs. 2 S. 1 Nr. 1 SGB III"
    if w is None:
        threshold = None
    else:
        threshold = pv.v("share_threshold_small") if w < small_below else pv.v("share_threshold")
    if share is None:
        b.add(
            "structural_share",
            None,
            cite,
            "Mindestens 20 % der Belegschaft (Betriebe unter 250 Beschäftigten: "
            "10 %) müssen strukturwandelbedingten Qualifizierungsbedarf haben; Anteil fehlt "
            "(firm.structural_change_share).",
        )
    elif threshold is None:
        b.add(
            "structural_share",
            None,
            cite,
            f"Anteil mit strukturwandelbedingtem Bedarf {pct(rate_bp(share))}; "
            "die Schwelle (20 % bzw. 10 % unter 250 Beschäftigten) hängt von der Betriebsgröße "
            "ab, die fehlt.",
        )
    else:
        met = share >= threshold
        b.add(
            "structural_share",
            met,
            cite,
            f"Mindestens {pct(rate_bp(threshold))} der Belegschaft müssen "
            "strukturwandelbedingten Qualifizierungsbedarf haben; angegeben sind "
            f"{pct(rate_bp(share))}.",
        )
    cite = "§ 82a Abs. 2 S. 1 Nr. 3 SGB III"
    decl_below = pv.v("declaration_firm_below")
    if f.has_qualifizierungsgeld_agreement is True:
        b.add(
            "agreement",
            True,
            cite,
            "Betriebsvereinbarung oder Tarifvertrag zum Qualifizierungsgeld liegt vor.",
        )
    elif w is not None and w < decl_below and f.written_declaration is True:
        b.add(
            "agreement",
            True,
            cite,
            f"Betrieb unter {decl_below} Beschäftigten: schriftliche Erklärung des "
            "Arbeitgebers liegt vor.",
        )
    elif f.has_qualifizierungsgeld_agreement is False and (
        w is None or w >= decl_below or f.written_declaration is False
    ):
        if w is None and f.written_declaration is None:
            b.add(
                "agreement",
                None,
                cite,
                "Betriebsvereinbarung/Tarifvertrag fehlt; ob bei unter "
                f"{decl_below} Beschäftigten eine schriftliche Erklärung genügt, hängt von der "
                "Betriebsgröße ab.",
            )
        else:
            b.add(
                "agreement",
                False,
                cite,
                "Erforderlich ist eine Betriebsvereinbarung oder ein Tarifvertrag "
                f"(Betriebe unter {decl_below} Beschäftigten: schriftliche Erklärung des "
                "Arbeitgebers).",
            )
    else:
        b.add(
            "agreement",
            None,
            cite,
            "Betriebsvereinbarung oder Tarifvertrag (unter "
            f"{decl_below} Beschäftigten: schriftliche Erklärung) erforderlich; Angabe fehlt "
            "(firm.has_qualifizierungsgeld_agreement, firm.written_declaration).",
        )
    cite = "§ 82a Abs. 2 S. 1 Nr. 2 SGB III"
    if f.employer_pays_full_course is None:
        b.add(
            "employer_pays",
            None,
            cite,
            "Der Arbeitgeber muss die Lehrgangskosten vollständig tragen; Angabe "
            "fehlt (firm.employer_pays_full_course).",
        )
    else:
        b.add(
            "employer_pays",
            f.employer_pays_full_course,
            cite,
            "Der Arbeitgeber muss die Lehrgangskosten "
            "vollständig tragen; "
            + ("das ist zugesagt." if f.employer_pays_full_course else "das ist nicht der Fall."),
        )


def _person(b: Builder, ctx: Ctx, pv: ParamView, on: date) -> None:
    p = ctx.person
    es = p.employment_status
    cite = "§ 82a Abs. 4 S. 1 Nr. 1 SGB III"
    if es is None:
        b.add(
            "employment",
            None,
            cite,
            "Voraussetzung ist ein bestehendes Arbeitsverhältnis; Beschäftigungsstatus "
            "fehlt (person.employment_status).",
        )
    elif es == "employed":
        b.add("employment", True, cite, "Die Person steht in einem bestehenden Arbeitsverhältnis.")
    else:
        b.add(
            "employment",
            False,
            cite,
            "Voraussetzung ist ein bestehendes, ungekündigtes Arbeitsverhältnis; "
            f"angegeben ist: {EMPLOYMENT_LABELS[es]}.",
        )
    check_presumed_absent(
        b,
        "not_terminated",
        p.employment_terminated,
        "§ 82a Abs. 4 S. 1 Nr. 3 SGB III",
        "Das Arbeitsverhältnis ist gekündigt oder aufgelöst; Qualifizierungsgeld ist "
        "ausgeschlossen.",
        "Das Arbeitsverhältnis ist nicht gekündigt.",
        "person.employment_terminated",
    )
    years = pv.v("waiting_years_since_last_82a")
    last = p.last_82a_funding_date
    cite = "§ 82a Abs. 4 S. 1 Nr. 2 SGB III"
    if last is None:
        b.add(
            "last_funding",
            True,
            cite,
            f"Kein Qualifizierungsgeld in den letzten {years} Jahren. (Keine frühere "
            "Förderung angegeben; Feld person.last_82a_funding_date.)",
            assumed=True,
        )
    elif on >= add_years(last, years):
        b.add(
            "last_funding",
            True,
            cite,
            f"Das letzte Qualifizierungsgeld ({fmt_date(last)}) liegt mindestens "
            f"{years} Jahre zurück.",
        )
    else:
        b.add(
            "last_funding",
            False,
            cite,
            f"In den letzten {years} Jahren darf kein Qualifizierungsgeld bezogen "
            f"worden sein; zuletzt {fmt_date(last)}.",
        )


def _course(b: Builder, ctx: Ctx, pv: ParamView, rel: date) -> None:
    c = ctx.course
    goal = c.goal
    cite = "§ 22 Abs. 1a SGB III"
    until = date.fromisoformat(pv.v("afbg_stage1_start_before"))
    if goal == "afbg":
        if c.afbg_level == 1 and rel < until:
            b.add(
                "afbg_goal",
                True,
                cite,
                "AFBG-Fortbildungsziel der Stufe 1 (Berufsspezialist) mit Beginn vor dem "
                f"{fmt_date(until)}: Ausnahme für das Qualifizierungsgeld.",
                url=URL_22,
            )
        elif c.afbg_level is None and rel < until:
            b.add(
                "afbg_goal",
                None,
                cite,
                "Lehrgang zu einem AFBG-Fortbildungsziel: ausgeschlossen, außer Stufe 1 "
                f"(Berufsspezialist) mit Beginn vor dem {fmt_date(until)}; Stufe fehlt "
                "(course.afbg_level).",
                url=URL_22,
            )
        else:
            b.add(
                "afbg_goal",
                False,
                cite,
                "Lehrgänge zu AFBG-Fortbildungszielen sind ausgeschlossen (Ausnahme nur "
                f"Stufe 1 mit Beginn vor dem {fmt_date(until)}).",
                url=URL_22,
            )
    else:
        b.add(
            "afbg_goal",
            True,
            cite,
            "Kein Fortbildungsziel des Aufstiegs-BAföG."
            + (" (Nicht angegeben – angenommen; Feld course.goal.)" if goal is None else ""),
            url=URL_22,
            assumed=goal is None,
        )
    check_hours(b, ctx, pv, pv.v("min_hours_exclusive"), "§ 82a Abs. 1 Nr. 5 SGB III")
    cite = "§ 82a Abs. 1 Nr. 4 SGB III"
    if c.azav_provider_approved is None:
        b.add(
            "azav_provider",
            None,
            cite,
            "Der Träger muss nach AZAV zugelassen sein (die Maßnahme selbst nicht); "
            "Angabe fehlt (course.azav_provider_approved).",
        )
    else:
        b.add(
            "azav_provider",
            c.azav_provider_approved,
            cite,
            "Der Träger muss nach AZAV zugelassen sein; "
            + ("zugelassen." if c.azav_provider_approved else "nicht zugelassen."),
        )
    check_presumed_absent(
        b,
        "adaptation_only",
        c.is_adaptation_only,
        "§ 82a Abs. 1 Nr. 3 SGB III",
        "Ausschließlich arbeitsplatzbezogene kurzfristige Anpassungsfortbildungen sind nicht "
        "förderfähig.",
        "Die Weiterbildung geht über eine arbeitsplatzbezogene Anpassung hinaus.",
        "course.is_adaptation_only",
    )
    check_presumed_absent(
        b,
        "employer_obligation",
        c.employer_legally_obliged,
        "§ 82a Abs. 5 Nr. 1 SGB III",
        "Weiterbildungen, zu denen der Arbeitgeber gesetzlich verpflichtet ist, sind "
        "ausgeschlossen.",
        "Keine gesetzliche Pflicht des Arbeitgebers zu dieser Weiterbildung.",
        "course.employer_legally_obliged",
    )
    cite = "§ 324 Abs. 1 SGB III"
    if c.start_date is None:
        b.add(
            "apply_before_start",
            None,
            cite,
            "Der Arbeitgeber beantragt vor Beginn; Lehrgangsbeginn fehlt (course.start_date).",
        )
    elif c.application_date is not None:
        ok = c.application_date <= c.start_date
        b.add(
            "apply_before_start",
            ok,
            cite,
            f"Antrag am {fmt_date(c.application_date)}, Lehrgangsbeginn "
            f"{fmt_date(c.start_date)}"
            + ("." if ok else " – verspätet (nur bei unbilliger Härte)."),
        )
    elif ctx.ref < c.start_date:
        b.add(
            "apply_before_start",
            True,
            cite,
            "Der Antrag ist noch rechtzeitig möglich, spätestens am "
            f"{fmt_date(add_days(c.start_date, -1))}.",
        )
    else:
        b.add(
            "apply_before_start",
            None,
            cite,
            f"Der Lehrgang hat am {fmt_date(c.start_date)} begonnen; Antragsdatum "
            "fehlt (course.application_date).",
        )


def evaluate_sgb3_82a(ctx: Ctx, pv: ParamView) -> ProgrammeResult:
    """Check Qualifizierungsgeld for the case in ``ctx``."""
    b = Builder("sgb3_82a", TITLE, pv, URL)
    c, p = ctx.course, ctx.person
    rel = decisive_date("sgb3_82a", ctx.case, ctx.ref).date
    _person(b, ctx, pv, c.application_date or c.start_date or ctx.ref)
    _firm(b, ctx, pv)
    _course(b, ctx, pv, rel)
    with_child = bool(p.children) and any(
        ch.receives_kindergeld is not False for ch in p.children or ()
    )
    rate = rate_bp(pv.v("rate_with_child") if with_child else pv.v("rate"))
    diff = p.net_pay_difference_monthly_cents
    who = "mit Kind" if with_child else "ohne Kind"
    if diff is None:
        b.amount(
            "qualifizierungsgeld_monthly",
            "Qualifizierungsgeld monatlich",
            f"{pct(rate)} ({who}) der Netto-Entgeltdifferenz – Angabe fehlt "
            "(person.net_pay_difference_monthly_eur)",
            cents=None,
            unit="cent_per_month",
        )
        b.add(
            "amount",
            None,
            "§ 82b SGB III",
            f"Höhe: {pct(rate)} der monatlichen Netto-Entgeltdifferenz "
            "(Soll-Netto minus Ist-Netto); die Differenz fehlt.",
            severity="info",
        )
    else:
        b.amount(
            "qualifizierungsgeld_monthly",
            "Qualifizierungsgeld monatlich",
            f"{pct(rate)} ({who}) von {eur(diff)} Netto-Entgeltdifferenz",
            cents=apply_bp(diff, rate),
            unit="cent_per_month",
        )
    if c.start_date is not None and c.application_date is None:
        b.step(
            "Schriftlicher Antrag des Arbeitgebers mit Zustimmung der Beschäftigten vor "
            "Lehrgangsbeginn "
            "(§ 323 Abs. 3, § 324 SGB III).",
            add_days(c.start_date, -1),
            "application",
        )
    b.exclude(
        "sgb3_82",
        "Nicht für dieselbe Maßnahme wie die Beschäftigtenqualifizierung (§ 82a Abs. 5 Nr. 2 "
        "SGB III); § 82a ist die Alternative.",
    )
    b.exclude(
        "afbg", "Kein Aufstiegs-BAföG während des Bezugs von Qualifizierungsgeld (§ 3 Nr. 6 AFBG)."
    )
    body = aa_body(
        ctx.district,
        ctx.firm.district_key,
        "Arbeitgeber-Service",
        "Antrag des Arbeitgebers bei der Agentur am Sitz des Betriebs (§ 327 Abs. 3 SGB III).",
    )
    return b.finish(body)
