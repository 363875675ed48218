"""§ 81 SGB III Bildungsgutschein (and § 87a Weiterbildungsprämie / Weiterbildungsgeld).

Route 1 (§ 81 Abs. 1): unemployed or threatened by unemployment. Route 2 (§ 81 Abs. 2): no usable
vocational qualification, aiming at a Berufsabschluss, with 3 years of work (exceptions possible →
soft rule). Employed people with a usable qualification are referred to § 82.
"""

from __future__ import annotations

from datetime import date

from .afbg import months_between
from .calendar import add_days, age_on
from .context import EMPLOYMENT_LABELS, Ctx
from .i18n import N_, _
from .inputs import Child
from .money import eur, eur_to_cents, num
from .params import ParamView
from .result import Builder, DecidingBody, ProgrammeResult

__all__ = ["TITLE", "evaluate_sgb3_81"]

TITLE = N_("Bildungsgutschein (§ 81 SGB III)")
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
            _(
                "Gefördert werden Arbeitslose, von Arbeitslosigkeit Bedrohte und Beschäftigte "
                "ohne verwertbaren Berufsabschluss; Beschäftigungsstatus fehlt "
                "(person.employment_status)."
            ),
        )
        return None
    if es in ("unemployed", "threatened_by_unemployment"):
        b.add(
            "person",
            True,
            "§ 81 Abs. 1 S. 1 Nr. 1 SGB III",
            _(
                "Die Person ist {value}; die Weiterbildung muss notwendig sein, um sie beruflich "
                "einzugliedern bzw. Arbeitslosigkeit abzuwenden.",
                value=EMPLOYMENT_LABELS[es],
            ),
        )
        if no_qual and c.goal == "vocational_qualification":
            b.add(
                "entitlement",
                True,
                "§ 81 Abs. 2 SGB III",
                _(
                    "Ohne verwertbaren Berufsabschluss besteht ein Rechtsanspruch auf Förderung "
                    "des nachträglichen Berufsabschlusses."
                ),
                severity="info",
            )
        return "abs1"
    if es == "employed":
        if p.has_usable_vocational_qualification is None:
            b.add(
                "person",
                None,
                "§ 81 Abs. 2 SGB III",
                _(
                    "Beschäftigte werden nach § 81 nur ohne verwertbaren Berufsabschluss "
                    "gefördert; Angabe fehlt (person.has_usable_vocational_qualification)."
                ),
            )
            return None
        if not no_qual:
            b.add(
                "person",
                False,
                "§ 81 Abs. 1 SGB III",
                _(
                    "Beschäftigte mit verwertbarem Berufsabschluss werden über die "
                    "Beschäftigtenqualifizierung (§ 82 SGB III) gefördert, nicht über den "
                    "Bildungsgutschein."
                ),
            )
            return None
        if c.goal != "vocational_qualification":
            b.add(
                "person",
                None if c.goal is None else False,
                "§ 81 Abs. 2 SGB III",
                _(
                    "Der Anspruch für Beschäftigte ohne verwertbaren Berufsabschluss gilt für "
                    "Weiterbildungen zum Berufsabschluss"
                )
                + (
                    _("; Ziel fehlt (course.goal).")
                    if c.goal is None
                    else _("; dieser Lehrgang hat ein anderes Ziel.")
                ),
            )
            return None
        b.add(
            "person",
            True,
            "§ 81 Abs. 2 SGB III",
            _(
                "Beschäftigt ohne verwertbaren Berufsabschluss, Ziel Berufsabschluss: "
                "Rechtsanspruch auf Förderung (§ 3 Abs. 3 Nr. 4 SGB III)."
            ),
        )
        years = pv.v("min_years_of_work")
        if p.years_of_work is None:
            b.add(
                "years_of_work",
                None,
                "§ 81 Abs. 2 S. 2 SGB III",
                _(
                    "Mindestens {years} Jahre Berufstätigkeit erforderlich (Ausnahmen möglich); "
                    "Angabe fehlt (person.years_of_work).",
                    years=years,
                ),
                severity="soft",
            )
        else:
            b.add(
                "years_of_work",
                p.years_of_work >= years,
                "§ 81 Abs. 2 S. 2 SGB III",
                _(
                    "Mindestens {years} Jahre Berufstätigkeit erforderlich; angegeben {value}.",
                    years=years,
                    value=num(p.years_of_work),
                )
                + (
                    ""
                    if p.years_of_work >= years
                    else _(
                        " Ausnahmen (z. B. wenn eine Ausbildung nicht möglich oder nicht zumutbar "
                        "ist) prüft die Agentur für Arbeit."
                    )
                ),
                severity="soft",
            )
        return "abs2"
    if es == "not_employed":
        b.add(
            "person",
            None,
            "§ 81 Abs. 1 SGB III",
            _(
                "Nicht erwerbstätig: nach Arbeitslos- oder Arbeitsuchend-Meldung prüft die "
                "Agentur für Arbeit den Bildungsgutschein."
            ),
            severity="soft",
        )
        return None
    b.add(
        "person",
        False,
        "§ 81 Abs. 1 SGB III",
        _(
            "Angegeben: {value} – der Bildungsgutschein gilt für Arbeitslose, von "
            "Arbeitslosigkeit Bedrohte und Beschäftigte ohne verwertbaren Berufsabschluss.",
            value=EMPLOYMENT_LABELS[es],
        ),
    )
    return None


URL_180 = "https://www.gesetze-im-internet.de/sgb_3/__180.html"
URL_144 = "https://www.gesetze-im-internet.de/sgb_3/__144.html"


def course_months(ctx: Ctx) -> int | None:
    """Course length in (started) months: ``duration_months``, else from start and end."""
    c = ctx.course
    if c.duration_months is not None:
        return int(-(-c.duration_months // 1))  # started months
    if c.start_date and c.end_date:
        return months_between(c.start_date, c.end_date)
    return None


def _shortening(b: Builder, ctx: Ctx) -> None:
    """§ 180 Abs. 4: a retraining (Umschulung) must be shorter by at least a third."""
    c = ctx.course
    if c.goal != "vocational_qualification" or c.mode == "part_time":
        return
    cite = "§ 180 Abs. 4 SGB III"
    regular = c.regular_training_months
    months = course_months(ctx)
    if c.shortening_impossible_by_law is True:
        b.add(
            "shortening",
            True,
            cite,
            _(
                "Eine Verkürzung um ein Drittel ist auf Grund bundes- oder landesrechtlicher "
                "Regelungen ausgeschlossen; die Umschulung kann in voller Länge gefördert werden."
            ),
            url=URL_180,
        )
        return
    if regular is None or months is None:
        # Without the regular length the engine cannot tell a retraining from other courses
        # leading to a qualification: a note, not a condition.
        b.add(
            "shortening",
            None,
            cite,
            _(
                "Eine Umschulung in Vollzeit muss gegenüber der regulären Ausbildungsdauer um "
                "mindestens ein Drittel verkürzt sein; es fehlen "
            )
            + (
                _("die reguläre Ausbildungsdauer (course.regular_training_months)")
                if regular is None
                else _("die Lehrgangsdauer (course.duration_months oder Beginn und Ende)")
            )
            + ".",
            severity="info" if regular is None else "hard",
            url=URL_180,
        )
        return
    longest = regular * 2 / 3
    met = 3 * months <= 2 * regular
    b.add(
        "shortening",
        met,
        cite,
        _(
            "Reguläre Ausbildungsdauer {regular} Monate: die Umschulung darf höchstens {value} "
            "Monate dauern (um ein Drittel verkürzt); geplant sind {months} Monate.",
            regular=num(regular),
            value=num(round(longest, 2)),
            months=num(months),
        )
        + ("" if met else _(" Ausnahme nur, wenn eine Verkürzung rechtlich ausgeschlossen ist.")),
        url=URL_180,
    )


def _other_costs(b: Builder, ctx: Ctx, pv: ParamView, months: int | None) -> None:
    """§§ 83, 85–87 SGB III: travel, accommodation and meals away from home, childcare."""
    if not pv.has("accommodation_day_eur"):
        return
    c, p = ctx.course, ctx.person
    per_month = months is not None
    if c.travel_costs_monthly_cents is not None:
        b.amount(
            "travel_monthly",
            _("Fahrkosten"),
            _(
                "{value} monatlich laut Angabe (§ 85 i. V. m. § 63 SGB III)",
                value=eur(c.travel_costs_monthly_cents),
            ),
            cents=c.travel_costs_monthly_cents,
            unit="cent_per_month",
            up_to=True,
        )
    for code, label, days, day_key, cap_key, cite in (
        (
            "accommodation_monthly",
            "Auswärtige Unterbringung",
            c.accommodation_days_per_month,
            "accommodation_day_eur",
            "accommodation_month_cap_eur",
            "§ 86 SGB III",
        ),
        (
            "meals_monthly",
            "Verpflegung bei auswärtiger Unterbringung",
            c.meals_days_per_month,
            "meals_day_eur",
            "meals_month_cap_eur",
            "§ 86 SGB III",
        ),
    ):
        if days is None:
            continue
        day = eur_to_cents(pv.v(day_key))
        cap = eur_to_cents(pv.v(cap_key))
        cents = min(cap, int(round(day * days)))
        b.amount(
            code,
            label,
            _(
                "{days} Tage × {day}, höchstens {cap} monatlich ({cite})",
                days=num(days),
                day=eur(day),
                cap=eur(cap),
                cite=cite,
            ),
            cents=cents,
            unit="cent_per_month",
            up_to=True,
        )
    if p.childcare_needed is True and p.children:
        below = pv.v("childcare_child_age_below")
        start = c.start_date or ctx.ref
        young = [ch for ch in p.children if _child_age(ch, start) is not None]
        count = sum(1 for ch in young if (_child_age(ch, start) or 0) < below)
        if count:
            monthly = eur_to_cents(pv.v("childcare_monthly_eur"))
            b.amount(
                "childcare_monthly",
                _("Kinderbetreuungskosten"),
                _(
                    "{count} Kind(er) unter {below} Jahren × {monthly} monatlich (§ 87 SGB III)",
                    count=count,
                    below=below,
                    monthly=eur(monthly),
                ),
                cents=count * monthly,
                unit="cent_per_month",
                up_to=True,
            )
    if per_month:
        monthly_total = sum(
            a.cents or 0
            for a in b.amounts
            if a.code
            in ("travel_monthly", "accommodation_monthly", "meals_monthly", "childcare_monthly")
        )
        if monthly_total:
            b.amount(
                "other_costs_total",
                _("Weitere Weiterbildungskosten über den ganzen Lehrgang"),
                _(
                    "{value} Monate × {monthly_total} (§§ 85–87 SGB III, höchstens)",
                    value=num(months or 0),
                    monthly_total=eur(monthly_total),
                ),
                cents=monthly_total * (months or 0),
                up_to=True,
            )


def _child_age(child: Child, on: date) -> int | None:
    if child.birth_date is not None:
        return age_on(child.birth_date, on) if child.birth_date <= on else 0
    return child.age


def _living_costs(b: Builder, ctx: Ctx, route: str | None) -> None:
    """Living costs during the course: information with the deciding body."""
    p = ctx.person
    if p.receives_sgb2 is True:
        text = _(
            "Lebensunterhalt während der Weiterbildung: Bürgergeld (SGB II) läuft weiter; "
            "zuständig ist das Jobcenter."
        )
    elif p.employment_status in ("unemployed", "threatened_by_unemployment"):
        text = _(
            "Lebensunterhalt während der Weiterbildung: Arbeitslosengeld bei beruflicher "
            "Weiterbildung (§ 144 SGB III) bei Anspruch – entscheidet die Agentur für Arbeit; "
            "ohne Anspruch Bürgergeld (SGB II) über das Jobcenter."
        )
    elif route == "abs2":
        text = _(
            "Lebensunterhalt während der Weiterbildung: Das Arbeitsentgelt läuft weiter; für die "
            "Ausfallzeiten kann der Arbeitgeber einen Arbeitsentgeltzuschuss (bis zu 100 %) "
            "erhalten (§ 82 Abs. 3 SGB III)."
        )
    else:
        return
    b.add("living_costs", None, "§ 144 SGB III", text, severity="info", url=URL_144)


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
                rule,
                None,
                cite,
                _(
                    "{what} muss nach AZAV zugelassen sein; Angabe fehlt ({field}).",
                    what=what,
                    field=field,
                ),
            )
        else:
            b.add(
                rule,
                value,
                cite,
                _("{what} muss nach AZAV zugelassen sein; ", what=what)
                + ("zugelassen." if value else _("nicht zugelassen.")),
            )
    if c.goal == "university_degree":
        b.add(
            "university_degree",
            False,
            "§ 180 Abs. 3 SGB III",
            _("Maßnahmen, die zu einem Hochschulabschluss führen, sind nicht förderfähig."),
        )
    b.add(
        "counselling",
        None,
        "§ 81 Abs. 1 S. 1 Nr. 2 SGB III",
        _(
            "Vor Beginn der Teilnahme ist eine Beratung durch die Agentur für Arbeit (bzw. das "
            "Jobcenter) erforderlich."
        ),
        severity="info",
    )
    if ctx.fees is not None:
        b.amount(
            "course_costs_ba",
            _("Weiterbildungskosten – Lehrgangskosten"),
            _(
                "Lehrgangs- und Prüfungsgebühren {value} in voller Höhe (§§ 83, 84 SGB III)",
                value=eur(ctx.fees),
            ),
            cents=ctx.fees,
        )
    if c.goal == "vocational_qualification":
        first = eur_to_cents(pv.v("premium_intermediate_eur"))
        second = eur_to_cents(pv.v("premium_final_eur"))
        b.amount(
            "premium_intermediate_exam",
            _("Weiterbildungsprämie Zwischenprüfung"),
            _("{first} bei bestandener Zwischenprüfung (§ 87a Abs. 1 SGB III)", first=eur(first)),
            cents=first,
        )
        b.amount(
            "premium_final_exam",
            _("Weiterbildungsprämie Abschlussprüfung"),
            _(
                "{second} bei bestandener Abschlussprüfung (§ 87a Abs. 1 SGB III)",
                second=eur(second),
            ),
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
            _("Weiterbildungsgeld"),
            _(
                "{monthly} monatlich während der Weiterbildung (§ 87a Abs. 2, 3 SGB III)",
                monthly=eur(monthly),
            ),
            cents=monthly,
            unit="cent_per_month",
        )
    months = course_months(ctx)
    _shortening(b, ctx)
    _other_costs(b, ctx, pv, months)
    _living_costs(b, ctx, route)
    if months is not None and ctx.fees is not None:
        b.amount(
            "course_costs_total",
            _("Lehrgangskosten über den ganzen Lehrgang"),
            _(
                "{value} Lehrgangs- und Prüfungsgebühren ({months} Monate)",
                value=eur(ctx.fees),
                months=num(months),
            ),
            cents=ctx.fees,
        )
    geld = next((a for a in b.amounts if a.code == "weiterbildungsgeld_monthly"), None)
    if geld is not None and geld.cents is not None and months is not None:
        b.amount(
            "weiterbildungsgeld_total",
            _("Weiterbildungsgeld über den ganzen Lehrgang"),
            _(
                "{months} Monate × {value} (§ 87a Abs. 2 SGB III)",
                months=num(months),
                value=eur(geld.cents),
            ),
            cents=geld.cents * int(months),
        )
    due = add_days(c.start_date, -1) if c.start_date else None
    b.step(
        _(
            "Beratungsgespräch bei der Agentur für Arbeit bzw. dem Jobcenter vor Beginn; "
            "Bildungsgutschein vor Lehrgangsbeginn ausstellen lassen und beim AZAV-Träger "
            "einlösen."
        ),
        due,
        "application",
    )
    if route == "abs2" and p.employment_status == "employed":
        b.step(
            _(
                "Arbeitsentgeltzuschuss (bis zu 100 %) für die Ausfallzeiten mit dem Arbeitgeber "
                "bei der Agentur beantragen (§ 82 Abs. 3 SGB III)."
            ),
            due,
            "referral",
        )
    key = p.residence_district_key or ctx.firm.district_key
    district = ctx.residence or ctx.district
    where = f" ({district.name})" if district else ""
    if p.receives_sgb2:
        body = DecidingBody(
            _("Jobcenter{where}", where=where),
            _("Bezug von Bürgergeld (SGB II): Jobcenter des Wohnorts."),
        )
    elif district is not None:
        body = DecidingBody(
            _("{agency}", agency=district.agency),
            _(
                "Zuständig nach Wohnort ({name}); Beratung und Bildungsgutschein durch die "
                "Arbeitsvermittlung bzw. Berufsberatung im Erwerbsleben.",
                name=district.name,
            ),
        )
    else:
        body = DecidingBody(
            _("Agentur für Arbeit am Wohnort"),
            _(
                "Wohnort/Kreisschlüssel fehlt oder liegt außerhalb Thüringens{value}; bei "
                "Bürgergeld-Bezug: Jobcenter.",
                value=" (" + key + ")" if key else "",
            ),
        )
    return b.finish(body)
