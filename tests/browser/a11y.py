"""axe-core checks (WCAG 2.1 A/AA) for browser tests; counts pages scanned."""

from __future__ import annotations

from typing import Any

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCANNED: list[str] = []


def assert_no_axe_violations(page: Any, label: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # Bootstrap switches its transitions off for reduced motion: axe then measures the
    # colours a button ends with, not the frame of a hover or focus fade it happens to catch.
    page.emulate_media(reduced_motion="reduce")
    # A click that submits a form starts a navigation; axe run while the old document is
    # torn down finds no document at all. Scan the page the person ends up on.
    page.wait_for_load_state("load")
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    violations = Axe().run(page, options=options).response["violations"]
    if violations:
        # A page state caught in passing (the pointer left over a button by the click that
        # led here, a fade still running) is measured again once it has settled; a real
        # violation stays and fails below.
        page.mouse.move(0, 0)
        page.wait_for_timeout(500)
        violations = Axe().run(page, options=options).response["violations"]
    SCANNED.append(label)
    template = page.evaluate("document.body.dataset.page || ''")
    if template:
        record_scanned_template(template)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert violations == [] or summary == [], f"{label}: {summary}"


def tab_until(page: Any, selector: str, max_steps: int = 40) -> None:
    """Press Tab until the element matching selector has focus; assert focus is visible."""
    target = page.locator(selector)
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            outline = target.evaluate("el => getComputedStyle(el).outlineStyle")
            assert outline not in ("none", ""), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} not reachable with Tab")


def path_is(path: str) -> Any:
    """A wait_for_url predicate matching the URL path exactly."""
    from urllib.parse import urlparse

    return lambda url: urlparse(url).path == path


def record_scanned_template(template: str) -> None:
    """Append a page template to this process's list of axe-checked templates."""
    import os
    from pathlib import Path

    folder = os.environ.get("WBAGENTUR_AXE_DIR")
    if not folder:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with (Path(folder) / f"{worker}.txt").open("a", encoding="utf-8") as f:
        f.write(template + "\n")


def page_templates() -> set[str]:
    """Every template that renders a whole page (not layouts, macros or partials).

    Templates named ``*_pdf.html`` are rendered into tagged PDF, not served as pages: their
    accessibility (structure tree, /Lang, /Title) is checked by tests/test_all_pdfs.py."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    pages = set()
    for path in root.rglob("*.html"):
        rel = path.relative_to(root).as_posix()
        if (
            rel.startswith(("macros/", "layouts/"))
            or rel == "base.html"
            or path.name.startswith("_")
            or path.name.endswith("_pdf.html")
        ):
            continue
        pages.add(rel)
    return pages
