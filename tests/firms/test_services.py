"""Firm services: audit entries, derived search columns, duplicate lookup, region check."""

import pytest
import sqlalchemy as sa

from tests.firms.conftest import make_firm
from wbagentur.accounts.models import User
from wbagentur.core.audit import AuditEvent
from wbagentur.core.errors_domain import ConflictError, DomainError
from wbagentur.extensions import db
from wbagentur.firms import services
from wbagentur.firms.models import Firm, FirmContact

BASE = {
    "name": "Müller Metallbau GmbH",
    "district_key": "16054",
    "email": "Info@Mueller-Metall.DE",
    "register_number": "hrb 4711",
    "staff_over_30h": 3,
}


def _actions(object_id):
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.object_type == "firm", AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )


def test_create_firm_sets_search_columns_and_audits(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = db.session.get(User, advisor.id)
        firm = services.create_firm(user, BASE)
        assert firm.name_search == "mueller metallbau gmbh"
        assert firm.email_domain == "mueller-metall.de"
        assert firm.register_number == "HRB 4711"
        assert _actions(firm.id) == ["firm.create"]
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_id == firm.id))
        assert "Müller" not in event.details
        assert "mueller" not in event.details


def test_update_firm_keeps_search_columns_in_sync(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = db.session.get(User, advisor.id)
        firm = services.create_firm(user, BASE)
        services.update_firm(
            user,
            firm,
            {**BASE, "name": "Schäfer Holzbau KG", "email": "post@schaefer.example"},
            firm.version,
        )
        assert firm.name_search == "schaefer holzbau kg"
        assert firm.email_domain == "schaefer.example"
        assert firm.version == 2
        assert _actions(firm.id) == ["firm.create", "firm.update"]


def test_update_firm_with_old_version_raises_conflict(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = db.session.get(User, advisor.id)
        firm = services.create_firm(user, BASE)
        services.update_firm(user, firm, {**BASE, "city": "Suhl"}, 1)
        with pytest.raises(ConflictError):
            services.update_firm(user, firm, {**BASE, "city": "Zella-Mehlis"}, 1)


def test_create_firm_outside_own_region_refused(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = db.session.get(User, advisor.id)
        with pytest.raises(DomainError, match="Planungsregion"):
            services.create_firm(user, {**BASE, "district_key": "16051"})
        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 0


def test_find_duplicates_by_name_register_and_domain(clean_app):
    with clean_app.app_context():
        same_name = make_firm("Mueller Metallbau GmbH", "16054")
        same_hr = make_firm("Ganz Anders AG", "16051", register_number="HRB 4711")
        same_domain = make_firm("Noch Anders OHG", "16053", email="x@mueller-metall.de")
        make_firm("Müller Metallbau GmbH", "16051")  # same name, other district: no candidate
        make_firm("Freemail KG", "16054", email="a@gmx.de")
        found = services.find_duplicates({**BASE, "email": "b@mueller-metall.de"})
        assert {f.id for f, _r in found} == {same_name.id, same_hr.id, same_domain.id}
        assert (
            services.find_duplicates(
                {"name": "Freemail Partner", "district_key": "16051", "email": "c@gmx.de"}
            )
            == []
        )


def test_contact_add_update_remove_audited_and_searchable(clean_app, make_user):
    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        user = db.session.get(User, advisor.id)
        firm = make_firm()
        contact = services.add_contact(
            user, firm, {"name": "Jörg Köhler", "function": "Geschäftsführung"}
        )
        assert contact.name_search == "joerg koehler"
        services.update_contact(user, contact, {"name": "Jörg Köhler-Schulz"})
        assert contact.name_search == "joerg koehler-schulz"
        services.remove_contact(user, contact)
        assert db.session.scalar(sa.select(sa.func.count(FirmContact.id))) == 0
        assert _actions(firm.id) == [
            "firm.contact_create",
            "firm.contact_update",
            "firm.contact_delete",
        ]
