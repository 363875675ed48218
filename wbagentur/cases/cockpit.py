"""The case page as a cockpit (issue #14): what the page shows besides the case's own facts.

The rules (which check is a participant's latest, which follow-up is next, what a check's
result says in one line, which frequent actions a user is offered) are plain functions that
tests call without a database; ``build`` loads what they need in a fixed number of
statements, however many participants, checks or follow-ups a case has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wbagentur.cases.models import Case, FollowUp

# The frequent actions, in the order the page offers them.
ACTIONS = (
    "note",
    "follow_up",
    "participants",
    "funding_check",
    "consent",
    "referral",
    "close",
)


@dataclass(frozen=True)
class CheckSummary:
    """What a saved check found, for one line on the case page."""

    eligible: tuple[str, ...]
    open_count: int

    @property
    def any_eligible(self) -> bool:
        return bool(self.eligible)


@dataclass(frozen=True)
class ParticipantRow:
    person: Any
    check: Any | None = None
    summary: CheckSummary | None = None


@dataclass
class Cockpit:
    advice_request: Any | None = None
    # The request's answers in words (headcount band, contact channel).
    request_labels: dict[str, str] = field(default_factory=dict)
    # Known firms that may be the requester's (while the case has no firm).
    firm_candidates: Sequence[Any] = ()
    participants: list[ParticipantRow] = field(default_factory=list)
    next_follow_up: FollowUp | None = None
    # 'overdue', 'today' or 'later' for the next follow-up.
    next_follow_up_state: str | None = None
    actions: tuple[str, ...] = ()


# ---------------------------------------------------------------- rules (no database)


def latest_checks(checks: Iterable[Any]) -> dict[int, Any]:
    """The newest saved check per person (by creation time, then id); checks without a
    person (the firm as a whole) are left out."""
    latest: dict[int, Any] = {}
    for check in checks:
        pid = check.person_id
        if pid is None:
            continue
        known = latest.get(pid)
        if known is None or (check.created_at, check.id) > (known.created_at, known.id):
            latest[pid] = check
    return latest


def summarise_result(result: Mapping[str, Any], short_titles: Mapping[str, str]) -> CheckSummary:
    """The programmes a check found eligible (short titles, in the result's order) and how
    many still need information."""
    programmes = result.get("programmes") or []
    eligible = tuple(
        short_titles.get(p.get("programme", ""), p.get("title", ""))
        for p in programmes
        if p.get("status") == "eligible"
    )
    open_count = sum(1 for p in programmes if p.get("status") == "needs_information")
    return CheckSummary(eligible=eligible, open_count=open_count)


def next_follow_up(follow_ups: Iterable[FollowUp]) -> FollowUp | None:
    """The open follow-up due first (ties: the older one)."""
    open_ones = [f for f in follow_ups if f.done_at is None]
    if not open_ones:
        return None
    return min(open_ones, key=lambda f: (f.due_date, f.id))


def follow_up_state(follow_up: FollowUp, today: date) -> str:
    """'overdue', 'today' or 'later' for an open follow-up."""
    if follow_up.due_date < today:
        return "overdue"
    if follow_up.due_date == today:
        return "today"
    return "later"


def same_name(names: Iterable[tuple[str, str]], known: Iterable[Any]) -> list[Any]:
    """Known persons whose name equals a new one, ignoring case and umlaut spelling (the
    firm's employees: a second "Jana Kühn" at one firm is most likely the same person)."""
    from wbagentur.core.text import normalise_search

    wanted = {normalise_search(f"{first} {last}") for first, last in names}
    return [p for p in known if p.name_search in wanted]


def offered_actions(
    *, editable: bool, status: str, kind: str, has_firm: bool, has_people: bool
) -> tuple[str, ...]:
    """The frequent actions offered on the case page, in ``ACTIONS`` order.

    Nothing for readers who may not edit. A closed case takes notes only (it can be
    reopened through the status form). Employees join firm cases with a firm; a funding
    check and a consent need a person (the check also runs for a firm case's firm alone).
    """
    if not editable:
        return ()
    if status == "closed":
        return ("note",)
    offered = {"note", "follow_up", "referral", "close"}
    if kind == "firm" and has_firm:
        offered.add("participants")
    if has_people or (kind == "firm" and has_firm):
        offered.add("funding_check")
    if has_people:
        offered.add("consent")
    return tuple(a for a in ACTIONS if a in offered)


# ---------------------------------------------------------------- loading


# The public request behind a case lives in intake, which builds on cases: intake registers
# its loader at app creation (wbagentur._connect_packages), so cases does not import it
# (tests/test_import_graph.py). Loader: (case, want firm candidates) -> (request or None,
# its labels for the page, the firms that may be the requester's).
RequestPanel = tuple[Any, dict[str, str], Sequence[Any]]
_request_panel_loaders: list[Callable[[Case, bool], RequestPanel]] = []


def register_request_panel(loader: Callable[[Case, bool], RequestPanel]) -> None:
    """Called once at app creation by the package that owns public requests."""
    if loader not in _request_panel_loaders:
        _request_panel_loaders.append(loader)


def request_panel(case: Case, want_candidates: bool) -> RequestPanel:
    for loader in _request_panel_loaders:
        return loader(case, want_candidates)
    return None, {}, ()


# Saved funding checks live in funding, which builds on cases: funding registers at app
# creation a loader of a case's saved checks and the programmes' short titles.
ChecksPanel = tuple[Iterable[Any], Mapping[str, str]]
_checks_panel_loaders: list[Callable[[Case], ChecksPanel]] = []


def register_checks_panel(loader: Callable[[Case], ChecksPanel]) -> None:
    """Called once at app creation by the package that owns funding checks."""
    if loader not in _checks_panel_loaders:
        _checks_panel_loaders.append(loader)


def checks_panel(case: Case) -> ChecksPanel:
    for loader in _checks_panel_loaders:
        return loader(case)
    return (), {}


def case_people(case: Case) -> list[Any]:
    """The case's person first, then its participants (each once)."""
    people = [case.person] if case.person is not None else []
    return people + [p for p in case.participants if case.person_id != p.id]


def build(case: Case, *, editable: bool, follow_ups: Sequence[FollowUp], today: date) -> Cockpit:
    """Everything the cockpit shows beyond the case's facts, in four statements
    (participants, the request, saved checks, programme titles) and a fifth for a request
    whose firm is not known yet (the firms that may be the requester's)."""
    people = case_people(case)
    # The same statements for every case (a request, saved checks and titles are looked
    # for even when there are none), so the page's cost does not depend on its data.
    advice_request, request_labels, candidates = request_panel(
        case, editable and case.firm_id is None
    )
    checks, titles = checks_panel(case)
    latest = latest_checks(checks)
    rows = [
        ParticipantRow(
            person=p,
            check=latest.get(p.id),
            summary=summarise_result(latest[p.id].result, titles) if p.id in latest else None,
        )
        for p in people
    ]
    upcoming = next_follow_up(follow_ups)
    return Cockpit(
        advice_request=advice_request,
        request_labels=request_labels,
        firm_candidates=candidates,
        participants=rows,
        next_follow_up=upcoming,
        next_follow_up_state=follow_up_state(upcoming, today) if upcoming else None,
        actions=offered_actions(
            editable=editable,
            status=case.status,
            kind=case.kind,
            has_firm=case.firm_id is not None,
            has_people=bool(people),
        ),
    )
