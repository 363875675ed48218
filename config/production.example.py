"""Example production configuration. Copy outside the repository, point
WBAGENTUR_CONFIG at it, and keep secrets in the environment instead where possible
(WBAGENTUR_SECRET_KEY, WBAGENTUR_TOTP_ENCRYPTION_KEY, WBAGENTUR_SQLALCHEMY_DATABASE_URI)."""

ENV_NAME = "production"
# SECRET_KEY = "…at least 32 random bytes"
#   e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'
# TOTP_ENCRYPTION_KEY = "…another 32+ random bytes"
#   (encrypts TOTP secrets; store it apart from DB backups)
SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://wbagentur@db.internal:5432/wbagentur"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-wba_session"
RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
PROXY_FIX_X_FOR = 1
MAIL_SENDER = "weiterbildungsagentur@example.org"
# Links in e-mails (status, partner and reset links) and the trusted Host header.
PUBLIC_BASE_URL = "https://wba.example.org"
