"""Default configuration of wbagentur.

Load order (see ``wbagentur.create_app``): this file, then the file named by the
``WBAGENTUR_CONFIG`` environment variable (or ``instance/wbagentur.cfg``), then
``WBAGENTUR_*`` environment variables, then the overrides passed to ``create_app``.
Documented in docs/configuration.md.
"""

from datetime import timedelta

# "development" or "production". Production refuses to start without a secret key,
# a PostgreSQL URL and secure cookies (wbagentur.core.config.validate).
ENV_NAME = "development"

# None: development generates a random key into instance/secret_key.
SECRET_KEY = None

# None: SQLite file instance/wbagentur.sqlite.
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}
SQLALCHEMY_RECORD_QUERIES = False
# SQLite only: how transactions begin. IMMEDIATE takes the write lock at BEGIN so that
# concurrent workers queue instead of failing with "database is locked".
SQLITE_BEGIN = "IMMEDIATE"

# Locale: UI text is German; English is the second locale.
BABEL_DEFAULT_LOCALE = "de"
BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
LANGUAGES = ("de", "en")

# Sessions: a signed cookie holds only the opaque id of a server-side session row,
# so logout, password change and deactivation end sessions on the server.
# Read audit entries (case/person/referral viewed) are spooled to files of this directory
# on the request path and chained into the audit trail by ``flask worker`` every
# AUDIT_INGEST_SECONDS (issue #22). None: instance/audit-spool. Every host that runs the
# web application runs a worker (or ``flask audit ingest`` from cron) on the same directory.
AUDIT_SPOOL_DIR = None
AUDIT_INGEST_SECONDS = 5
# fsync every spooled read: survives a power loss of the host, costs a disk flush per read.
AUDIT_SPOOL_FSYNC = False

SESSION_COOKIE_NAME = "wba_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
SESSION_MAX_PER_USER = 3
# WCAG 2.2.1: warn this long before the idle timeout and offer to extend.
SESSION_WARNING_LEAD = timedelta(minutes=2)
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

# Argon2id parameters of new password hashes (wbagentur.accounts.passwords.PROFILES):
# "rfc9106_low_memory" (t=3, m=64 MiB, p=4); production refuses any other. The test suite
# uses "test", the cheapest parameters argon2 accepts.
ARGON2_PROFILE = "rfc9106_low_memory"

# Login throttling per account, counted in the database (holds across workers).
LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW = timedelta(seconds=60)

# Rate limits (Flask-Limiter). Use a shared store (redis://…) when more than one
# worker process runs; memory:// counts per process.
RATELIMIT_STORAGE_URI = "memory://"
# Our 429 page sets Retry-After itself; the limiter would also overwrite it on 503s.
RATELIMIT_HEADERS_ENABLED = False
RATELIMIT_LOGIN = "20 per minute"

# Requests
MAX_CONTENT_LENGTH = 12 * 1024 * 1024
# Host header check (Flask TRUSTED_HOSTS): requests for any other host answer 400.
# None: the host of PUBLIC_BASE_URL, plus localhost and 127.0.0.1 outside production.
TRUSTED_HOSTS = None
WTF_CSRF_TIME_LIMIT = 3600

# Assets are served locally (Bootstrap from the Bootstrap-Flask package).
BOOTSTRAP_SERVE_LOCAL = True

# Mail
MAIL_SENDER = "weiterbildungsagentur@localhost"

# Behind a reverse proxy set to the number of trusted proxies (ProxyFix).
PROXY_FIX_X_FOR = 0

SECURITY_HEADERS_HSTS = True

# --- Public advice request, requester uploads and the mail outbox (intake, mail, core.uploads) ---
# Scheme and host (and port) of links in e-mails, e.g. "https://wba.example.de" (required in
# production). None: the host of the request that sends the mail (TRUSTED_HOSTS has checked
# it), and for CLI jobs SERVER_NAME with PREFERRED_URL_SCHEME (wbagentur/mail/links.py).
PUBLIC_BASE_URL = None
# Time trap: a form sent faster than this (seconds) or older than INTAKE_MAX_AGE_SECONDS is refused.
INTAKE_MIN_SECONDS = 3
INTAKE_MAX_AGE_SECONDS = 24 * 60 * 60
# Per client IP (POST only) and for all clients together.
INTAKE_RATE_LIMIT = "5 per hour"
INTAKE_GLOBAL_LIMIT = "200 per hour"
INTAKE_UPLOAD_RATE_LIMIT = "20 per hour"
# Validity of the secret status link sent to the requester.
INTAKE_STATUS_LINK_DAYS = 180
# Version of the consent and data-protection text shown on the form (stored with each request).
INTAKE_CONSENT_TEXT_VERSION = "2026-01"
# Uploads: PDF, PNG, JPEG up to this size; None = <instance>/uploads (outside the static folder).
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_DIR = None
# "file" writes each message as .eml into MAIL_FILE_DIR (the development mailbox, /dev/postfach);
# "console" prints messages to stdout; "smtp" delivers through MAIL_SMTP_HOST.
# None: "file" in development, "smtp" in production.
MAIL_BACKEND = None
# Folder of the development mailbox; None = <instance>/postfach.
MAIL_FILE_DIR = None
MAIL_SMTP_HOST = "localhost"
MAIL_SMTP_PORT = 25
MAIL_SMTP_TIMEOUT = 10

# --- Referrals to partner bodies and transfers (referrals; docs/referrals.md) ---
# Validity of the secret partner link in each referral e-mail (days).
REFERRAL_LINK_DAYS = 60
# `flask referrals remind` (cron, hourly): reminder to the partner this many working days
# before the due date, escalation to the region's supervisors this many working days after
# it, and expiry of unanswered "sent" referrals this many working days after it.
REFERRAL_REMINDER_DAYS = 2
REFERRAL_ESCALATION_DAYS = 5
REFERRAL_EXPIRY_DAYS = 20

# --- Caseload review, exports and ESF+ indicators (reports; docs/reports.md) ---
# ESF+ statistics: cells with fewer persons/firms than this are shown as "< N" (DP-09).
ESF_SUPPRESSION_THRESHOLD = 5
# ESF+ participant lifecycle (wbagentur/esf; docs/esf.md). Short counselling (at most
# this many contact days and minutes) does not make a person an ESF+ participant.
# UNVERIFIED: the exemption and its limits (1 day / 8 hours) await the TLVwA's confirmation.
ESF_SHORT_COUNSELLING_EXEMPT = True
ESF_SHORT_COUNSELLING_DAYS = 1
ESF_SHORT_COUNSELLING_MINUTES = 480
# Follow-up survey six months after leaving: link valid this many days, reminder after
# this many days without an answer.
ESF_SURVEY_LINK_DAYS = 28
ESF_SURVEY_REMINDER_DAYS = 14
# Open cases whose last contact is older than this many days (or missing) count as
# "ohne Kontakt" on the dashboard.
NO_CONTACT_DAYS = 30
# Default period of the dashboard (days back from today) and the longest period allowed.
REPORT_DEFAULT_DAYS = 90
REPORT_MAX_DAYS = 731
# Advisors shown in the dashboard's and monthly report's tables per advisor (those with the
# most open or overdue cases; "Alle zeigen" and the exports list every advisor).
REPORT_ADVISOR_ROWS = 25

# --- Second factor and password reset (accounts; docs/configuration.md) ---
# Roles that must sign in with a TOTP code; signed-in users of these roles without one
# are sent to the set-up page (/konto/zwei-faktor) from every other page.
TOTP_REQUIRED_ROLES = ("admin", "coordinator")
# Key material (≥ 32 random characters) from which the key that encrypts TOTP secrets in
# the database is derived; required in production and different from SECRET_KEY. None in
# development: derived from SECRET_KEY. After a change, list the previous value in
# TOTP_ENCRYPTION_OLD_KEYS and run `flask accounts rotate-totp-key`.
TOTP_ENCRYPTION_KEY = None
TOTP_ENCRYPTION_OLD_KEYS: tuple = ()
# How long the code step may follow a correct password before the login starts over.
LOGIN_CODE_TIMEOUT = timedelta(minutes=5)
# Validity of a password-reset link in hours (1–24; larger values count as 24).
PASSWORD_RESET_HOURS = 1
# Reset e-mails per account and hour (counted in the database) and requests per client IP.
PASSWORD_RESET_MAX_PER_HOUR = 3
PASSWORD_RESET_IP_LIMIT = "10 per hour"  # noqa: S105 (a rate, not a password)
# The "e-mail sent" answer takes at least this long, so its timing does not reveal
# whether an account exists.
PASSWORD_RESET_MIN_SECONDS = 0.6

# --- The operator named on the public pages (Impressum, Datenschutz, Barrierefreiheit) ---
# Replace the placeholders before going live (docs/configuration.md, "Public pages").
OPERATOR_NAME = "Weiterbildungsagentur Thüringen"
OPERATOR_LEGAL_ENTITY = "Trägerverbund Weiterbildungsagentur Thüringen (Platzhalter)"
OPERATOR_STREET = "Musterstraße 1"
OPERATOR_POSTCODE_CITY = "99084 Erfurt"
OPERATOR_REPRESENTATIVE = "Geschäftsführung: N. N. (Platzhalter)"
OPERATOR_PHONE = "0361 000000-0"
OPERATOR_EMAIL = "info@weiterbildungsagentur-thueringen.example"
OPERATOR_REGISTER = ""  # e.g. "Vereinsregister Amtsgericht Jena, VR 000000"; empty: not shown
OPERATOR_VAT_ID = ""  # Umsatzsteuer-Identifikationsnummer; empty: not shown
OPERATOR_SUPERVISORY_AUTHORITY = ""  # Aufsichtsbehörde, if any; empty: not shown
OPERATOR_CONTENT_RESPONSIBLE = "N. N., Anschrift wie oben (Platzhalter)"
# Data-protection officer (Art. 37 DSGVO): name or function, address and e-mail.
DPO_NAME = "Datenschutzbeauftragte/r der Weiterbildungsagentur Thüringen"
DPO_ADDRESS = "Musterstraße 1, 99084 Erfurt"
DPO_EMAIL = "datenschutz@weiterbildungsagentur-thueringen.example"
# Accessibility statement: feedback address and the date of the last review (DD.MM.YYYY).
ACCESSIBILITY_EMAIL = "barrierefreiheit@weiterbildungsagentur-thueringen.example"
ACCESSIBILITY_REVIEWED_ON = "06.12.2026"
# Enforcement body of the accessibility statement (§ 8 ThürBarrWebG); verify before going live.
ACCESSIBILITY_ENFORCEMENT_BODY = (
    "Durchsetzungsstelle nach dem ThürBarrWebG beim Beauftragten für Menschen mit "
    "Behinderungen des Freistaats Thüringen, Werner-Seelenbinder-Straße 6, 99096 Erfurt"
)

# --- Background jobs (`flask worker`; wbagentur/jobs, docs/operations.md) ---
# The scheduler wakes each job at most this many seconds apart; the database decides whether
# it is due (job_leases.due_at), so a restarted or second worker never runs a job early.
WORKER_POLL_SECONDS = 60
# Seconds between two runs per job: mail.send, referrals.remind, retention.run, esf.surveys
# (defaults 30, 3600, 86400, 3600; wbagentur/jobs/services.py).
WORKER_INTERVALS: dict[str, int] = {}

# --- Bulk import of firms and persons (wbagentur/imports; /import) ---
# Largest import file (CSV or XLSX); at most 5,000 rows per file.
IMPORT_MAX_BYTES = 2 * 1024 * 1024
# Uploaded files between dry run and confirmation (removed by the worker after 24 hours);
# None = <instance>/imports.
IMPORT_DIR = None

# --- Single sign-on with OpenID Connect (wbagentur/accounts/oidc.py; docs/operations.md) ---
# Issuer URL of the identity provider, e.g. "https://sso.example.de/realms/wba" (Keycloak).
# None: single sign-on is off and the login page offers only the password form.
OIDC_ISSUER = None
# Discovery document; None: <OIDC_ISSUER>/.well-known/openid-configuration.
OIDC_DISCOVERY_URL = None
# The application's confidential client at the provider (secret from the environment:
# WBAGENTUR_OIDC_CLIENT_SECRET). Redirect URI to register: <base URL>/anmelden/sso/rueckkehr.
OIDC_CLIENT_ID = None
OIDC_CLIENT_SECRET = None
OIDC_SCOPES = "openid email profile"
# Claim names (a dot reaches into nested claims, e.g. "realm_access.roles" in Keycloak).
OIDC_EMAIL_CLAIM = "email"
OIDC_NAME_CLAIM = "name"
OIDC_ROLE_CLAIM = "groups"
OIDC_REGION_CLAIM = "groups"
# Claim value -> role of the application (advisor, supervisor, coordinator, admin). An
# account with several mapped values gets the highest (admin > coordinator > supervisor >
# advisor); with none the sign-in is refused.
OIDC_ROLE_MAP: dict[str, str] = {}
# Claim value -> planning region code (NT, MT, OT, SW). Advisors and supervisors need
# exactly one; the account joins the region's contact point.
OIDC_REGION_MAP: dict[str, str] = {}
# Link an existing account with the same e-mail address at its first single sign-on
# (only when the provider says the address is verified: email_verified).
OIDC_LINK_BY_EMAIL = True
# A single sign-on session asks the provider again (token refresh, else userinfo) when its
# last confirmation is older than this; a refusal (account deactivated or deleted, session
# ended at the provider) ends the session at that request. 0: at every request.
OIDC_REVALIDATE_SECONDS = 300
# Timeout of every request to the provider (seconds).
OIDC_TIMEOUT_SECONDS = 10
# False: no password form on the login page, POSTs to it and the password-reset pages are
# refused; staff sign in only through single sign-on (needs OIDC_ISSUER). Accounts keep
# working through `flask accounts` on the server.
LOCAL_PASSWORDS_ENABLED = True
