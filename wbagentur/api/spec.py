"""The OpenAPI 3.1 document, built with apispec from what the views declare.

Each view registers its operation with ``@operation`` (path, scope, parameters, response
schema) next to its code, so the document cannot drift from the routes; tests compare it
with the URL map."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from apispec import APISpec

F = TypeVar("F", bound=Callable[..., Any])

OPERATIONS: list[tuple[str, str, dict[str, Any]]] = []

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {
                    "type": "string",
                    "enum": ["unauthorized", "forbidden", "not_found", "bad_request"],
                },
                "message": {"type": "string", "description": "German or English (Accept-Language)"},
            },
        }
    },
}
DISTRICT = {
    "type": "object",
    "required": ["key", "name"],
    "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
}
FIRM = {
    "type": "object",
    "required": ["id", "name", "district", "version"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "legal_form": {"type": ["string", "null"]},
        "register_number": {"type": ["string", "null"]},
        "postcode": {"type": ["string", "null"]},
        "city": {"type": ["string", "null"]},
        "district": {"$ref": "#/components/schemas/District"},
        "version": {"type": "integer"},
    },
}
PERSON = {
    "type": "object",
    "required": ["id", "first_name", "last_name", "version"],
    "properties": {
        "id": {"type": "integer"},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "birth_date": {"type": ["string", "null"], "format": "date"},
        "email": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"]},
        "employer_id": {"type": ["integer", "null"]},
        "residence_district": {"type": ["string", "null"]},
        "version": {"type": "integer"},
    },
}
TIMELINE_ENTRY = {
    "type": "object",
    "required": ["id", "kind", "at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
        "body": {"type": ["string", "null"]},
        "contact_channel": {"type": ["string", "null"]},
        "duration_minutes": {"type": ["integer", "null"]},
    },
}
CASE = {
    "type": "object",
    "required": ["id", "reference", "region", "kind", "status", "opened_at", "version"],
    "properties": {
        "id": {"type": "integer"},
        "reference": {"type": "string"},
        "region": {"type": "string"},
        "kind": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "string"},
        "priority": {"type": "string"},
        "firm_id": {"type": ["integer", "null"]},
        "person_id": {"type": ["integer", "null"]},
        "opened_at": {"type": "string", "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "version": {"type": "integer"},
    },
}
CASE_DETAIL = {
    "allOf": [
        {"$ref": "#/components/schemas/Case"},
        {
            "type": "object",
            "required": ["timeline"],
            "properties": {
                "timeline": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/TimelineEntry"},
                }
            },
        },
    ]
}


def page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
        },
    }


PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
    },
]


def operation(
    path: str,
    summary: str,
    scope: str,
    response: str,
    parameters: list[dict[str, Any]] | None = None,
    etag: bool = False,
) -> Callable[[F], F]:
    """Declare a GET operation of the API for the OpenAPI document."""

    def decorator(view: F) -> F:
        ok: dict[str, Any] = {
            "description": "OK",
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{response}"}}
            },
        }
        if etag:
            ok["headers"] = {"ETag": {"schema": {"type": "string"}}}
        responses = {"200": ok}
        for status, text in (
            ("400", "Bad request"),
            ("401", "Unauthorized"),
            ("403", "Forbidden"),
            ("404", "Not found"),
        ):
            responses[status] = {
                "description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        OPERATIONS.append(
            (
                path,
                "get",
                {
                    "summary": summary,
                    "operationId": view.__name__,
                    "security": [{"bearer": [scope]}],
                    "parameters": parameters or [],
                    "responses": responses,
                },
            )
        )
        return view

    return decorator


def build_spec() -> dict[str, Any]:
    spec = APISpec(
        title="wbagentur API",
        version="1.0.0",
        openapi_version="3.1.0",
        info={
            "description": "Firms, persons and cases of the Weiterbildungsagentur Thüringen, "
            "read-only. Bearer tokens (personal or service), scoped; the same region scopes "
            "as the UI."
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "wba_… token"}
    )
    for name, schema in (
        ("Error", ERROR),
        ("District", DISTRICT),
        ("Firm", FIRM),
        ("FirmPage", page_of("Firm")),
        ("Person", PERSON),
        ("PersonPage", page_of("Person")),
        ("TimelineEntry", TIMELINE_ENTRY),
        ("Case", CASE),
        ("CasePage", page_of("Case")),
        ("CaseDetail", CASE_DETAIL),
    ):
        spec.components.schema(name, schema)
    for path, method, op in OPERATIONS:
        spec.path(path=path, operations={method: op})
    return spec.to_dict()
