"""CLI commands: users, demo data, reference data, audit chain."""

import sqlalchemy as sa

from wbagentur.accounts.models import User
from wbagentur.core.audit import AuditEvent
from wbagentur.extensions import db
from wbagentur.firms.models import Firm
from wbagentur.regions.models import District


def test_accounts_create_prints_one_time_password_that_works(runner, clean_app):
    result = runner.invoke(
        args=[
            "accounts",
            "create",
            "--email",
            "Neu@Test.example",
            "--name",
            "Neu",
            "--role",
            "advisor",
            "--region",
            "OT",
        ]
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("Einmaliges Passwort: ")[1].strip()
    response = clean_app.test_client().post(
        "/anmelden", data={"email": "neu@test.example", "password": password}
    )
    assert response.status_code == 302


def test_accounts_create_unknown_region_fails(runner):
    result = runner.invoke(
        args=[
            "accounts",
            "create",
            "--email",
            "x@test.example",
            "--name",
            "X",
            "--role",
            "advisor",
            "--region",
            "XX",
        ]
    )
    assert result.exit_code != 0
    assert "unbekannte Region" in result.output


def test_accounts_deactivate_and_activate(runner, clean_app):
    runner.invoke(
        args=["accounts", "create", "--email", "d@test.example", "--name", "D", "--role", "admin"]
    )
    assert runner.invoke(args=["accounts", "deactivate", "d@test.example"]).exit_code == 0
    with clean_app.app_context():
        assert (
            db.session.scalar(sa.select(User.is_active).where(User.email == "d@test.example"))
            is False
        )
    assert runner.invoke(args=["accounts", "activate", "d@test.example"]).exit_code == 0
    assert (
        "Kein Konto" in runner.invoke(args=["accounts", "deactivate", "nobody@test.example"]).output
    )


def test_demo_seed_prints_login_per_role_and_is_idempotent(runner, clean_app):
    first = runner.invoke(args=["demo", "seed", "--firms-per-district", "2"])
    assert first.exit_code == 0, first.output
    for role in ("Berater/in", "Leitung", "Landeskoordination", "Administration"):
        assert role in first.output
    lines = [line.split() for line in first.output.splitlines() if "@wbagentur.example" in line]
    assert len(lines) == 8
    client = clean_app.test_client()
    for parts in lines:
        email, password = parts[-2], parts[-1]
        assert (
            client.post("/anmelden", data={"email": email, "password": password}).status_code == 302
        ), email
        client.post("/abmelden")
    with clean_app.app_context():
        firm_districts = db.session.scalar(sa.select(sa.func.count(sa.distinct(Firm.district_id))))
        districts = db.session.scalar(sa.select(sa.func.count(District.id)))
        firms = db.session.scalar(sa.select(sa.func.count(Firm.id)))
    assert firm_districts == districts == 22
    assert firms == 44
    second = runner.invoke(args=["demo", "seed", "--firms-per-district", "2"])
    assert second.exit_code == 0
    with clean_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Firm.id))) == 44
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 8


def test_demo_seed_is_deterministic_by_seed(app):
    from tests.conftest import isolated
    from wbagentur.cases.models import Case
    from wbagentur.persons.models import Person

    snapshots = []
    for _ in range(2):
        with isolated(app):
            result = app.test_cli_runner().invoke(
                args=["demo", "seed", "--seed", "7", "--firms-per-district", "1"]
            )
            assert result.exit_code == 0, result.output
            with app.app_context():
                snapshots.append(
                    (
                        db.session.scalars(sa.select(Firm.name).order_by(Firm.id)).all(),
                        db.session.scalars(sa.select(Person.name_search).order_by(Person.id)).all(),
                        db.session.execute(
                            sa.select(Case.title, Case.status).order_by(Case.id)
                        ).all(),
                    )
                )
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][0]) == 22
    assert snapshots[0][2]


def test_regions_check_reports_complete_reference_data(runner):
    result = runner.invoke(args=["regions", "check"])
    assert result.exit_code == 0
    assert "22 Landkreise" in result.output


def test_audit_verify_detects_edited_entry(runner, clean_app):
    runner.invoke(
        args=["accounts", "create", "--email", "a1@test.example", "--name", "A", "--role", "admin"]
    )
    runner.invoke(
        args=["accounts", "create", "--email", "a2@test.example", "--name", "B", "--role", "admin"]
    )
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0
    assert "2 Einträge" in ok.output
    with clean_app.app_context():
        first = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id))
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.id == first.id).values(action="user.delete")
        )
        db.session.commit()
        first_id = first.id
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"Eintrag {first_id}" in broken.output
