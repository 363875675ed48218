"""Names of the measured requests and the target class of each (security.md § 5 item 31:
reads p95 <= 300 ms, saves and search <= 800 ms). Shared by the locustfile, which names
its requests with them, and run.py, which judges them; kept free of locust imports
(locust monkey-patches the standard library with gevent when imported)."""

INBOX = "Posteingang"
MY_CASES = "Meine Fälle"
CASE_LIST_FILTER = "Fallliste Filter"
CASE_DETAIL = "Falldetail"
FUNDING_CHECK = "Fördercheck im Fall"
REFERRALS = "Weiterleitungen"
DUE = "Fällige Wiedervorlagen"
SEARCH = "Fallliste Suche"
ADD_NOTE = "Notiz speichern"
LOGIN_FORM = "Anmeldeseite"
LOGIN = "Anmeldung"

PAGE_KINDS = {
    INBOX: "read",
    MY_CASES: "read",
    CASE_LIST_FILTER: "read",
    CASE_DETAIL: "read",
    FUNDING_CHECK: "read",
    REFERRALS: "read",
    DUE: "read",
    SEARCH: "search",
    ADD_NOTE: "save",
    # Reported, not judged: argon2 makes a login deliberately slow.
    LOGIN_FORM: "login",
    LOGIN: "login",
}
TARGET_MS = {"read": 300, "search": 800, "save": 800}
