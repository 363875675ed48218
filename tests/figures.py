"""Security and data-protection figures (../shared/security.md § 5) reported by the suite.

A test that measures a figure calls ``record_figure(key, value, target=..., ok=...)``
before it asserts, so a missed target is visible in the report even when the test fails.
Every (xdist) process appends its records as JSON lines to a file in the folder named by
``WBAGENTUR_FIGURES_DIR`` (created by ``tests/conftest.py``); the controlling process
merges them, prints the table "Sicherheits- und Datenschutzkennzahlen" at the end of the
run and writes ``test-results/figures.json``. In CI (``WBAGENTUR_REQUIRE_BROWSER=1`` and
the whole suite) a figure that misses its target, or an expected figure that no test
recorded, fails the run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# key: (§ 5 number, label); the order is the order of the report.
FIGURES: dict[str, tuple[int, str]] = {
    "authz.unguarded_routes": (2, "Routen ohne Autorisierungsentscheidung"),
    "authz.matrix_cells": (3, "Autorisierungsmatrix: geprüfte Zellen"),
    "authz.matrix_leaks": (3, "Autorisierungsmatrix: Lecks"),
    "input.payloads_per_field": (4, "Bösartige Eingaben je Textfeld"),
    "input.fields": (4, "Geprüfte Textfelder"),
    "input.5xx": (4, "Bösartige Eingaben: 5xx-Antworten"),
    "input.unescaped": (4, "Bösartige Eingaben: unmaskierte Spiegelungen"),
    "input.writes_on_reject": (4, "Bösartige Eingaben: DB-Schreibvorgänge bei Ablehnung"),
    "bandit.findings": (8, "bandit: mittlere/hohe Befunde ohne geprüftes nosec"),
    "bandit.nosec": (8, "bandit: Unterdrückungen (nosec und geprüfte Befunde)"),
    "headers.share": (9, "Antworten mit vollständigem Header-Satz"),
    "headers.session_cookie": (9, "Sitzungscookie __Host-, Secure, HttpOnly, SameSite"),
    "csrf.unprotected": (10, "Zustandsändernde Endpunkte ohne CSRF-Schutz"),
    "password.argon2": (11, "argon2id m/t/p gegen ASVS Anh. C"),
    "password.common_rejected": (11, "Abgelehnte häufige Passwörter (≥ 12 Zeichen)"),
    "throttle.login": (12, "Anmeldeversuche je Konto in 60 s"),
    "throttle.public_form": (12, "Öffentliches Formular: Absendungen je IP und Stunde"),
    "throttle.public_form_flood_others": (
        12,
        "Öffentliches Formular nach Flut von einer IP: andere IPs kommen durch",
    ),
    "session.idle": (13, "Leerlauf-Timeout"),
    "session.absolute": (13, "Absolute Sitzungsdauer"),
    "session.warning_lead": (13, "Vorwarnung vor Timeout"),
    "session.old_after_logout": (13, "Alte Sitzung nach Abmelden nutzbar"),
    "session.old_after_password_change": (13, "Alte Sitzung nach Passwortwechsel nutzbar"),
    "session.old_after_disable": (13, "Alte Sitzung nach Deaktivierung nutzbar"),
    "logs.canaries": (14, "Geheimnisse/PII-Kanarien in Logs oder Audit"),
    "deps.sbom": (15, "SBOM erzeugt (CycloneDX)"),
    "deps.vulnerabilities": (15, "Offene Schwachstellen (pip-audit)"),
    "data.unclassified_columns": (16, "Spalten ohne Klassifizierung"),
    "data.personal_without_retention": (16, "Personenbezogene Spalten ohne Löschregel"),
    "retention.overdue": (17, "Überfällige Datensätze nach Löschlauf"),
    "art15.coverage": (18, "Art. 15: personenbezogene Spalten im Export"),
    "art15.foreign_records": (18, "Art. 15: fremde Datensätze im Export"),
    "art15.build_time": (18, "Art. 15: Erstellungszeit"),
    "erasure.residue": (19, "Löschung: Kanarien-Reste in DB und Uploads"),
    "stats.cells_below_threshold": (20, "Statistik: veröffentlichte Zellen unter Schwelle"),
    "stats.pii_columns": (20, "Statistik-Export: personenbezogene Spalten"),
    "referrals.without_basis": (21, "Weiterleitungen ohne Rechtsgrundlage/Einwilligung"),
    "a11y.axe": (22, "axe-Verstöße (WCAG 2.1 A/AA) / Seitenvorlagen geprüft"),
    "a11y.reflow_public_advisor": (
        23,
        "Reflow 320 px: öffentliche und Beratungsseiten ohne Querscrollen",
    ),
    "a11y.reflow_supervisor": (23, "Reflow 320 px: Leitungsseiten ohne Querscrollen"),
    "robust.lost_updates": (24, "Verlorene Änderungen bei gleichzeitigem Speichern"),
    "robust.duplicates": (25, "Doppelte Anlagen bei wiederholtem Absenden"),
    "robust.db_outage": (26, "DB-Ausfall: Antworten 503 mit Retry-After"),
    "migrations.roundtrip": (29, "Migrationen hoch und runter mit Daten"),
}

# Figures of § 5 that this suite does not measure, with the reason.
NOT_MEASURED: dict[int, str] = {
    1: "ASVS-Abdeckung: Zuordnung der Anforderungen zu Tests ist nicht als Daten gepflegt",
    5: "Hypothesis-Beispiele je Formular: nicht je Formular gezählt",
    6: "Atheris: nächtlicher Lauf, nicht Teil der CI",
    7: "wapiti3: braucht einen laufenden Server und dauert zu lange für die CI",
    23: "Tastatur: vier Abläufe nur mit der Tastatur sind Browser-Tests (bestanden/nicht), "
    "keine Kennzahl je Seite; Screenreader-Checkliste ist manuell",
    27: "SIGKILL-Absturztest: nicht automatisiert",
    28: "Platte voll: nicht automatisiert",
    30: "Sicherungs-/Wiederherstellungsprobe: organisatorisch, nicht in der CI",
    31: "Last (locust, 50 Nutzer): loadtest/run.py, nicht in der CI (letzte Läufe unten)",
    32: "Lastspitze 200 Nutzer: loadtest/run.py, nicht in der CI (letzte Läufe unten)",
    33: "Maximaler Durchsatz bei p95 ≤ 500 ms: loadtest/run.py ohne Denkzeit, nicht in der CI "
    "(letzte Läufe unten)",
}

ENV = "WBAGENTUR_FIGURES_DIR"


def _process_file() -> Path | None:
    folder = os.environ.get(ENV)
    if not folder:
        return None
    name = os.environ.get("PYTEST_XDIST_WORKER") or "main"
    return Path(folder) / f"{name}-{os.getpid()}.jsonl"


def record_figure(
    key: str,
    value: Any,
    *,
    target: str,
    ok: bool,
    db: str | None = None,
    detail: str | None = None,
) -> None:
    """Note one measured figure. ``value`` must be JSON-serialisable; ``target`` is the
    target as text (e.g. "0", "≤ 5", "100 %"); ``db`` names the backend when the figure
    is measured per database."""
    if key not in FIGURES:
        raise KeyError(f"unknown figure {key!r}: add it to tests/figures.py FIGURES")
    file = _process_file()
    if file is None:
        return
    entry = {
        "key": key,
        "value": value,
        "target": target,
        "ok": bool(ok),
        "db": db,
        "detail": detail,
    }
    with file.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def backend_of(app: Any) -> str:
    """ "sqlite" or "postgresql": the backend of an app, for figures measured per database."""
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    return uri.split(":", 1)[0].split("+", 1)[0]


def collect(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Merge the records of all processes: one entry per key, values per backend."""
    merged: dict[str, dict[str, Any]] = {}
    for file in sorted(Path(folder).glob("*.jsonl")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            entry = json.loads(line)
            item = merged.setdefault(
                entry["key"], {"values": {}, "target": entry["target"], "ok": True, "detail": None}
            )
            item["values"][entry["db"] or "-"] = entry["value"]
            item["ok"] = item["ok"] and entry["ok"]
            item["detail"] = entry.get("detail") or item["detail"]
    return merged


def _fmt(values: dict[str, Any]) -> str:
    if list(values) == ["-"]:
        return str(values["-"])
    return ", ".join(f"{db}: {value}" for db, value in sorted(values.items()))


def report_lines(merged: dict[str, dict[str, Any]]) -> list[str]:
    """The table as text lines, § 5 order, then the figures not measured."""
    rows = []
    for key, (number, label) in FIGURES.items():
        item = merged.get(key)
        if item is None:
            rows.append((str(number), label, "– (nicht gelaufen)", "", ""))
        else:
            rows.append(
                (
                    str(number),
                    label,
                    _fmt(item["values"]),
                    item["target"],
                    "ok" if item["ok"] else "VERFEHLT",
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["Sicherheits- und Datenschutzkennzahlen (security.md § 5)"]
    for row in rows:
        lines.append(
            f"{row[0]:>{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  "
            f"Ziel {row[3]:<{widths[3]}}  {row[4]}".rstrip()
        )
    lines.append("nicht gemessen:")
    for number, reason in NOT_MEASURED.items():
        lines.append(f"{number:>{widths[0]}}  {reason}")
    load = load_lines()
    if load:
        lines.append(
            "Last (loadtest/run.py, letzte Läufe in bench-results/, nicht Teil dieses Laufs):"
        )
        lines += load
    return lines


LOAD_TARGETS = {
    31: "Lesen p95 ≤ 300 ms, Speichern/Suche ≤ 800 ms, 0 Fehler",
    32: "0 × 5xx, p95 ≤ 2 s (nur 429/503 erlaubt)",
    33: "p95 ≤ 500 ms, 0 Fehler (der höchste Durchsatz, der das hält, zählt)",
}


def _load_kind(settings: dict[str, Any]) -> tuple[int, str]:
    users = int(settings.get("users") or 0)
    think = settings.get("think_time_s") or [1, 3]
    duration = str(settings.get("duration") or "")
    if users >= 200 and not any(think):
        return 32, f"Lastspitze {users} Nutzer ohne Denkzeit"
    if not any(think):
        return 33, f"Durchsatz {users} Nutzer ohne Denkzeit"
    if duration.endswith("m") or duration.endswith("h"):
        return 31, f"Dauerlast {users} Nutzer, {duration}"
    return 31, f"Last {users} Nutzer, {duration}"


def load_lines(root: Path | None = None) -> list[str]:
    """One line per load-test result (``bench-results/**/load-*.json``) with its target:
    security.md § 5 figures 31-33 are measured by ``loadtest/run.py``, not by pytest: 33 (the
    maximum throughput at p95 ≤ 500 ms) is a series of runs without think time and fewer
    users than the spike; the fastest run that holds the target is the figure."""
    folder = root or Path(__file__).resolve().parents[1] / "bench-results"
    lines = []
    for file in sorted(folder.glob("**/load-*.json")):
        try:
            result = json.loads(file.read_text(encoding="utf-8"))
            total, settings = result["total"], result.get("settings") or {}
        except (ValueError, KeyError, OSError):
            continue
        number, label = _load_kind(settings)
        p95 = total.get("p95_ms")
        if number in (32, 33):
            limit = 2000 if number == 32 else 500
            ok = result.get("errors") == 0 and p95 is not None and p95 <= limit
        else:
            ok = bool(result.get("ok"))
        load = (result.get("machine") or {}).get("load_average_1min_max")
        lines.append(
            f"{number:>2}  {label} ({result.get('db')}, {str(result.get('started_at'))[:16]}): "
            f"p95 {p95} ms, {result.get('errors')} Fehler, {total.get('requests_per_s')} Anfr./s, "
            f"Last bis {load} auf 2 Kernen; Ziel {LOAD_TARGETS[number]}; "
            + ("ok" if ok else "VERFEHLT")
        )
    return lines


def write_json(merged: dict[str, dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "figures": {
            key: {"number": FIGURES[key][0], "label": FIGURES[key][1], **merged[key]}
            for key in FIGURES
            if key in merged
        },
        "not_run": [key for key in FIGURES if key not in merged],
        "not_measured": {str(n): reason for n, reason in NOT_MEASURED.items()},
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
