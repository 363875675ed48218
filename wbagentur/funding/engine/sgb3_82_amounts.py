"""§ 82 SGB III amounts: size band, employer share of the course costs (Lehrgangskosten) and the
wage subsidy (Arbeitsentgeltzuschuss, AEZ) with all modifiers (§ 82 Abs. 2–4, § 81 Abs. 2)."""

from __future__ import annotations

from datetime import date

from .context import Ctx
from .i18n import _
from .money import apply_bp, eur, num, pct, ppt, rate_bp
from .params import ParamView
from .result import Builder
from .sme import CITE as SME_CITE
from .sme import sme_class, sme_text_beside_own_bands

__all__ = ["add_amounts"]

URL_81 = "https://www.gesetze-im-internet.de/sgb_3/__81.html"


def _band(bands: list[dict[str, float]], w: float) -> tuple[int, dict[str, float]]:
    for i, band in enumerate(bands):
        if "max_exclusive" in band and w < band["max_exclusive"]:
            return i, band
        if "max_inclusive" in band and w <= band["max_inclusive"]:
            return i, band
        if "max_exclusive" not in band and "max_inclusive" not in band:
            return i, band
    return len(bands) - 1, bands[-1]


def _band_label(bands: list[dict[str, float]], i: int) -> str:
    lo = None
    if i > 0:
        prev = bands[i - 1]
        lo = (
            _("ab {n}", n=num(prev["max_exclusive"]))
            if "max_exclusive" in prev
            else _("über {n}", n=num(prev["max_inclusive"]))
        )
    band = bands[i]
    hi = (
        _("unter {n}", n=num(band["max_exclusive"]))
        if "max_exclusive" in band
        else (_("bis {n}", n=num(band["max_inclusive"])) if "max_inclusive" in band else None)
    )
    return _("{range} Beschäftigte", range=_(" und ").join(x for x in (lo, hi) if x))


def add_amounts(b: Builder, ctx: Ctx, pv: ParamView, rel: date) -> None:  # noqa: C901
    """Add the § 82 amounts (or info reasons naming the missing inputs) to ``b``."""
    size = ctx.size
    p, c, f = ctx.person, ctx.course, ctx.firm
    regime = pv.v("regime")
    if size.weighted is None:
        b.add(
            "firm_size",
            None,
            "§ 82 Abs. 6 SGB III",
            _(
                "Für die Förderhöhe wird die Betriebsgröße benötigt (firm.headcount oder "
                "firm.staff)."
            ),
            severity="info",
        )
        return
    bands = pv.v("bands")
    idx, band = _band(bands, size.weighted)
    if f.staff:
        pv.v("staff_counting")
    b.add(
        "firm_size",
        True,
        "§ 82 Abs. 6 SGB III",
        _(
            "Betriebsgröße {value} Beschäftigte ({source}) – Größenklasse {bands}.",
            value=num(size.weighted),
            source=_(size.source),
            bands=_band_label(bands, idx),
        ),
        severity="info",
        verified=pv.ok("bands"),
    )
    b.add(
        "sme_class",
        True,
        SME_CITE,
        sme_text_beside_own_bands(sme_class(f, size.weighted), "§ 82 Abs. 2, 3 und 6 SGB III"),
        severity="info",
    )
    share = rate_bp(band["employer_lk_share"])
    aez = rate_bp(band["aez_rate"])
    up_to = bool(pv.v("aez_up_to"))
    notes: list[str] = []
    start = c.start_date or rel
    if p.has_usable_vocational_qualification is False:
        share = 0
        aez = max(aez, rate_bp(pv.v("no_qualification_aez_rate")))
        up_to = True
        b.add(
            "no_qualification",
            True,
            "§ 82 Abs. 3 S. 2 SGB III",
            _(
                "Ohne verwertbaren Berufsabschluss: Lehrgangskosten voll über § 81 Abs. 2 SGB III "
                "(Rechtsanspruch), Arbeitsentgeltzuschuss bis zu {aez}.",
                aez=pct(aez),
            ),
            severity="info",
            url=URL_81,
            verified=pv.ok("no_qualification_aez_rate"),
        )
        notes.append(_("Lehrgangskosten über § 81 Abs. 2 SGB III"))
    elif share > 0:
        below = pv.v("employer_share_waiver_firm_below")
        min_age = pv.v("employer_share_waiver_age")
        age = ctx.age_at(start)
        cite = "§ 82 Abs. 2 S. 4 SGB III" if regime == "2024" else "§ 82 Abs. 2 SGB III a. F."
        ok = pv.ok("employer_share_waiver_firm_below")
        if size.weighted < below:
            if p.severely_disabled is True or (age is not None and age >= min_age):
                share = 0
                who = (
                    "schwerbehindert"
                    if p.severely_disabled is True
                    else f"bei Lehrgangsbeginn {age} Jahre alt"
                )
                b.add(
                    "age_waiver",
                    True,
                    cite,
                    _(
                        "Betrieb unter {below} Beschäftigten und Person {who}: Arbeitgeber trägt "
                        "keinen Anteil an den Lehrgangskosten.",
                        below=below,
                        who=who,
                    ),
                    severity="info",
                    verified=ok,
                )
                notes.append(
                    _("kein Arbeitgeberanteil (ab {min_age} J./schwerbehindert)", min_age=min_age)
                )
            elif age is None and p.severely_disabled is not True:
                b.add(
                    "age_waiver",
                    None,
                    cite,
                    _(
                        "Ab {min_age} Jahren (bei Lehrgangsbeginn) oder bei Schwerbehinderung "
                        "entfiele der Arbeitgeberanteil; Geburtsdatum bzw. Lehrgangsbeginn fehlt "
                        "(person.birth_date, course.start_date). Berechnet ohne diese Ausnahme.",
                        min_age=min_age,
                    ),
                    severity="info",
                    verified=ok,
                )
            else:
                b.add(
                    "age_waiver",
                    False,
                    cite,
                    _(
                        "Person bei Lehrgangsbeginn {age} Jahre alt (unter {min_age}) und nicht "
                        "als schwerbehindert angegeben: Arbeitgeberanteil bleibt.",
                        age=age,
                        min_age=min_age,
                    ),
                    severity="info",
                    verified=ok,
                )
    bonus_from = date.fromisoformat(pv.v("bonus_from")) if pv.has("bonus_from") else None
    bonus_ok = bonus_from is None or rel >= bonus_from
    agreement = (
        f.has_works_agreement_training is True or f.has_collective_agreement_training is True
    )
    pp = rate_bp(pv.v("agreement_bonus_pp"))
    if agreement and bonus_ok and pp:
        share = max(0, share - pp)
        aez = min(10000, aez + pp)
        kind = _("Betriebsvereinbarung") if f.has_works_agreement_training else _("Tarifvertrag")
        b.add(
            "agreement_bonus",
            True,
            "§ 82 Abs. 4 SGB III" if regime == "2024" else "§ 82 Abs. 5 SGB III a. F.",
            _(
                "{kind} zur Weiterbildung: Arbeitgeberanteil an den Lehrgangskosten −{pp} "
                "(mindestens 0 %), Arbeitsentgeltzuschuss +{pp}.",
                kind=kind,
                pp=ppt(pp),
            ),
            severity="info",
        )
        notes.append(f"{kind} ±{ppt(pp)}")
    spp = rate_bp(pv.v("structural_bonus_pp"))
    if spp and bonus_ok and f.structural_change_share is not None:
        sme = 10 <= size.weighted < 250
        threshold = (
            pv.v("structural_share_threshold_sme") if sme else pv.v("structural_share_threshold")
        )
        if f.structural_change_share >= threshold:
            share = max(0, share - spp)
            aez = min(10000, aez + spp)
            b.add(
                "structural_bonus",
                True,
                "§ 82 Abs. 4 SGB III a. F.",
                _(
                    "Mindestens {value} der Belegschaft mit Weiterbildungsbedarf durch "
                    "Strukturwandel: +{spp} bei Lehrgangskosten und Arbeitsentgeltzuschuss.",
                    value=pct(rate_bp(threshold)),
                    spp=ppt(spp),
                ),
                severity="info",
            )
            notes.append(_("Strukturwandel +{spp}", spp=ppt(spp)))
    suffix = f" ({'; '.join(notes)})" if notes else ""
    fees = ctx.fees
    total = 0
    if fees is None:
        b.add(
            "course_costs",
            None,
            "§ 82 Abs. 2 SGB III",
            _(
                "Für die Lehrgangskosten fehlen die Gebühren (course.course_fees_eur, "
                "course.exam_fees_eur)."
            ),
            severity="info",
        )
    else:
        employer = apply_bp(fees, share)
        ba = fees - employer
        total += ba
        b.amount(
            "course_costs",
            _("Lehrgangskosten gesamt"),
            _("Lehrgangs- und Prüfungsgebühren {fees}", fees=eur(fees)),
            cents=fees,
        )
        b.amount(
            "course_costs_ba",
            _("Lehrgangskosten – Anteil Agentur für Arbeit"),
            _(
                "{value} von {fees}{suffix}",
                value=pct(10000 - share),
                fees=eur(fees),
                suffix=suffix,
            ),
            cents=ba,
        )
        b.amount(
            "course_costs_employer",
            _("Lehrgangskosten – Anteil Arbeitgeber"),
            _("{share} von {fees}", share=pct(share), fees=eur(fees)),
            cents=employer,
        )
    wage = c.eligible_wage_cents
    basis_wage = ""
    if wage is None and c.gross_wage_for_training_time_cents is not None:
        sv = rate_bp(pv.v("sv_flat_rate"))
        gross = c.gross_wage_for_training_time_cents
        wage = apply_bp(gross, 10000 + sv)
        basis_wage = f" (= {eur(gross)} Arbeitsentgelt × {pct(10000 + sv)} inkl. SV-Pauschale)"
    if wage is None:
        b.add(
            "wage_subsidy",
            None,
            "§ 82 Abs. 3 SGB III",
            _(
                "Für den Arbeitsentgeltzuschuss fehlt das berücksichtigungsfähige Arbeitsentgelt "
                "(course.eligible_wage_eur oder course.gross_wage_for_training_time_eur)."
            ),
            severity="info",
        )
    else:
        sub = apply_bp(wage, aez)
        total += sub
        b.amount(
            "wage_subsidy",
            _("Arbeitsentgeltzuschuss"),
            _(
                "{aez} von {wage}{basis_wage}{suffix}",
                aez=pct(aez),
                wage=eur(wage),
                basis_wage=basis_wage,
                suffix=suffix,
            ),
            cents=sub,
            up_to=up_to,
        )
        b.amount(
            "wage_costs_employer",
            _("Arbeitsentgelt – verbleibender Anteil Arbeitgeber"),
            _("{wage} − {sub}", wage=eur(wage), sub=eur(sub)),
            cents=wage - sub,
        )
    if fees is not None or wage is not None:
        b.amount(
            "total_ba",
            _("Förderung durch die Agentur für Arbeit gesamt"),
            _("Lehrgangskosten-Anteil + Arbeitsentgeltzuschuss"),
            cents=total,
            up_to=up_to,
        )
