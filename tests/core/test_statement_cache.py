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
