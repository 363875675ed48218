"""core.database.StatementCache: a statement is built once per key, and the cache starts
over when full instead of growing with users and days."""

from wbagentur.core.database import StatementCache


def test_built_once_per_key_and_bounded() -> None:
    built: list[tuple[int, ...]] = []
    cache = StatementCache(size=2)

    def get(*key: int) -> object:
        return cache.get(key, lambda: built.append(key) or f"stmt {key}")

    assert get(1) == "stmt (1,)"
    assert get(1) == "stmt (1,)"
    assert get(2) == "stmt (2,)"
    assert built == [(1,), (2,)]
    get(3)  # full: starts over
    get(1)
    assert built == [(1,), (2,), (3,), (1,)]
    get(3)
    assert built == [(1,), (2,), (3,), (1,)]


def test_derived_statements_are_kept_only_with_a_kept_statement() -> None:
    import sqlalchemy as sa

    from wbagentur.core.database import derived

    cache = StatementCache()
    table = sa.table("t", sa.column("id"))
    kept = cache.get(("t",), lambda: sa.select(table.c.id))
    fresh = sa.select(table.c.id)
    built: list[str] = []

    def limit(stmt: sa.Select, name: str) -> sa.Select:
        return derived(stmt, ("limit", 3), lambda: built.append(name) or stmt.limit(3))

    first = limit(kept, "kept")
    assert limit(kept, "kept") is first
    assert limit(fresh, "fresh") is not limit(fresh, "fresh")
    assert built == ["kept", "fresh", "fresh"]
    assert str(first) == str(fresh.limit(3))
