"""Public side: contact details of the contact points, the requester's choice of status
mails, and firm facts that may be unknown (issue #15, issue #14 defect 4)

Revision ID: f15a00000001
Revises: e14a00000001
Create Date: 2026-12-06 19:50:00

``contact_points`` get address, phone, e-mail and opening hours, maintained by an
administrator (/verwaltung/kontaktstellen) and shown on the public start page and the
requester's status page; the four points are seeded with placeholder data that the
administrator replaces. ``advice_requests.status_mails`` records whether the requester
asked for an e-mail on each change of the request. The three yes/no facts of a firm
(collective agreement, works agreement, works council) become nullable: a firm created
from a public request does not know them, and "unknown" must not read as "no".
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f15a00000001'
down_revision = 'e14a00000001'
branch_labels = None
depends_on = None

SEED = {
    # name: (street, postcode, phone, email, opening hours)
    "Weiterbildungsagentur Nordthüringen": (
        "Bahnhofsplatz 6", "99734", "03631 4697-0", "nordthueringen@weiterbildungsagentur-thueringen.example",
        "Mo–Do 8:00–16:00 Uhr, Fr 8:00–13:00 Uhr und nach Vereinbarung",
    ),
    "Weiterbildungsagentur Mittelthüringen": (
        "Juri-Gagarin-Ring 152", "99084", "0361 5626-0", "mittelthueringen@weiterbildungsagentur-thueringen.example",
        "Mo–Do 8:00–16:00 Uhr, Fr 8:00–13:00 Uhr und nach Vereinbarung",
    ),
    "Weiterbildungsagentur Thüringen Ost": (
        "Schloßstraße 12", "07545", "0365 8256-0", "ost@weiterbildungsagentur-thueringen.example",
        "Mo–Do 8:00–16:00 Uhr, Fr 8:00–13:00 Uhr und nach Vereinbarung",
    ),
    "Weiterbildungsagentur Südwestthüringen": (
        "Friedrich-König-Straße 7", "98527", "03681 7353-0", "suedwest@weiterbildungsagentur-thueringen.example",
        "Mo–Do 8:00–16:00 Uhr, Fr 8:00–13:00 Uhr und nach Vereinbarung",
    ),
}

points = sa.table(
    "contact_points",
    sa.column("name", sa.String),
    sa.column("street", sa.String),
    sa.column("postcode", sa.String),
    sa.column("phone", sa.String),
    sa.column("email", sa.String),
    sa.column("opening_hours", sa.Text),
)

FIRM_FLAGS = ("has_collective_agreement_training", "has_works_agreement_training", "has_works_council")


def upgrade():
    with op.batch_alter_table('contact_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('opening_hours', sa.Text(), nullable=True))
    conn = op.get_bind()
    for name, (street, postcode, phone, email, hours) in SEED.items():
        conn.execute(
            sa.update(points)
            .where(points.c.name == name)
            .values(street=street, postcode=postcode, phone=phone, email=email, opening_hours=hours)
        )
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('status_mails', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('firms', schema=None) as batch_op:
        for column in FIRM_FLAGS:
            batch_op.alter_column(column, existing_type=sa.Boolean(), nullable=True)


def downgrade():
    firms = sa.table("firms", *[sa.column(c, sa.Boolean) for c in FIRM_FLAGS])
    conn = op.get_bind()
    for column in FIRM_FLAGS:
        conn.execute(sa.update(firms).where(firms.c[column].is_(None)).values({column: False}))
    with op.batch_alter_table('firms', schema=None) as batch_op:
        for column in FIRM_FLAGS:
            batch_op.alter_column(column, existing_type=sa.Boolean(), nullable=False)
    with op.batch_alter_table('advice_requests', schema=None) as batch_op:
        batch_op.drop_column('status_mails')
    with op.batch_alter_table('contact_points', schema=None) as batch_op:
        batch_op.drop_column('opening_hours')
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
        batch_op.drop_column('postcode')
        batch_op.drop_column('street')
