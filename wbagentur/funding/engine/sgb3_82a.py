"""§§ 82a–82c SGB III Qualifizierungsgeld (since 1.4.2024): firm, course, person, amount.

The amount is 60 % (67 % with a child) of the monthly net pay difference (§ 82b); without that
figure the programme can still be eligible, the amount then says which input is missing.
"""

from __future__ import annotations

from datetime import date

from .calendar import add_days, add_years, fmt_date
from .context import EMPLOYMENT_LABELS, Ctx, aa_body
from .decisive import decisive_date
from .i18n import N_, _
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
            _(
                "Strukturwandelbedingten Qualifizierungsbedarf müssen mindestens 20 % haben "
                "(Betriebe unter 250 Beschäftigten: 10 %), gemessen an der Belegschaft; Anteil "
                "fehlt (firm.structural_change_share)."
            ),
        )
    elif threshold is None:
        b.add(
            "structural_share",
            None,
            cite,
            _(
                "Anteil mit strukturwandelbedingtem Bedarf {value}; die Schwelle (20 % bzw. bei "
                "unter 250 Beschäftigten 10 %) hängt von der Betriebsgröße ab, die fehlt.",
                value=pct(rate_bp(share)),
            ),
        )
    else:
        met = share >= threshold
        b.add(
            "structural_share",
            met,
            cite,
            _(
                "Mindestens {value} der Belegschaft müssen strukturwandelbedingten "
                "Qualifizierungsbedarf haben; angegeben sind {value2}.",
                value=pct(rate_bp(threshold)),
                value2=pct(rate_bp(share)),
            ),
        )
    cite = "§ 82a Abs. 2 S. 1 Nr. 3 SGB III"
    decl_below = pv.v("declaration_firm_below")
    if f.has_qualifizierungsgeld_agreement is True:
        b.add(
            "agreement",
            True,
            cite,
            _("Betriebsvereinbarung oder Tarifvertrag zum Qualifizierungsgeld liegt vor."),
        )
    elif w is not None and w < decl_below and f.written_declaration is True:
        b.add(
            "agreement",
            True,
            cite,
            _(
                "Betrieb unter {decl_below} Beschäftigten: schriftliche Erklärung des "
                "Arbeitgebers liegt vor.",
                decl_below=decl_below,
            ),
        )
    elif f.has_qualifizierungsgeld_agreement is False and (
        w is None or w >= decl_below or f.written_declaration is False
    ):
        if w is None and f.written_declaration is None:
            b.add(
                "agreement",
                None,
                cite,
                _(
                    "Betriebsvereinbarung/Tarifvertrag fehlt; ob bei unter {decl_below} "
                    "Beschäftigten eine schriftliche Erklärung genügt, hängt von der "
                    "Betriebsgröße ab.",
                    decl_below=decl_below,
                ),
            )
        else:
            b.add(
                "agreement",
                False,
                cite,
                _(
                    "Erforderlich ist eine Betriebsvereinbarung oder ein Tarifvertrag (Betriebe "
                    "unter {decl_below} Beschäftigten: schriftliche Erklärung des Arbeitgebers).",
                    decl_below=decl_below,
                ),
            )
    else:
        b.add(
            "agreement",
            None,
            cite,
            _(
                "Betriebsvereinbarung oder Tarifvertrag (unter {decl_below} Beschäftigten: "
                "schriftliche Erklärung) erforderlich; Angabe fehlt "
                "(firm.has_qualifizierungsgeld_agreement, firm.written_declaration).",
                decl_below=decl_below,
            ),
        )
    cite = "§ 82a Abs. 2 S. 1 Nr. 2 SGB III"
    if f.employer_pays_full_course is None:
        b.add(
            "employer_pays",
            None,
            cite,
            _(
                "Der Arbeitgeber muss die Lehrgangskosten vollständig tragen; Angabe fehlt "
                "(firm.employer_pays_full_course)."
            ),
        )
    else:
        b.add(
            "employer_pays",
            f.employer_pays_full_course,
            cite,
            _("Der Arbeitgeber muss die Lehrgangskosten vollständig tragen; ")
            + (
                _("das ist zugesagt.")
                if f.employer_pays_full_course
                else _("das ist nicht der Fall.")
            ),
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
            _(
                "Voraussetzung ist ein bestehendes Arbeitsverhältnis; Beschäftigungsstatus fehlt "
                "(person.employment_status)."
            ),
        )
    elif es == "employed":
        b.add(
            "employment", True, cite, _("Die Person steht in einem bestehenden Arbeitsverhältnis.")
        )
    else:
        b.add(
            "employment",
            False,
            cite,
            _(
                "Voraussetzung ist ein bestehendes, ungekündigtes Arbeitsverhältnis; angegeben "
                "ist: {value}.",
                value=EMPLOYMENT_LABELS[es],
            ),
        )
    check_presumed_absent(
        b,
        "not_terminated",
        p.employment_terminated,
        "§ 82a Abs. 4 S. 1 Nr. 3 SGB III",
        _(
            "Das Arbeitsverhältnis ist gekündigt oder aufgelöst; Qualifizierungsgeld ist "
            "ausgeschlossen."
        ),
        _("Das Arbeitsverhältnis ist nicht gekündigt."),
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
            _(
                "Kein Qualifizierungsgeld in den letzten {years} Jahren. (Keine frühere Förderung "
                "angegeben; Feld person.last_82a_funding_date.)",
                years=years,
            ),
            assumed=True,
        )
    elif on >= add_years(last, years):
        b.add(
            "last_funding",
            True,
            cite,
            _(
                "Das letzte Qualifizierungsgeld ({last}) liegt mindestens {years} Jahre zurück.",
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
                "In den letzten {years} Jahren darf kein Qualifizierungsgeld bezogen worden sein; "
                "zuletzt {last}.",
                years=years,
                last=fmt_date(last),
            ),
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
                _(
                    "AFBG-Fortbildungsziel der Stufe 1 (Berufsspezialist) mit Beginn vor dem "
                    "{until}: Ausnahme für das Qualifizierungsgeld.",
                    until=fmt_date(until),
                ),
                url=URL_22,
            )
        elif c.afbg_level is None and rel < until:
            b.add(
                "afbg_goal",
                None,
                cite,
                _(
                    "Lehrgang zu einem AFBG-Fortbildungsziel: ausgeschlossen, außer Stufe 1 "
                    "(Berufsspezialist) mit Beginn vor dem {until}; Stufe fehlt "
                    "(course.afbg_level).",
                    until=fmt_date(until),
                ),
                url=URL_22,
            )
        else:
            b.add(
                "afbg_goal",
                False,
                cite,
                _(
                    "Lehrgänge zu AFBG-Fortbildungszielen sind ausgeschlossen (Ausnahme nur Stufe "
                    "1 mit Beginn vor dem {until}).",
                    until=fmt_date(until),
                ),
                url=URL_22,
            )
    else:
        b.add(
            "afbg_goal",
            True,
            cite,
            _("Kein Fortbildungsziel des Aufstiegs-BAföG.")
            + (_(" (Nicht angegeben – angenommen; Feld course.goal.)") if goal is None else ""),
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
            _(
                "Der Träger muss nach AZAV zugelassen sein (die Maßnahme selbst nicht); Angabe "
                "fehlt (course.azav_provider_approved)."
            ),
        )
    else:
        b.add(
            "azav_provider",
            c.azav_provider_approved,
            cite,
            _("Der Träger muss nach AZAV zugelassen sein; ")
            + ("zugelassen." if c.azav_provider_approved else _("nicht zugelassen.")),
        )
    check_presumed_absent(
        b,
        "adaptation_only",
        c.is_adaptation_only,
        "§ 82a Abs. 1 Nr. 3 SGB III",
        _(
            "Ausschließlich arbeitsplatzbezogene kurzfristige Anpassungsfortbildungen sind nicht "
            "förderfähig."
        ),
        _("Die Weiterbildung geht über eine arbeitsplatzbezogene Anpassung hinaus."),
        "course.is_adaptation_only",
    )
    check_presumed_absent(
        b,
        "employer_obligation",
        c.employer_legally_obliged,
        "§ 82a Abs. 5 Nr. 1 SGB III",
        _(
            "Weiterbildungen, zu denen der Arbeitgeber gesetzlich verpflichtet ist, sind "
            "ausgeschlossen."
        ),
        _("Keine gesetzliche Pflicht des Arbeitgebers zu dieser Weiterbildung."),
        "course.employer_legally_obliged",
    )
    cite = "§ 324 Abs. 1 SGB III"
    if c.start_date is None:
        b.add(
            "apply_before_start",
            None,
            cite,
            _("Der Arbeitgeber beantragt vor Beginn; Lehrgangsbeginn fehlt (course.start_date)."),
        )
    elif c.application_date is not None:
        ok = c.application_date <= c.start_date
        b.add(
            "apply_before_start",
            ok,
            cite,
            _(
                "Antrag am {value}, Lehrgangsbeginn {value2}",
                value=fmt_date(c.application_date),
                value2=fmt_date(c.start_date),
            )
            + ("." if ok else _(" – verspätet (nur bei unbilliger Härte).")),
        )
    elif ctx.ref < c.start_date:
        b.add(
            "apply_before_start",
            True,
            cite,
            _(
                "Der Antrag ist noch rechtzeitig möglich, spätestens am {value}.",
                value=fmt_date(add_days(c.start_date, -1)),
            ),
        )
    else:
        b.add(
            "apply_before_start",
            None,
            cite,
            _(
                "Der Lehrgang hat am {value} begonnen; Antragsdatum fehlt "
                "(course.application_date).",
                value=fmt_date(c.start_date),
            ),
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
            _("Qualifizierungsgeld monatlich"),
            _(
                "{rate} ({who}) der Netto-Entgeltdifferenz – Angabe fehlt "
                "(person.net_pay_difference_monthly_eur)",
                rate=pct(rate),
                who=who,
            ),
            cents=None,
            unit="cent_per_month",
        )
        b.add(
            "amount",
            None,
            "§ 82b SGB III",
            _(
                "Höhe: {rate} der monatlichen Netto-Entgeltdifferenz (Soll-Netto minus "
                "Ist-Netto); die Differenz fehlt.",
                rate=pct(rate),
            ),
            severity="info",
        )
    else:
        b.amount(
            "qualifizierungsgeld_monthly",
            _("Qualifizierungsgeld monatlich"),
            _(
                "{rate} ({who}) von {diff} Netto-Entgeltdifferenz",
                rate=pct(rate),
                who=who,
                diff=eur(diff),
            ),
            cents=apply_bp(diff, rate),
            unit="cent_per_month",
        )
    if c.start_date is not None and c.application_date is None:
        b.step(
            _(
                "Schriftlicher Antrag des Arbeitgebers mit Zustimmung der Beschäftigten vor "
                "Lehrgangsbeginn (§ 323 Abs. 3, § 324 SGB III)."
            ),
            add_days(c.start_date, -1),
            "application",
        )
    b.exclude(
        "sgb3_82",
        _(
            "Nicht für dieselbe Maßnahme wie die Beschäftigtenqualifizierung (§ 82a Abs. 5 Nr. 2 "
            "SGB III); § 82a ist die Alternative."
        ),
    )
    b.exclude(
        "afbg",
        _("Kein Aufstiegs-BAföG während des Bezugs von Qualifizierungsgeld (§ 3 Nr. 6 AFBG)."),
    )
    body = aa_body(
        ctx.district,
        ctx.firm.district_key,
        _("Arbeitgeber-Service"),
        _("Antrag des Arbeitgebers bei der Agentur am Sitz des Betriebs (§ 327 Abs. 3 SGB III)."),
    )
    return b.finish(body)
