"""Single sign-on with OpenID Connect (issue #21 item 2; docs/operations.md).

The application is a confidential client of the agency's identity provider (Keycloak or
another OpenID provider) through Authlib's Flask client: authorisation code flow with
PKCE, the ID token checked against the provider's keys, issuer and nonce.

* **Role and region from claims**: ``map_access`` turns the claims into a role and a
  planning region by configuration (``OIDC_ROLE_MAP``, ``OIDC_REGION_MAP``); it is a plain
  function without a request or database.
* **Provisioning**: the first sign-in creates the account (or links an existing one with
  the same verified e-mail address); every later sign-in updates role, region, name and
  e-mail from the claims. Accounts created this way have no usable password.
* **Deactivation at the provider ends access at the next request**: the session row keeps
  the provider's refresh token (encrypted); when its last confirmation is older than
  ``OIDC_REVALIDATE_SECONDS``, ``revalidate_session`` refreshes the token (or, without a
  refresh token, asks the userinfo endpoint). A refusal ends the session.
* **Second factor**: an SSO sign-in is the provider's responsibility (its MFA policy);
  the TOTP gate of ``TOTP_REQUIRED_ROLES`` does not apply to SSO sessions.

Services flush and never commit, except ``revalidate_session``, which runs before the
view in the user loader and must not hold a transaction open while it waits for the
provider.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
import sqlalchemy as sa
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app

from wbagentur.accounts import secretbox
from wbagentur.accounts.models import User, UserSession
from wbagentur.accounts.services import AccountError, session_row, user_by_email
from wbagentur.core import audit
from wbagentur.core.config import ConfigError
from wbagentur.core.database import rowcount
from wbagentur.core.models import utcnow
from wbagentur.core.translation import lazy_gettext as _l
from wbagentur.extensions import db
from wbagentur.regions.models import ContactPoint, Region

logger = logging.getLogger(__name__)

ROLES_BY_RANK = ("admin", "coordinator", "supervisor", "advisor")
REGIONAL_ROLES = ("advisor", "supervisor")
# Not an argon2 hash: no password ever verifies against it (passwords.verify_password).
UNUSABLE_PASSWORD = "!sso-only"  # noqa: S105 (a marker, not a password)
CLIENT_NAME = "idp"


class SsoRefused(AccountError):
    """The provider's answer does not admit the person; ``str`` is a (German) message and
    ``reason`` a code for the audit trail."""

    def __init__(self, message: Any, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


NO_ROLE = _l(
    "Ihr Konto beim Anmeldedienst hat keine Rolle in der Fallverwaltung. Bitte wenden Sie "
    "sich an die Administration."
)
NO_REGION = _l(
    "Ihr Konto beim Anmeldedienst ist keiner Region zugeordnet. Berater/innen und Leitungen "
    "brauchen genau eine Region. Bitte wenden Sie sich an die Administration."
)
SEVERAL_REGIONS = _l(
    "Ihr Konto beim Anmeldedienst ist mehreren Regionen zugeordnet. Berater/innen und "
    "Leitungen brauchen genau eine Region. Bitte wenden Sie sich an die Administration."
)
NO_EMAIL = _l(
    "Der Anmeldedienst hat keine E-Mail-Adresse übermittelt. Bitte wenden Sie sich an die "
    "Administration."
)
EMAIL_TAKEN = _l(
    "Für Ihre E-Mail-Adresse gibt es bereits ein Konto, das nicht mit dem Anmeldedienst "
    "verbunden ist. Bitte wenden Sie sich an die Administration."
)
DEACTIVATED = _l("Ihr Konto in der Fallverwaltung ist deaktiviert.")
NO_CONTACT_POINT = _l(
    "Für Ihre Region gibt es keine Kontaktstelle. Bitte wenden Sie sich an die Administration."
)
FAILED = _l("Die Anmeldung über Single Sign-on ist fehlgeschlagen. Bitte versuchen Sie es erneut.")
UNREACHABLE = _l(
    "Der Anmeldedienst ist nicht erreichbar. Bitte versuchen Sie es später noch einmal."
)
CANCELLED = _l("Die Anmeldung wurde beim Anmeldedienst abgebrochen.")
SESSION_ENDED = _l(
    "Ihre Sitzung wurde beendet, weil der Anmeldedienst Ihre Anmeldung nicht mehr bestätigt "
    "(zum Beispiel, weil Ihr Konto dort deaktiviert wurde). Bitte melden Sie sich erneut an."
)


# --- Configuration ---


def is_enabled(config: Mapping[str, Any] | None = None) -> bool:
    """True when single sign-on is configured (issuer or discovery URL, and a client id)."""
    cfg = config if config is not None else current_app.config
    return bool(
        (cfg.get("OIDC_ISSUER") or cfg.get("OIDC_DISCOVERY_URL")) and cfg.get("OIDC_CLIENT_ID")
    )


def local_passwords_enabled(config: Mapping[str, Any] | None = None) -> bool:
    cfg = config if config is not None else current_app.config
    return bool(cfg.get("LOCAL_PASSWORDS_ENABLED", True))


def discovery_url(config: Mapping[str, Any]) -> str:
    url = config.get("OIDC_DISCOVERY_URL")
    if url:
        return str(url)
    return str(config["OIDC_ISSUER"]).rstrip("/") + "/.well-known/openid-configuration"


def config_problems(config: Mapping[str, Any]) -> list[str]:
    """What is wrong with the SSO settings (checked when the app starts)."""
    problems = []
    if not local_passwords_enabled(config) and not is_enabled(config):
        problems.append(
            "LOCAL_PASSWORDS_ENABLED = False needs single sign-on: set OIDC_ISSUER and "
            "OIDC_CLIENT_ID (otherwise nobody can sign in)"
        )
    if not is_enabled(config):
        return problems
    if not config.get("OIDC_CLIENT_SECRET"):
        problems.append("OIDC_CLIENT_SECRET is required with OIDC_CLIENT_ID")
    if "openid" not in str(config.get("OIDC_SCOPES") or "").split():
        problems.append("OIDC_SCOPES must contain 'openid'")
    role_map = config.get("OIDC_ROLE_MAP") or {}
    if not isinstance(role_map, Mapping) or not role_map:
        problems.append("OIDC_ROLE_MAP must map claim values to roles (a JSON object)")
    else:
        bad = sorted({str(r) for r in role_map.values()} - set(ROLES_BY_RANK))
        if bad:
            problems.append(f"OIDC_ROLE_MAP names unknown roles {bad}; use {list(ROLES_BY_RANK)}")
    region_map = config.get("OIDC_REGION_MAP") or {}
    if not isinstance(region_map, Mapping):
        problems.append("OIDC_REGION_MAP must map claim values to region codes (a JSON object)")
    if config.get("ENV_NAME") == "production":
        issuer = str(config.get("OIDC_ISSUER") or config.get("OIDC_DISCOVERY_URL"))
        if not issuer.startswith("https://"):
            problems.append("Production needs an https:// OIDC_ISSUER")
    return problems


def init_app(app: Any) -> None:
    """Refuse to start with unusable SSO settings (called when the blueprint registers)."""
    problems = config_problems(app.config)
    if problems:
        raise ConfigError("; ".join(problems))


def client() -> Any:
    """The Authlib client of this app for the configured provider.

    Registered on first use and again when the settings change (the tests point the app
    at a provider they start); the provider's metadata and keys are cached on it.
    """
    cfg = current_app.config
    key = (
        discovery_url(cfg),
        cfg.get("OIDC_CLIENT_ID"),
        cfg.get("OIDC_CLIENT_SECRET"),
        cfg.get("OIDC_SCOPES"),
        cfg.get("OIDC_TIMEOUT_SECONDS"),
    )
    cached = current_app.extensions.get("wbagentur.oidc")
    if cached is not None and cached[0] == key:
        return cached[1]
    oauth = OAuth(current_app._get_current_object())  # type: ignore[attr-defined]
    registered = oauth.register(
        CLIENT_NAME,
        client_id=cfg["OIDC_CLIENT_ID"],
        client_secret=cfg["OIDC_CLIENT_SECRET"],
        server_metadata_url=discovery_url(cfg),
        client_kwargs={
            "scope": cfg["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "default_timeout": float(cfg.get("OIDC_TIMEOUT_SECONDS") or 10),
        },
    )
    current_app.extensions["wbagentur.oidc"] = (key, registered)
    return registered


# --- Claims to role and region (plain functions) ---


@dataclass(frozen=True)
class Access:
    """What the claims grant: a role and, for advisors and supervisors, a region code."""

    role: str
    region_code: str | None


def claim_values(claims: Mapping[str, Any], path: str) -> list[str]:
    """The string values of a claim; ``path`` may reach into nested objects with dots
    (``realm_access.roles``). A single string counts as one value; anything else (numbers,
    objects, a missing claim) as none."""
    value: Any = claims
    for part in str(path or "").split("."):
        if not isinstance(value, Mapping) or part not in value:
            return []
        value = value[part]
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return [v for v in value if isinstance(v, str)]
    return []


def map_access(
    claims: Mapping[str, Any],
    *,
    role_claim: str,
    role_map: Mapping[str, str],
    region_claim: str,
    region_map: Mapping[str, str],
) -> Access:
    """Role and region for a set of claims, or ``SsoRefused`` with a German message.

    Several mapped roles: the highest counts (admin > coordinator > supervisor > advisor).
    Advisors and supervisors need exactly one mapped region; the state-wide roles get none.
    """
    roles = {role_map[v] for v in claim_values(claims, role_claim) if v in role_map}
    ranked = [r for r in ROLES_BY_RANK if r in roles]
    if not ranked:
        raise SsoRefused(NO_ROLE, "no_role")
    role = ranked[0]
    if role not in REGIONAL_ROLES:
        return Access(role, None)
    regions = {region_map[v] for v in claim_values(claims, region_claim) if v in region_map}
    if not regions:
        raise SsoRefused(NO_REGION, "no_region")
    if len(regions) > 1:
        raise SsoRefused(SEVERAL_REGIONS, "several_regions")
    return Access(role, regions.pop())


def access_from_config(claims: Mapping[str, Any], config: Mapping[str, Any]) -> Access:
    return map_access(
        claims,
        role_claim=config["OIDC_ROLE_CLAIM"],
        role_map=config.get("OIDC_ROLE_MAP") or {},
        region_claim=config["OIDC_REGION_CLAIM"],
        region_map=config.get("OIDC_REGION_MAP") or {},
    )


# --- Provisioning ---


def _first(claims: Mapping[str, Any], path: str) -> str:
    values = claim_values(claims, path)
    return values[0].strip() if values else ""


def _contact_point_for(region_code: str, current: ContactPoint | None) -> ContactPoint:
    """The contact point of a region: the account's own if it lies there, else the first."""
    if current is not None and current.region.code == region_code:
        return current
    found = db.session.scalar(
        sa.select(ContactPoint)
        .join(Region)
        .where(Region.code == region_code)
        .order_by(ContactPoint.id)
        .limit(1)
    )
    if found is None:
        raise SsoRefused(NO_CONTACT_POINT, "no_contact_point")
    return found


def _refuse(exc: SsoRefused, user_id: int | None = None) -> SsoRefused:
    audit.record(None, "login.sso_refused", "user", user_id, reason=exc.reason)
    return exc


def sign_in_from_claims(claims: Mapping[str, Any], config: Mapping[str, Any]) -> User:
    """Find, link or create the account of verified claims and bring role, region, name and
    e-mail up to date. Raises ``SsoRefused`` (and audits the refusal)."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise _refuse(SsoRefused(FAILED, "no_subject"))
    user = db.session.scalar(sa.select(User).where(User.oidc_subject == subject))
    try:
        access = access_from_config(claims, config)
    except SsoRefused as exc:
        raise _refuse(exc, user.id if user else None) from None
    email = _first(claims, config["OIDC_EMAIL_CLAIM"]).lower()[:254]
    name = (
        _first(claims, config["OIDC_NAME_CLAIM"])
        or _first(claims, "preferred_username")
        or email.split("@")[0]
    )[:100]
    if user is None:
        existing = user_by_email(email) if email else None
        if existing is not None:
            if (
                existing.oidc_subject is not None
                or not config.get("OIDC_LINK_BY_EMAIL", True)
                or claims.get("email_verified") is not True
            ):
                raise _refuse(SsoRefused(EMAIL_TAKEN, "email_taken"), existing.id)
            # From now on the provider decides: the old password stops working, so that a
            # deactivation at the provider cannot be side-stepped with it.
            existing.oidc_subject = subject
            existing.password_hash = UNUSABLE_PASSWORD
            user = existing
            audit.record(None, "user.sso_link", "user", user.id)
        else:
            if not email:
                raise _refuse(SsoRefused(NO_EMAIL, "no_email"))
            user = User(
                email=email,
                display_name=name or email,
                role=access.role,
                password_hash=UNUSABLE_PASSWORD,
                oidc_subject=subject,
            )
            if access.region_code:
                user.contact_point = _contact_point_for(access.region_code, None)
            db.session.add(user)
            db.session.flush()
            audit.record(None, "user.create", "user", user.id, role=user.role, via="oidc")
            return user
    if not user.is_active:
        raise _refuse(SsoRefused(DEACTIVATED, "inactive"), user.id)
    _apply(user, access, email=email, name=name)
    return user


def _apply(user: User, access: Access, *, email: str, name: str) -> None:
    """Bring the account in line with the claims; audit what changed (ids and codes only)."""
    changes: dict[str, Any] = {}
    contact_point = (
        _contact_point_for(access.region_code, user.contact_point) if access.region_code else None
    )
    new_cp_id = contact_point.id if contact_point else None
    if user.role != access.role:
        changes["role"] = [user.role, access.role]
        user.role = access.role
    if user.contact_point_id != new_cp_id:
        changes["contact_point_id"] = [user.contact_point_id, new_cp_id]
        user.contact_point = contact_point
    if name and user.display_name != name:
        user.display_name = name
        changes["display_name"] = True
    if email and user.email != email and user_by_email(email) is None:
        user.email = email
        changes["email"] = True
    if changes:
        db.session.flush()
        audit.record(None, "user.sso_update", "user", user.id, **changes)


def claims_of(token: Mapping[str, Any]) -> dict[str, Any]:
    """The ID token's claims (Authlib has checked signature, issuer, audience and nonce),
    completed by the userinfo endpoint where the provider puts claims only there."""
    id_claims = dict(token.get("userinfo") or {})
    if not id_claims.get("sub"):
        raise SsoRefused(FAILED, "no_id_token")
    try:
        extra = dict(client().userinfo(token=token))
    except (requests.RequestException, OAuthError, KeyError, ValueError):
        extra = {}
    if extra.get("sub") == id_claims["sub"]:
        return {**extra, **id_claims}
    return id_claims


# --- Tokens on the session and revalidation ---


def attach_tokens(session_token: str, token: Mapping[str, Any]) -> None:
    """Keep the provider's tokens (encrypted) with a freshly opened session."""
    row = session_row(session_token)
    if row is None:  # pragma: no cover - the session was opened in this transaction
        return
    _store(row, token)
    row.oidc_checked_at = utcnow()


def _store(row: UserSession, token: Mapping[str, Any]) -> None:
    refresh = token.get("refresh_token")
    access = token.get("access_token")
    if refresh:
        row.oidc_refresh_token = secretbox.encrypt(str(refresh))
    if access:
        row.oidc_access_token = secretbox.encrypt(str(access))


class ProviderRefused(Exception):
    """The provider no longer confirms the sign-in (or cannot be asked)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ask_provider(row: UserSession) -> dict[str, Any]:
    """Refresh the tokens (or, without a refresh token, call userinfo); the new tokens."""
    try:
        refresh = secretbox.decrypt(row.oidc_refresh_token) if row.oidc_refresh_token else None
        access = secretbox.decrypt(row.oidc_access_token) if row.oidc_access_token else None
    except secretbox.TotpSecretUnreadable:
        raise ProviderRefused("token_unreadable") from None
    idp = client()
    try:
        if refresh:
            return dict(idp.fetch_access_token(grant_type="refresh_token", refresh_token=refresh))
        if access:
            idp.userinfo(token={"access_token": access, "token_type": "Bearer"})
            return {}
    except OAuthError as exc:
        raise ProviderRefused(f"refused:{exc.error}") from None
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else 0
        raise ProviderRefused(f"refused:http_{status}") from None
    except requests.RequestException:
        raise ProviderRefused("unreachable") from None
    raise ProviderRefused("no_token")


def revalidate_session(session_token: str | None) -> bool:
    """Ask the provider whether an SSO session may go on; False ends it (deleted, audited).

    Password sessions and sessions confirmed within ``OIDC_REVALIDATE_SECONDS`` pass
    without a request to the provider. Of parallel requests of one session only the one
    that claims the check (compare-and-set on ``oidc_checked_at``) asks; the others pass.
    Commits: the claim before the provider is asked, the outcome after.
    """
    row = session_row(session_token)
    if row is None or row.oidc_checked_at is None:
        return True
    now = utcnow()
    interval = timedelta(seconds=int(current_app.config.get("OIDC_REVALIDATE_SECONDS") or 0))
    if interval and now - row.oidc_checked_at < interval:
        return True
    claimed = rowcount(
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.id == row.id, UserSession.oidc_checked_at == row.oidc_checked_at)
            .values(oidc_checked_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    db.session.commit()
    if claimed != 1:
        return True
    try:
        fresh = _ask_provider(row)
    except ProviderRefused as exc:
        user_id = row.user_id
        db.session.execute(sa.delete(UserSession).where(UserSession.id == row.id))
        audit.record(None, "logout.sso_revoked", "user", user_id, reason=exc.reason)
        db.session.commit()
        logger.info("SSO session of user %s ended: %s", user_id, exc.reason)
        return False
    if fresh:
        row = db.session.get_one(UserSession, row.id)
        _store(row, fresh)
        db.session.commit()
    return True
