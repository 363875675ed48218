"""``flask bench explain``: the query plans of the case, referral, firm and person lists
(UI and API, issue #22).

For the busiest advisor of the benchmark data: the first page, a keyset page and the
bounded count of each list, as the database plans them (SQLite ``EXPLAIN QUERY PLAN``,
PostgreSQL ``EXPLAIN``), to check that the lists walk indexes instead of reading the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from wbagentur.extensions import db


def list_statements(user: Any, search_term: str) -> dict[str, sa.Select[Any]]:
    from wbagentur.api.firms import firm_list as api_firm_list
    from wbagentur.api.persons import person_list as api_person_list
    from wbagentur.cases import queries
    from wbagentur.core.timezone import local_today
    from wbagentur.firms.queries import firm_list
    from wbagentur.persons.queries import person_list
    from wbagentur.referrals import queries as referral_queries

    return {
        "api_firms": api_firm_list(user),
        "api_persons": api_person_list(user),
        "firm_list": firm_list(user),
        "person_list": person_list(user),
        "inbox": queries.inbox(user),
        "my_cases": queries.my_open_cases(user),
        "case_list_filter": queries.case_list(user, status="open", topic="digital"),
        "case_list_search": queries.case_list(user, q=search_term),
        "case_list_last_contact": queries.case_list(user, sort="letzter_kontakt"),
        "referral_list": referral_queries.my_referrals(user, None, local_today()),
    }


def explain_lists(app: Flask, ctx: dict[str, Any], echo: Callable[[str], None] = print) -> None:
    from wbagentur.accounts.models import User
    from wbagentur.core.pagination import (
        COUNT_CAP,
        after_condition,
        bounded_count_statement,
        order_keys,
        sort_values,
    )

    with app.test_request_context():
        dialect = db.engine.dialect
        prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
        user = db.session.scalar(sa.select(User).where(User.email == ctx["users"]["advisor"]))
        for name, stmt in list_statements(user, ctx["search_term"]).items():
            variants: dict[str, sa.Select[Any]] = {"erste Seite": stmt.limit(26)}
            first = db.session.scalars(stmt.limit(25)).all()
            if first:
                keys = order_keys(stmt)
                variants["Folgeseite"] = stmt.where(
                    after_condition(keys, sort_values(first[-1], keys))
                ).limit(26)
            variants["Anzahl (höchstens 1.001)"] = bounded_count_statement(stmt, COUNT_CAP)
            subset = stmt.get_execution_options().get("count_subset")
            if isinstance(subset, sa.Select):
                variants["Anzahl der Teilmenge (zuerst)"] = bounded_count_statement(
                    subset, COUNT_CAP
                )
            for label, variant in variants.items():
                compiled = variant.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
                # SQLite renders the LIMIT -1 of an OFFSET (core.pagination.row_probe) as a
                # parameter even with literal binds: it is handed over as one.
                left = tuple(compiled.params[k] for k in compiled.positiontup or ())
                sql = str(compiled)
                if dialect.name != "sqlite":
                    sql = sql.replace("%", "%%")
                echo(f"### {name}: {label}")
                rows = db.session.connection().exec_driver_sql(prefix + sql, left)
                for row in rows:
                    echo(f"    {row[-1]}")
            db.session.rollback()
