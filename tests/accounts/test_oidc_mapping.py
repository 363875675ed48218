"""Single sign-on: claims to role and region (plain functions, no app) and the settings
the application refuses to start with."""

import pytest

from wbagentur.accounts.oidc import (
    NO_REGION,
    NO_ROLE,
    SEVERAL_REGIONS,
    Access,
    SsoRefused,
    claim_values,
    config_problems,
    map_access,
)

ROLE_MAP = {
    "wba-beratung": "advisor",
    "wba-leitung": "supervisor",
    "wba-koordination": "coordinator",
    "wba-admin": "admin",
}
REGION_MAP = {"wba-region-nord": "NT", "wba-region-suedwest": "SW"}


def mapped(claims, role_claim="groups", region_claim="groups"):
    return map_access(
        claims,
        role_claim=role_claim,
        role_map=ROLE_MAP,
        region_claim=region_claim,
        region_map=REGION_MAP,
    )


def refusal(claims, **kw):
    with pytest.raises(SsoRefused) as caught:
        mapped(claims, **kw)
    return caught.value


def test_advisor_with_one_region():
    assert mapped({"groups": ["wba-beratung", "wba-region-suedwest"]}) == Access("advisor", "SW")


def test_highest_role_wins_when_several_map():
    claims = {"groups": ["wba-beratung", "wba-leitung", "wba-region-nord"]}
    assert mapped(claims) == Access("supervisor", "NT")
    assert mapped({"groups": ["wba-beratung", "wba-admin"]}) == Access("admin", None)


def test_state_wide_roles_get_no_region_even_when_one_is_named():
    claims = {"groups": ["wba-koordination", "wba-region-nord", "wba-region-suedwest"]}
    assert mapped(claims) == Access("coordinator", None)


def test_role_and_region_from_different_and_nested_claims():
    claims = {
        "realm_access": {"roles": ["wba-leitung", "offline_access"]},
        "wba_region": "wba-region-nord",
    }
    assert mapped(claims, role_claim="realm_access.roles", region_claim="wba_region") == Access(
        "supervisor", "NT"
    )


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"groups": []},
        {"groups": ["unbekannt", "WBA-BERATUNG"]},  # values are compared exactly
        {"groups": "wba-region-nord"},
        {"groups": [1, None, {"wba-admin": True}]},
        {"groups": {"wba-admin": "admin"}},
        {"groups": 42},
        {"groups": None},
    ],
)
def test_claims_without_a_mapped_role_are_refused(claims):
    exc = refusal(claims)
    assert exc.reason == "no_role"
    assert str(exc) == str(NO_ROLE)
    assert "keine Rolle" in str(exc)


def test_advisor_without_region_is_refused_in_german():
    exc = refusal({"groups": ["wba-beratung", "wba-region-unbekannt"]})
    assert exc.reason == "no_region"
    assert str(exc) == str(NO_REGION)
    assert "keiner Region zugeordnet" in str(exc)


def test_supervisor_with_two_regions_is_refused():
    exc = refusal({"groups": ["wba-leitung", "wba-region-nord", "wba-region-suedwest"]})
    assert exc.reason == "several_regions"
    assert str(exc) == str(SEVERAL_REGIONS)


def test_missing_nested_claim_maps_to_nothing():
    assert claim_values({"realm_access": "x"}, "realm_access.roles") == []
    assert claim_values({"realm_access": {"roles": "wba-admin"}}, "realm_access.roles") == [
        "wba-admin"
    ]
    assert claim_values({}, "") == []
    assert claim_values({"groups": b"wba-admin"}, "groups") == []


BASE = {
    "ENV_NAME": "development",
    "OIDC_ISSUER": "https://sso.example.de/realms/wba",
    "OIDC_CLIENT_ID": "wbagentur",
    "OIDC_CLIENT_SECRET": "secret",
    "OIDC_SCOPES": "openid email profile",
    "OIDC_ROLE_MAP": ROLE_MAP,
    "OIDC_REGION_MAP": REGION_MAP,
    "LOCAL_PASSWORDS_ENABLED": True,
}


def test_complete_settings_have_no_problems():
    assert config_problems(BASE) == []
    assert config_problems({"LOCAL_PASSWORDS_ENABLED": True}) == []  # SSO off


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"OIDC_ISSUER": None, "LOCAL_PASSWORDS_ENABLED": False}, "nobody can sign in"),
        ({"OIDC_CLIENT_SECRET": ""}, "OIDC_CLIENT_SECRET"),
        ({"OIDC_SCOPES": "email profile"}, "'openid'"),
        ({"OIDC_ROLE_MAP": {}}, "OIDC_ROLE_MAP must map"),
        ({"OIDC_ROLE_MAP": {"wba": "superuser"}}, "unknown roles ['superuser']"),
        ({"OIDC_REGION_MAP": ["NT"]}, "OIDC_REGION_MAP must map"),
        ({"ENV_NAME": "production", "OIDC_ISSUER": "http://sso.example.de"}, "https://"),
    ],
)
def test_unusable_settings_are_named(change, expected):
    problems = config_problems({**BASE, **change})
    assert len(problems) == 1
    assert expected in problems[0]


def test_app_refuses_to_start_with_passwords_off_and_no_sso(tmp_path):
    from tests.conftest import app_without_schema
    from wbagentur.core.config import ConfigError

    with pytest.raises(ConfigError, match="LOCAL_PASSWORDS_ENABLED"):
        app_without_schema(f"sqlite:///{tmp_path}/x.sqlite", LOCAL_PASSWORDS_ENABLED=False)
