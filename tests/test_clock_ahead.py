"""`make test` runs its second part (SQLite) with the clock two years ahead (docs/testing.md).
This check fails when that part loses the moved clock, and when a run without it is not on
the real one, so the claim "the suite passes years ahead" cannot go quiet."""

import os
import tempfile
import time
from pathlib import Path

DAY = 86_400


def _kernel_now() -> float:
    """Now as the kernel keeps it: libfaketime moves the process's clock, not the time
    stamps the file system writes."""
    with tempfile.NamedTemporaryFile(delete=False) as probe:
        probe.write(b"x")
    try:
        return Path(probe.name).stat().st_mtime
    finally:
        os.unlink(probe.name)


def test_the_clock_is_moved_ahead_exactly_when_the_run_says_so() -> None:
    ahead = time.time() - _kernel_now()
    part = os.environ.get("WBAGENTUR_SUITE_PART")
    if part == "last":
        assert os.environ.get("FAKETIME"), "make test's SQLite part runs without libfaketime"
    if os.environ.get("FAKETIME"):
        # FUTURE=+2y by default; any offset of a year or more proves the point.
        assert ahead >= 365 * DAY, f"the clock is only {ahead / DAY:.1f} days ahead"
    else:
        assert abs(ahead) < 60, f"the clock is {ahead:.0f} s off without libfaketime"
