"""The English catalogue covers every German message in code and templates."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]


def _extract(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "pgettext:1c,2", "-k", "lazy_pgettext:1c,2",
         "-o", str(pot), "--no-location",
         "--ignore-dirs=.* _* .venv instance node_modules", "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as f:
        return {(m.context, m.id) for m in read_po(f) if m.id}


def test_every_message_has_an_english_translation(tmp_path):
    extracted = _extract(tmp_path)
    with (ROOT / "wbagentur/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = {(m.context, m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(f"{ctx}|{mid}" if ctx else str(mid) for ctx, mid in extracted - translated)
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:5]} – run 'make translations'"
    assert len(extracted) > 50
