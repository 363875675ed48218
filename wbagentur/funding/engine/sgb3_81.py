"""§ 81 SGB III Bildungsgutschein (and § 87a Weiterbildungsprämie / Weiterbildungsgeld).

Route 1 (§ 81 Abs. 1): unemployed or threatened by unemployment. Route 2 (§ 81 Abs. 2): no usable
vocational qualification, aiming at a Berufsabschluss, with 3 years of work (exceptions possible →
soft rule). Employed people with a usable qualification are referred to § 82.
"""

from __future__ import annotations

from .calendar import add_days
from .context import EMPLOYMENT_LABELS, Ctx
from .money import eur, eur_to_cents, num
from .params import ParamView
from .result import Builder, DecidingBody, ProgrammeResult

__all__ = ["TITLE", "evaluate_sgb3_81"]

TITLE = "Bildungsgutschein (§ 81 SGB III)"
URL = "https://www.gesetze-im-internet.de/sgb_3/__81.html"
URL_87A = "https://www.gesetze-im-internet.de/sgb_3/__87a.html"


def _route(b: Builder, ctx: Ctx, pv: ParamView) -> str | None:
    """Record the person rule; return "abs1", "abs2" or None."""
    p, c = ctx.person, ctx.course
    es = p.employment_status
    no_qual = p.has_usable_vocational_qualification is False
    if es is None:
        b.add(
            "person",
            None,
            "§ 81 Abs. 1 SGB III",
            "Gefördert werden Arbeitslose, von Arbeitslosigkeit Bedrohte "
            "und Beschäftigte ohne verwertbaren Berufsabschluss; Beschäftigungsstatus fehlt "
            "(person.employment_status).",
        )
        return None
    if es in ("unemployed", "threatened_by_unemployment"):
        b.add(
            "person",
            True,
            "§ 81 Abs. 1 S. 1 Nr. 1 SGB III",
            f"Die Person ist {EMPLOYMENT_LABELS[es]}; die "
            "Weiterbildung muss notwendig sein, um sie beruflich einzugliedern bzw. "
            "Arbeitslosigkeit abzuwenden.",
        )
        if no_qual and c.goal == "vocational_qualification":
            b.add(
                "entitlement",
                True,
                "§ 81 Abs. 2 SGB III",
                "Ohne verwertbaren Berufsabschluss besteht ein "
                "Rechtsanspruch auf Förderung des nachträglichen Berufsabschlusses.",
                severity="info",
            )
        return "abs1"
    if es == "employed":
        if p.has_usable_vocational_qualification is None:
            b.add(
                "person",
                None,
                "§ 81 Abs. 2 SGB III",
                "Beschäftigte werden nach § 81 nur ohne verwertbaren "
                "Berufsabschluss gefördert; Angabe fehlt "
                "(person.has_usable_vocational_qualification).",
            )
            return None
        if not no_qual:
            b.add(
                "person",
                False,
                "§ 81 Abs. 1 SGB III",
                "Beschäftigte mit verwertbarem Berufsabschluss werden über "
                "die Beschäftigtenqualifizierung (§ 82 SGB III) gefördert, nicht über den "
                "Bildungsgutschein.",
            )
            return None
        if c.goal != "vocational_qualification":
            b.add(
                "person",
                None if c.goal is None else False,
                "§ 81 Abs. 2 SGB III",
                "Der Anspruch für Beschäftigte "
                "ohne verwertbaren Berufsabschluss gilt für Weiterbildungen zum Berufsabschluss"
                + (
                    "; Ziel fehlt (course.goal)."
                    if c.goal is None
                    else "; dieser Lehrgang hat ein anderes Ziel."
                ),
            )
            return None
        b.add(
            "person",
            True,
            "§ 81 Abs. 2 SGB III",
            "Beschäftigt ohne verwertbaren Berufsabschluss, Ziel "
            "Berufsabschluss: Rechtsanspruch auf Förderung (§ 3 Abs. 3 Nr. 4 SGB III).",
        )
        years = pv.v("min_years_of_work")
        if p.years_of_work is None:
            b.add(
                "years_of_work",
                None,
                "§ 81 Abs. 2 S. 2 SGB III",
                f"Mindestens {years} Jahre Berufstätigkeit "
                "erforderlich (Ausnahmen möglich); Angabe fehlt (person.years_of_work).",
                severity="soft",
            )
        else:
            b.add(
                "years_of_work",
                p.years_of_work >= years,
                "§ 81 Abs. 2 S. 2 SGB III",
                f"Mindestens {years} Jahre Berufstätigkeit erforderlich; angegeben "
                f"{num(p.years_of_work)}."
                + (
                    ""
                    if p.years_of_work >= years
                    else " Ausnahmen (z. B. wenn eine Ausbildung nicht möglich oder "
                    "nicht zumutbar ist) prüft die Agentur für Arbeit."
                ),
                severity="soft",
            )
        return "abs2"
    if es == "not_employed":
        b.add(
            "person",
            None,
            "§ 81 Abs. 1 SGB III",
            "Nicht erwerbstätig: nach Arbeitslos- oder Arbeitsuchend-Meldung "
            "prüft die Agentur für Arbeit den Bildungsgutschein.",
            severity="soft",
        )
        return None
    b.add(
        "person",
        False,
        "§ 81 Abs. 1 SGB III",
        f"Angegeben: {EMPLOYMENT_LABELS[es]} – der Bildungsgutschein gilt "
        "für Arbeitslose, von Arbeitslosigkeit Bedrohte und Beschäftigte ohne verwertbaren "
        "Berufsabschluss.",
    )
    return None


def evaluate_sgb3_81(ctx: Ctx, pv: ParamView) -> ProgrammeResult:
    """Check the Bildungsgutschein for the case in ``ctx``."""
    b = Builder("sgb3_81", TITLE, pv, URL)
    c, p = ctx.course, ctx.person
    route = _route(b, ctx, pv)
    for value, rule, what, field in (
        (c.azav_measure_approved, "azav_measure", "Die Maßnahme", "course.azav_measure_approved"),
        (c.azav_provider_approved, "azav_provider", "Der Träger", "course.azav_provider_approved"),
    ):
        cite = "§ 81 Abs. 1 S. 1 Nr. 3 SGB III"
        if value is None:
            b.add(
                rule, None, cite, f"{what} muss nach AZAV zugelassen sein; Angabe fehlt ({field})."
            )
        else:
            b.add(
                rule,
                value,
                cite,
                f"{what} muss nach AZAV zugelassen sein; "
                + ("zugelassen." if value else "nicht zugelassen."),
            )
    if c.goal == "university_degree":
        b.add(
            "university_degree",
            False,
            "§ 180 Abs. 3 SGB III",
            "Maßnahmen, die zu einem Hochschulabschluss führen, sind nicht förderfähig.",
        )
    b.add(
        "counselling",
        None,
        "§ 81 Abs. 1 S. 1 Nr. 2 SGB III",
        "Vor Beginn der Teilnahme ist eine Beratung durch "
        "die Agentur für Arbeit (bzw. das Jobcenter) erforderlich.",
        severity="info",
    )
    if ctx.fees is not None:
        b.amount(
            "course_costs_ba",
            "Weiterbildungskosten – Lehrgangskosten",
            f"Lehrgangs- und Prüfungsgebühren {eur(ctx.fees)} in voller Höhe (§§ 83, 84 SGB III)",
            cents=ctx.fees,
        )
    if c.goal == "vocational_qualification":
        first = eur_to_cents(pv.v("premium_intermediate_eur"))
        second = eur_to_cents(pv.v("premium_final_eur"))
        b.amount(
            "premium_intermediate_exam",
            "Weiterbildungsprämie Zwischenprüfung",
            f"{eur(first)} bei bestandener Zwischenprüfung (§ 87a Abs. 1 SGB III)",
            cents=first,
        )
        b.amount(
            "premium_final_exam",
            "Weiterbildungsprämie Abschlussprüfung",
            f"{eur(second)} bei bestandener Abschlussprüfung (§ 87a Abs. 1 SGB III)",
            cents=second,
        )
    gets_geld = p.employment_status == "unemployed" or (route == "abs2" and p.receives_sgb2 is True)
    if gets_geld and (
        c.goal == "vocational_qualification"
        or not pv.v("weiterbildungsgeld_requires_vocational_goal")
    ):
        monthly = eur_to_cents(pv.v("weiterbildungsgeld_monthly_eur"))
        b.amount(
            "weiterbildungsgeld_monthly",
            "Weiterbildungsgeld",
            f"{eur(monthly)} monatlich während der Weiterbildung (§ 87a Abs. 2, 3 SGB III)",
            cents=monthly,
            unit="cent_per_month",
        )
    due = add_days(c.start_date, -1) if c.start_date else None
    b.step(
        "Beratungsgespräch bei der Agentur für Arbeit bzw. dem Jobcenter vor Beginn; "
        "Bildungsgutschein vor "
        "Lehrgangsbeginn ausstellen lassen und beim AZAV-Träger einlösen.",
        due,
        "application",
    )
    if route == "abs2" and p.employment_status == "employed":
        b.step(
            "Arbeitsentgeltzuschuss bis zu 100 % für die Ausfallzeiten mit dem Arbeitgeber bei "
            "der Agentur "
            "beantragen (§ 82 Abs. 3 SGB III).",
            due,
            "referral",
        )
    key = p.residence_district_key or ctx.firm.district_key
    district = ctx.residence or ctx.district
    where = f" ({district.name})" if district else ""
    if p.receives_sgb2:
        body = DecidingBody(
            f"Jobcenter{where}", "Bezug von Bürgergeld (SGB II): Jobcenter des Wohnorts."
        )
    elif district is not None:
        body = DecidingBody(
            f"{district.agency}",
            f"Zuständig nach Wohnort ({district.name}); Beratung "
            "und Bildungsgutschein durch die Arbeitsvermittlung bzw. Berufsberatung im "
            "Erwerbsleben.",
        )
    else:
        body = DecidingBody(
            "Agentur für Arbeit am Wohnort",
            "Wohnort/Kreisschlüssel fehlt oder liegt außerhalb "
            f"Thüringens{' (' + key + ')' if key else ''}; bei Bürgergeld-Bezug: Jobcenter.",
        )
    return b.finish(body)
