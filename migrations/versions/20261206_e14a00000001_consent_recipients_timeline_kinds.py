"""Consent recipients from the partner directory; timeline kinds for participants and
catalogue notices (issue #14)

Revision ID: e14a00000001
Revises: c5a1e0000003
Create Date: 2026-12-06 19:40:00

``consents.recipient`` was free text ("Agentur für Arbeit Suhl") but the referral check
compared it with partner-kind codes, so a consent recorded on the person page never
covered a referral. A share-partner consent now names a partner kind
(``recipient_kind``) or one partner of the directory (``recipient_partner_id``).
Existing texts are mapped where they match a kind code or label, or a partner's code or
name exactly (case-insensitive); any other text stays in ``recipient`` as a legacy text
that covers no partner (the person page asks to record the consent again).

Timeline: adding a participant wrote an empty "note"; catalogue notices were written as
"funding_check" and shown as a saved check. Both get their own kind, existing rows are
moved: notes without text that carry ``participant_added`` become ``participant``;
``funding_check`` entries without a ``check_id`` become ``catalogue``.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e14a00000001'
down_revision = 'c5a1e0000003'
branch_labels = None
depends_on = None

OLD_KINDS = ('note', 'contact', 'status', 'assignment', 'document', 'follow_up',
             'funding_check', 'referral', 'transfer', 'request')
NEW_KINDS = OLD_KINDS + ('participant', 'catalogue')

PARTNER_KINDS = {
    "agentur_fuer_arbeit": "Agentur für Arbeit",
    "jobcenter": "Jobcenter",
    "tlvwa": "Thüringer Landesverwaltungsamt",
    "kfw": "KfW",
    "ihk": "Industrie- und Handelskammer",
    "hwk": "Handwerkskammer",
    "traeger": "Bildungsträger",
    "vhs": "Volkshochschule",
    "iq": "IQ Netzwerk",
    "thaff": "ThAFF",
    "zett": "ZeTT",
    "wba_contact_point": "Kontaktstelle der Weiterbildungsagentur",
    "verbund": "Weiterbildungsverbund",
    "other": "Sonstige",
}

timeline = sa.table(
    "timeline_entries",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("body", sa.Text),
    sa.column("data", sa.Text),
)
consents = sa.table(
    "consents",
    sa.column("id", sa.Integer),
    sa.column("purpose", sa.String),
    sa.column("recipient", sa.String),
    sa.column("recipient_kind", sa.String),
    sa.column("recipient_partner_id", sa.Integer),
)
partners = sa.table(
    "partners",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
)


def _key(text):
    return " ".join((text or "").split()).casefold()


def _enum(values):
    return sa.Enum(*values, name='kind', native_enum=False, create_constraint=True, length=13)


def _data(raw):
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def upgrade():
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_enum(OLD_KINDS), type_=_enum(NEW_KINDS),
                              existing_nullable=False)
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('recipient_partner_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_consents_recipient_partner_id'), ['recipient_partner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_consents_recipient_partner_id_partners'), 'partners', ['recipient_partner_id'], ['id'])

    conn = op.get_bind()
    rows = conn.execute(
        sa.select(timeline.c.id, timeline.c.kind, timeline.c.body, timeline.c.data)
        .where(timeline.c.kind.in_(("note", "funding_check")))
    ).all()
    for entry_id, kind, body, raw in rows:
        data = _data(raw)
        new = None
        if kind == "note" and not (body or "").strip() and "participant_added" in data:
            new = "participant"
        elif kind == "funding_check" and "check_id" not in data:
            new = "catalogue"
        if new:
            conn.execute(sa.update(timeline).where(timeline.c.id == entry_id).values(kind=new))

    by_kind = {code: code for code in PARTNER_KINDS}
    by_kind.update({_key(label): code for code, label in PARTNER_KINDS.items()})
    by_partner = {}
    for pid, code, name, _kind in conn.execute(
        sa.select(partners.c.id, partners.c.code, partners.c.name, partners.c.kind)
    ):
        by_partner.setdefault(_key(code), pid)
        by_partner.setdefault(_key(name), pid)
    for cid, recipient in conn.execute(
        sa.select(consents.c.id, consents.c.recipient).where(
            consents.c.purpose == "share_partner", consents.c.recipient.is_not(None)
        )
    ).all():
        text = (recipient or "").strip()
        if not text:
            continue
        if text in by_kind or _key(text) in by_kind:
            code = by_kind.get(text) or by_kind[_key(text)]
            conn.execute(sa.update(consents).where(consents.c.id == cid).values(recipient_kind=code))
        elif _key(text) in by_partner:
            conn.execute(
                sa.update(consents)
                .where(consents.c.id == cid)
                .values(recipient_partner_id=by_partner[_key(text)])
            )


def downgrade():
    conn = op.get_bind()
    kinds = {pid: kind for pid, kind in conn.execute(sa.select(partners.c.id, partners.c.kind))}
    for cid, kind, partner_id, recipient in conn.execute(
        sa.select(consents.c.id, consents.c.recipient_kind, consents.c.recipient_partner_id,
                  consents.c.recipient)
        .where(sa.or_(consents.c.recipient_kind.is_not(None), consents.c.recipient_partner_id.is_not(None)))
    ).all():
        # The old rule compared the text with kind codes: keep what the consent covered.
        code = kind or kinds.get(partner_id)
        conn.execute(sa.update(consents).where(consents.c.id == cid).values(recipient=code))
    conn.execute(sa.update(timeline).where(timeline.c.kind == "participant").values(kind="note"))
    conn.execute(sa.update(timeline).where(timeline.c.kind == "catalogue").values(kind="funding_check"))

    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consents_recipient_partner_id_partners'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_consents_recipient_partner_id'))
        batch_op.drop_column('recipient_partner_id')
        batch_op.drop_column('recipient_kind')
    with op.batch_alter_table('timeline_entries', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_enum(NEW_KINDS), type_=_enum(OLD_KINDS),
                              existing_nullable=False)
