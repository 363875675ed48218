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

# Locale: UI text is German; English is the second locale.
BABEL_DEFAULT_LOCALE = "de"
BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
LANGUAGES = ("de", "en")

# Sessions: a signed cookie holds only the opaque id of a server-side session row,
# so logout, password change and deactivation end sessions on the server.
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
WTF_CSRF_TIME_LIMIT = 3600

# Assets are served locally (Bootstrap from the Bootstrap-Flask package).
BOOTSTRAP_SERVE_LOCAL = True

# Mail
MAIL_SENDER = "weiterbildungsagentur@localhost"

# Behind a reverse proxy set to the number of trusted proxies (ProxyFix).
PROXY_FIX_X_FOR = 0

SECURITY_HEADERS_HSTS = True
