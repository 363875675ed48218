"""Overrides used by the test suite (tests/conftest.py passes these to create_app)."""

TESTING = True
SECRET_KEY = "test-secret-key-not-for-production-0123456789"
WTF_CSRF_ENABLED = False
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = "memory://"
# Other modules' tests sign in admins and coordinators with the password only;
# tests/accounts turns the requirement on where it is tested.
TOTP_REQUIRED_ROLES = ()
# Cheap argon2 parameters: every login verifies a hash. tests/accounts/test_passwords.py
# checks the production parameters, which apply outside an app and by default.
ARGON2_PROFILE = "test"
# Mailed links from configuration (tests/mail/test_links.py covers the request's host).
PUBLIC_BASE_URL = "http://localhost:5000"
# Mails go to stdout unless a test chooses another backend (tests/jobs use "file").
MAIL_BACKEND = "console"
# Single sign-on sessions ask the test provider at every request (tests/accounts/test_oidc*).
OIDC_REVALIDATE_SECONDS = 0
