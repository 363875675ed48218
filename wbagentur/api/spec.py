"""The OpenAPI 3.1 document, built with apispec from what the views declare.

Each view registers its operation with ``@operation`` (path, method, scope, parameters,
request and response schema) next to its code, so the document cannot drift from the
routes; tests compare it with the URL map, and schemathesis checks the answers against it.
The request schemas below are also what the views validate request bodies with
(``api.helpers.json_body``), so the document and the validation are one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from apispec import APISpec

from wbagentur.api.errors import CODES
from wbagentur.cases.models import CHANNELS, KINDS, PRIORITIES, STATUSES, TOPICS
from wbagentur.core.pagination import COUNT_CAP
from wbagentur.firms.forms import FIRM_AMOUNT_CONFIRM_ABOVE
from wbagentur.firms.rules import LEGAL_FORMS
from wbagentur.partners.data import PROGRAMMES
from wbagentur.persons.models import EMPLOYMENT_STATUSES, GENDERS, ISCED_LEVELS, QUALIFICATIONS
from wbagentur.referrals.data import DATA_CATEGORIES, DECLINE_REASONS, OUTCOMES
from wbagentur.referrals.data import STATES as REFERRAL_STATES

F = TypeVar("F", bound=Callable[..., Any])

OPERATIONS: list[tuple[str, str, dict[str, Any]]] = []
MAX_ID = 2**31 - 1


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string", "enum": list(CODES)},
                "message": {
                    "type": "string",
                    "description": "German, or English with Accept-Language: en",
                },
                "fields": {
                    "type": "object",
                    "description": "validation_failed: messages per field of the body or query",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "duplicates": {
                    "type": "array",
                    "description": "duplicate: the similar records (id null if outside the "
                    "caller's region) and why they look alike",
                    "items": {
                        "type": "object",
                        "required": ["id", "reasons"],
                        "properties": {
                            "id": _nullable("integer"),
                            "reasons": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
        }
    },
}
DISTRICT = {
    "type": "object",
    "required": ["key", "name"],
    "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
}
STAFF = {"type": "integer", "minimum": 0, "maximum": 1_000_000}
MONEY = _nullable("integer", minimum=0, maximum=FIRM_AMOUNT_CONFIRM_ABOVE)
FIRM_WRITABLE: dict[str, Any] = {
    "name": {"type": "string", "maxLength": 160},
    "legal_form": _nullable("string", enum=[*LEGAL_FORMS, None]),
    "register_number": _nullable("string", maxLength=20, description="e.g. HRB 12345"),
    "wz_code": _nullable("string", maxLength=10, description="WZ 2008 code"),
    "street": _nullable("string", maxLength=120),
    "postcode": _nullable("string", description="five digits"),
    "city": _nullable("string", maxLength=80),
    "email": _nullable("string", maxLength=254),
    "phone": _nullable("string", maxLength=40),
    "staff_over_30h": STAFF,
    "staff_up_to_30h": STAFF,
    "staff_up_to_20h": STAFF,
    "staff_up_to_10h": STAFF,
    "group_headcount": _nullable("integer", minimum=0, maximum=1_000_000),
    "turnover_cents": {**MONEY, "description": "euro cents"},
    "balance_sheet_cents": {**MONEY, "description": "euro cents"},
    "has_collective_agreement_training": {"type": "boolean"},
    "has_works_agreement_training": {"type": "boolean"},
    "has_works_council": {"type": "boolean"},
    "seat_in_thuringia": {"type": "boolean"},
}
FIRM = {
    "type": "object",
    "required": ["id", "name", "district", "version"],
    "properties": {
        "id": {"type": "integer"},
        **{
            name: (
                {"type": ["integer", "null"]}
                if "integer" in str(schema.get("type"))
                else {"type": schema["type"]}
            )
            for name, schema in FIRM_WRITABLE.items()
        },
        "district": _ref("District"),
        "version": {"type": "integer"},
    },
}
FIRM_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "district_key"],
    "properties": {
        **FIRM_WRITABLE,
        "district_key": {"type": "string", "description": "official district key, e.g. 16054"},
        "confirm_new": {
            "type": "boolean",
            "description": "create even though similar firms exist (409 duplicate otherwise)",
        },
    },
}
FIRM_PATCH = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **FIRM_WRITABLE,
        "district_key": {"type": "string"},
    },
}
PERSON_WRITABLE: dict[str, Any] = {
    "first_name": {"type": "string", "maxLength": 80},
    "last_name": {"type": "string", "maxLength": 80},
    "email": _nullable("string", maxLength=254),
    "phone": _nullable("string", maxLength=40),
    "birth_date": _nullable("string", format="date"),
    "gender": {"type": "string", "enum": list(GENDERS)},
    "employment_status": _nullable("string", enum=[*EMPLOYMENT_STATUSES, None]),
    "employer_id": _nullable("integer", minimum=1, maximum=MAX_ID),
    "weekly_hours": _nullable("number", minimum=0, maximum=80),
    "working_days_per_week": _nullable("integer", minimum=1, maximum=7),
    "employed_since": _nullable("string", format="date"),
    "qualification": _nullable("string", enum=[*QUALIFICATIONS, None]),
    "qualification_year": _nullable("integer", minimum=1900, maximum=2100),
    "isced_level": _nullable("string", enum=[*ISCED_LEVELS, None]),
    "residence_district": _nullable("string", description="district key, e.g. 16054"),
}
PERSON = {
    "type": "object",
    "required": ["id", "first_name", "last_name", "version"],
    "description": "Identifying, contact and employment data; no special categories (Art. 9).",
    "properties": {
        "id": {"type": "integer"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "birth_date": _nullable("string", format="date"),
        "email": _nullable("string"),
        "phone": _nullable("string"),
        "gender": _nullable("string"),
        "employment_status": _nullable("string"),
        "employer_id": _nullable("integer"),
        "weekly_hours": _nullable("number"),
        "working_days_per_week": _nullable("integer"),
        "employed_since": _nullable("string", format="date"),
        "qualification": _nullable("string"),
        "qualification_year": _nullable("integer"),
        "isced_level": _nullable("string"),
        "residence_district": _nullable("string"),
        "version": {"type": "integer"},
    },
}
PERSON_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["first_name", "last_name"],
    "properties": {
        **PERSON_WRITABLE,
        "confirm_new": {
            "type": "boolean",
            "description": "create even though similar persons exist (409 duplicate otherwise)",
        },
    },
}
PERSON_PATCH = {"type": "object", "additionalProperties": False, "properties": PERSON_WRITABLE}
TIMELINE_ENTRY = {
    "type": "object",
    "required": ["id", "kind", "at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
        "body": _nullable("string"),
        "contact_channel": _nullable("string"),
        "duration_minutes": _nullable("integer"),
    },
}
NOTE_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["body"],
    "properties": {
        "body": {
            "type": "string",
            "minLength": 1,
            "maxLength": 10000,
            "description": "free text; no health data",
        }
    },
}
CASE = {
    "type": "object",
    "required": ["id", "reference", "region", "kind", "status", "opened_at", "version"],
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": "string"},
        "region": {"type": "string"},
        "kind": {"type": "string", "enum": list(KINDS)},
        "title": {"type": "string"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "priority": {"type": "string", "enum": list(PRIORITIES)},
        "topics": {"type": "array", "items": {"type": "string"}},
        "firm_id": _nullable("integer"),
        "person_id": _nullable("integer"),
        "participant_ids": {"type": "array", "items": {"type": "integer"}},
        "opened_at": {"type": "string", "format": "date-time"},
        "closed_at": _nullable("string", format="date-time"),
        "version": {"type": "integer"},
    },
}
CASE_DETAIL = {
    "allOf": [
        _ref("Case"),
        {
            "type": "object",
            "required": ["timeline"],
            "properties": {"timeline": {"type": "array", "items": _ref("TimelineEntry")}},
        },
    ]
}
TOPIC_LIST = {
    "type": "array",
    "minItems": 1,
    "uniqueItems": True,
    "items": {"type": "string", "enum": list(TOPICS)},
}
CASE_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "title", "channel", "topics"],
    "description": "Opened in the caller's region and assigned to the caller, as in the UI; "
    "a firm case names a firm, an individual case a person the caller may see.",
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS)},
        "title": {"type": "string", "maxLength": 160},
        "channel": {"type": "string", "enum": [c for c in CHANNELS if c != "public_form"]},
        "priority": {"type": "string", "enum": list(PRIORITIES)},
        "topics": TOPIC_LIST,
        "firm_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "person_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    },
}
CASE_PATCH = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "maxLength": 160},
        "priority": {"type": "string", "enum": list(PRIORITIES)},
        "topics": TOPIC_LIST,
    },
}
REFERRAL = {
    "type": "object",
    "required": ["id", "case_id", "partner", "state", "data_categories", "version"],
    "properties": {
        "id": {"type": "integer"},
        "case_id": {"type": "integer"},
        "partner": {
            "type": "object",
            "required": ["id", "name", "kind"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "kind": {"type": "string"},
            },
        },
        "programme": _nullable("string"),
        "purpose": {"type": "string"},
        "data_categories": {"type": "array", "items": {"type": "string"}},
        "basis": {"type": "string", "enum": ["consent", "legal_basis"]},
        "consent_id": _nullable("integer"),
        "legal_basis": _nullable("string"),
        "state": {"type": "string", "enum": list(REFERRAL_STATES)},
        "due_days": {"type": "integer"},
        "due_date": _nullable("string", format="date"),
        "sent_at": _nullable("string", format="date-time"),
        "answered_at": _nullable("string", format="date-time"),
        "closed_at": _nullable("string", format="date-time"),
        "decline_reason": _nullable("string"),
        "outcome": _nullable("string"),
        "amount_cents": _nullable("integer"),
        "created_at": {"type": "string", "format": "date-time"},
        "version": {"type": "integer"},
    },
}
REFERRAL_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["case_id", "partner_id", "purpose", "data_categories"],
    "description": "Needs a consent of the case's person, a participant or a firm contact "
    "that covers the partner (consent_id), or a documented legal basis, as in the UI.",
    "properties": {
        "case_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "partner_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "programme": _nullable("string", enum=[*PROGRAMMES, None]),
        "purpose": {"type": "string", "minLength": 1, "maxLength": 2000},
        "data_categories": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "enum": list(DATA_CATEGORIES)},
        },
        "consent_id": _nullable("integer", minimum=1, maximum=MAX_ID),
        "legal_basis": _nullable("string", maxLength=300),
        "due_days": _nullable("integer", minimum=1, maximum=60),
        "message": _nullable("string", maxLength=2000),
        "send": {"type": "boolean", "description": "send at once (default) or keep a draft"},
    },
}
REFERRAL_STATE_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["state"],
    "description": "The state changes staff make in the UI: send (a draft or after a "
    "return), withdraw, and a partner's answer recorded by staff (accepted, declined with a "
    "reason, returned with a note, completed with an outcome).",
    "properties": {
        "state": {
            "type": "string",
            "enum": ["sent", "withdrawn", "accepted", "declined", "returned", "completed"],
        },
        "note": _nullable("string", maxLength=2000),
        "reason": {"type": "string", "enum": list(DECLINE_REASONS)},
        "outcome": {"type": "string", "enum": list(OUTCOMES)},
        "amount_cents": _nullable("integer", minimum=0, maximum=FIRM_AMOUNT_CONFIRM_ABOVE),
        "decision_date": _nullable("string", format="date"),
        "course_start": _nullable("string", format="date"),
        "voucher_issued": _nullable("boolean"),
    },
}
FUNDING_INPUT = {
    "type": "object",
    "description": "The funding engine's input document (docs/funding-check.md), the same "
    "as the public POST /api/foerdercheck takes.",
}
FUNDING_RESULT = {
    "type": "object",
    "description": "The engine's result document (docs/funding-check.md): programmes with "
    "status, amounts, reasons and legal citations.",
    "required": ["programmes"],
    "properties": {"programmes": {"type": "array", "items": {"type": "object"}}},
}
CASE_FUNDING_INPUT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["person_id"],
    "description": "A check for the case's person or a participant: firm and person data "
    "come from the case as in the UI; ``input`` adds or overrides fields of the engine's "
    "input document (e.g. the course).",
    "properties": {
        "person_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "input": {"type": "object"},
        "save": {
            "type": "boolean",
            "description": "store the check in the case (timeline entry, as the UI's save)",
        },
    },
}
CASE_FUNDING_RESULT = {
    "type": "object",
    "required": ["case_id", "person_id", "check_id", "result"],
    "properties": {
        "case_id": {"type": "integer"},
        "person_id": {"type": "integer"},
        "check_id": _nullable("integer", description="the saved check, if save was true"),
        "result": _ref("FundingCheckResult"),
    },
}


def page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [
            "items",
            "page",
            "per_page",
            "total",
            "total_is_lower_bound",
            "has_more",
            "next_cursor",
        ],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {
                "type": "integer",
                "minimum": 0,
                "maximum": COUNT_CAP,
                "description": f"matching items, counted up to {COUNT_CAP}",
            },
            "total_is_lower_bound": {
                "type": "boolean",
                "description": f"true: more than {COUNT_CAP} items match (total is {COUNT_CAP})",
            },
            "has_more": {"type": "boolean", "description": "a next page exists"},
            "next_cursor": _nullable(
                "string", description="pass as cursor for the next page; null on the last"
            ),
        },
    }


PAGING = [
    {
        "name": "page",
        "in": "query",
        "description": "page number (1 …); deep pages cost more, use cursor to go on",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "description": "items per page",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
    },
    {
        "name": "cursor",
        "in": "query",
        "description": "next_cursor of the previous page (not together with page)",
        "schema": {"type": "string", "minLength": 1, "maxLength": 400},
    },
]


def query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def path_id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }


IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "the ETag of the last GET (optimistic locking): 428 without, 412 if stale",
    "schema": {"type": "string"},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "16–64 characters A–Z a–z 0–9 _ -: a create sent again with the same key "
    "answers 303 to what the first one created",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$"},
}
ERROR_TEXTS = {
    "400": "Invalid parameter, body or field values (validation_failed with fields)",
    "401": "No, invalid, expired or revoked token",
    "403": "Token lacks the scope, or the user may read but not change the object",
    "404": "Not found, or outside the user's region (as in the UI)",
    "409": "A similar record exists (duplicate), the state does not allow the change, or "
    "a concurrent request wrote the same record first (conflict)",
    "412": "If-Match does not match the current version",
    "415": "Body is not JSON",
    "422": "Refused by a business rule (message says why)",
    "428": "If-Match missing",
}


def operation(
    path: str,
    summary: str,
    scope: str,
    response: str | None,
    parameters: list[dict[str, Any]] | None = None,
    *,
    method: str = "get",
    status: int = 200,
    body: str | None = None,
    etag: bool = False,
    errors: tuple[str, ...] = ("400", "401", "403", "404"),
) -> Callable[[F], F]:
    """Declare an operation of the API for the OpenAPI document."""

    def decorator(view: F) -> F:
        ok: dict[str, Any] = {"description": "OK" if status == 200 else "Created"}
        if response:
            ok["content"] = {"application/json": {"schema": _ref(response)}}
        if etag:
            ok["headers"] = {
                "ETag": {"description": "version for If-Match", "schema": {"type": "string"}}
            }
        responses: dict[str, Any] = {str(status): ok}
        if etag and method == "get":
            responses["304"] = {"description": "Not modified (If-None-Match)"}
        params = list(parameters or [])
        if status == 201:
            ok.setdefault("headers", {})["Location"] = {
                "description": "where the new object (or the timeline) is read",
                "schema": {"type": "string"},
            }
            params.append(IDEMPOTENCY_KEY)
            responses["303"] = {
                "description": "Sent again with the same Idempotency-Key: see Location",
                "headers": {"Location": {"schema": {"type": "string"}}},
            }
        codes = set(errors)
        if body:
            codes |= {"400", "415"}
        if method != "get":
            # A unique key that a concurrent request filled first (core.errors): 409.
            codes.add("409")
        for code in sorted(codes):
            responses[code] = {
                "description": ERROR_TEXTS[code],
                "content": {"application/json": {"schema": _ref("Error")}},
            }
        op: dict[str, Any] = {
            "summary": summary,
            "operationId": view.__name__,
            "security": [{"bearer": [scope]}],
            "parameters": params,
            "responses": responses,
        }
        if body:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(body)}},
            }
        OPERATIONS.append((path, method, op))
        return view

    return decorator


SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": ERROR,
    "District": DISTRICT,
    "Firm": FIRM,
    "FirmPage": page_of("Firm"),
    "FirmInput": FIRM_INPUT,
    "FirmPatch": FIRM_PATCH,
    "Person": PERSON,
    "PersonPage": page_of("Person"),
    "PersonInput": PERSON_INPUT,
    "PersonPatch": PERSON_PATCH,
    "TimelineEntry": TIMELINE_ENTRY,
    "TimelineEntryPage": page_of("TimelineEntry"),
    "NoteInput": NOTE_INPUT,
    "Case": CASE,
    "CasePage": page_of("Case"),
    "CaseDetail": CASE_DETAIL,
    "CaseInput": CASE_INPUT,
    "CasePatch": CASE_PATCH,
    "Referral": REFERRAL,
    "ReferralPage": page_of("Referral"),
    "ReferralInput": REFERRAL_INPUT,
    "ReferralStateInput": REFERRAL_STATE_INPUT,
    "FundingCheckInput": FUNDING_INPUT,
    "FundingCheckResult": FUNDING_RESULT,
    "CaseFundingCheckInput": CASE_FUNDING_INPUT,
    "CaseFundingCheckResult": CASE_FUNDING_RESULT,
}


def build_spec() -> dict[str, Any]:
    spec = APISpec(
        title="wbagentur API",
        version="1.1.0",
        openapi_version="3.1.0",
        info={
            "description": "Firms, persons, cases with their timeline, referrals and the "
            "funding check of the Weiterbildungsagentur Thüringen. Bearer tokens (personal "
            "or service) with read and write scopes; the same region scopes, business rules "
            "and audit as the UI; optimistic locking with ETag/If-Match; one error shape in "
            "German or English (Accept-Language)."
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "wba_… token"}
    )
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    paths: dict[str, dict[str, Any]] = {}
    for path, method, op in OPERATIONS:
        paths.setdefault(path, {})[method] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
