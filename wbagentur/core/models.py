"""Declarative base with the naming convention, UTC timestamps and shared mixins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from wbagentur.core.fulltext import schema_tables

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Store aware datetimes as UTC; always return aware UTC datetimes.

    SQLite keeps naive text, PostgreSQL ``timestamptz``; this type makes both behave
    the same for the application.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of all models; carries the constraint naming convention."""

    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """``created_at`` / ``updated_at`` in UTC."""

    created_at: Mapped[datetime] = mapped_column(
        default=utcnow, info={"pii": None, "retention": "record"}
    )
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info={"pii": None, "retention": "record"}
    )


def enum_column(*values: str, name: str) -> sa.Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint on both databases."""
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


def include_for_dialect(dialect_name: str) -> Callable[..., bool]:
    """Alembic ``include_object`` hook: skip schema objects meant for another database.

    Alembic's compare ignores ``Index.ddl_if``, so without this a comparison on SQLite
    reports the PostgreSQL-only trigram search indexes as missing (and ``flask db migrate``
    would propose to create them). Used by migrations/env.py and the models == migrations
    test. The SQLite trigram search tables (core.fulltext) are not models either.
    """
    skipped = schema_tables()

    def include_object(obj: Any, name: Any, type_: Any, _reflected: Any, _compare_to: Any) -> bool:
        if type_ == "table" and name in skipped:
            return False
        ddl_if = getattr(obj, "_ddl_if", None)
        return ddl_if is None or ddl_if.dialect in (None, dialect_name)

    return include_object


def write_row_changes(
    model: Any, gone: list[int], changed: list[dict[str, Any]], new: list[dict[str, Any]]
) -> None:
    """Apply a computed difference to a summary table (the maintained counts of the
    dashboards and of the ESF+ page): delete the ``gone`` ids in chunks, update the
    ``changed`` rows (each with its ``id``), insert the ``new`` ones. Flushes only."""
    from wbagentur.extensions import db

    for i in range(0, len(gone), 500):
        db.session.execute(sa.delete(model).where(model.id.in_(gone[i : i + 500])))
    if changed:
        db.session.execute(sa.update(model), changed)
    if new:
        db.session.execute(sa.insert(model), new)
