"""Reference data of the referral module: data categories, states, answers and transfer
states. Partner kinds, programme codes and the directory seed are in ``partners.data``.
"""

from __future__ import annotations

from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.core.translation import lazy_pgettext

DATA_CATEGORIES = {
    "contact": _l("Kontaktdaten"),
    "firm": _l("Unternehmensdaten"),
    "employment": _l("Beschäftigungsdaten"),
    "qualification": _l("Qualifikation"),
    "planned_course": _l("Geplante Weiterbildung"),
    "funding_check": _l("Ergebnis der Förderprüfung"),
}

STATES = {
    "draft": _l("Entwurf"),
    "sent": _l("gesendet"),
    "accepted": _l("angenommen"),
    "declined": _l("abgelehnt"),
    "returned": _l("Rückfrage"),
    "completed": _l("abgeschlossen"),
    "withdrawn": _l("zurückgezogen"),
    "expired": _l("abgelaufen"),
}

# from-state → allowed to-states
TRANSITIONS = {
    "draft": ("sent", "withdrawn"),
    "sent": ("accepted", "declined", "returned", "withdrawn", "expired"),
    "accepted": ("completed", "returned", "withdrawn"),
    "returned": ("sent", "withdrawn"),
    "declined": (),
    "completed": (),
    "withdrawn": (),
    "expired": (),
}
OPEN_STATES = ("sent", "accepted", "returned")
AWAITING_STATES = ("sent", "accepted")
ANSWERED_STATES = ("accepted", "declined", "returned", "completed")
# States in which a referral to another contact point grants read access to the case.
GRANTING_STATES = ("sent", "accepted", "returned", "completed")

DECLINE_REASONS = {
    "not_responsible": _l("nicht zuständig"),
    "not_eligible": _l("nicht förderfähig"),
    "no_capacity": _l("keine Kapazität"),
    "incomplete": _l("Unterlagen unvollständig"),
    "other": _l("Sonstiges"),
}
OUTCOMES = {
    "approved": _l("bewilligt"),
    "rejected": lazy_pgettext("referral outcome", "abgelehnt"),
    "withdrawn_by_client": _l("vom Kunden zurückgezogen"),
}
VIA = {"staff": _l("Mitarbeitende"), "partner_link": _l("Partnerlink"), "system": _l("System")}

TRANSFER_STATES = {
    "pending": _l("offen"),
    "accepted": _l("angenommen"),
    "declined": _l("abgelehnt"),
    "cancelled": _l("zurückgenommen"),
}
