"""Entry point :func:`evaluate`: select parameter versions, build the context, run all programmes.

Reference date: an explicit argument, else ``case.reference_date``, else the course's application or
start date; pure code never reads "today". The decisive date per programme (selects the law
version) is described in ``decisive.py`` (§ 422 SGB III for §§ 81-82a, award date for ESF+, course
start for AFBG, event start for ThürBfG); every programme result names it with its citation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from .afbg import TITLE as AFBG_TITLE
from .afbg import evaluate_afbg
from .calendar import fmt_date
from .context import Ctx
from .decisive import Decisive, decisive_date
from .defaults import DEFAULT_CATALOGUE
from .esf import (
    TITLE_AQ,
    TITLE_WBS,
    evaluate_esf_anpassungsqualifizierung,
    evaluate_esf_weiterbildungsscheck,
)
from .firmsize import DEFAULT_WEIGHTS, firm_size
from .i18n import _, resolved
from .inputs import CaseInput
from .money import num
from .param_specs import label_of
from .params import Param, ParameterCatalogue, ParameterSet, ParamView
from .plausibility import implausible
from .result import Builder, DecidingBody, EvaluationResult, ProgrammeResult, Reason
from .routing import route
from .sgb3_81 import TITLE as T81
from .sgb3_81 import evaluate_sgb3_81
from .sgb3_82 import TITLE as T82
from .sgb3_82 import evaluate_sgb3_82
from .sgb3_82a import TITLE as T82A
from .sgb3_82a import evaluate_sgb3_82a
from .thuerbfg import TITLE as TBFG
from .thuerbfg import evaluate_thuerbfg

__all__ = ["ENGINE_VERSION", "PROGRAMME_CODES", "evaluate"]

ENGINE_VERSION = "2.1.0"

Rule = Callable[[Ctx, ParamView], ProgrammeResult]

#: Fixed output order: code → (German title, rule function).
PROGRAMMES: dict[str, tuple[str, Rule]] = {
    "esf_weiterbildungsscheck": (TITLE_WBS, evaluate_esf_weiterbildungsscheck),
    "esf_anpassungsqualifizierung": (TITLE_AQ, evaluate_esf_anpassungsqualifizierung),
    "sgb3_82": (T82, evaluate_sgb3_82),
    "sgb3_82a": (T82A, evaluate_sgb3_82a),
    "afbg": (AFBG_TITLE, evaluate_afbg),
    "thuerbfg": (TBFG, evaluate_thuerbfg),
    "sgb3_81": (T81, evaluate_sgb3_81),
}
PROGRAMME_CODES: tuple[str, ...] = tuple(PROGRAMMES)

#: Programmes that did not exist before a date (no parameter set then means "not in force").
IN_FORCE_FROM: dict[str, date] = {"sgb3_82a": date(2024, 4, 1)}


def _unverified_warning(version: str, key: str, p: Param) -> str:
    """German warning naming an unverified parameter by its label (never its key)."""
    value = p.value
    if isinstance(value, bool):
        shown = " ({})".format(_("ja") if value else _("nein"))
    elif isinstance(value, (int, float)):
        shown = f" ({num(value)})"
    else:
        shown = ""
    note = f" – {p.note}" if p.note else ""
    programme = version.split("@", 1)[0]
    title = _(PROGRAMMES[programme][0]) if programme in PROGRAMMES else programme
    return _(
        "Ungeprüfter Wert „{label}“{shown} verwendet ({title}){note}",
        label=label_of(key),
        shown=shown,
        title=title,
        note=note,
    )


def _with_decisive(pr: ProgrammeResult, d: Decisive) -> ProgrammeResult:
    """Add the decisive date (which law version applies, and why) to a programme result."""
    reason = Reason(
        f"{pr.programme}.decisive_date",
        f"{d.citation}: {d.text(pr.parameter_version)}",
        d.citation,
        True,
        "info",
        None,
        True,
        False,
    )
    return dataclasses.replace(pr, reasons=(*pr.reasons, reason), decisive_date=d.to_dict())


def _missing(code: str, title: str, on: date, cat: ParameterCatalogue) -> ProgrammeResult:
    b = Builder(code, title, None, None)
    start = IN_FORCE_FROM.get(code)
    if start is not None and on < start:
        b.add(
            "in_force",
            False,
            _("Rechtsgrundlage"),
            _(
                "Das Programm gilt erst ab {start}; maßgeblicher Tag ist der {on}.",
                start=fmt_date(start),
                on=fmt_date(on),
            ),
        )
    else:
        earliest = cat.earliest(code)
        extra = (
            _(" (früheste hinterlegte Fassung ab {date})", date=fmt_date(earliest))
            if earliest
            else ""
        )
        b.add(
            "parameters",
            None,
            _("Parameterkatalog"),
            _(
                "Für den {on} ist keine Fassung der Förderregeln hinterlegt{extra}; bitte den "
                "Förderkatalog prüfen.",
                on=fmt_date(on),
                extra=extra,
            ),
        )
    return b.finish(DecidingBody("—", _("Keine Prüfung möglich.")))


def _catalogue(
    parameter_sets: ParameterCatalogue | Iterable[ParameterSet | Mapping[str, Any]] | None,
) -> ParameterCatalogue:
    if parameter_sets is None:
        return DEFAULT_CATALOGUE
    if isinstance(parameter_sets, ParameterCatalogue):
        return parameter_sets
    return ParameterCatalogue(parameter_sets)


def _evaluate(
    case: CaseInput,
    reference_date: date | None = None,
    parameter_sets: ParameterCatalogue | Iterable[ParameterSet | Mapping[str, Any]] | None = None,
) -> EvaluationResult:
    """Evaluate all seven programmes for ``case``.

    ``parameter_sets`` replaces the defaults completely: pass a prepared :class:`ParameterCatalogue`
    (fastest), or an iterable of :class:`ParameterSet` objects or their dict form.
    Raises ValueError if no reference date can be determined.
    """
    c = case.course
    ref = reference_date or case.reference_date or c.application_date or c.start_date
    if ref is None:
        raise ValueError("reference_date fehlt / missing (auch kein Antrags- oder Beginndatum)")
    cat = _catalogue(parameter_sets)
    used: list[tuple[str, str, Param]] = []
    decisive = {code: decisive_date(code, case, ref) for code in PROGRAMMES}
    selected: dict[str, ParameterSet | None] = {
        code: cat.select(code, decisive[code].date) for code in PROGRAMMES
    }
    ps82 = selected["sgb3_82"]
    weights = (
        ps82.params["size_weights"].value
        if ps82 and "size_weights" in ps82.params
        else DEFAULT_WEIGHTS
    )
    ctx = Ctx(case, ref, firm_size(case.firm, weights))
    results: dict[str, ProgrammeResult] = {}
    for code, (title, rule) in PROGRAMMES.items():
        ps = selected[code]
        if ps is None:
            result = _missing(code, title, decisive[code].date, cat)
        else:
            result = rule(ctx, ParamView(ps, used))
        results[code] = _with_decisive(result, decisive[code])
    warnings = ctx.warnings
    warnings.extend(implausible(case, ref))
    if c.hours is not None and c.hours_unit is None:
        warnings.append(
            _(
                "Einheit der Stundenangabe ({hours}) unbekannt (course.hours_unit): § 82/§ 82a "
                "zählen die Angabe laut Maßnahmezulassung, das AFBG zählt sie als "
                "Unterrichtsstunden.",
                hours=num(c.hours),
            )
        )
    if (
        case.firm.staff
        and case.firm.headcount is not None
        and ctx.size.own_weighted != case.firm.headcount
    ):
        warnings.append(
            _(
                "firm.headcount ({headcount}) weicht von der gewichteten Beschäftigtenliste "
                "({weighted}) ab; verwendet wird die Liste.",
                headcount=num(case.firm.headcount),
                weighted=num(ctx.size.own_weighted or 0),
            )
        )
    for version, key, p in used:
        warnings.append(_unverified_warning(version, key, p))
    programmes = tuple(results[code] for code in PROGRAMMES)
    geography = ctx.district.to_dict() if ctx.district else None
    return EvaluationResult(
        reference_date=ref,
        engine_version=ENGINE_VERSION,
        programmes=programmes,
        parameter_versions={code: (ps.version if ps else None) for code, ps in selected.items()},
        warnings=tuple(warnings),
        routing=route(case, results, ref),
        geography=geography,
    )


def evaluate(
    case: CaseInput,
    reference_date: date | None = None,
    parameter_sets: ParameterCatalogue | Iterable[ParameterSet | Mapping[str, Any]] | None = None,
) -> EvaluationResult:
    """Evaluate all seven programmes for ``case``.

    ``parameter_sets`` replaces the defaults completely: pass a prepared :class:`ParameterCatalogue`
    (fastest), or an iterable of :class:`ParameterSet` objects or their dict form.
    Raises ValueError if no reference date can be determined. Texts are written in the language
    the i18n hook gives (German without one).
    """
    with resolved():
        return _evaluate(case, reference_date, parameter_sets)
