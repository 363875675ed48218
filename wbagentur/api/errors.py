"""One error shape for the API, in German or English (``Accept-Language``):
``{"error": {"status": 404, "code": "not_found", "message": "…"}}``."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

MESSAGES: dict[str, tuple[str, str]] = {
    "unauthorized": (
        "Anmeldung fehlt, oder das Token ist ungültig, abgelaufen oder widerrufen.",
        "Authentication is missing, or the token is invalid, expired or revoked.",
    ),
    "forbidden": (
        "Dem Token fehlt die Berechtigung „{scope}“.",
        'The token lacks the scope "{scope}".',
    ),
    "not_found": ("Nicht gefunden.", "Not found."),
    "bad_request": (
        "Ungültiger Parameter „{param}“.",
        'Invalid parameter "{param}".',
    ),
}
STATUS = {"unauthorized": 401, "forbidden": 403, "not_found": 404, "bad_request": 400}


class ApiError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def language() -> str:
    return request.accept_languages.best_match(["de", "en"], default="de") or "de"


def error_response(code: str, **params: Any) -> ResponseReturnValue:
    german, english = MESSAGES[code]
    message = (english if language() == "en" else german).format(**params)
    status = STATUS[code]
    response = jsonify({"error": {"status": status, "code": code, "message": message}})
    response.status_code = status
    response.headers["Content-Language"] = language()
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wbagentur"'
    return response
