"""What every API view shares: the token check, paging, ETags and If-Match, reading and
validating a JSON body, and running the UI's own form over it.

Request bodies are checked twice, in this order: against the request schema of the
OpenAPI document (types, enums, unknown fields; ``jsonschema``), then by the same WTForms
form the UI uses (lengths, formats, German-language messages, normalisation). The shared
service functions then apply the business rules (region, duplicates, audit). Nothing here
repeats a business rule.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from jsonschema import Draft202012Validator
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from wbagentur.api.errors import N_, ApiError, language, translate_domain
from wbagentur.api.spec import SCHEMAS
from wbagentur.api.tokens import authenticate
from wbagentur.core import audit, idempotency, numbers, pagination
from wbagentur.core.access import api_token
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.translation import gettext
from wbagentur.extensions import db

MAX_PAGE = 100_000
MAX_CURSOR_PAGE = 10**9
#: The roles that may create firms, persons and cases through the API (as in the UI).
WRITERS = ("advisor", "supervisor")

T = TypeVar("T")


def requires_scope(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Bearer token with ``scope``; sets ``g.api_user``. 401 without a live token, 403
    without the scope. The view runs in the caller's language (Accept-Language), so the
    forms' lazy messages come out in German or English."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = authenticate(request.headers.get("Authorization"))
            if token is None:
                db.session.rollback()
                raise ApiError("unauthorized")
            if scope not in token.scope_set:
                db.session.rollback()
                raise ApiError("forbidden", scope=scope)
            g.api_user = token.user
            g.api_token_id = token.id
            with force_locale(language()):
                return view(*args, **kwargs)

        return api_token(wrapper)

    return decorator


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not low <= int(raw) <= high:
        raise ApiError("invalid_parameter", param=name)
    return int(raw)


def choice_arg(name: str, allowed: Any) -> str | None:
    """An optional query parameter from a fixed list (400 otherwise)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise ApiError("invalid_parameter", param=name)
    return raw


def _python_type(kind: Any) -> type | None:
    """The Python type of a column type, through TypeDecorators (the UTC timestamps)."""
    while kind is not None:
        try:
            return kind.python_type  # type: ignore[no-any-return]
        except NotImplementedError:
            kind = getattr(kind, "impl_instance", None)
    return None


def _cursor_values(raw: str, keys: list[Any]) -> tuple[int, list[Any]]:
    """The page number and sort values a ``next_cursor`` of ``page`` carries (400 when it
    is not one: a value of another type would reach the database as a wrong literal)."""
    decoded = pagination.decode_cursor(raw, len(keys) + 1)
    if decoded is None:
        raise ApiError("invalid_parameter", param="cursor")
    number, values = decoded[0], decoded[1:]
    if not isinstance(number, int) or not 2 <= number <= MAX_CURSOR_PAGE:
        raise ApiError("invalid_parameter", param="cursor")
    for key, value in zip(keys, values, strict=True):
        expected = _python_type(key.column.type)
        if expected is None or value is None or not isinstance(value, expected):
            raise ApiError("invalid_parameter", param="cursor")
        if isinstance(value, int) and not -(2**31) <= value < 2**31:
            raise ApiError("invalid_parameter", param="cursor")
        if isinstance(value, str) and "\x00" in value:
            raise ApiError("invalid_parameter", param="cursor")
    return number, values


def page(query: sa.Select[Any]) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``query`` (ordered, ending in its id); the paging fields of the answer.

    ``cursor`` (the previous answer's ``next_cursor``) continues after that page's last
    row, whatever the position: an index walk from there, not an OFFSET that reads and
    discards every earlier row. ``page`` still works (an OFFSET) for callers of the first
    version. ``total`` counts at most ``COUNT_CAP`` + 1 rows, not the whole scope on every
    page (issue #22); ``total_is_lower_bound`` says that there are more.
    """
    per_page = int_arg("per_page", 25, 1, 100)
    keys = pagination.order_keys(query)
    raw_cursor = request.args.get("cursor")
    if raw_cursor is not None:
        if "page" in request.args:
            raise ApiError("invalid_parameter", param="page")
        number, values = _cursor_values(raw_cursor, keys)
        window = query.where(pagination.after_condition(keys, values))
    else:
        number = int_arg("page", 1, 1, MAX_PAGE)
        window = query.offset((number - 1) * per_page)
    rows = list(db.session.scalars(window.limit(per_page + 1)))
    items = rows[:per_page]
    has_more = len(rows) > per_page
    next_cursor = None
    if has_more:
        next_cursor = pagination.encode_cursor(
            [number + 1, *pagination.sort_values(items[-1], keys)]
        )
    cap = pagination.COUNT_CAP
    count = pagination.bounded_count(query, cap)
    return items, {
        "page": number,
        "per_page": per_page,
        "total": min(count, cap),
        "total_is_lower_bound": count > cap,
        "has_more": has_more,
        "next_cursor": next_cursor,
    }


def page_response(items: list[dict[str, Any]], paging: dict[str, Any]) -> ResponseReturnValue:
    return jsonify({"items": items, **paging})


# Reads of personal data are audited like the UI's (spooled, no write on the request path)
# and answered after one commit (the token's last use). The rows are serialised before
# that commit, which expires every loaded row: afterwards each item was loaded again, one
# statement per item (issue #22).


def audited_page(
    action: str, items: list[Any], paging: dict[str, Any], to_json: Callable[[Any], Any]
) -> ResponseReturnValue:
    """A list page: one audit entry for the page (with its length), then the answer."""
    audit.record_read(g.api_user, action, None, None, token=g.api_token_id, count=len(items))
    payload = [to_json(item) for item in items]
    db.session.commit()
    return page_response(payload, paging)


def audited_object(
    action: str, object_type: str, obj: Any, payload: dict[str, Any], tag: str
) -> ResponseReturnValue:
    """One object with its ETag: one audit entry for the object, then the answer."""
    audit.record_read(g.api_user, action, object_type, obj.id, token=g.api_token_id)
    db.session.commit()
    return with_etag(payload, tag)


def etag_of(kind: str, obj: Any, extra: str = "") -> str:
    """A strong ETag from the object's version column (bumped by every change)."""
    return f"{kind}-{obj.id}-v{obj.version}{extra}"


def with_etag(payload: dict[str, Any], tag: str, status: int = 200) -> ResponseReturnValue:
    response = jsonify(payload)
    response.status_code = status
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    if status == 200 and request.method == "GET":
        return response.make_conditional(request)
    return response


def require_if_match(current: str) -> None:
    """Optimistic locking: the caller must name the version it read. 428 without
    ``If-Match`` (or with ``*``, which would defeat the check), 412 when it is stale."""
    header = request.if_match
    if not request.headers.get("If-Match") or header.star_tag:
        raise ApiError("precondition_required")
    if not header.contains(current):
        raise ApiError("precondition_failed")


def json_body(schema_name: str) -> dict[str, Any]:
    """The request body as a dict, valid against the request schema (400 otherwise)."""
    if not request.is_json:
        raise ApiError("unsupported_media_type")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError("invalid_json")
    validator = Draft202012Validator(SCHEMAS[schema_name])
    fields: dict[str, list[str]] = {}
    for error in validator.iter_errors(body):
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            fields.setdefault(missing or "_", []).append(_schema_message("required"))
        elif error.validator == "additionalProperties":
            known = set(SCHEMAS[schema_name].get("properties", {}))
            for name in sorted(set(body) - known):
                fields.setdefault(name, []).append(_schema_message("unknown"))
        else:
            name = str(error.absolute_path[0]) if error.absolute_path else "_"
            fields.setdefault(name, []).append(_schema_message(str(error.validator)))
    if fields:
        raise ApiError("validation_failed", extra={"fields": fields})
    return body


_SCHEMA_MESSAGES = {
    "required": N_("Pflichtfeld."),
    "unknown": N_("Unbekanntes Feld."),
    "type": N_("Falscher Typ."),
    "enum": N_("Kein erlaubter Wert."),
    "maxLength": N_("Zu lang."),
    "minLength": N_("Darf nicht leer sein."),
    "minimum": N_("Zu klein."),
    "maximum": N_("Zu groß."),
    "minItems": N_("Bitte mindestens einen Eintrag."),
    "uniqueItems": N_("Einträge doppelt."),
}


def _schema_message(kind: str) -> str:
    with force_locale(language()):
        return gettext(_SCHEMA_MESSAGES.get(kind, N_("Ungültiger Wert.")))


def field_error(name: str, message: str) -> ApiError:
    """400 validation_failed for one field; ``message`` a German msgid (N_)."""
    with force_locale(language()):
        return ApiError("validation_failed", extra={"fields": {name: [gettext(message)]}})


def form_value(value: Any, places: int | None = None) -> Any:
    """A JSON value the way the UI's form field reads it (numbers in the current locale)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, float) or places:
        return numbers.format_number(Decimal(str(value)), places=places, grouping=False)
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def run_form(
    form_class: type,
    values: dict[str, Any],
    field_names: dict[str, str] | None = None,
    prepare: Callable[[Any], None] | None = None,
) -> Any:
    """Validate ``values`` (already form-shaped) with the UI's form; 400 with the form's
    messages per API field name (``field_names`` maps form fields to API fields)."""
    formdata: MultiDict[str, Any] = MultiDict()
    for name, value in values.items():
        if isinstance(value, list):
            for item in value:
                formdata.add(name, item)
        elif value not in ("", None):
            formdata.add(name, value)
        else:
            formdata.add(name, "")
    form = form_class(formdata=formdata, meta={"csrf": False})
    if prepare is not None:
        prepare(form)
    if not form.validate():
        names = field_names or {}
        fields = {
            names.get(name, name): [str(m) for m in messages]
            for name, messages in form.errors.items()
        }
        raise ApiError("validation_failed", extra={"fields": fields})
    return form


@contextmanager
def domain_errors() -> Iterator[None]:
    """A service's refusal in the API's shape: a conflict (somebody saved first) is 412,
    any other refusal 422 with the service's message in the caller's language."""
    try:
        yield
    except ConflictError:
        db.session.rollback()
        raise ApiError("precondition_failed") from None
    except DomainError as exc:
        db.session.rollback()
        raise ApiError("rejected", detail=translate_domain(str(exc))) from None


def load(loader: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one of the UI's scoped loaders: its 404 (outside the region) stays 404, its 403
    (visible, but read-only for this user) becomes ``read_only``."""
    try:
        return loader(*args, **kwargs)
    except HTTPException as exc:
        if exc.code == 403:
            raise ApiError("read_only") from None
        raise ApiError("not_found") from None


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def route_by_method(bp: Any, rule: str, **views: Callable[..., Any]) -> None:
    """One URL rule for several methods (e.g. GET and PATCH of ``/firms/<int:firm_id>``).

    Werkzeug checks a rule's method before its converters: with one rule per method, a
    PATCH of an id beyond the database's range met the GET rule first and was answered
    405 instead of 404. One rule per URL answers 404, as a GET does."""
    methods = {name.upper(): view for name, view in views.items()}

    def dispatch(**kwargs: Any) -> Any:
        method = "GET" if request.method == "HEAD" else request.method
        return methods[method](**kwargs)

    dispatch._access = "token"  # type: ignore[attr-defined]
    endpoint = next(iter(methods.values())).__name__
    bp.add_url_rule(rule, endpoint, dispatch, methods=list(methods))


_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def idempotency_key() -> str | None:
    """The caller's ``Idempotency-Key`` as a submission token of the UI's kind
    (``core.idempotency``), scoped to the token's user; None without the header."""
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(raw):
        raise ApiError("invalid_parameter", param="Idempotency-Key")
    return hashlib.sha256(f"api:{g.api_user.id}:{raw}".encode()).hexdigest()


def replay(key: str | None) -> ResponseReturnValue | None:
    """A create sent again with the same key: 303 to what the first one created, nothing
    created twice (a network retry, a client that did not see the first answer)."""
    done = idempotency.already_processed(key)
    if done is None:
        return None
    db.session.rollback()
    response = jsonify({})
    response.status_code = 303
    response.headers["Location"] = done
    return response


def created(payload: dict[str, Any], location: str, key: str | None, tag: str | None = None) -> Any:
    """201 with ``Location`` (and ``ETag``); the idempotency key is stored in the same
    transaction, so a concurrent twin fails on its primary key (409)."""
    if key:
        idempotency.claim(key, location)
    db.session.commit()
    return created_response(payload, location, tag)


def created_response(payload: dict[str, Any], location: str, tag: str | None = None) -> Any:
    """The answer to a create: 201 with ``Location`` (and ``ETag``); no commit."""
    response = jsonify(payload)
    response.status_code = 201
    response.headers["Location"] = location
    if tag:
        response.set_etag(tag)
    return response


def write(
    work: Callable[[], T],
    respond: Callable[[T], Any],
    *,
    roles: Collection[str] | None = None,
    needs_region: bool = False,
    idempotent: bool = False,
) -> ResponseReturnValue:
    """The frame every write endpoint shares, in this order:

    1. ``roles``: only these roles (and with ``needs_region`` only staff of a region) may
       write; anybody else gets ``read_only`` (403);
    2. ``idempotent``: the ``Idempotency-Key`` header; a create sent again with the same
       key is a 303 to what the first one created, nothing runs twice;
    3. ``work``: the body checks and the service calls; a service's refusal is 412 or 422
       (:func:`domain_errors`);
    4. ``respond``: the answer, from the result of ``work``;
    5. one commit, with the idempotency key stored in the same transaction (at the
       answer's ``Location``), so a concurrent twin fails on its primary key (409).
    """
    user = g.api_user
    if roles is not None and (user.role not in roles or (needs_region and user.region_id is None)):
        raise ApiError("read_only")
    key = idempotency_key() if idempotent else None
    if (earlier := replay(key)) is not None:
        return earlier
    with domain_errors():
        result = work()
    response = respond(result)
    if key:
        idempotency.claim(key, response.headers["Location"])
    db.session.commit()
    return response
