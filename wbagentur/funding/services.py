"""Funding use cases: run a check on the database catalogue, save it to a case, and manage the
catalogue (propose, approve, reject parameter versions; change a programme's status).

Services take the acting user first, flush, audit with ids only and never commit.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from wbagentur.accounts.models import User
from wbagentur.cases.models import Case
from wbagentur.cases.services import add_entry
from wbagentur.core import audit, numbers
from wbagentur.core.errors_domain import DomainError, check_version
from wbagentur.core.i18n import german
from wbagentur.core.models import utcnow
from wbagentur.core.timezone import local_today
from wbagentur.extensions import db
from wbagentur.funding import catalogue
from wbagentur.funding.engine import (
    CaseInput,
    EvaluationResult,
    ProgrammeResult,
    evaluate,
    parse_parameter_set,
)
from wbagentur.funding.engine import i18n as engine_i18n
from wbagentur.funding.engine.param_specs import validate_parameters
from wbagentur.funding.engine.result import Builder
from wbagentur.funding.engine.routing import route
from wbagentur.funding.models import (
    PROGRAMME_STATUSES,
    FundingCheck,
    FundingProgramme,
    ParameterVersion,
)
from wbagentur.mail.models import OutboxMessage

# Engine texts (marked with the engine's N_, translated by its _ when a result is built).
STATUS_TEXT = {
    "paused": engine_i18n.N_(
        "Programm derzeit ausgesetzt: Die Fördermittel sind ausgeschöpft; zurzeit werden "
        "keine Anträge bewilligt. Bitte vor einer Antragstellung bei der Förderstelle nachfragen."
    ),
    "closed": engine_i18n.N_("Programm derzeit geschlossen: Es werden keine Anträge angenommen."),
}
SHORT_AMOUNT = {
    "sgb3_82": "total_ba",
    "esf_weiterbildungsscheck": "cheque_amount",
    "esf_anpassungsqualifizierung": "grant",
    "afbg": "non_repayable_fees",
    "sgb3_81": "course_costs_ba",
    "sgb3_82a": "qualifizierungsgeld_monthly",
}


class InvalidParameters(DomainError):
    """Catalogue parameters out of their type or bounds; ``problems`` are German messages."""

    def __init__(self, problems: list[str], approving: bool = False) -> None:
        what = "freigegeben" if approving else "vorgeschlagen"
        super().__init__(f"Die Fassung kann so nicht {what} werden: " + " ".join(problems))
        self.problems = problems


class InvalidInput(DomainError):
    """The input document is invalid; ``fields`` maps field paths to messages."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields


# --------------------------------------------------------------------------- checking


def _field_errors(message: str) -> dict[str, str]:
    """Split the engine's one-line ValueError into {field path: message}."""
    body = message.split("invalid input: ", 1)[-1]
    out: dict[str, str] = {}
    for part in body.split("; "):
        m = re.match(r"^([A-Za-z_][\w.\[\]]*): (.*)$", part)
        unknown = re.search(r"unknown fields: (.*)$", part)
        if unknown:
            prefix = m.group(1) + "." if m and not part.startswith("unbekannte") else ""
            for name in unknown.group(1).split(", "):
                out[prefix + name] = "unbekanntes Feld / unknown field"
        elif m:
            out[m.group(1)] = m.group(2)
        else:
            out.setdefault("$", part)
    return out


def parse_input(doc: Any) -> CaseInput:
    """Strictly parse an input document; InvalidInput lists every bad field."""
    try:
        return CaseInput.from_dict(doc)
    except ValueError as exc:
        raise InvalidInput(str(exc), _field_errors(str(exc))) from exc


def _with_status(pr: ProgrammeResult, status: str) -> ProgrammeResult:
    b = Builder(pr.programme, pr.title, None, None)
    b.reasons = list(pr.reasons)
    b.amounts = list(pr.amounts)
    b.steps = list(pr.next_steps)
    b.key_dates = list(pr.key_dates)
    b.exclusions = list(pr.exclusions)
    b.add(
        "programme_status",
        False,
        engine_i18n._("Förderkatalog"),
        engine_i18n._(STATUS_TEXT[status]),
        severity="hard" if status == "closed" else "soft",
        url=None,
    )
    return dataclasses.replace(b.finish(pr.deciding_body), parameter_version=pr.parameter_version)


def run_check(case_input: CaseInput, today: date | None = None) -> EvaluationResult:
    """Evaluate on the database catalogue; paused/closed programmes say so in their result."""
    ref = case_input.reference_date or today or local_today()
    result = evaluate(case_input, ref, catalogue.get_catalogue())
    statuses = catalogue.programme_statuses()
    touched = [p for p in result.programmes if statuses.get(p.programme, "open") != "open"]
    if not touched:
        return result
    results = {p.programme: p for p in result.programmes}
    warnings = list(result.warnings)
    for p in touched:
        status = statuses[p.programme]
        results[p.programme] = _with_status(p, status)
        warnings.append(f"{p.title}: {engine_i18n._(STATUS_TEXT[status])}")
    return dataclasses.replace(
        result,
        programmes=tuple(results[p.programme] for p in result.programmes),
        routing=route(case_input, results, result.reference_date),
        warnings=tuple(warnings),
    )


#: Deepest JSON nesting accepted; a real input document is four levels deep.
MAX_JSON_DEPTH = 32


def _depth_ok(raw: str) -> bool:
    """Whether no bracket nesting in ``raw`` exceeds MAX_JSON_DEPTH (strings are skipped)."""
    if raw.count("[") + raw.count("{") <= MAX_JSON_DEPTH:
        return True  # cannot nest deeper than it has brackets (the usual document: fast path)
    depth = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def load_json(raw: bytes | str) -> Any:
    """Parse a JSON body; InvalidInput (German message) for anything that is not JSON.

    Deep nesting is refused before parsing (Python's parser raises RecursionError at about
    1,000 levels, which is no ValueError); ``null`` parses to None and is left to
    :func:`parse_input` ("invalid_input", not "invalid_json").
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise InvalidInput("Kein gültiges JSON: Der Inhalt ist kein UTF-8-Text.", {}) from exc
    if not _depth_ok(text):
        raise InvalidInput(
            f"Kein gültiges JSON: zu tief verschachtelt (mehr als {MAX_JSON_DEPTH} Ebenen).", {}
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"Kein gültiges JSON: Fehler in Zeile {exc.lineno}, Spalte {exc.colno}.", {}
        ) from exc
    except (ValueError, RecursionError) as exc:  # e.g. an integer with more than 4,300 digits
        raise InvalidInput("Kein gültiges JSON: Wert nicht lesbar.", {}) from exc


def check_document(doc: Any, today: date | None = None) -> dict[str, Any]:
    """JSON in, JSON out (the engine's result document) – for the API and the CLI."""
    return run_check(parse_input(doc), today).to_dict()


def euro(cents: int | None) -> str:
    """German money format for the German result lines, e.g. 13.500,00 €."""
    return numbers.format_money(cents, "de")


def summary_line(result: Mapping[str, Any], short_titles: Mapping[str, str]) -> str:
    """One German line for the timeline, e.g. 'Förderprüfung: § 82 SGB III förderfähig (…)'."""
    parts = []
    for p in result["programmes"]:
        if p["status"] != "eligible":
            continue
        text = f"{short_titles.get(p['programme'], p['title'])} förderfähig"
        code = SHORT_AMOUNT.get(p["programme"])
        amount = next((a for a in p["amounts"] if a["code"] == code), None)
        if amount and amount.get("cents") is not None:
            suffix = " mtl." if amount["unit"] == "cent_per_month" else ""
            text += f" ({'bis zu ' if amount['up_to'] else ''}{euro(amount['cents'])}{suffix})"
        parts.append(text)
    open_count = sum(1 for p in result["programmes"] if p["status"] == "needs_information")
    line = "Förderprüfung: " + (", ".join(parts) if parts else "kein Programm förderfähig")
    if open_count:
        line += f"; {open_count} Programm(e) mit offenen Angaben"
    return line


def short_titles() -> dict[str, str]:
    rows = db.session.execute(sa.select(FundingProgramme.code, FundingProgramme.short_title)).all()
    return {code: title for code, title in rows}


def _verdicts(result: Mapping[str, Any]) -> dict[str, Any]:
    return {p["programme"]: p["status"] for p in result["programmes"]}


def result_for_reader(check: FundingCheck, language: str) -> tuple[dict[str, Any], bool]:
    """A saved check's result in the reader's language, and whether it is in that language.

    The case file keeps the result in German. For another language the engine runs again on
    the stored input, reference date and catalogue; that text is shown only when it reaches
    the same verdict for every programme with the same parameter versions, so a reader never
    sees another answer than the one stored. Otherwise the stored German result is shown.
    """
    stored = check.result
    if language == "de":
        return stored, True
    try:
        again = evaluate(
            parse_input(check.input),
            date.fromisoformat(stored["reference_date"]),
            catalogue.get_catalogue(),
        ).to_dict()
    except (ValueError, KeyError, TypeError):
        return stored, False
    same = (
        again["parameter_versions"] == stored["parameter_versions"]
        and _verdicts(again) == _verdicts(stored)
        and len(again.get("warnings", ())) == len(stored.get("warnings", ()))
    )
    return (again, True) if same else (stored, False)


def save_check(
    actor: Any,
    case: Case,
    doc: Mapping[str, Any],
    *,
    person_id: int | None = None,
    today: date | None = None,
) -> FundingCheck:
    """Run the check for ``case`` and store input, result and the parameter versions used."""
    case_input = parse_input(doc)
    with engine_i18n.german():  # the case file is German for every reader
        result = run_check(case_input, today).to_dict()
    eligible = [p["programme"] for p in result["programmes"] if p["status"] == "eligible"]
    check = FundingCheck(
        case_id=case.id,
        person_id=person_id,
        created_by_id=getattr(actor, "id", None),
        input_json=json.dumps(doc, ensure_ascii=False, sort_keys=True),
        result_json=json.dumps(result, ensure_ascii=False),
        parameter_versions=json.dumps(result["parameter_versions"], sort_keys=True),
        eligible_codes="," + "".join(f"{code}," for code in eligible),
    )
    db.session.add(check)
    db.session.flush()
    add_entry(
        case,
        actor,
        "funding_check",
        body=summary_line(result, short_titles()),
        check_id=check.id,
        parameter_versions=result["parameter_versions"],
    )
    db.session.flush()
    audit.record(actor, "funding.check_save", "case", case.id, check_id=check.id)
    return check


# --------------------------------------------------------------------------- catalogue


def _next_key(code: str, valid_from: date) -> str:
    base = f"{code}@{valid_from.isoformat()}"
    existing = set(
        db.session.scalars(
            sa.select(ParameterVersion.version_key).where(
                ParameterVersion.version_key.startswith(base, autoescape=True)
            )
        )
    )
    if base not in existing:
        return base
    n = 2
    while f"{base}.{n}" in existing:
        n += 1
    return f"{base}.{n}"


def propose_version(
    actor: Any,
    programme: FundingProgramme,
    *,
    valid_from: date,
    source: str,
    source_url: str | None,
    params: Mapping[str, Any],
) -> ParameterVersion:
    """An administrator proposes a new parameter version; it has no effect until approved."""
    if getattr(actor, "role", None) != "admin":
        raise DomainError("Nur die Administration kann neue Fassungen vorschlagen.")
    if not source.strip():
        raise DomainError("Bitte geben Sie die Rechtsquelle an.")
    key = _next_key(programme.code, valid_from)
    data = {
        "programme": programme.code,
        "version": key,
        "valid_from": valid_from.isoformat(),
        "valid_to": None,
        "source": source,
        "source_url": source_url or None,
        "params": dict(params),
    }
    try:
        ps = parse_parameter_set(data)
    except ValueError as exc:
        raise DomainError(f"Die Parameter sind ungültig: {exc}") from exc
    problems = validate_parameters(ps.to_dict()["params"], valid_from)
    if problems:
        raise InvalidParameters(problems)
    version = ParameterVersion(
        programme_id=programme.id,
        version_key=key,
        valid_from=valid_from,
        valid_to=None,
        parameters=json.dumps(ps.to_dict(), ensure_ascii=False, sort_keys=True),
        source=source,
        source_url=source_url or None,
        state="proposed",
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        actor,
        "funding.version_propose",
        "funding_parameter_version",
        version.id,
        programme_id=programme.id,
    )
    return version


def _decide(actor: Any, version: ParameterVersion, state: str, note: str | None) -> None:
    if getattr(actor, "role", None) not in ("admin", "coordinator"):
        raise DomainError("Nur Administration oder Landeskoordination können Fassungen freigeben.")
    if version.state != "proposed":
        raise DomainError("Über diese Fassung wurde bereits entschieden.")
    if version.proposed_by_id == actor.id:
        raise DomainError(
            "Eine Fassung muss von einer zweiten Person geprüft werden; Sie haben sie "
            "selbst vorgeschlagen."
        )
    version.state = state
    version.decided_by_id = actor.id
    version.decided_at = utcnow()
    version.decision_note = note or None
    db.session.flush()


def approve_version(actor: Any, version: ParameterVersion, note: str | None = None) -> int:
    """A second person approves a proposed version; it takes effect at once.

    The parameters are checked against their types and bounds again (a version proposed before
    the bounds existed, or written around the form, is refused). Returns the number of advisors
    notified.
    """
    problems = validate_parameters(version.params, version.valid_from, version.valid_to)
    if problems:
        raise InvalidParameters(problems, approving=True)
    _decide(actor, version, "approved", note)
    audit.record(
        actor,
        "funding.version_approve",
        "funding_parameter_version",
        version.id,
        programme_id=version.programme_id,
    )
    catalogue.invalidate()
    programme = version.programme
    return notify_advisors(
        actor,
        programme,
        f"Neue Fassung der Förderregeln {version.version_key} für „{programme.title}“ "
        f"freigegeben (gültig ab {version.valid_from.strftime('%d.%m.%Y')}).",
    )


def reject_version(actor: Any, version: ParameterVersion, note: str | None = None) -> None:
    """A second person rejects a proposed version; it is never used."""
    _decide(actor, version, "rejected", note)
    audit.record(
        actor,
        "funding.version_reject",
        "funding_parameter_version",
        version.id,
        programme_id=version.programme_id,
    )


def change_programme_status(
    actor: Any,
    programme: FundingProgramme,
    status: str,
    reason: str,
    expected_version: int | None = None,
) -> int:
    """Open, pause (budget spent) or close a programme; returns the number of advisors notified."""
    if getattr(actor, "role", None) not in ("admin", "coordinator"):
        raise DomainError("Nur Administration oder Landeskoordination können den Status ändern.")
    check_version(programme, expected_version, "Das Förderprogramm")
    if status not in PROGRAMME_STATUSES:
        raise DomainError("Unbekannter Status.")
    if status == programme.status:
        raise DomainError("Das Programm hat diesen Status bereits.")
    if not reason.strip():
        raise DomainError("Bitte geben Sie einen Grund an.")
    old = programme.status
    programme.status = status
    programme.status_reason = reason
    programme.status_changed_at = utcnow()
    db.session.flush()
    audit.record(actor, "funding.status", "funding_programme", programme.id, old=old, new=status)
    return notify_advisors(
        actor,
        programme,
        f"Der Status von „{programme.title}“ ist jetzt: {german(PROGRAMME_STATUSES[status])}.",
    )


def affected_cases(programme: FundingProgramme) -> list[tuple[Case, int]]:
    """Open cases with a saved check where ``programme`` was eligible, with the advisor's id."""
    rows = db.session.execute(
        sa.select(Case, FundingCheck.created_by_id)
        .join(FundingCheck, FundingCheck.case_id == Case.id)
        .where(
            Case.status != "closed",
            FundingCheck.eligible_codes.contains(f",{programme.code},", autoescape=True),
        )
        .order_by(Case.id, FundingCheck.id)
    ).all()
    out: dict[int, tuple[Case, int]] = {}
    for case, creator_id in rows:
        advisor_id = case.assigned_to_id or creator_id
        if advisor_id is not None and case.id not in out:
            out[case.id] = (case, advisor_id)
    return list(out.values())


def notify_advisors(actor: Any, programme: FundingProgramme, message: str) -> int:
    """Queue one e-mail per advisor relying on ``programme`` and note it on each case."""
    per_advisor: dict[int, list[Case]] = {}
    for case, advisor_id in affected_cases(programme):
        add_entry(case, actor, "catalogue", body=message, programme=programme.code)
        per_advisor.setdefault(advisor_id, []).append(case)
    count = 0
    for advisor_id, cases in per_advisor.items():
        advisor = db.session.get(User, advisor_id)
        if (
            advisor is None
            or not advisor.is_active
            or advisor.role not in ("advisor", "supervisor")
        ):
            continue
        refs = "\n".join(f"– {c.reference}" for c in cases)
        db.session.add(
            OutboxMessage(
                recipient=advisor.email,
                subject=f"Förderkatalog geändert: {programme.short_title}"[:200],
                body=(
                    f"Guten Tag,\n\n{message}\n\nIn diesen offenen Fällen war das Programm "
                    f"bei einer gespeicherten Förderprüfung förderfähig:\n{refs}\n\n"
                    "Bitte prüfen Sie die Förderung erneut.\n\nWeiterbildungsagentur Thüringen"
                ),
                kind="funding_change",
            )
        )
        count += 1
    db.session.flush()
    if count:
        audit.record(
            actor,
            "funding.notify",
            "funding_programme",
            programme.id,
            advisors=count,
            cases=sum(len(c) for c in per_advisor.values()),
        )
    return count
