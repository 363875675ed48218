"""§ 82 SGB III Beschäftigtenqualifizierung: eligibility, course-cost share and wage subsidy (AEZ).

Two regimes are supported through the parameter set's ``regime``: "2024" (since 1.4.2024, bands
< 50 / 50–< 500 / ≥ 500, fixed rates) and "2019" (Qualifizierungschancengesetz and
Arbeit-von-morgen-Gesetz, 1.1.2019–31.3.2024, bands < 10 / 10–< 250 / ≥ 250 / > 2 500,
"bis zu" rates, structural-change
condition). Shared course checks are reused by § 82a.
"""

from __future__ import annotations

from datetime import date

from .calendar import add_days, add_months, add_years, fmt_date
from .context import EMPLOYMENT_LABELS, Ctx, aa_body
from .decisive import decisive_date
from .i18n import N_, _
from .money import num
from .params import ParamView
from .result import Builder, ProgrammeResult
from .sgb3_82_amounts import add_amounts

__all__ = ["TITLE", "check_hours", "evaluate_sgb3_82", "relevant_date"]

TITLE = N_("Beschäftigtenqualifizierung (§ 82 SGB III)")
URL = "https://www.gesetze-im-internet.de/sgb_3/__82.html"
URL_22 = "https://www.gesetze-im-internet.de/sgb_3/__22.html"
URL_180 = "https://www.gesetze-im-internet.de/sgb_3/__180.html"
URL_324 = "https://www.gesetze-im-internet.de/sgb_3/__324.html"
URL_81 = "https://www.gesetze-im-internet.de/sgb_3/__81.html"


def relevant_date(ctx: Ctx) -> date:
    """§ 82: the decisive date of § 422 Abs. 1 SGB III (award / timely start / application)."""
    return decisive_date("sgb3_82", ctx.case, ctx.ref).date


def check_hours(b: Builder, ctx: Ctx, pv: ParamView, min_h: float, cite: str) -> None:
    """Check "mehr als ``min_h`` Stunden", counting the hours as stated on the AZAV approval."""
    h = ctx.course.hours
    if h is None:
        b.add(
            "min_hours",
            None,
            cite,
            _(
                "Der Lehrgang muss mehr als {min_h} Stunden umfassen; die Stundenzahl fehlt "
                "(course.hours).",
                min_h=num(min_h),
            ),
        )
        return
    met = h > min_h
    text = _(
        "Der Lehrgang muss mehr als {min_h} Stunden umfassen; geplant sind {h} Stunden.",
        min_h=num(min_h),
        h=num(h),
    )
    verified = True
    unit = ctx.course.hours_unit
    if unit == "teaching_units_45":
        clock = h * 0.75
        text += _(
            " Angabe in Unterrichtsstunden à 45 Minuten (= {clock} Zeitstunden); das Gesetz legt "
            "die Einheit nicht fest, gezählt wird die Angabe laut Maßnahmezulassung.",
            clock=num(clock),
        )
        if met and clock <= min_h:
            if pv.has("hours_unit_rule"):
                pv.v("hours_unit_rule")
            verified = False
            text += _(
                " In Zeitstunden wäre die Grenze nicht überschritten – mit der Agentur für Arbeit "
                "klären."
            )
    elif unit is None:
        text += _(" Einheit nicht angegeben; gezählt wird die Angabe laut Maßnahmezulassung.")
    b.add("min_hours", met, cite, text, verified=verified)


def check_presumed_absent(
    b: Builder, rule: str, value: bool | None, cite: str, yes: str, no: str, field: str
) -> None:
    """An exclusion fact: True → not met; False → met; None → presumed absent (met, ``assumed``)."""
    if value is True:
        b.add(rule, False, cite, yes)
    elif value is False:
        b.add(rule, True, cite, no)
    else:
        b.add(
            rule,
            True,
            cite,
            _("{no} (Nicht angegeben – angenommen; Feld {field}.)", no=no, field=field),
            assumed=True,
        )


def _employment(b: Builder, ctx: Ctx) -> None:
    es = ctx.person.employment_status
    cite = "§ 82 Abs. 1 S. 1 SGB III"
    if es is None:
        b.add(
            "employment",
            None,
            cite,
            _(
                "Gefördert werden Beschäftigte in einem bestehenden Arbeitsverhältnis; der "
                "Beschäftigungsstatus fehlt (person.employment_status)."
            ),
        )
    elif es == "employed":
        b.add(
            "employment", True, cite, _("Die Person steht in einem bestehenden Arbeitsverhältnis.")
        )
    elif es == "threatened_by_unemployment":
        b.add(
            "employment",
            False,
            cite,
            _(
                "Bei drohender Arbeitslosigkeit ist der Bildungsgutschein nach § 81 SGB III das "
                "vorgesehene Instrument, nicht die Beschäftigtenqualifizierung."
            ),
        )
    else:
        b.add(
            "employment",
            False,
            cite,
            _(
                "Gefördert werden nur Beschäftigte in einem bestehenden Arbeitsverhältnis; "
                "angegeben ist: {value}.",
                value=EMPLOYMENT_LABELS[es],
            ),
        )


def _goal(b: Builder, ctx: Ctx) -> None:
    goal = ctx.course.goal
    if goal == "afbg":
        b.add(
            "afbg_goal",
            False,
            "§ 22 Abs. 1a SGB III",
            _(
                "Der Lehrgang bereitet auf ein Fortbildungsziel des Aufstiegs-BAföG vor; eine "
                "Förderung nach § 82 ist ausgeschlossen – Aufstiegs-BAföG beantragen."
            ),
            url=URL_22,
        )
    elif goal == "university_degree":
        b.add(
            "afbg_goal",
            True,
            "§ 22 Abs. 1a SGB III",
            _("Kein Fortbildungsziel des Aufstiegs-BAföG."),
            url=URL_22,
        )
        b.add(
            "university_degree",
            False,
            "§ 180 Abs. 3 SGB III",
            _("Maßnahmen, die zu einem Hochschulabschluss führen, sind nicht förderfähig."),
            url=URL_180,
        )
    elif goal is None:
        b.add(
            "afbg_goal",
            True,
            "§ 22 Abs. 1a SGB III",
            _(
                "Kein Fortbildungsziel des Aufstiegs-BAföG. (Nicht angegeben – angenommen; Feld "
                "course.goal.)"
            ),
            url=URL_22,
            assumed=True,
        )
    else:
        b.add(
            "afbg_goal",
            True,
            "§ 22 Abs. 1a SGB III",
            _("Kein Fortbildungsziel des Aufstiegs-BAföG."),
            url=URL_22,
        )


def _approval(b: Builder, value: bool | None, rule: str, what: str, field: str) -> None:
    cite = "§ 82 Abs. 1 Nr. 5 SGB III"
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
            + (_("zugelassen.") if value else _("nicht zugelassen.")),
        )


def _qualification(b: Builder, ctx: Ctx, pv: ParamView, rel: date) -> None:
    p = ctx.person
    years = pv.v("waiting_years_since_qualification")
    cite = "§ 82 Abs. 1 Nr. 2 SGB III"
    if p.has_usable_vocational_qualification is False:
        b.add(
            "qualification_age",
            True,
            cite,
            _(
                "Kein verwertbarer Berufsabschluss – die Frist seit dem Abschluss gilt nicht; "
                "Lehrgangskosten über § 81 Abs. 2 SGB III, Arbeitsentgeltzuschuss bis zu 100 %."
            ),
            severity="soft",
        )
    elif p.vocational_qualification_year is None:
        b.add(
            "qualification_age",
            None,
            cite,
            _(
                "Der Berufsabschluss soll in der Regel mindestens {years} Jahre zurückliegen; "
                "Jahr des Abschlusses fehlt (person.vocational_qualification_year).",
                years=years,
            ),
            severity="soft",
        )
    else:
        diff = rel.year - p.vocational_qualification_year
        if diff >= years:
            b.add(
                "qualification_age",
                True,
                cite,
                _(
                    "Der Berufsabschluss ({vocational_qualification_year}) liegt mindestens "
                    "{years} Jahre zurück.",
                    vocational_qualification_year=p.vocational_qualification_year,
                    years=years,
                ),
                severity="soft",
            )
        else:
            b.add(
                "qualification_age",
                False,
                cite,
                _(
                    "Der Berufsabschluss soll in der Regel mindestens {years} Jahre zurückliegen; "
                    "er stammt aus {vocational_qualification_year}. Ausnahme nur im Einzelfall "
                    "(„in der Regel“) – Agentur für Arbeit entscheidet.",
                    years=years,
                    vocational_qualification_year=p.vocational_qualification_year,
                ),
                severity="soft",
            )


def _last_funding(b: Builder, ctx: Ctx, pv: ParamView, on: date) -> None:
    years = pv.v("waiting_years_since_last_funding")
    last = ctx.person.last_82_funding_date
    cite = "§ 82 Abs. 1 Nr. 3 SGB III"
    if last is None:
        b.add(
            "last_funding",
            True,
            cite,
            _(
                "Keine Förderung nach § 82 in den letzten {years} Jahren vor dem Antrag. (Keine "
                "frühere Förderung angegeben; Feld person.last_82_funding_date.)",
                years=years,
            ),
            assumed=True,
        )
        return
    free = add_years(last, years)
    if on >= free:
        b.add(
            "last_funding",
            True,
            cite,
            _(
                "Die letzte Förderung nach § 82 ({last}) liegt mindestens {years} Jahre zurück.",
                last=fmt_date(last),
                years=years,
            ),
        )
    else:
        b.add(
            "last_funding",
            False,
            cite,
            _(
                "In den letzten {years} Jahren vor dem Antrag darf keine Förderung nach § 82 "
                "erfolgt sein; letzte Förderung {last}, frühestens wieder ab {free}.",
                years=years,
                last=fmt_date(last),
                free=fmt_date(free),
            ),
        )


def _timing(b: Builder, ctx: Ctx) -> None:
    c = ctx.course
    cite = "§ 324 Abs. 1 SGB III"
    start = c.start_date
    if start is None:
        b.add(
            "apply_before_start",
            None,
            cite,
            _(
                "Der Antrag ist vor Lehrgangsbeginn zu stellen; der Lehrgangsbeginn fehlt "
                "(course.start_date)."
            ),
            url=URL_324,
        )
    elif c.application_date is not None:
        if c.application_date <= start:
            b.add(
                "apply_before_start",
                True,
                cite,
                _(
                    "Antrag am {value} vor Lehrgangsbeginn ({start}).",
                    value=fmt_date(c.application_date),
                    start=fmt_date(start),
                ),
                url=URL_324,
            )
        else:
            b.add(
                "apply_before_start",
                False,
                cite,
                _(
                    "Der Antrag ({value}) wurde erst nach Lehrgangsbeginn ({start}) gestellt; "
                    "nachträglich nur zur Vermeidung einer unbilligen Härte.",
                    value=fmt_date(c.application_date),
                    start=fmt_date(start),
                ),
                url=URL_324,
            )
    elif ctx.ref < start:
        b.add(
            "apply_before_start",
            True,
            cite,
            _(
                "Der Antrag ist noch rechtzeitig möglich, spätestens am {value} (vor "
                "Lehrgangsbeginn {start}).",
                value=fmt_date(add_days(start, -1)),
                start=fmt_date(start),
            ),
            url=URL_324,
        )
    else:
        b.add(
            "apply_before_start",
            None,
            cite,
            _(
                "Der Lehrgang hat am {start} begonnen; ob der Antrag vorher gestellt wurde, ist "
                "nicht angegeben (course.application_date).",
                start=fmt_date(start),
            ),
            url=URL_324,
        )


def _structural_2019(
    b: Builder, ctx: Ctx, pv: ParamView, rel: date, small_firm: bool | None
) -> None:
    cite = "§ 82 Abs. 1 S. 1 SGB III a. F."
    driven = ctx.course.structural_change_driven
    waiver_from = date.fromisoformat(pv.v("structural_waiver_from"))
    age = ctx.age_at(ctx.course.start_date or rel)
    special = ctx.person.severely_disabled is True or (age is not None and age >= 45)
    if driven is True:
        b.add(
            "structural_change",
            True,
            cite,
            _(
                "Die Weiterbildung ist durch den Strukturwandel bedingt oder zielt auf einen "
                "Engpassberuf."
            ),
        )
    elif rel >= waiver_from and small_firm and special:
        b.add(
            "structural_change",
            True,
            "§ 82 Abs. 1 S. 2 SGB III a. F.",
            _(
                "Strukturwandel-Bezug entbehrlich: Betrieb unter 250 Beschäftigten und Person ab "
                "45 Jahren oder schwerbehindert."
            ),
        )
    elif driven is False:
        b.add(
            "structural_change",
            False,
            cite,
            _(
                "Bis 31.03.2024 setzte die Förderung Betroffenheit vom Strukturwandel oder eine "
                "Weiterbildung in einem Engpassberuf voraus."
            ),
        )
    else:
        b.add(
            "structural_change",
            None,
            cite,
            _(
                "Bis 31.03.2024 setzte die Förderung Betroffenheit vom Strukturwandel oder einen "
                "Engpassberuf voraus; Angabe fehlt (course.structural_change_driven)."
            ),
        )


#: § 82 Abs. 7 SGB III a. F. (fallback when a stored parameter set predates these parameters).
SHORT_TIME_WORK_FROM = "2021-01-01"
SHORT_TIME_WORK_UNTIL = "2024-07-31"


def _short_time_work(b: Builder, ctx: Ctx, pv: ParamView) -> None:
    """§ 82 Abs. 7 a. F.: no § 82 for a course that starts while Kurzarbeitergeld is drawn."""
    start = ctx.course.start_date
    last = date.fromisoformat(
        pv.v("short_time_work_exclusion_until")
        if pv.has("short_time_work_exclusion_until")
        else SHORT_TIME_WORK_UNTIL
    )
    if start is None or start > last:
        return
    first = date.fromisoformat(
        pv.v("short_time_work_exclusion_from")
        if pv.has("short_time_work_exclusion_from")
        else SHORT_TIME_WORK_FROM
    )
    if start < first:
        return
    cite = "§ 82 Abs. 7 SGB III a. F."
    kug = ctx.person.short_time_work_at_course_start
    until = fmt_date(last)
    if kug is True:
        b.add(
            "short_time_work",
            False,
            cite,
            _(
                "Bis {until} ausgeschlossen für Lehrgänge, die während des Bezugs von "
                "Kurzarbeitergeld beginnen; Weiterbildung während Kurzarbeit hatte eigene Regeln "
                "(§ 106a SGB III a. F.).",
                until=until,
            ),
            verified=pv.ok("short_time_work_exclusion_from"),
        )
    else:
        b.add(
            "short_time_work",
            True,
            cite,
            _(
                "Bis {until} keine Förderung für Lehrgänge, die während des Bezugs von "
                "Kurzarbeitergeld beginnen; der Lehrgang beginnt nicht während Kurzarbeit.",
                until=until,
            )
            + (
                _(" (Nicht angegeben – angenommen; Feld person.short_time_work_at_course_start.)")
                if kug is None
                else ""
            ),
            assumed=kug is None,
        )


def evaluate_sgb3_82(ctx: Ctx, pv: ParamView) -> ProgrammeResult:
    """Check § 82 SGB III for the case in ``ctx`` under the parameter set in ``pv``."""
    b = Builder("sgb3_82", TITLE, pv, URL)
    c = ctx.course
    rel = relevant_date(ctx)
    regime = pv.v("regime")
    _employment(b, ctx)
    _goal(b, ctx)
    min_h = pv.v("min_hours_exclusive")
    before = pv.v("min_hours_exclusive_before") if pv.has("min_hours_exclusive_before") else None
    if before and rel <= date.fromisoformat(before["until"]):
        min_h = before["value"]
    check_hours(b, ctx, pv, min_h, "§ 82 Abs. 1 Nr. 4 SGB III")
    _approval(
        b,
        c.azav_measure_approved,
        "azav_measure",
        _("Die Maßnahme"),
        "course.azav_measure_approved",
    )
    _approval(
        b,
        c.azav_provider_approved,
        "azav_provider",
        _("Der Träger"),
        "course.azav_provider_approved",
    )
    check_presumed_absent(
        b,
        "adaptation_only",
        c.is_adaptation_only,
        "§ 82 Abs. 1 Nr. 1 SGB III",
        _(
            "Ausschließlich arbeitsplatzbezogene kurzfristige Anpassungsfortbildungen sind nicht "
            "förderfähig."
        ),
        _("Die Weiterbildung geht über eine arbeitsplatzbezogene kurzfristige Anpassung hinaus."),
        "course.is_adaptation_only",
    )
    check_presumed_absent(
        b,
        "employer_obligation",
        c.employer_legally_obliged,
        "§ 82 Abs. 1 S. 2 SGB III",
        _(
            "Weiterbildungen, zu denen der Arbeitgeber gesetzlich verpflichtet ist, sind "
            "ausgeschlossen."
        ),
        _("Keine gesetzliche Pflicht des Arbeitgebers zu dieser Weiterbildung."),
        "course.employer_legally_obliged",
    )
    _short_time_work(b, ctx, pv)
    _qualification(b, ctx, pv, rel)
    _last_funding(b, ctx, pv, c.application_date or c.start_date or ctx.ref)
    _timing(b, ctx)
    w = ctx.size.weighted
    if regime == "2019" and pv.v("requires_structural_change"):
        small = None if w is None else w < pv.v("structural_waiver_firm_below")
        _structural_2019(b, ctx, pv, rel, small)
    add_amounts(b, ctx, pv, rel)
    if c.start_date is not None and c.application_date is None:
        b.step(
            _(
                "Antrag bei der Agentur für Arbeit (Arbeitgeber-Service) vor Lehrgangsbeginn "
                "stellen (§ 324 SGB III); bei mehreren Beschäftigten ist ein Sammelantrag möglich "
                "(§ 82 Abs. 5)."
            ),
            add_days(c.start_date, -1),
            "application",
        )
    elif c.start_date is None:
        b.step(
            _(
                "Antrag bei der Agentur für Arbeit (Arbeitgeber-Service) vor Lehrgangsbeginn "
                "stellen (§ 324 SGB III)."
            ),
            None,
            "application",
        )
    if c.end_date is not None:
        months = pv.v("proof_months_after_end")
        b.step(
            _(
                "Bei Sammelantrag: Weiterleitung der Leistungen an Beschäftigte/Träger binnen "
                "{months} Monaten nach Lehrgangsende nachweisen (§ 82 Abs. 5 SGB III).",
                months=months,
            ),
            add_months(c.end_date, months),
            "proof",
        )
    b.exclude(
        "sgb3_82a",
        _("Nicht für dieselbe Maßnahme wie Qualifizierungsgeld (§ 82a Abs. 5 Nr. 2 SGB III)."),
    )
    b.exclude(
        "afbg",
        _(
            "Lehrgänge zu AFBG-Fortbildungszielen sind von § 82 ausgeschlossen (§ 22 Abs. 1a SGB "
            "III)."
        ),
    )
    b.exclude(
        "esf_anpassungsqualifizierung",
        _("Keine Doppelförderung derselben Kosten (Art. 63 Abs. 9 VO (EU) 2021/1060)."),
    )
    b.exclude(
        "esf_weiterbildungsscheck",
        _("Keine Doppelförderung derselben Kosten (Art. 63 Abs. 9 VO (EU) 2021/1060)."),
    )
    res = ctx.residence
    lk_note = (
        _(
            "Lehrgangskosten: Agentur des Wohnorts ({agency}, § 327 Abs. 1 SGB III); ",
            agency=res.agency,
        )
        if res
        else _("Lehrgangskosten: Agentur am Wohnort der/des Beschäftigten (§ 327 Abs. 1 SGB III); ")
    )
    body = aa_body(
        ctx.district,
        ctx.firm.district_key,
        _("Arbeitgeber-Service"),
        lk_note + _("Arbeitsentgeltzuschuss: Agentur am Sitz des Betriebs (§ 327 Abs. 4 SGB III)."),
    )
    return b.finish(body)
