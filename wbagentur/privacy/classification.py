"""Data inventory as code (security.md DATA-01, DSGVO Art. 30): every column of every
table with its data-protection category and the deletion rule that removes or anonymises it.

One registry instead of ``info=`` on every model column, so the inventory can be read
and reviewed in one place (docs/data-protection.md explains it). The ``info={"pii": …}``
markers some models carry stay as they are; ``tests/privacy/test_classification.py``
checks that the two agree, that every column in ``db.metadata`` is classified here and
that every column of a personal category has a deletion rule that exists.

Deletion rules come in three kinds:

* ``job``: a rule of the Löschkonzept carried out by ``flask retention run`` (the codes of
  ``wbagentur.retention.services.RULES`` and the ``retention_rules`` table);
* ``event``: the application deletes or overwrites the data when an event happens
  (logout, expiry, second-factor reset, executed erasure request);
* ``manual``: a documented rule that people carry out (no automation yet; listed in
  docs/data-protection.md as open points).
"""

# ruff: noqa: E501, S106  (a data table: one line per category; "secret" is a category name)
from __future__ import annotations

from dataclasses import dataclass, field

from wbagentur.core import fulltext

CATEGORIES: dict[str, str] = {
    "none": "kein Personenbezug (Referenzdaten, Konfiguration, Statuscodes, Statistikmerkmale)",
    "pseudonymous": "Schlüssel, Zeitpunkte und Hashwerte zu personenbezogenen Datensätzen",
    "personal": "Personen: Beschäftigte und Ratsuchende (identifizierend oder beschreibend)",
    "special": "besondere Kategorien nach Art. 9 DSGVO",
    "contact": "Kontaktpersonen von Unternehmen und Anfragende des öffentlichen Formulars",
    "firm": "Unternehmensdaten (bei Einzelunternehmen personenbezogen)",
    "free_text": "Freitext: kann personenbezogene und besondere Kategorien enthalten",
    "staff": "Beschäftigte der Agentur (Benutzerkonten)",
    "secret": "Zugangsgeheimnisse (Passwort-Hash, TOTP-Geheimnis)",
}
PERSONAL_CATEGORIES = frozenset(CATEGORIES) - {"none"}

RULE_KINDS = ("job", "event", "manual")


@dataclass(frozen=True)
class Rule:
    kind: str
    description: str


RULES: dict[str, Rule] = {
    # flask retention run (wbagentur/retention/services.py RULES)
    "public_request_unconverted": Rule(
        "job", "Öffentliche Anfragen ohne Beratung: löschen 90 Tage nach Eingang"
    ),
    "advice_case": Rule("job", "Beratungsfälle: anonymisieren 3 Jahre nach Fallabschluss"),
    "esf_case": Rule(
        "job", "ESF+-geförderte Fälle: anonymisieren nach der Prüfungsfrist (Art. 82 Dach-VO)"
    ),
    "person_without_case": Rule("job", "Personen ohne Fall: anonymisieren 2 Jahre nach Erfassung"),
    "esf_participant": Rule(
        "job",
        "ESF+-Teilnahmedaten: anonymisieren nach der Prüfungsfrist des Programms "
        "(5 Jahre ab Ende des Jahres des Fallabschlusses)",
    ),
    "login_attempts": Rule("job", "Anmeldeversuche: löschen nach 30 Tagen"),
    "sent_mail": Rule("job", "Versandte E-Mails: löschen 90 Tage nach Versand"),
    "audit_events": Rule(
        "job", "Protokolleinträge: löschen nach der Aufbewahrungsfrist (Kette bleibt prüfbar)"
    ),
    # deleted by the application when something happens
    "session_end": Rule(
        "event", "Sitzungen: gelöscht bei Abmelden, Ablauf, Passwortwechsel, Deaktivierung"
    ),
    "second_factor_reset": Rule(
        "event",
        "TOTP-Geheimnis und Wiederherstellungscodes: gelöscht beim "
        "Abschalten oder Zurücksetzen des zweiten Faktors",
    ),
    "erasure_request": Rule(
        "event", "Löschantrag nach Art. 17: ausgeführt nach 30 Tagen Widerrufsfrist"
    ),
    "report_cache": Rule(
        "event",
        "Gespeicherte Berichte (PDF des Monatsberichts): gelöscht einen Tag nach der "
        "Erstellung, beim nächsten Lauf des Jobs esf.indicators (alle 5 Minuten)",
    ),
    "contact_removal": Rule(
        "event", "Kontaktperson: gelöscht, wenn sie beim Unternehmen entfernt wird"
    ),
    # documented, carried out by people (open for automation)
    "staff_account": Rule(
        "manual",
        "Benutzerkonten: bei Ausscheiden deaktiviert; Löschung durch die "
        "Administration nach Ablauf der Protokollfrist",
    ),
    "firm_relationship": Rule(
        "manual", "Unternehmen: Prüfung 3 Jahre nach dem letzten Fall (Ende Beziehung)"
    ),
    "partner_directory": Rule(
        "manual",
        "Partnerverzeichnis (dienstliche Kontaktdaten öffentlicher Stellen): "
        "Pflege durch die Koordination",
    ),
    "consent_proof": Rule(
        "manual",
        "Einwilligungsnachweise (Art. 7 Abs. 1): aufbewahrt solange die "
        "Verarbeitung andauert, dann mit der Person gelöscht",
    ),
    "token_expiry": Rule(
        "manual",
        "Abgelaufene Einmal-Token (Passwort zurücksetzen, Doppelabsende-Schutz): Bereinigung offen",
    ),
}


@dataclass(frozen=True)
class TableClass:
    """Columns of one table by category; ``rule`` applies to every personal column unless
    ``column_rules`` names another rule for it."""

    rule: str | None
    columns: dict[str, str]
    column_rules: dict[str, str] = field(default_factory=dict)


def _cols(**by_category: str) -> dict[str, str]:
    """``_cols(personal="a b", none="c")`` → ``{"a": "personal", "b": "personal", "c": "none"}``."""
    out: dict[str, str] = {}
    for category, names in by_category.items():
        for name in names.split():
            if name in out:
                raise ValueError(f"column {name} classified twice")
            out[name] = category
    return out


CASE_RULE = "advice_case"  # anonymised by advice_case / esf_case / public_request_unconverted

TABLES: dict[str, TableClass] = {
    # reference data and configuration: no personal data
    "regions": TableClass(None, _cols(none="id code name is_pilot employment_agency")),
    "districts": TableClass(None, _cols(none="id key name kind region_id")),
    # The agency's own public contact details (issue #15), not a person's.
    "contact_points": TableClass(
        None, _cols(none="id region_id name city street postcode phone email opening_hours")
    ),
    "case_counters": TableClass(None, _cols(none="region_id year last_seq")),
    # Summary counts for the dashboards (issue #22): per region and day, keyed by partner or
    # region, never by a person; a count can name nobody.
    "report_daily_counts": TableClass(
        None,
        _cols(none="id metric stage region_id day prev_day key_id code n amount_cents"),
    ),
    "report_refreshes": TableClass(None, _cols(none="name refreshed_at duration_ms rows")),
    # ESF+ indicator counts (issue #22): per region, day or month, indicator and gender
    # column; counts, never a person (small cells are suppressed when shown).
    "esf_indicator_counts": TableClass(None, _cols(none="id grain day region_id key gender n")),
    "esf_indicator_refreshes": TableClass(None, _cols(none="name refreshed_at rows duration_ms")),
    # Computed results by key (issue #22): the monthly report PDF (counts per region and per
    # advisor: staff names in the case-load table) and supported-SME counts (no person).
    "report_cache": TableClass("report_cache", _cols(none="key kind created_at", staff="body")),
    # Days whose summary counts the next refresh recomputes: a date, nothing else.
    "report_dirty_days": TableClass(None, _cols(none="id day")),
    "funding_programmes": TableClass(
        None,
        _cols(
            none="id code sort_order title short_title funder_level legal_basis legal_url target_group "
            "funded_items deciding_body deadline_rule public_description status status_changed_at "
            "status_reason version created_at updated_at"
        ),
    ),
    "funding_parameter_versions": TableClass(
        "staff_account",
        _cols(
            none="id programme_id version_key valid_from valid_to parameters source source_url state "
            "proposed_at decided_at",
            pseudonymous="proposed_by_id decided_by_id",
            free_text="decision_note",
        ),
    ),
    "partner_programmes": TableClass(None, _cols(none="partner_id programme")),
    "partner_districts": TableClass(None, _cols(none="partner_id district_id")),
    "partners": TableClass(
        "partner_directory",
        _cols(
            none="id code name kind answer_days is_active region_id version created_at updated_at",
            contact="email phone",
        ),
    ),
    "retention_rules": TableClass(
        "staff_account",
        _cols(
            none="id code label start_event period_days action legal_basis is_active updated_at version",
            pseudonymous="updated_by_id",
        ),
    ),
    "retention_runs": TableClass(None, _cols(none="id started_at finished_at report")),
    # staff accounts and sign-in
    "users": TableClass(
        "staff_account",
        _cols(
            staff="email display_name",
            pseudonymous="id role contact_point_id is_active password_changed_at last_login_at totp_enabled_at "
            "totp_last_step created_at updated_at oidc_subject",
            secret="password_hash totp_secret",
        ),
        column_rules={"totp_secret": "second_factor_reset"},
    ),
    "user_sessions": TableClass(
        "session_end",
        _cols(
            pseudonymous="id token_hash user_id created_at last_seen_at oidc_checked_at",
            secret="oidc_refresh_token oidc_access_token",
        ),
    ),
    "recovery_codes": TableClass(
        "second_factor_reset",
        _cols(pseudonymous="id user_id created_at used_at", secret="code_hash"),
    ),
    "password_reset_tokens": TableClass(
        "token_expiry",
        _cols(pseudonymous="id user_id created_at expires_at used_at", secret="token_hash"),
    ),
    "login_attempts": TableClass(
        "login_attempts", _cols(pseudonymous="id account_key at succeeded")
    ),
    "submission_tokens": TableClass(
        "token_expiry", _cols(pseudonymous="token created_at result_path")
    ),
    # REST API tokens (wbagentur/api): only the hash is stored; the name is typed by staff.
    "api_tokens": TableClass(
        "token_expiry",
        _cols(
            pseudonymous="id user_id prefix created_at expires_at last_used_at revoked_at",
            secret="token_hash",
            free_text="name",
            none="scopes",
        ),
    ),
    # background jobs (wbagentur/jobs): host:pid of a worker, times and counts only
    "job_leases": TableClass(
        None,
        _cols(
            none="name holder lease_until due_at last_started_at last_finished_at last_result runs"
        ),
    ),
    "audit_events": TableClass(
        "audit_events",
        _cols(
            pseudonymous="id at actor_id actor_role action object_type object_id details request_id prev_hash hash"
        ),
    ),
    # firms and their contact persons
    "firms": TableClass(
        "firm_relationship",
        _cols(
            firm="name name_search street email email_domain phone register_number",
            none="id legal_form wz_code postcode city district_id staff_over_30h staff_up_to_30h staff_up_to_20h "
            "staff_up_to_10h group_headcount turnover_cents balance_sheet_cents "
            "has_collective_agreement_training has_works_agreement_training has_works_council "
            "seat_in_thuringia version created_at updated_at",
        ),
    ),
    "firm_contacts": TableClass(
        "contact_removal",
        _cols(
            contact="name name_search function email phone",
            pseudonymous="id firm_id created_at updated_at",
        ),
    ),
    # persons (employees and individuals)
    "persons": TableClass(
        "person_without_case",
        _cols(
            personal="first_name last_name name_search email phone birth_date employed_since weekly_hours "
            "working_days_per_week qualification_year restriction_reason gender employment_status "
            "qualification isced_level",
            special="severely_disabled",
            pseudonymous="id employer_id residence_district_id restricted_at erased_at version created_at updated_at",
        ),
    ),
    "consents": TableClass(
        "consent_proof",
        _cols(
            pseudonymous="id person_id firm_contact_id given_at withdrawn_at recorded_by_id",
            none="purpose recipient recipient_kind recipient_partner_id text_version",
        ),
    ),
    # cases and what hangs on them
    "cases": TableClass(
        CASE_RULE,
        _cols(
            free_text="title outcome_note legal_hold_reason",
            pseudonymous="id reference firm_id person_id assigned_to_id created_by_id opened_at closed_at "
            "last_contact_at anonymised_at created_at updated_at",
            none="region_id kind channel priority status outcome legal_hold version",
        ),
    ),
    "case_participants": TableClass(CASE_RULE, _cols(pseudonymous="case_id person_id")),
    "case_topics": TableClass(None, _cols(none="case_id topic")),
    "timeline_entries": TableClass(
        CASE_RULE,
        _cols(
            free_text="body data",
            pseudonymous="id case_id at created_at author_id",
            none="kind contact_channel duration_minutes",
        ),
    ),
    "follow_ups": TableClass(
        CASE_RULE,
        _cols(
            free_text="title",
            pseudonymous="id case_id due_date assignee_id created_by_id created_at done_at done_by_id",
        ),
    ),
    "documents": TableClass(
        CASE_RULE,
        _cols(
            personal="original_name",
            pseudonymous="id case_id stored_name sha256 uploaded_at uploaded_by_id",
            none="content_type size_bytes source",
        ),
    ),
    "funding_checks": TableClass(
        CASE_RULE,
        _cols(
            personal="input_json result_json",
            pseudonymous="id case_id person_id created_by_id created_at",
            none="parameter_versions eligible_codes",
        ),
    ),
    "plan_courses": TableClass(
        CASE_RULE,
        _cols(
            pseudonymous="id case_id created_at updated_at",
            none="title provider hours hours_unit fees_cents start_date end_date azav_approved version",
        ),
    ),
    "plan_participants": TableClass(
        CASE_RULE,
        _cols(pseudonymous="id course_id person_id"),
    ),
    "advice_requests": TableClass(
        "public_request_unconverted",
        _cols(
            firm="firm_name",
            contact="contact_name email phone",
            free_text="message",
            pseudonymous="id case_id submitted_at status_token_hash status_token_expires_at firm_confirmed_at",
            none="district_id headcount_band preferred_channel consent_text_version status_mails",
        ),
    ),
    "referrals": TableClass(
        CASE_RULE,
        _cols(
            free_text="purpose message answer_note decline_reason",
            pseudonymous="id case_id consent_id token_hash token_expires_at created_by_id sent_at answered_at "
            "closed_at decision_date course_start reminder_sent_at escalated_at created_at updated_at "
            "answer_unseen_id",
            none="partner_id programme data_categories legal_basis state due_days due_date outcome amount_cents "
            "voucher_issued version",
        ),
    ),
    "referral_events": TableClass(
        CASE_RULE,
        _cols(
            free_text="note",
            pseudonymous="id referral_id actor_id at",
            none="from_state to_state via",
        ),
    ),
    "transfers": TableClass(
        CASE_RULE,
        _cols(
            free_text="reason decline_reason",
            pseudonymous="id case_id requested_by_id requested_at decided_by_id decided_at",
            none="from_region_id to_region_id state version",
        ),
    ),
    "deletion_requests": TableClass(
        "erasure_request",
        _cols(
            free_text="reason",
            pseudonymous="id object_type object_id requested_by_id requested_at execute_after cancelled_at "
            "cancelled_by_id executed_at",
        ),
    ),
    # ESF+ participant lifecycle (wbagentur/esf): statistical answers are personal data
    # while the record points to a person; the Art. 9 answers are special categories.
    "esf_participations": TableClass(
        "esf_participant",
        _cols(
            personal="entry_date employment_status age_at_entry isced_level gender postcode "
            "third_country_national foreign_background homeless rural_area exit_date exit_situation "
            "results_on result_job_searching result_education result_qualification result_employment "
            "longterm_employment longterm_improved survey_consent_at",
            special="disability minority",
            free_text="missing_reason",
            pseudonymous="id case_id person_id created_by_id survey_state survey_token_hash "
            "survey_expires_at survey_sent_at survey_reminded_at survey_answered_at "
            "missing_reason_by_id anonymised_at version created_at updated_at",
        ),
    ),
    # mail
    "outbox_messages": TableClass(
        "sent_mail",
        _cols(
            contact="recipient",
            free_text="subject body",
            pseudonymous="id created_at next_attempt_at sent_at attempts last_error",
            none="kind",
        ),
    ),
}


# Tables outside the models that hold a copy of classified columns: the SQLite trigram
# search indexes (core.fulltext, migration fts500000001; with their FTS5 shadow tables).
# They store the trigrams of the column, not the text, follow every insert, change and
# deletion of the row through triggers, and the retention run compacts them after its
# erasures, so the column's category and rule apply to them unchanged.
DERIVED: dict[str, tuple[str, str]] = {
    index.name: (index.table, index.column) for index in fulltext.INDEXES
}


def derived_source(table: str) -> tuple[str, str] | None:
    """The classified column a derived table (or one of its shadow tables) copies."""
    for name, source in DERIVED.items():
        if table == name or table in {name + s for s in fulltext.SHADOW_SUFFIXES}:
            return source
    return None


def category(table: str, column: str) -> str | None:
    """The category of one column, or None when it is not classified."""
    entry = TABLES.get(table)
    return entry.columns.get(column) if entry else None


def rule_for(table: str, column: str) -> str | None:
    """The deletion rule of a personal column (None for unclassified or 'none' columns)."""
    entry = TABLES.get(table)
    if entry is None or entry.columns.get(column) in (None, "none"):
        return None
    return entry.column_rules.get(column, entry.rule)


def personal_columns(table: str) -> set[str]:
    """Columns of ``table`` in a personal category (used by the Art. 15 coverage check)."""
    entry = TABLES.get(table)
    return {c for c, cat in entry.columns.items() if cat in PERSONAL_CATEGORIES} if entry else set()


def inventory_problems(metadata: object) -> dict[str, list[str]]:
    """What DATA-01 forbids, for every table of ``metadata``: unclassified columns, personal
    columns without a known rule, registry entries for columns that no longer exist."""
    unclassified: list[str] = []
    without_rule: list[str] = []
    stale: list[str] = []
    tables = getattr(metadata, "tables", {})
    for name, table in tables.items():
        names = {c.name for c in table.columns}
        for column in sorted(names):
            cat = category(name, column)
            if cat is None or cat not in CATEGORIES:
                unclassified.append(f"{name}.{column}")
            elif cat != "none" and rule_for(name, column) not in RULES:
                without_rule.append(f"{name}.{column}")
        entry = TABLES.get(name)
        if entry is not None:
            stale.extend(f"{name}.{c}" for c in sorted(set(entry.columns) - names))
    stale.extend(f"{t}.*" for t in sorted(set(TABLES) - set(tables)))
    return {"unclassified": unclassified, "without_rule": without_rule, "stale": stale}
