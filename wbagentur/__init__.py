"""wbagentur — case management for the Weiterbildungsagentur Thüringen."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from wbagentur.core.config import REPO_ROOT, load_config


def create_app(config_overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, hooks."""
    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        instance_path=str(REPO_ROOT / "instance"),
        instance_relative_config=True,
    )
    load_config(app, config_overrides)
    from wbagentur.core.ids import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # ids beyond the database's range: 404
    _init_extensions(app)
    _register_blueprints(app)
    _connect_packages()
    _init_hooks(app)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)  # type: ignore[method-assign]
    return app


def _init_extensions(app: Flask) -> None:
    from wbagentur.core import html_attributes
    from wbagentur.core.database import configure_engines
    from wbagentur.core.i18n import init_i18n
    from wbagentur.extensions import bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    configure_engines(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    login_manager.login_message = None
    init_i18n(app)
    html_attributes.install()


def _connect_packages() -> None:
    """Rules that cross packages, registered here so that no package imports the ones that
    build on it (tests/test_import_graph.py): referrals and transfers grant read access to
    cases (cases.access), retention runs anchor the audit chain (core.audit), ESF+ data must
    be complete before a case closes (cases.services), the REST API answers errors below
    /api/v1 in its JSON shape (core.errors), the case page shows the public request behind
    a case (cases.cockpit, from intake) and the saved funding checks, the case list drills
    down by checks (cases.cockpit, cases.queries, from funding) and by referrals and
    transfers, closing warns about open referrals (cases.queries, cases.drilldown,
    cases.services, from referrals), a region's cases show their
    firms and persons (firms.access, persons.access, from cases), a transfer opens the
    case's firm for editing (firms.access, from referrals), consents name a recipient from
    the partner directory (persons.recipients, from referrals), a firm's page shows its
    employees and its contacts' consents (firms.people, from persons) and a partner's page
    shows the referrals sent to it (partners.views, from referrals); changes to cases and
    referrals mark the days whose report aggregates they alter (reports.marks, on the
    session)."""
    from wbagentur.api.errors import http_error_response, is_api_request
    from wbagentur.cases import grants as case_grants
    from wbagentur.cases.cockpit import register_checks_panel, register_request_panel
    from wbagentur.cases.drilldown import register_drill_codes, register_drill_names
    from wbagentur.cases.queries import register_drill_conditions
    from wbagentur.cases.services import register_close_check, register_open_work
    from wbagentur.core import audit
    from wbagentur.core.errors import register_error_responder
    from wbagentur.esf.services import ensure_closable
    from wbagentur.firms.people import register_firm_people
    from wbagentur.funding import case_hooks as funding_hooks
    from wbagentur.intake.services import request_panel
    from wbagentur.partners.views import register_detail_panel
    from wbagentur.persons.firm_people import FIRM_PEOPLE
    from wbagentur.persons.recipients import RecipientDirectory, register_recipient_directory
    from wbagentur.referrals import attention as referral_attention
    from wbagentur.referrals import case_hooks as referral_hooks
    from wbagentur.referrals import consents as partner_consents
    from wbagentur.referrals import firm_grants as transfer_grants
    from wbagentur.referrals.access import register_case_grants
    from wbagentur.referrals.views import partner_history_panel
    from wbagentur.reports.marks import track_changes
    from wbagentur.retention.services import audit_chain_anchors

    register_case_grants()
    referral_attention.register()
    case_grants.register_grants()
    transfer_grants.register_grants()
    register_recipient_directory(
        RecipientDirectory(
            choices=partner_consents.recipient_choices,
            label=partner_consents.recipient_label,
            give_share_consent=partner_consents.give_share_consent,
        )
    )
    register_firm_people(FIRM_PEOPLE)
    audit.register_chain_anchors("retention", audit_chain_anchors)
    register_close_check("esf", ensure_closable)
    register_error_responder(is_api_request, http_error_response)
    register_request_panel(request_panel)
    register_checks_panel(funding_hooks.checks_panel)
    register_drill_conditions("funding", funding_hooks.drill_conditions)
    register_drill_conditions("referrals", referral_hooks.drill_conditions)
    register_drill_codes(referral_hooks.DRILL_CODES)
    register_drill_names("partner", referral_hooks.partner_names)
    register_open_work("referrals", referral_hooks.open_referrals)
    register_detail_panel("referrals", partner_history_panel)
    track_changes()


def _register_blueprints(app: Flask) -> None:
    from wbagentur import (
        accounts,
        api,
        auditlog,
        bench,
        cases,
        demo,
        esf,
        firms,
        funding,
        imports,
        intake,
        jobs,
        mail,
        main,
        partners,
        persons,
        plans,
        privacy,
        referrals,
        regions,
        reports,
        retention,
    )
    from wbagentur.core import commands as core_commands
    from wbagentur.core import idempotency  # noqa: F401  (model registration)

    for blueprint in (
        main.bp,
        accounts.bp,
        regions.bp,
        firms.bp,
        persons.bp,
        cases.bp,
        funding.bp,
        plans.bp,
        partners.bp,
        referrals.bp,
        intake.bp,
        mail.bp,
        jobs.bp,
        imports.bp,
        api.bp,
        api.cli,
        auditlog.bp,
        reports.bp,
        privacy.bp,
        retention.bp,
        esf.bp,
        demo.bp,
        bench.bp,
        core_commands.bp,
    ):
        app.register_blueprint(blueprint)


def _init_hooks(app: Flask) -> None:
    from wbagentur.core.access import init_access
    from wbagentur.core.errors import init_errors
    from wbagentur.core.logfilter import install_log_redaction
    from wbagentur.core.security import init_security
    from wbagentur.core.templating import init_templating

    @app.before_request
    def _request_id() -> None:
        request.environ["wbagentur.request_id"] = secrets.token_hex(8)

    install_log_redaction()
    init_access(app)
    init_security(app)
    init_errors(app)
    init_templating(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    logging.getLogger("wbagentur").setLevel(logging.INFO)
