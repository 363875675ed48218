"""One check for every ``next=`` target (security.md WEB-04, issue #19 items 2 and 6).

Browsers clean a Location value up before they parse it (WHATWG URL standard): leading
and trailing C0 controls and spaces are stripped, tabs and newlines removed anywhere,
backslashes read as slashes. ``_browser_host`` does the same, so a target that passes the
check must stay on our host however the browser reads it.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from wbagentur.core.security import is_safe_redirect_path, safe_redirect_target

CONTROL = [chr(c) for c in range(0x20)] + ["\x7f"]
C1_AND_UNICODE = [chr(c) for c in range(0x80, 0xA0)] + [
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u3000",
    "\u200b",
    "\ufeff",
    "\u202e",
]
SCHEME_RELATIVE = [
    "//evil.example/phish",
    "///evil.example/phish",
    "/\\evil.example/phish",
    "\\/evil.example/phish",
    "\\\\evil.example/phish",
    "/\\/evil.example/phish",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "//evil.example@app.example/",
    "evil.example/phish",
    " //evil.example",
    "",
]
TEMPLATES = [
    "{c}//evil.example/phish",
    "/{c}/evil.example/phish",
    "/{c}\\evil.example",
    "//{c}evil",
]


def _browser_host(target: str) -> str | None:
    """The host a browser would go to for ``Location: target`` on https://app.example."""
    cleaned = target.strip("".join(chr(c) for c in range(0x21)))
    cleaned = "".join(ch for ch in cleaned if ch not in "\t\n\r").replace("\\", "/")
    return urlsplit(urljoin("https://app.example/start", cleaned)).hostname


@pytest.mark.parametrize("char", CONTROL + C1_AND_UNICODE, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_control_character_is_refused(char, template):
    target = template.format(c=char)
    assert not is_safe_redirect_path(target)
    assert safe_redirect_target(target, "/") == "/"


@pytest.mark.parametrize("char", CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_control_character_inside_a_local_path_is_refused(char):
    # Not dangerous as a destination, but a newline in a header is refused by Werkzeug (500).
    assert safe_redirect_target(f"/faelle{char}/3", "/") == "/"


@pytest.mark.parametrize("target", SCHEME_RELATIVE)
def test_scheme_relative_and_absolute_targets_are_refused(target):
    assert safe_redirect_target(target, "/start") == "/start"


@pytest.mark.parametrize(
    "target",
    [
        "/faelle/3",
        "/faelle?suche=M%C3%BCller&seite=2",
        "/personen?suche=Müller",
        "/%0A/x",
        "/%09/evil.example/phish",
        "/%2F%2Fevil.example",
        "/unternehmen/7?next=https://evil.example",
    ],
)
def test_local_paths_are_kept_and_stay_on_the_host(target):
    assert safe_redirect_target(target, "/start") == target
    assert _browser_host(target) == "app.example"


def test_everything_refused_would_have_left_or_broken_the_page():
    """The browser model shows why: the raw values lead to another host."""
    for target in ["/\t/evil.example/phish", "/\\evil.example", "\x00//evil.example", "/\n/evil"]:
        assert _browser_host(target) == "evil.example" or "\n" in target
        assert not is_safe_redirect_path(target)


def test_overlong_target_is_refused():
    assert safe_redirect_target("/" + "a" * 3000, "/start") == "/start"


ATTACKS = ["/\t/evil.example/phish", "/\\evil.example/phish", "/\n/x", "/\r\n/x", "//evil.example"]


@pytest.mark.parametrize("target", ATTACKS)
def test_login_never_redirects_off_site(client, make_user, target):
    persona = make_user("advisor", "SW")
    response = client.post(
        "/anmelden", data={"email": persona.email, "password": persona.password, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_with_encoded_newline_in_next_is_no_500(client, make_user):
    persona = make_user("advisor", "SW")
    body = f"email={persona.email}&password={persona.password}&next=/%0A/x"
    response = client.post(
        "/anmelden?next=/%0A/x", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", [*ATTACKS, "/%0A/x"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.post("/sprache", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert _browser_host(response.headers["Location"]) == "app.example"
    assert response.headers["Location"] in ("/", "/%0A/x")


def test_language_switch_with_raw_encoded_newline_is_no_500(client):
    response = client.post(
        "/sprache", data="lang=de&next=/%0A/x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
