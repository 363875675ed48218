"""One way to run a state-changing view: guard, service call, one commit, one answer.

Every POST view that changes data ends in :func:`run`::

    return actions.run(
        lambda: services.add_note(current_user, case, form.body.data),
        then=_case_url(case, "#verlauf"),
        message=_("Die Notiz wurde gespeichert."),
        token=form.submission_token.data,
        refused=lambda exc: _render_detail(case, 200, note_form=form),
    )

What it does, in this order:

1. **Double-submit guard.** With a one-time ``token`` (the form's ``submission_token``) a
   second submission runs nothing and goes where the first one went.
2. **The service call** (``work``); services flush and never commit.
3. **One commit.**
4. **Errors to answers**, each after a rollback, so nothing half-done is kept:

   * :class:`ConflictError` and :class:`StaleDataError` (somebody saved the same object in
     the meantime) go to ``conflict`` or, without one, to the 409 page;
   * any other :class:`DomainError` (the use case was refused, ``str(exc)`` is the German
     message) goes to ``refused`` or, without one, to a flash and back to ``back``.

5. **Success**: the flash ``message`` and a redirect to ``then`` (POST/redirect/GET), or
   ``answer(result)`` for a step inside a longer form that must keep what was typed so far
   (a consent recorded in the middle of the referral form).

``then`` and ``message`` may be functions of the service's result, for actions whose
target exists only afterwards (a new case's page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wbagentur.core import idempotency
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.extensions import db

T = TypeVar("T")

Answer = Any
Target = str | Callable[[Any], str]


def _resolve(value: Target | None, result: Any) -> str | None:
    return value(result) if callable(value) else value


def conflict_page(exc: ConflictError, back: str | None = None) -> Answer:
    """The generic 409 page: somebody else saved first; nothing of this submission was kept."""
    return render_template("errors/409.html", error=str(exc), back=back), 409


def run(
    work: Callable[[], T],
    *,
    then: Target,
    message: Target | None = None,
    token: str | None = None,
    refused: Callable[[DomainError], Answer] | None = None,
    conflict: Callable[[ConflictError], Answer] | None = None,
    back: str | None = None,
    category: str = "success",
    answer: Callable[[Any], Answer] | None = None,
) -> Answer:
    """Run ``work`` as the request's one transaction and answer the browser.

    ``then``: where to go after success (a URL, or a function of the result).
    ``message``: the flash after success (text, or a function of the result).
    ``token``: the form's one-time submission token; a repeat runs nothing.
    ``refused``: answer for a refused use case (default: flash it, redirect to ``back``).
    ``conflict``: answer for a concurrent change (default: the 409 page).
    ``back``: where a refused action returns by default (default: ``then`` if it is a URL).
    ``answer``: the answer after success instead of the flash and the redirect to ``then``.
    """
    fixed_target = then if isinstance(then, str) else None
    if token is not None and not idempotency.claim_once(token, fixed_target):
        return redirect(idempotency.already_processed(token) or fixed_target or back or "/")
    try:
        result = work()
        if token is not None and fixed_target is None:
            idempotency.record_result(token, _resolve(then, result))
        db.session.commit()
    except (ConflictError, StaleDataError) as exc:
        db.session.rollback()
        error = (
            exc
            if isinstance(exc, ConflictError)
            else ConflictError(
                gettext("Die Angaben wurden gleichzeitig von jemand anderem geändert.")
            )
        )
        if conflict is not None:
            return conflict(error)
        return conflict_page(error, back or fixed_target)
    except IntegrityError:
        # A unique key another request filled in the meantime: the 409 handler answers.
        db.session.rollback()
        raise
    except DomainError as exc:
        db.session.rollback()
        if refused is not None:
            return refused(exc)
        flash(str(exc), "danger")
        return redirect(back or fixed_target or "/")
    if answer is not None:
        return answer(result)
    text = _resolve(message, result)
    if text:
        flash(text, category)
    target = _resolve(then, result)
    assert target is not None
    return redirect(target)
