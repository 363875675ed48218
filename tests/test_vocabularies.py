"""Every vocabulary's labels are lazily translated and have an English translation."""

from __future__ import annotations

from flask_babel import force_locale

from tests.vocabularies import NOT_DISPLAYED, constants, english_catalogue, vocabularies


def test_the_walk_finds_the_vocabularies_of_every_domain():
    names = set(vocabularies())
    for expected in (
        "wbagentur.cases.models.STATUSES",
        "wbagentur.cases.models.TOPICS",
        "wbagentur.referrals.data.STATES",
        "wbagentur.partners.data.TOPICS",  # {code: (label, partner kinds)}
        "wbagentur.accounts.models.ROLE_LABELS",
        "wbagentur.esf.rules.ENTRY_ROWS",  # [(code, label), …]
        "wbagentur.reports.services.TABLE_TITLES",
    ):
        assert expected in names
    assert len(names) >= 40
    assert sum(len(labels) for labels in vocabularies().values()) >= 250


def test_every_displayed_label_is_lazy():
    plain = {
        name: [label.code for label in labels if not label.translatable]
        for name, labels in vocabularies().items()
    }
    assert {name: codes for name, codes in plain.items() if codes} == {}, (
        "wrap the labels in lazy_gettext (or list the constant in NOT_DISPLAYED with a reason)"
    )


def test_every_label_has_an_english_translation():
    catalogue = english_catalogue()
    missing = sorted(
        f"{label.vocabulary}[{label.code}]: {label.message}"
        for labels in vocabularies().values()
        for label in labels
        if label.translatable and not catalogue.get(label.message)
    )
    assert missing == []


def test_labels_render_english_in_an_english_request(app):
    with app.test_request_context(), force_locale("en"):
        from wbagentur.cases.models import STATUSES, TOPICS
        from wbagentur.referrals.data import OUTCOMES, STATES

        assert str(STATUSES["in_advice"]) == "in advice"
        assert str(TOPICS["digital"]) == "Digital skills"
        assert str(STATES["declined"]) == "declined"
        # One German word, two meanings: a message context keeps them apart.
        assert str(OUTCOMES["rejected"]) == "rejected"
    with app.test_request_context():
        assert str(STATES["declined"]) == str(OUTCOMES["rejected"]) == "abgelehnt"


def test_the_exemptions_name_real_constants():
    assert set(NOT_DISPLAYED) <= set(constants())
