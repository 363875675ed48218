"""Result types of the funding check and the :class:`Builder` the programme rules fill in.

Every programme result explains itself: each rule adds a :class:`Reason` (German text starting with
its legal citation, machine id, ``met`` True/False/None, severity); the status follows:

* ``not_eligible`` – a ``hard`` rule is not met;
* ``needs_information`` – otherwise, a ``hard`` rule lacks input (``met`` None) or a ``soft`` rule
  (rule of thumb, discretion, employer's right to refuse) is not met or lacks input;
* ``eligible`` – otherwise. ``info`` reasons (amount modifiers, notes) never change the status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .calendar import last_working_day_on_or_before, non_working_label
from .i18n import _
from .params import ParamView

__all__ = [
    "Amount",
    "Builder",
    "DecidingBody",
    "EvaluationResult",
    "Exclusion",
    "KeyDate",
    "NextStep",
    "ProgrammeResult",
    "Reason",
]

#: Key dates that are deadlines (shown with the last working day before a weekend/holiday).
DEADLINE_KEY_DATES = frozenset(
    {"latest_request", "employer_answer_due", "latest_application", "latest_application_living"}
)

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEEDS_INFORMATION = "needs_information"


@dataclass(frozen=True, slots=True)
class Reason:
    """One checked rule with its outcome."""

    rule: str
    text: str
    citation: str
    met: bool | None
    severity: str
    source_url: str | None
    verified: bool
    assumed: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "rule": self.rule,
            "text": self.text,
            "citation": self.citation,
            "met": self.met,
            "severity": self.severity,
            "assumed": self.assumed,
            "source_url": self.source_url,
            "verified": self.verified,
        }


@dataclass(frozen=True, slots=True)
class Amount:
    """A computed amount: money in ``cents`` (cent / cent_per_month) or a ``value`` in days."""

    code: str
    label: str
    basis: str
    cents: int | None = None
    value: float | None = None
    unit: str = "cent"
    up_to: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        d: dict[str, Any] = {"code": self.code, "label": self.label, "unit": self.unit}
        if self.unit == "days":
            d["value"] = self.value
        else:
            d["cents"] = self.cents
        d["up_to"] = self.up_to
        d["basis"] = self.basis
        return d


@dataclass(frozen=True, slots=True)
class NextStep:
    """Something to do, with a computed due date where the law gives one."""

    text: str
    due_date: date | None
    kind: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form.

        ``last_working_day``: the due date itself, or – when it falls on a weekend or a
        Thuringian public holiday – the last working day before it (a postal application cannot
        arrive that day); ``due_date_non_working`` says why (``Sonntag`` …), else null.
        """
        return {
            "text": self.text,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "kind": self.kind,
            **_working_day_fields(self.due_date),
        }


def _working_day_fields(d: date | None) -> dict[str, Any]:
    if d is None:
        return {"last_working_day": None, "due_date_non_working": None}
    return {
        "last_working_day": last_working_day_on_or_before(d).isoformat(),
        "due_date_non_working": non_working_label(d),
    }


@dataclass(frozen=True, slots=True)
class KeyDate:
    """A computed date worth showing (e.g. end of a waiting time)."""

    code: str
    label: str
    date: date

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        out = {"code": self.code, "label": self.label, "date": self.date.isoformat()}
        if self.code in DEADLINE_KEY_DATES:
            out.update(_working_day_fields(self.date))
        return out


@dataclass(frozen=True, slots=True)
class DecidingBody:
    """Who decides (or where to apply)."""

    name: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"name": self.name, "note": self.note}


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Another programme that cannot be combined with this one for the same measure/costs."""

    programme: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"programme": self.programme, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ProgrammeResult:
    """The verdict for one programme with its explanation."""

    programme: str
    title: str
    status: str
    reasons: tuple[Reason, ...]
    amounts: tuple[Amount, ...]
    next_steps: tuple[NextStep, ...]
    key_dates: tuple[KeyDate, ...]
    deciding_body: DecidingBody
    parameter_version: str | None
    exclusions: tuple[Exclusion, ...]
    decisive_date: dict[str, str] | None = None

    def reason(self, rule: str) -> Reason | None:
        """The reason with machine id ``rule`` (first match) or None."""
        for r in self.reasons:
            if r.rule == rule:
                return r
        return None

    def amount(self, code: str) -> Amount | None:
        """The amount with ``code`` or None."""
        for a in self.amounts:
            if a.code == code:
                return a
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "programme": self.programme,
            "title": self.title,
            "status": self.status,
            "reasons": [r.to_dict() for r in self.reasons],
            "amounts": [a.to_dict() for a in self.amounts],
            "next_steps": [s.to_dict() for s in self.next_steps],
            "key_dates": [k.to_dict() for k in self.key_dates],
            "deciding_body": self.deciding_body.to_dict(),
            "parameter_version": self.parameter_version,
            "exclusions": [e.to_dict() for e in self.exclusions],
            "decisive_date": self.decisive_date,
        }


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """All programmes for one case, in the fixed order, plus routing and warnings."""

    reference_date: date
    engine_version: str
    programmes: tuple[ProgrammeResult, ...]
    parameter_versions: dict[str, str | None]
    warnings: tuple[str, ...]
    routing: dict[str, Any]
    geography: dict[str, Any] | None = field(default=None)

    def programme(self, code: str) -> ProgrammeResult:
        """The result of programme ``code`` (KeyError if unknown)."""
        for p in self.programmes:
            if p.programme == code:
                return p
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable result document."""
        return {
            "reference_date": self.reference_date.isoformat(),
            "engine_version": self.engine_version,
            "programmes": [p.to_dict() for p in self.programmes],
            "parameter_versions": dict(self.parameter_versions),
            "warnings": list(self.warnings),
            "routing": self.routing,
            "geography": self.geography,
        }


class Builder:
    """Collects reasons, amounts, steps and exclusions of one programme; computes the status."""

    __slots__ = (
        "amounts",
        "code",
        "exclusions",
        "key_dates",
        "pv",
        "reasons",
        "steps",
        "title",
        "url",
    )

    def __init__(self, code: str, title: str, pv: ParamView | None, url: str | None) -> None:
        """Start programme ``code``; ``url`` is the default source URL of its reasons."""
        self.code = code
        self.title = _(title)
        self.pv = pv
        self.url = url
        self.reasons: list[Reason] = []
        self.amounts: list[Amount] = []
        self.steps: list[NextStep] = []
        self.key_dates: list[KeyDate] = []
        self.exclusions: list[Exclusion] = []

    def add(
        self,
        rule: str,
        met: bool | None,
        citation: str,
        body: str,
        *,
        severity: str = "hard",
        verified: bool = True,
        assumed: bool = False,
        url: str | None = None,
    ) -> None:
        """Record a rule outcome; the text is ``"<citation>: <body>"``."""
        self.reasons.append(
            Reason(
                f"{self.code}.{rule}",
                f"{citation}: {body}",
                citation,
                met,
                severity,
                url or self.url,
                verified,
                assumed,
            )
        )

    def amount(
        self,
        code: str,
        label: str,
        basis: str,
        *,
        cents: int | None = None,
        value: float | None = None,
        unit: str = "cent",
        up_to: bool = False,
    ) -> None:
        """Record an amount (never negative: a bad catalogue value cannot grant −100 €)."""
        if cents is not None:
            cents = max(0, cents)
        if value is not None:
            value = max(0, value)
        self.amounts.append(Amount(code, label, basis, cents, value, unit, up_to))

    def step(self, text: str, due: date | None, kind: str) -> None:
        """Record a next step."""
        self.steps.append(NextStep(text, due, kind))

    def key_date(self, code: str, label: str, d: date) -> None:
        """Record a key date."""
        self.key_dates.append(KeyDate(code, label, d))

    def exclude(self, programme: str, reason: str) -> None:
        """Record a programme that cannot be combined with this one."""
        self.exclusions.append(Exclusion(programme, reason))

    def status(self) -> str:
        """Status from the reasons (see module docstring)."""
        needs = False
        for r in self.reasons:
            if r.severity == "hard":
                if r.met is False:
                    return NOT_ELIGIBLE
                if r.met is None:
                    needs = True
            elif r.severity == "soft" and r.met is not True:
                needs = True
        return NEEDS_INFORMATION if needs else ELIGIBLE

    def finish(
        self, body: DecidingBody, *, keep_amounts_if_not_eligible: bool = False
    ) -> ProgrammeResult:
        """Freeze into a :class:`ProgrammeResult`.

        When not eligible, amounts and non-referral steps are dropped.
        """
        status = self.status()
        if status == NOT_ELIGIBLE:
            amounts = tuple(self.amounts) if keep_amounts_if_not_eligible else ()
            steps = tuple(s for s in self.steps if s.kind == "referral")
        else:
            amounts = tuple(self.amounts)
            steps = tuple(self.steps)
        return ProgrammeResult(
            self.code,
            self.title,
            status,
            tuple(self.reasons),
            amounts,
            steps,
            tuple(self.key_dates),
            body,
            self.pv.version if self.pv else None,
            tuple(self.exclusions),
        )
