"""The case lists read plain rows of what a row shows (issue #22), and a row still shows all of it:
reference, title, firm or person, status, assignee, opening date – with as many
statements for 24 rows as for 3."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import factories as f
from tests.helpers import html_page, text_of
from wbagentur.extensions import db

pytestmark = pytest.mark.usefixtures("fixed_clock")


def _statements(clean_app, client, url: str) -> tuple[int, str]:
    seen: list[str] = []

    def _log(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        seen.append(statement)

    with clean_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", _log)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", _log)
    assert response.status_code == 200
    return len(seen), text_of(html_page(response))


@pytest.mark.parametrize("url", ["/faelle", "/faelle/meine", "/faelle/posteingang"])
def test_rows_show_firm_person_assignee_with_a_fixed_number_of_statements(
    clean_app, client, make_user, auth, url
):
    persona = make_user("advisor", "SW", display_name="Berta Beraterin")
    auth.login(persona)

    def add(n: int, start: int) -> None:
        with clean_app.app_context():
            for i in range(start, start + n):
                if i % 2:
                    f.CaseFactory(
                        region_code="SW",
                        status="new",
                        title=f"Anliegen {i}",
                        firm=f.FirmFactory(name=f"Firma {i} GmbH"),
                        assigned_to_id=persona.id if url != "/faelle/posteingang" else None,
                    )
                else:
                    f.CaseFactory(
                        region_code="SW",
                        status="new",
                        kind="individual",
                        title=f"Anliegen {i}",
                        firm=None,
                        person=f.PersonFactory(first_name=f"Vorname{i}", last_name="Muster"),
                        assigned_to_id=persona.id if url != "/faelle/posteingang" else None,
                    )
            db.session.commit()

    add(3, 0)
    few, text = _statements(clean_app, client, url)
    assert "Firma 1 GmbH" in text
    assert "Vorname2 Muster" in text
    add(21, 3)
    many, text = _statements(clean_app, client, url)
    assert many == few
    assert "Anliegen 23" in text
    assert "Vorname22 Muster" in text
    if url != "/faelle/posteingang":
        assert text.count("Berta Beraterin") >= 24
    assert text.count("neu") >= 24  # the status of every row


def test_lists_follow_the_user_and_their_region(clean_app, client, make_user, auth):
    """The lists' statements are kept by user, role, region and filters (issue #22): a
    colleague in another region, and the same advisor moved there, see that region's."""
    from tests.factories import _contact_point_id
    from wbagentur.accounts.models import User

    south = make_user("advisor", "SW", display_name="Berta Süd")
    east = make_user("advisor", "OT", display_name="Otto Ost")
    with clean_app.app_context():
        f.CaseFactory(region_code="SW", title="Anliegen Südwest", status="new")
        f.CaseFactory(region_code="OT", title="Anliegen Ost", status="new")
        db.session.commit()

    def seen(url: str) -> str:
        return _statements(clean_app, client, url)[1]

    auth.login(south)
    for url in ("/faelle", "/faelle/posteingang", "/faelle?status=new"):
        assert "Anliegen Südwest" in seen(url)
        assert "Anliegen Ost" not in seen(url)
    auth.logout()
    auth.login(east)
    for url in ("/faelle", "/faelle/posteingang", "/faelle?status=new"):
        assert "Anliegen Ost" in seen(url)
        assert "Anliegen Südwest" not in seen(url)

    with clean_app.app_context():
        db.session.get(User, south.id).contact_point_id = _contact_point_id("OT")
        db.session.commit()
    auth.logout()
    auth.login(south)
    for url in ("/faelle", "/faelle/posteingang", "/faelle?status=new"):
        assert "Anliegen Ost" in seen(url)
        assert "Anliegen Südwest" not in seen(url)
