"""One error shape for every answer of /api/v1 that is not a success, in German or English
(``Accept-Language``; German by default):

    {"error": {"status": 400, "code": "validation_failed", "message": "…",
               "fields": {"postcode": ["…"]}}}

``fields`` (400 validation_failed: the field names of the request body or query),
``duplicates`` (409 duplicate) and ``allowed`` (405) appear only where they apply. The
routing errors of unknown /api/v1 URLs (404, 405) and unexpected server errors come here
too, through ``core.errors`` (``http_error_response``), so that no HTML page is ever
answered below /api/v1.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from wbagentur.core.translation import gettext

PREFIX = "/api/v1"


def N_(message: str) -> str:  # noqa: N802 - Babel's default marker for deferred messages
    """Mark a message for extraction; it is translated when the answer is built."""
    return message


MESSAGES: dict[str, tuple[int, str]] = {
    "bad_request": (400, N_("Die Anfrage ist ungültig.")),
    "invalid_parameter": (400, N_("Ungültiger Parameter „%(param)s“.")),
    "invalid_json": (400, N_("Bitte senden Sie ein JSON-Objekt (Content-Type: application/json).")),
    "validation_failed": (400, N_("Bitte prüfen Sie die markierten Felder.")),
    "unauthorized": (
        401,
        N_("Anmeldung fehlt, oder das Token ist ungültig, abgelaufen oder widerrufen."),
    ),
    "forbidden": (403, N_("Dem Token fehlt die Berechtigung „%(scope)s“.")),
    "read_only": (403, N_("Sie dürfen dies sehen, aber nicht ändern.")),
    "not_found": (404, N_("Nicht gefunden.")),
    "method_not_allowed": (405, N_("Diese Methode ist hier nicht erlaubt.")),
    "duplicate": (
        409,
        N_(
            "Es gibt schon einen ähnlichen Eintrag. Prüfen Sie die Liste; mit "
            "„confirm_new“: true wird trotzdem neu angelegt."
        ),
    ),
    "conflict": (409, "%(detail)s"),
    "precondition_failed": (
        412,
        N_(
            "Der Eintrag wurde inzwischen geändert (ETag stimmt nicht mehr). Bitte laden Sie "
            "ihn neu und wiederholen Sie die Änderung."
        ),
    ),
    "payload_too_large": (413, N_("Die Anfrage ist zu groß.")),
    "unsupported_media_type": (415, N_("Bitte senden Sie JSON (Content-Type: application/json).")),
    "rejected": (422, "%(detail)s"),
    "precondition_required": (
        428,
        N_(
            "Für Änderungen ist der Kopf „If-Match“ mit dem ETag der zuletzt gelesenen "
            "Fassung nötig."
        ),
    ),
    "too_many_requests": (429, N_("Zu viele Anfragen. Bitte warten Sie kurz.")),
    "internal_error": (500, N_("Ein interner Fehler ist aufgetreten (Vorfall %(incident)s).")),
    "service_unavailable": (
        503,
        N_("Vorübergehend nicht erreichbar. Bitte versuchen Sie es später erneut."),
    ),
}
CODES = tuple(MESSAGES)
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "read_only",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    428: "precondition_required",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}

# English for the German messages the shared services raise (DomainError) and the API
# passes on (422). The services do not mark them for translation (they are plain German
# text for the UI's flash messages), so the API keeps their English here; an unknown
# message stays German, the users' language.
DOMAIN_ENGLISH = {
    "Bitte wählen Sie den Landkreis oder die kreisfreie Stadt.": (
        "Please choose the district or independent city."
    ),
    "Bitte wählen Sie einen Kreis Ihrer Planungsregion. Unternehmen anderer Regionen legt die "
    "dortige Kontaktstelle an.": (
        "Please choose a district of your planning region. Firms of other regions are created "
        "by the contact point there."
    ),
    "Das Unternehmen wurde inzwischen von jemand anderem geändert. Bitte prüfen Sie die "
    "aktuellen Angaben und speichern Sie erneut.": (
        "The firm was changed by somebody else in the meantime. Please check the current data "
        "and save again."
    ),
    "Die Person wurde inzwischen von jemand anderem geändert. Bitte prüfen Sie die aktuellen "
    "Angaben und speichern Sie erneut.": (
        "The person was changed by somebody else in the meantime. Please check the current "
        "data and save again."
    ),
    "Der Fall wurde inzwischen von jemand anderem geändert. Bitte prüfen Sie die aktuellen "
    "Angaben und speichern Sie erneut.": (
        "The case was changed by somebody else in the meantime. Please check the current data "
        "and save again."
    ),
    "Bitte geben Sie einen Wohnort (Kreis) in Ihrer Planungsregion oder einen Arbeitgeber an, "
    "den Sie sehen dürfen – sonst wäre die Person für Sie nicht mehr auffindbar.": (
        "Please give a residence district in your planning region or an employer you may see "
        "– otherwise you could no longer find the person."
    ),
    "Bitte geben Sie einen Text ein.": "Please enter a text.",
    "Bitte wählen Sie eine aktive Partnerstelle.": "Please choose an active partner.",
    "Unbekanntes Förderprogramm.": "Unknown funding programme.",
    "Bitte wählen Sie mindestens eine Datenkategorie, die weitergegeben wird.": (
        "Please choose at least one category of data to pass on."
    ),
    "Bitte geben Sie den Zweck der Weiterleitung an.": "Please state the purpose of the referral.",
    "Die gewählte Einwilligung ist widerrufen oder gilt nicht für diese Partnerstelle. Bitte "
    "wählen Sie eine gültige Einwilligung oder geben Sie eine Rechtsgrundlage an.": (
        "The chosen consent was withdrawn or does not cover this partner. Please choose a "
        "valid consent or state a legal basis."
    ),
    "Ohne Einwilligung oder dokumentierte Rechtsgrundlage darf nichts weitergegeben werden. "
    "Bitte wählen Sie eine Einwilligung oder geben Sie die Rechtsgrundlage an.": (
        "Nothing may be passed on without consent or a documented legal basis. Please choose "
        "a consent or state the legal basis."
    ),
    "Die Antwortfrist muss zwischen 1 und 60 Arbeitstagen liegen.": (
        "The answer period must be between 1 and 60 working days."
    ),
    "Die Partnerstelle ist nicht mehr aktiv.": "The partner is no longer active.",
    "Eine Unternehmensberatung braucht ein Unternehmen.": "A firm case needs a firm.",
    "Eine Individualberatung braucht eine Person.": "An individual case needs a person.",
}


class ApiError(Exception):
    """Raised anywhere in an API view; answered in the one error shape."""

    def __init__(self, code: str, *, extra: dict[str, Any] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.extra = extra or {}


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def language() -> str:
    return request.accept_languages.best_match(["de", "en"], default="de") or "de"


def translate_domain(message: str) -> str:
    """A service's German message in the caller's language."""
    if language() == "en":
        return DOMAIN_ENGLISH.get(" ".join(message.split()), message)
    return message


def error_response(
    code: str, extra: dict[str, Any] | None = None, **params: Any
) -> ResponseReturnValue:
    status, msgid = MESSAGES[code]
    with force_locale(language()):
        message = gettext(msgid, **params) if msgid != "%(detail)s" else str(params["detail"])
    body: dict[str, Any] = {"status": status, "code": code, "message": message, **(extra or {})}
    response = jsonify({"error": body})
    response.status_code = status
    response.headers["Content-Language"] = language()
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wbagentur"'
    return response


def http_error_response(
    status: int, headers: dict[str, str], error: Any = None, incident: str | None = None
) -> Any:
    """The answer of core.errors for a request below /api/v1: an HTTP error raised by the
    router (unknown URL, wrong method), a loader (404) or an unexpected exception."""
    code = STATUS_CODES.get(status)
    if code is None:
        code = "bad_request" if 400 <= status < 500 else "internal_error"
    params: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if code == "internal_error":
        params["incident"] = incident or "–"
    if code == "conflict":
        with force_locale(language()):
            params["detail"] = gettext(
                "Der Eintrag wurde gleichzeitig geändert. Bitte laden Sie ihn neu."
            )
    response = error_response(code, extra, **params)
    allow = None
    if error is not None and hasattr(error, "get_headers"):
        allow = dict(error.get_headers()).get("Allow")
    if code == "method_not_allowed" and allow:
        response.headers["Allow"] = allow  # type: ignore[union-attr]
    for name, value in headers.items():
        response.headers[name] = value  # type: ignore[union-attr]
    return response
