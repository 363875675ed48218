"""Aufstiegs-BAföG (AFBG): eligibility of course and person, Maßnahmebeitrag, Meisterstück, Erlass,
maximum Unterhaltsbedarf (full-time) and Kinderbetreuungszuschlag.

Course length is measured in Unterrichtsstunden (UStd, 45 min); clock hours are converted (× 4/3).
The Unterhaltsbeitrag is income- and asset-dependent: the engine shows the maximum monthly need
("bis zu") and leaves the Anrechnung to the authority.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .calendar import add_days, add_months, age_on
from .context import Ctx
from .i18n import N_, _
from .money import apply_bp, eur, eur_to_cents, num, pct, rate_bp
from .params import ParamView
from .result import Builder, DecidingBody, ProgrammeResult

__all__ = ["TITLE", "evaluate_afbg", "months_between"]

TITLE = N_("Aufstiegs-BAföG (AFBG)")
URL = "https://www.gesetze-im-internet.de/afbg/"
URL_2 = "https://www.gesetze-im-internet.de/afbg/__2.html"
URL_10 = "https://www.gesetze-im-internet.de/afbg/__10.html"
URL_12 = "https://www.gesetze-im-internet.de/afbg/__12.html"
URL_13B = "https://www.gesetze-im-internet.de/afbg/__13b.html"
LEVELS = {
    1: "Stufe 1 (Geprüfte/r Berufsspezialist/in)",
    2: "Stufe 2 (Bachelor Professional)",
    3: "Stufe 3 (Master Professional)",
}


def months_between(start: date, end: date) -> int:
    """Number of (started) calendar months from ``start`` to ``end`` inclusive."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months + (1 if end.day >= start.day else 0)


def _course(b: Builder, ctx: Ctx, pv: ParamView) -> None:  # noqa: C901
    c = ctx.course
    mode, level = c.mode, c.afbg_level
    stage1 = level == 1
    if c.hours is None:
        lessons = None
    elif c.hours_unit == "clock_hours":
        lessons = c.hours * 4 / 3
    else:
        lessons = c.hours
    unit_note = (
        ""
        if c.hours_unit == "teaching_units_45"
        else (
            " (aus Zeitstunden umgerechnet)"
            if c.hours_unit == "clock_hours"
            else " (Einheit nicht angegeben – als UStd gezählt)"
        )
    )
    if mode is None:
        b.add(
            "mode",
            None,
            "§ 2 Abs. 3 AFBG",
            _("Voll- oder Teilzeit fehlt (course.mode)."),
            url=URL_2,
        )
    min_l = pv.v("min_lessons")
    min_s1 = pv.v("min_lessons_stage1_part_time")
    cite = "§ 2 Abs. 3, 4 AFBG"
    if lessons is None:
        b.add(
            "min_lessons",
            None,
            cite,
            _(
                "Mindestens {min_l} Unterrichtsstunden erforderlich; Stundenzahl fehlt "
                "(course.hours).",
                min_l=min_l,
            ),
            url=URL_2,
        )
    else:
        need = min_s1 if (stage1 and mode == "part_time") else min_l
        met: bool | None = lessons >= need
        planned = num(round(lessons, 2))
        text = _(
            "Mindestens {need} UStd erforderlich; geplant sind {planned} UStd{unit_note}.",
            need=need,
            planned=planned,
            unit_note=unit_note,
        )
        if not met and level is None and mode != "full_time" and lessons >= min_s1:
            met = None
            text += _(
                " Für Stufe-1-Lehrgänge in Teilzeit genügen {min_s1}; Stufe fehlt "
                "(course.afbg_level).",
                min_s1=min_s1,
            )
        b.add("min_lessons", met, cite, text, url=URL_2)
    duration = c.duration_months
    if duration is None and c.start_date and c.end_date:
        duration = months_between(c.start_date, c.end_date)
    if mode is None:
        return
    if duration is None:
        b.add(
            "duration",
            None,
            "§ 2 Abs. 3 AFBG",
            _("Die Dauer fehlt (course.duration_months oder course.start_date/end_date)."),
            url=URL_2,
        )
    elif mode == "full_time":
        max_m = pv.v("full_time_max_months")
        b.add(
            "duration",
            duration <= max_m,
            "§ 2 Abs. 3 Nr. 1 AFBG",
            _(
                "Vollzeit: innerhalb von {max_m} Monaten; geplant sind {duration} Monate.",
                max_m=max_m,
                duration=num(duration),
            ),
            url=URL_2,
        )
    else:
        max_m = pv.v("part_time_max_months_stage1") if stage1 else pv.v("part_time_max_months")
        met_d: bool | None = duration <= max_m
        text = _(
            "Teilzeit: innerhalb von {max_m} Monaten; geplant sind {duration} Monate.",
            max_m=max_m,
            duration=num(duration),
        )
        if level is None and duration <= max_m and duration > pv.v("part_time_max_months_stage1"):
            met_d = None
            text += _(" Für Stufe 1 gelten 36 Monate; Stufe fehlt (course.afbg_level).")
        b.add("duration", met_d, "§ 2 Abs. 3 Nr. 2 AFBG", text, url=URL_2)
    if mode == "full_time":
        need_w = pv.v("full_time_min_lessons_per_week")
        cite = "§ 2 Abs. 3 Nr. 1 AFBG"
        if c.lessons_per_week is not None:
            b.add(
                "intensity",
                c.lessons_per_week >= need_w,
                cite,
                _(
                    "Vollzeit: in der Regel mindestens {need_w} UStd pro Woche; geplant sind "
                    "{value}.",
                    need_w=need_w,
                    value=num(c.lessons_per_week),
                ),
                url=URL_2,
            )
        elif lessons is not None and duration:
            per_week = lessons / (duration * 52 / 12)
            ok = per_week >= need_w
            b.add(
                "intensity",
                True if ok else None,
                cite,
                _(
                    "Vollzeit: in der Regel mindestens {need_w} UStd pro Woche; rechnerisch rund "
                    "{value} pro Kalenderwoche",
                    need_w=need_w,
                    value=num(round(per_week, 1)),
                )
                + (
                    "."
                    if ok
                    else _(
                        " – bitte UStd pro Unterrichtswoche laut Plan angeben "
                        "(course.lessons_per_week)."
                    )
                ),
                url=URL_2,
            )
        else:
            b.add(
                "intensity",
                None,
                cite,
                _(
                    "Vollzeit: mindestens {need_w} UStd pro Woche; Angabe fehlt "
                    "(course.lessons_per_week).",
                    need_w=need_w,
                ),
                url=URL_2,
            )
    else:
        need_m = pv.v("part_time_min_lessons_per_month")
        cite = "§ 2 Abs. 3 Nr. 2 AFBG"
        per_month = c.lessons_per_month
        computed = per_month is None and lessons is not None and bool(duration)
        if computed:
            per_month = lessons / duration  # type: ignore[operator]
        if per_month is None:
            b.add(
                "intensity",
                None,
                cite,
                _(
                    "Teilzeit: im Durchschnitt mindestens {need_m} UStd pro Monat; Angabe fehlt "
                    "(course.lessons_per_month).",
                    need_m=need_m,
                ),
                url=URL_2,
            )
        else:
            b.add(
                "intensity",
                per_month >= need_m,
                cite,
                _(
                    "Teilzeit: im Durchschnitt mindestens {need_m} UStd pro Monat; "
                    "{value}{value2} UStd pro Monat.",
                    need_m=need_m,
                    value="rechnerisch " if computed else "",
                    value2=num(round(per_month, 1)),
                ),
                url=URL_2,
            )


def _maintenance(b: Builder, ctx: Ctx, pv: ParamView, on: date) -> None:
    c, p = ctx.course, ctx.person
    children = p.children or ()
    if c.mode == "full_time":
        basic = (
            pv.v("need_basic_eur") + pv.v("need_housing_eur") + pv.v("need_participant_extra_eur")
        )
        parts = [
            f"{pv.v('need_basic_eur')} € Grundbedarf",
            f"{pv.v('need_housing_eur')} € Unterkunft",
        ]
        kvpv = pv.v("need_kv_eur") + pv.v("need_pv_eur")
        if p.health_insurance in ("statutory_family", "none"):
            kvpv = 0
        else:
            parts.append(_("{kvpv} € Kranken-/Pflegeversicherung", kvpv=kvpv))
        parts.append(_("{value} € AFBG-Zuschlag", value=pv.v("need_participant_extra_eur")))
        total = basic + kvpv
        if p.marital_status in ("married", "civil_partnership"):
            total += pv.v("need_partner_eur")
            parts.append(_("{value} € Ehe-/Lebenspartner", value=pv.v("need_partner_eur")))
        kg = [ch for ch in children if ch.receives_kindergeld is not False]
        if kg:
            total += pv.v("need_child_eur") * len(kg)
            parts.append(_("{kg} × {value} € Kind(er)", kg=len(kg), value=pv.v("need_child_eur")))
        valid_from = date.fromisoformat(pv.ps.params["bafoeg_amounts_valid_from"].value)
        if on < valid_from:
            pv.v("bafoeg_amounts_valid_from")
        b.amount(
            "maintenance_monthly",
            _("Unterhaltsbeitrag (Höchstbedarf, Zuschuss)"),
            " + ".join(parts),
            cents=eur_to_cents(total),
            unit="cent_per_month",
            up_to=True,
        )
        b.add(
            "maintenance",
            None,
            "§ 10 Abs. 2 AFBG",
            _(
                "Unterhaltsbeitrag bis zu {value} monatlich; einkommens- und vermögensabhängig, "
                "die Anrechnung prüft die Behörde.",
                value=eur(eur_to_cents(total)),
            ),
            severity="info",
            url=URL_10,
            verified=on >= valid_from,
        )
        if pv.has("asset_allowance_eur"):
            _means_test(b, ctx, pv, eur_to_cents(total), len(kg))
    else:
        b.add(
            "maintenance",
            True,
            "§ 10 Abs. 2 AFBG",
            _("Kein Unterhaltsbeitrag bei Teilzeitmaßnahmen."),
            severity="info",
            url=URL_10,
        )
    below = pv.v("childcare_child_age_below")
    if p.single_parent is True:
        young = 0
        for ch in children:
            age = age_on(ch.birth_date, on) if ch.birth_date else ch.age
            if age is not None and age < below:
                young += 1
        if young:
            per = eur_to_cents(pv.v("childcare_monthly_eur"))
            b.amount(
                "childcare_monthly",
                _("Kinderbetreuungszuschlag (Zuschuss)"),
                _(
                    "{young} × {per} je Kind unter {below} Jahren (alleinerziehend)",
                    young=young,
                    per=eur(per),
                    below=below,
                ),
                cents=young * per,
                unit="cent_per_month",
            )
    elif p.single_parent is None and children:
        b.add(
            "childcare",
            None,
            "§ 10 Abs. 3 AFBG",
            _(
                "Alleinerziehende erhalten {value} € monatlich je Kind unter {below} Jahren; "
                "Angabe fehlt (person.single_parent).",
                value=pv.v("childcare_monthly_eur"),
                below=below,
            ),
            severity="info",
            url=URL_10,
        )


def _funding_months(ctx: Ctx, pv: ParamView) -> int | None:
    """Months of maintenance: the course's (started) months, at most the maximum period."""
    c = ctx.course
    if c.duration_months is not None:
        months = int(-(-c.duration_months // 1))
    elif c.start_date and c.end_date:
        months = months_between(c.start_date, c.end_date)
    else:
        return None
    months = min(months, int(pv.v("max_funding_months_full_time")))
    # A duration of 0 months (or a catalogue maximum of 0) cannot spread assets over months.
    return months if months >= 1 else None


def _value(pv: ParamView, key: str) -> Any:
    """Value of ``key``, None when the version does not define it (older catalogue rows)."""
    return pv.v(key) if pv.has(key) else None


def _asset_allowance(pv: ParamView, partner: bool, children: int) -> tuple[int, list[str]]:
    """§ 17a AFBG: allowance in cents and its parts as text."""
    allowance = eur_to_cents(pv.v("asset_allowance_eur"))
    parts = [eur(allowance)]
    if partner:
        allowance += eur_to_cents(pv.v("asset_allowance_partner_eur"))
        parts.append(
            _("{amount} Partner", amount=eur(eur_to_cents(pv.v("asset_allowance_partner_eur"))))
        )
    if children:
        per = eur_to_cents(pv.v("asset_allowance_child_eur"))
        allowance += children * per
        parts.append(_("{n} × {amount} Kind(er)", n=children, amount=eur(per)))
    return allowance, parts


def _own_income_setoff(
    b: Builder, ctx: Ctx, pv: ParamView, partner: bool, children: int
) -> int | None:
    """§ 17 AFBG with § 23 Abs. 1 BAföG: the participant's monthly income above the allowances
    (for the participant, the spouse/partner and each child) is set off in full."""
    p = ctx.person
    if p.income_cents is None or _value(pv, "income_allowance_monthly_eur") is None:
        return None
    allowance = eur_to_cents(pv.v("income_allowance_monthly_eur"))
    parts = [_("{amount} Teilnehmende", amount=eur(allowance))]
    if partner and pv.has("income_allowance_partner_monthly_eur"):
        extra = eur_to_cents(pv.v("income_allowance_partner_monthly_eur"))
        allowance += extra
        parts.append(_("{amount} Ehe-/Lebenspartner", amount=eur(extra)))
    if children and pv.has("income_allowance_child_monthly_eur"):
        per = eur_to_cents(pv.v("income_allowance_child_monthly_eur"))
        allowance += children * per
        parts.append(_("{n} × {amount} Kind(er)", n=children, amount=eur(per)))
    setoff = max(0, p.income_cents - allowance)
    b.amount(
        "income_setoff_monthly",
        _("Anrechnung Einkommen"),
        _(
            "{income} − Freibetrag {allowance} ({parts}; § 23 Abs. 1 BAföG)",
            income=eur(p.income_cents),
            allowance=eur(allowance),
            parts=" + ".join(parts),
        ),
        cents=setoff,
        unit="cent_per_month",
    )
    return setoff


def _partner_income_setoff(b: Builder, ctx: Ctx, pv: ParamView, children: int) -> int | None:
    """§ 17 AFBG with § 25 BAföG: of the spouse's/partner's monthly income above the allowance
    (plus one per child) a share stays free (50 % + 5 % per child); the rest is set off."""
    p = ctx.person
    base = _value(pv, "partner_income_allowance_monthly_eur")
    if p.partner_income_cents is None or base is None:
        return None
    allowance = eur_to_cents(base)
    parts = [eur(allowance)]
    if children and pv.has("partner_income_allowance_child_monthly_eur"):
        per = eur_to_cents(pv.v("partner_income_allowance_child_monthly_eur"))
        allowance += children * per
        parts.append(_("{n} × {amount} Kind(er)", n=children, amount=eur(per)))
    excess = max(0, p.partner_income_cents - allowance)
    free_bp = rate_bp(_value(pv, "partner_income_free_share") or 0)
    per_child_bp = rate_bp(_value(pv, "partner_income_free_share_per_child") or 0)
    free_bp = min(10000, free_bp + children * per_child_bp)
    setoff = excess - apply_bp(excess, free_bp)
    b.amount(
        "partner_income_setoff_monthly",
        _("Anrechnung Einkommen Ehe-/Lebenspartner"),
        _(
            "({income} − Freibetrag {allowance}) × (100 % − {free} anrechnungsfrei; § 25 Abs. 1, "
            "3, 4 BAföG)",
            income=eur(p.partner_income_cents),
            allowance=" + ".join(parts),
            free=pct(free_bp),
        ),
        cents=setoff,
        unit="cent_per_month",
    )
    return setoff


def _means_test(b: Builder, ctx: Ctx, pv: ParamView, need: int, children: int) -> None:
    """§§ 17, 17a AFBG with the BAföG rules: income and assets above the allowances reduce the
    Unterhaltsbeitrag; the asset excess is spread over the months of the funding period."""
    p = ctx.person
    cite = "§§ 17, 17a AFBG i. V. m. §§ 21 ff., 26 ff. BAföG"
    months = _funding_months(ctx, pv)
    partner = p.marital_status in ("married", "civil_partnership")
    n_children = len(p.children or ())
    allowance, parts = _asset_allowance(pv, partner, children)
    missing: list[str] = []
    setoff = 0
    if p.assets_cents is None:
        missing.append(
            _("Vermögen fehlt (person.assets_eur; Freibetrag {amount})", amount=eur(allowance))
        )
    elif months is None:
        missing.append(_("Dauer fehlt (course.duration_months oder Beginn und Ende)"))
    else:
        asset_setoff = max(0, p.assets_cents - allowance) // months
        setoff += asset_setoff
        b.amount(
            "asset_setoff_monthly",
            _("Anrechnung Vermögen"),
            _(
                "({assets} − Freibetrag {allowance}) ÷ {months} Monate (§ 17a AFBG, § 30 BAföG)",
                assets=eur(p.assets_cents),
                allowance=" + ".join(parts),
                months=months,
            ),
            cents=asset_setoff,
            unit="cent_per_month",
        )
    own = _own_income_setoff(b, ctx, pv, partner, n_children)
    if own is None:
        missing.append(
            _("Einkommen fehlt (person.income_eur)")
            if _value(pv, "income_allowance_monthly_eur") is not None
            else _("Einkommensfreibetrag nicht im Förderkatalog hinterlegt")
        )
    else:
        setoff += own
    if partner:
        other = _partner_income_setoff(b, ctx, pv, n_children)
        if other is None:
            missing.append(_("Einkommen des Ehe-/Lebenspartners fehlt (person.partner_income_eur)"))
        else:
            setoff += other
    monthly = max(0, need - setoff)
    complete = not missing
    if p.assets_cents is not None and months is not None:
        b.amount(
            "maintenance_after_means_test_monthly",
            _("Unterhaltsbeitrag nach Anrechnung"),
            _("{need} Bedarf − {setoff} Anrechnung", need=eur(need), setoff=eur(setoff)),
            cents=monthly,
            unit="cent_per_month",
            up_to=not complete,
        )
        b.amount(
            "maintenance_total",
            _("Unterhaltsbeitrag über die Förderungsdauer"),
            _("{months} Monate × {monthly}", months=months, monthly=eur(monthly)),
            cents=monthly * months,
            up_to=not complete,
        )
    text = _(
        "Vermögen über dem Freibetrag von {allowance} wird auf die Förderungsdauer verteilt "
        "angerechnet, Einkommen über den Freibeträgen monatlich (Teilnehmende voll, Ehe-/"
        "Lebenspartner nach Abzug des anrechnungsfreien Anteils).",
        allowance=eur(allowance),
    )
    if missing:
        text += " " + _("Offen: {items}.", items="; ".join(missing))
    elif p.assets_cents is not None and months is not None:
        text += " " + _(
            "Anrechnung zusammen {setoff} monatlich: Unterhaltsbeitrag {monthly} monatlich, "
            "{total} über {months} Monate.",
            setoff=eur(setoff),
            monthly=eur(monthly),
            total=eur(monthly * months),
            months=months,
        )
    income_keys = (
        "income_allowance_monthly_eur",
        "income_allowance_partner_monthly_eur",
        "income_allowance_child_monthly_eur",
        "partner_income_allowance_monthly_eur",
    )
    verified = all(pv.ok(k) for k in income_keys if pv.has(k)) or p.income_cents is None
    b.add(
        "means_test",
        True if complete else None,
        cite,
        text,
        severity="info",
        verified=verified,
    )


def _amounts(b: Builder, ctx: Ctx, pv: ParamView) -> None:
    c = ctx.course
    fees = ctx.fees
    if fees is None:
        b.add(
            "measure_contribution",
            None,
            "§ 12 Abs. 1 AFBG",
            _(
                "Für den Maßnahmebeitrag fehlen die Lehrgangs- und Prüfungsgebühren "
                "(course.course_fees_eur, course.exam_fees_eur)."
            ),
            severity="info",
            url=URL_12,
        )
    else:
        contrib = c.employer_contribution_cents or 0
        cap = eur_to_cents(pv.v("cost_cap_eur"))
        net = max(0, fees - contrib)
        base = min(cap, net)
        basis = f"{eur(fees)} Gebühren" + (
            _(" − {contrib} Arbeitgeberzuschuss", contrib=eur(contrib)) if contrib else ""
        )
        basis += _(", höchstens {cap}", cap=eur(cap))
        grant_bp = rate_bp(pv.v("grant_rate"))
        grant = apply_bp(base, grant_bp)
        loan = base - grant
        remission = apply_bp(loan, rate_bp(pv.v("remission_rate")))
        b.amount("cost_base", _("Förderfähige Lehrgangs- und Prüfungsgebühren"), basis, cents=base)
        b.amount(
            "grant",
            _("Zuschuss zum Maßnahmebeitrag"),
            _("{grant_bp} von {base}", grant_bp=pct(grant_bp), base=eur(base)),
            cents=grant,
        )
        b.amount(
            "loan_offer",
            _("KfW-Darlehensangebot zum Maßnahmebeitrag"),
            _("{base} − {grant}", base=eur(base), grant=eur(grant)),
            cents=loan,
        )
        b.amount(
            "remission_on_passing",
            _("Erlass bei bestandener Prüfung"),
            _(
                "{value} von {loan} Darlehen (§ 13b Abs. 1 AFBG)",
                value=pct(rate_bp(pv.v("remission_rate"))),
                loan=eur(loan),
            ),
            cents=remission,
        )
        b.amount(
            "non_repayable_fees",
            _("Nicht rückzahlbar auf die Gebühren (bei Bestehen)"),
            _("{grant} Zuschuss + {remission} Erlass", grant=eur(grant), remission=eur(remission)),
            cents=grant + remission,
        )
    material = c.meisterstueck_material_cents
    if material:
        cap = eur_to_cents(pv.v("meisterstueck_cap_eur"))
        share = rate_bp(pv.v("meisterstueck_material_share"))
        eligible = min(apply_bp(material, share), cap)
        g_bp = rate_bp(pv.v("meisterstueck_grant_rate"))
        ms_grant = apply_bp(eligible, g_bp)
        b.amount(
            "meisterstueck_eligible",
            _("Meisterprüfungsprojekt – förderfähig"),
            _(
                "{share} von {material} Materialkosten, höchstens {cap}",
                share=pct(share),
                material=eur(material),
                cap=eur(cap),
            ),
            cents=eligible,
        )
        b.amount(
            "meisterstueck_grant",
            _("Meisterprüfungsprojekt – Zuschuss"),
            _("{g_bp} von {eligible}", g_bp=pct(g_bp), eligible=eur(eligible)),
            cents=ms_grant,
        )
        b.amount(
            "meisterstueck_loan",
            _("Meisterprüfungsprojekt – KfW-Darlehensangebot (kein Erlass)"),
            _("{eligible} − {ms_grant}", eligible=eur(eligible), ms_grant=eur(ms_grant)),
            cents=eligible - ms_grant,
        )


def evaluate_afbg(ctx: Ctx, pv: ParamView) -> ProgrammeResult:
    """Check Aufstiegs-BAföG for the case in ``ctx``."""
    b = Builder("afbg", TITLE, pv, URL)
    c, p = ctx.course, ctx.person
    cite = "§ 2 Abs. 1 AFBG"
    if c.goal is None:
        b.add(
            "goal",
            None,
            cite,
            _(
                "Gefördert wird die Vorbereitung auf einen Fortbildungsabschluss (Meister, "
                "Fachwirt, Techniker, Erzieher …); Ziel fehlt (course.goal)."
            ),
            url=URL_2,
        )
    elif c.goal != "afbg":
        b.add(
            "goal",
            False,
            cite,
            _(
                "Gefördert wird nur die Vorbereitung auf einen Fortbildungsabschluss nach "
                "BBiG/HwO oder einen gleichwertigen Abschluss (Meister, Fachwirt, Techniker, "
                "Erzieher …); dieser Lehrgang hat ein anderes Ziel."
            ),
            url=URL_2,
        )
    else:
        level = f" – {LEVELS[c.afbg_level]}" if c.afbg_level else ""
        b.add(
            "goal",
            True,
            cite,
            _(
                "Der Lehrgang bereitet auf ein Fortbildungsziel nach § 2 AFBG vor{level}.",
                level=level,
            ),
            url=URL_2,
        )
    hq = p.highest_qualification
    excluded = pv.v("excluded_prior_qualifications")
    cite = "§ 9 AFBG"
    if hq in excluded:
        b.add(
            "prior_qualification",
            False,
            cite,
            _(
                "Wer bereits einen Master- oder höheren Hochschulabschluss hat, wird nicht "
                "gefördert."
            ),
        )
    else:
        b.add(
            "prior_qualification",
            True,
            cite,
            _("Kein Master- oder höherer Hochschulabschluss.")
            + (
                _(" (Nicht angegeben – angenommen; Feld person.highest_qualification.)")
                if hq is None
                else ""
            ),
            assumed=hq is None,
        )
    if c.goal == "afbg" or c.goal is None:
        _course(b, ctx, pv)
    b.add(
        "residence",
        None,
        "§ 8 AFBG",
        _("Staatsangehörigkeit, Aufenthaltsstatus und Wohnsitz prüft die Behörde."),
        severity="info",
    )
    on = c.start_date or ctx.ref
    _amounts(b, ctx, pv)
    if c.mode is not None:
        _maintenance(b, ctx, pv, on)
    end = c.end_date
    if end is None and c.start_date and c.duration_months:
        end = add_days(add_months(c.start_date, int(round(c.duration_months))), -1)
    b.step(
        _(
            "Antrag beim Thüringer Landesverwaltungsamt (Referat 220) stellen – spätestens bis "
            "zum Ende der Maßnahme (§ 19 AFBG)."
        ),
        end,
        "application",
    )
    if c.mode == "full_time" and c.start_date is not None:
        month_end = add_days(add_months(c.start_date.replace(day=1), 1), -1)
        b.step(
            _(
                "Für den Unterhaltsbeitrag bis Ende des Monats des Lehrgangsbeginns beantragen: "
                "er wird frühestens ab dem Antragsmonat gezahlt."
            ),
            month_end,
            "application",
        )
    b.step(
        _("Darlehensangebot der KfW nach dem Bescheid prüfen und gegebenenfalls annehmen."),
        None,
        "info",
    )
    b.step(
        _(
            "Nach bestandener Prüfung den Erlass (50 %) des Gebührendarlehens bei der KfW "
            "beantragen (§ 13b AFBG)."
        ),
        None,
        "info",
    )
    b.exclude(
        "sgb3_82",
        _(
            "§ 22 Abs. 1a SGB III: Lehrgänge zu AFBG-Fortbildungszielen sind von § 82 "
            "ausgeschlossen."
        ),
    )
    b.exclude(
        "sgb3_82a", _("§ 3 Nr. 6 AFBG / § 22 Abs. 1a SGB III: nicht neben Qualifizierungsgeld.")
    )
    b.exclude(
        "esf_weiterbildungsscheck",
        _("Aufstiegsfortbildungen sind vom Weiterbildungsscheck ausgenommen."),
    )
    note = _("Zuständig nach Wohnsitz (§ 19a AFBG); Darlehen: KfW.")
    if ctx.person.residence_district_key and ctx.residence is None:
        note += _(
            " Wohnsitz außerhalb Thüringens: zuständig ist das Amt für Ausbildungsförderung des "
            "Wohnsitzlandes."
        )
    return b.finish(
        DecidingBody(_("Thüringer Landesverwaltungsamt, Referat 220, Weimar (Darlehen: KfW)"), note)
    )
