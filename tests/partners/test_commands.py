"""``flask partners seed-partners``."""


def test_seed_partners_command_is_idempotent(runner):
    assert "Partnerstellen ergänzt: 0" in runner.invoke(args=["partners", "seed-partners"]).output
