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

5. **Success**: the flash ``message``, then ``done`` (what may happen only once the data is
   stored: forget a temporary file, remember a reference in the session, further flashes),
   and a redirect to ``then`` (POST/redirect/GET) with ``code``.

``then`` and ``message`` may be functions of the service's result, for actions whose
target exists only afterwards (a new case's page).

Three options for the views that do not end in a redirect:

* ``answer``: a function of the result that gives the answer after the commit instead of the
  redirect to ``then`` (a one-time page such as new recovery codes, a file download whose
  audit entry is the change, a session cookie set only once the sign-in is committed);
* ``refusals``: the exception classes that count as a refused use case (default
  :class:`DomainError`; the accounts services raise ``AccountError``);
* ``keep_refused``: commit instead of rolling back when the use case is refused, for a
  failed sign-in or password attempt that must stay recorded to feed the throttle.

A form whose repeat must not even be validated (it would meet what the first submission
created as a duplicate) asks :func:`repeated` first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wbagentur.core import idempotency
from wbagentur.core.errors import is_unique_violation
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.core.translation import gettext
from wbagentur.extensions import db

T = TypeVar("T")

Answer = Any
Target = str | Callable[[Any], str]


def _resolve(value: Target | None, result: Any) -> str | None:
    return value(result) if callable(value) else value


def conflict_page(exc: ConflictError, back: str | None = None) -> Answer:
    """The generic 409 page: somebody else saved first; nothing of this submission was kept."""
    return render_template("errors/409.html", error=str(exc), back=back), 409


def repeated(token: str | None, code: int = 302) -> Answer | None:
    """The redirect to where an earlier submission with ``token`` went, or None.

    For forms that must recognise a repeat before validating it: a resent create form
    would otherwise meet what the first submission created as a duplicate.
    """
    earlier = idempotency.already_processed(token or None)
    return redirect(earlier, code=code) if earlier else None


def run(
    work: Callable[[], T],
    *,
    then: Target | None = None,
    message: Target | None = None,
    token: str | None = None,
    refused: Callable[[Any], Answer] | None = None,
    conflict: Callable[[ConflictError], Answer] | None = None,
    back: str | None = None,
    category: str = "success",
    answer: Callable[[Any], Answer] | None = None,
    refusals: tuple[type[Exception], ...] = (DomainError,),
    keep_refused: bool = False,
    code: int = 302,
    race: str | None = None,
    done: Callable[[Any], None] | None = None,
) -> Answer:
    """Run ``work`` as the request's one transaction and answer the browser.

    ``then``: where to go after success (a URL, or a function of the result).
    ``message``: the flash after success (text, or a function of the result).
    ``token``: the form's one-time submission token; a repeat runs nothing.
    ``refused``: answer for a refused use case (default: flash it, redirect to ``back``).
    ``conflict``: answer for a concurrent change (default: the 409 page).
    ``back``: where a refused action returns by default (default: ``then`` if it is a URL).
    ``answer``: the answer after success instead of the redirect (a function of the result).
    ``refusals``: the exception classes of a refused use case (default: ``DomainError``).
    ``keep_refused``: commit what the refused work recorded (a failed attempt) instead of
    rolling it back.
    ``code``: the status of the redirects (303 for public forms).
    ``race``: the conflict message when the database itself refuses a concurrent save (a
    stale row version, or a unique key the other save filled first); with it, a unique-key
    collision is a conflict too instead of the generic 409 page.
    ``done``: called with the result after the commit and the message.
    """
    if then is None and answer is None:
        raise TypeError("actions.run needs `then` or `answer`")
    fixed_target = then if isinstance(then, str) else None
    if token is not None and not idempotency.claim_once(token, fixed_target):
        earlier = idempotency.already_processed(token) or fixed_target or back or "/"
        return redirect(earlier, code=code)
    try:
        result = work()
        if token is not None and fixed_target is None:
            idempotency.record_result(token, _resolve(then, result))
        db.session.commit()
    except (ConflictError, StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        error = _as_conflict(exc, race)
        return conflict(error) if conflict else conflict_page(error, back or fixed_target)
    except refusals as exc:
        if keep_refused:
            db.session.commit()
        else:
            db.session.rollback()
        if refused is not None:
            return refused(exc)
        flash(str(exc), "danger")
        return redirect(back or fixed_target or "/", code=code)
    return _succeeded(result, then, message, category, done, answer, code)


def _as_conflict(exc: Exception, race: str | None) -> ConflictError:
    """The conflict a failed save stands for; re-raises a unique-key collision the view did
    not expect (no ``race`` message): the 409 handler answers it."""
    if isinstance(exc, ConflictError):
        return exc
    if isinstance(exc, IntegrityError) and (race is None or not is_unique_violation(exc)):
        raise exc
    return ConflictError(
        race or gettext("Die Angaben wurden gleichzeitig von jemand anderem geändert.")
    )


def _succeeded(
    result: Any,
    then: Target | None,
    message: Target | None,
    category: str,
    done: Callable[[Any], None] | None,
    answer: Callable[[Any], Answer] | None,
    code: int,
) -> Answer:
    text = _resolve(message, result)
    if text:
        flash(text, category)
    if done is not None:
        done(result)
    if answer is not None:
        return answer(result)
    target = _resolve(then, result)
    assert target is not None
    return redirect(target, code=code)
