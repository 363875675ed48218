"""Bildungsfreistellung nach dem Thüringer Bildungsfreistellungsgesetz (ThürBfG).

Entitlement days, waiting time, small-firm exemption, notice period, employer's answer
period and the refusal quotas of § 6 ThürBfG. Refusal grounds (late request, quota reached)
do not end the entitlement by law – the employer *may* refuse – so they are ``soft`` rules (status
needs_information, with the carry-over of refused days explained).
"""

from __future__ import annotations

from .calendar import add_days, add_months, fmt_date
from .context import EMPLOYMENT_LABELS, Ctx
from .i18n import N_, _
from .money import num
from .params import ParamView
from .result import Builder, DecidingBody, ProgrammeResult

__all__ = ["TITLE", "entitlement_days", "evaluate_thuerbfg"]

TITLE = N_("Bildungsfreistellung (ThürBfG)")


def entitlement_days(pv: ParamView, apprentice: bool, working_days: float) -> int:
    """Days per calendar year: apprentices fixed; others pro rata, rounded half up."""
    if apprentice:
        return int(pv.v("apprentice_days"))
    raw = pv.v("days_per_year") * working_days / pv.v("base_working_days")
    if raw != int(raw):
        pv.v("days_rounding")
    return int(raw + 0.5)


def _quota(b: Builder, ctx: Ctx, pv: ParamView, year: int) -> None:
    tb = ctx.tb
    heads = tb.headcount_on_jan_1 if tb.headcount_on_jan_1 is not None else ctx.size.heads
    taken = tb.days_already_taken_by_colleagues_this_year
    cite = "§ 6 Abs. 3 ThürBfG"
    carry = f" Abgelehnte Tage werden auf {year + 1} übertragen."
    if heads is None:
        b.add(
            "refusal_quota",
            None,
            cite,
            _(
                "Die Ablehnungsquote hängt von der Beschäftigtenzahl am 1. Januar ab; Angabe "
                "fehlt (thuerbfg.headcount_on_jan_1)."
            ),
            severity="info",
        )
        return
    small_max, medium_max = pv.v("quota_small_max"), pv.v("quota_medium_max")
    if heads <= small_max:
        limit = float(pv.v("quota_small_days"))
        rule = _(
            "bis {small_max} Beschäftigte: {limit} Tage für alle zusammen",
            small_max=small_max,
            limit=num(limit),
        )
    elif heads <= medium_max:
        limit = heads * pv.v("quota_medium_factor")
        rule = _(
            "{low} bis {medium_max} Beschäftigte: Tage bis zur Hälfte der Beschäftigtenzahl am "
            "1. Januar",
            low=small_max + 1,
            medium_max=medium_max,
        )
    else:
        limit = heads * pv.v("quota_large_factor")
        rule = _(
            "über {medium_max} Beschäftigte: Tage bis zur Beschäftigtenzahl am 1. Januar",
            medium_max=medium_max,
        )
    if taken is None:
        b.add(
            "refusal_quota",
            None,
            cite,
            _(
                "Der Arbeitgeber darf ablehnen, wenn im Jahr {year} bereits {limit} "
                "Freistellungstage genommen oder bewilligt sind ({rule}); Angabe fehlt "
                "(thuerbfg.days_already_taken_by_colleagues_this_year).",
                year=year,
                limit=num(limit),
                rule=rule,
            )
            + carry,
            severity="info",
        )
    elif taken >= limit:
        b.add(
            "refusal_quota",
            False,
            cite,
            _(
                "Im Jahr {year} sind bereits {taken} Tage genommen/bewilligt; die Grenze von "
                "{limit} Tagen ist erreicht ({rule}) – der Arbeitgeber darf ablehnen.",
                year=year,
                taken=num(taken),
                limit=num(limit),
                rule=rule,
            )
            + carry,
            severity="soft",
        )
    else:
        b.add(
            "refusal_quota",
            True,
            cite,
            _(
                "Bisher {taken} von {limit} Tagen genommen/bewilligt ({rule}).",
                taken=num(taken),
                limit=num(limit),
                rule=rule,
            ),
            severity="soft",
        )


def evaluate_thuerbfg(ctx: Ctx, pv: ParamView) -> ProgrammeResult:  # noqa: C901
    """Check Bildungsfreistellung for the case in ``ctx``."""
    b = Builder("thuerbfg", TITLE, pv, None)
    c, p, tb = ctx.course, ctx.person, ctx.tb
    event = c.start_date
    year = (event or ctx.ref).year
    es = p.employment_status
    cite = "§ 2 ThürBfG"
    if es is None:
        b.add(
            "employee",
            None,
            cite,
            _(
                "Anspruch haben Arbeitnehmer und Auszubildende; Beschäftigungsstatus fehlt "
                "(person.employment_status)."
            ),
        )
    elif es in ("employed", "threatened_by_unemployment", "apprentice"):
        b.add("employee", True, cite, _("Die Person ist Arbeitnehmer/in bzw. Auszubildende/r."))
    else:
        b.add(
            "employee",
            False,
            cite,
            _(
                "Anspruch haben nur Beschäftigte und Auszubildende; angegeben: {value}.",
                value=EMPLOYMENT_LABELS[es],
            ),
        )
    if ctx.in_thuringia is None:
        b.add(
            "thuringia",
            None,
            cite,
            _(
                "Arbeitsstätte oder Betriebssitz muss in Thüringen liegen; Angabe fehlt "
                "(firm.district_key oder firm.seat_in_thuringia)."
            ),
        )
    else:
        b.add(
            "thuringia",
            ctx.in_thuringia,
            cite,
            _("Arbeitsstätte oder Betriebssitz muss in Thüringen liegen; ")
            + (_("das ist der Fall.") if ctx.in_thuringia else _("das ist nicht der Fall.")),
        )
    cite = "§ 3 Abs. 6 S. 1 ThürBfG"
    heads = ctx.size.heads
    min_size = pv.v("min_firm_size")
    if ctx.firm.staff and any(g.weekly_hours <= 30 for g in ctx.firm.staff):
        pv.v("firm_size_counting")
    if heads is None:
        b.add(
            "firm_size",
            None,
            cite,
            _(
                "Kein Anspruch in Betrieben mit weniger als {min_size} Beschäftigten; "
                "Beschäftigtenzahl fehlt (firm.headcount).",
                min_size=min_size,
            ),
        )
    else:
        ok = heads >= min_size
        b.add(
            "firm_size",
            ok,
            cite,
            _(
                "Kein Anspruch in Betrieben mit weniger als {min_size} Beschäftigten; der Betrieb "
                "hat {heads}.",
                min_size=min_size,
                heads=num(heads),
            ),
        )
    cite = "§ 1 ThürBfG, ThürBfVO"
    if c.thuerbfg_recognised is None:
        b.add(
            "recognised",
            None,
            cite,
            _(
                "Die Veranstaltung muss nach dem ThürBfG anerkannt sein; Angabe fehlt "
                "(course.thuerbfg_recognised)."
            ),
        )
    else:
        b.add(
            "recognised",
            c.thuerbfg_recognised,
            cite,
            _("Die Veranstaltung muss nach dem ThürBfG anerkannt sein; ")
            + (_("sie ist anerkannt.") if c.thuerbfg_recognised else _("sie ist nicht anerkannt.")),
        )
    cite = "§ 3 Abs. 1 ThürBfG"
    apprentice = es == "apprentice"
    wd = p.working_days_per_week
    if apprentice:
        days = entitlement_days(pv, True, 0)
        b.add(
            "days",
            True,
            cite,
            _("Auszubildende: {days} Arbeitstage je Kalenderjahr.", days=days),
            severity="info",
        )
    else:
        assumed = wd is None
        base = pv.v("base_working_days")
        days = entitlement_days(pv, False, base if wd is None else wd)
        week = f"{num(base if wd is None else wd)}-Tage-Woche"
        b.add(
            "days",
            True,
            cite,
            _(
                "{value} Arbeitstage je Kalenderjahr bei {base}-Tage-Woche, anteilig: {days} Tage "
                "bei {week}.",
                value=pv.v("days_per_year"),
                base=num(base),
                days=days,
                week=week,
            )
            + (
                _(
                    " (Arbeitstage nicht angegeben – 5-Tage-Woche angenommen; "
                    "person.working_days_per_week.)"
                )
                if assumed
                else ""
            ),
            severity="info",
            assumed=assumed,
            verified=days == pv.v("days_per_year") * (base if wd is None else wd) / base,
        )
    cite = "§ 3 ThürBfG"
    months = pv.v("waiting_months")
    if p.employed_since is None:
        b.add(
            "waiting_time",
            None,
            cite,
            _(
                "Der Anspruch entsteht erstmals nach {months} Monaten Beschäftigung; Beginn des "
                "Arbeitsverhältnisses fehlt (person.employed_since).",
                months=months,
            ),
        )
    else:
        done = add_months(p.employed_since, months)
        b.key_date("waiting_time_complete", _("Wartezeit erfüllt am"), done)
        if event is None:
            b.add(
                "waiting_time",
                None,
                cite,
                _(
                    "Wartezeit von {months} Monaten erfüllt am {done}; Beginn der Veranstaltung "
                    "fehlt (course.start_date).",
                    months=months,
                    done=fmt_date(done),
                ),
            )
        else:
            b.add(
                "waiting_time",
                done <= event,
                cite,
                _(
                    "Wartezeit von {months} Monaten erfüllt am {done}; Veranstaltung beginnt am "
                    "{event}.",
                    months=months,
                    done=fmt_date(done),
                    event=fmt_date(event),
                ),
            )
    granted = tb.days_already_granted_this_year or 0
    carried = tb.carried_over_days or 0
    available = days + carried - granted
    cite = "§ 3 Abs. 1, 2 ThürBfG"
    calc = (f" + {num(carried)} übertragen" if carried else "") + (
        f" − {num(granted)} bereits gewährt" if granted else ""
    )
    b.add(
        "remaining_days",
        available > 0,
        cite,
        _("Verfügbar im Jahr {year}: {days} Tage", year=year, days=num(days))
        + (_("{calc} = {value} Tage.", calc=calc, value=num(max(0, available))) if calc else ".")
        + ("" if available > 0 else _(" Der Anspruch für dieses Jahr ist ausgeschöpft.")),
    )
    b.amount(
        "leave_days",
        _("Freistellungsanspruch je Kalenderjahr"),
        _("{days} Arbeitstage", days=num(days)),
        value=days,
        unit="days",
    )
    b.amount(
        "available_days",
        _("Verfügbare Freistellungstage {year}", year=year),
        _(
            "{days} + {carried} − {granted}",
            days=num(days),
            carried=num(carried),
            granted=num(granted),
        ),
        value=max(0, available),
        unit="days",
    )
    if c.days is not None:
        used = min(c.days, max(0, available))
        b.amount(
            "event_days",
            _("Tage der Veranstaltung (davon freigestellt)"),
            _("Veranstaltung {value} Tage", value=num(c.days)),
            value=used,
            unit="days",
        )
        b.amount(
            "remaining_days",
            _("Restanspruch {year} nach der Veranstaltung", year=year),
            _("{value} − {used}", value=num(max(0, available)), used=num(used)),
            value=max(0, available) - used,
            unit="days",
        )
        if c.days > available > 0:
            b.add(
                "event_length",
                True,
                cite,
                _(
                    "Die Veranstaltung dauert {value} Tage; freigestellt werden höchstens "
                    "{available}.",
                    value=num(c.days),
                    available=num(available),
                ),
                severity="info",
            )
    cite = "§ 6 Abs. 1 ThürBfG"
    notice = pv.v("notice_days")
    if event is None:
        b.add(
            "notice",
            None,
            cite,
            _(
                "Schriftlicher Antrag mindestens {value} Wochen vor der Veranstaltung; Beginn "
                "fehlt (course.start_date).",
                value=notice // 7,
            ),
            severity="soft",
        )
    else:
        latest = add_days(event, -notice)
        b.key_date("latest_request", _("Antrag spätestens am"), latest)
        if tb.request_date is not None:
            ok = tb.request_date <= latest
            b.add(
                "notice",
                ok,
                cite,
                _(
                    "Antrag mindestens {value} Wochen vorher, also spätestens am {latest}; "
                    "gestellt am {value2}",
                    value=notice // 7,
                    latest=fmt_date(latest),
                    value2=fmt_date(tb.request_date),
                )
                + ("." if ok else _(" – zu spät, der Arbeitgeber darf ablehnen.")),
                severity="soft",
            )
        elif ctx.ref <= latest:
            b.add(
                "notice",
                True,
                cite,
                _(
                    "Antrag mindestens {value} Wochen vorher: noch möglich bis {latest}.",
                    value=notice // 7,
                    latest=fmt_date(latest),
                ),
                severity="soft",
            )
        else:
            b.add(
                "notice",
                False,
                cite,
                _(
                    "Die Antragsfrist ({latest}) ist verstrichen – der Arbeitgeber darf ablehnen.",
                    latest=fmt_date(latest),
                ),
                severity="soft",
            )
        b.step(
            _(
                "Schriftlichen Antrag mit Anerkennungsbescheid der Veranstaltung beim Arbeitgeber "
                "einreichen (spätestens {value} Wochen vor Beginn)",
                value=notice // 7,
            )
            + (
                _("; gestellt am {value}.", value=fmt_date(tb.request_date))
                if tb.request_date
                else "."
            ),
            latest,
            "request",
        )
    if tb.request_date is not None:
        answer = add_days(tb.request_date, pv.v("employer_answer_days"))
        b.key_date("employer_answer_due", _("Antwort des Arbeitgebers bis"), answer)
        b.step(
            _(
                "Der Arbeitgeber muss binnen 4 Wochen schriftlich antworten, sonst gilt die "
                "Freistellung als genehmigt."
            ),
            answer,
            "employer_answer",
        )
    _quota(b, ctx, pv, year)
    if pv.has("recognition_authority"):
        authority = str(pv.v("recognition_authority"))
        if not pv.ok("recognition_authority"):
            authority += " – Zuständigkeit ungeprüft"
    else:
        authority = "Thüringer Bildungsministerium (seit 12/2024 vermutlich TMBWK – ungeprüft)"
    return b.finish(
        DecidingBody(
            _("Arbeitgeber (Freistellung)"),
            _(
                "Anerkennung der Veranstaltung: {authority}; der Arbeitgeber entscheidet über die "
                "Freistellung, ohne fristgerechte Ablehnung gilt sie als genehmigt.",
                authority=authority,
            ),
        )
    )
