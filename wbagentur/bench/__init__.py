"""Scale data set and benchmark (issue 8): ``flask bench generate`` and ``flask bench run``.

The blueprint carries CLI commands only; it registers no routes.
"""

from flask import Blueprint

bp = Blueprint("bench", __name__, cli_group="bench")

from wbagentur.bench import commands  # noqa: E402,F401
