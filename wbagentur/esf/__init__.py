"""ESF+ participant lifecycle (issue #20; Reg. (EU) 2021/1057 Annex I): entry questionnaire,
exit record with immediate results, follow-up survey six months after leaving,
completeness checks, indicator table and the per-participant monitoring export."""

from flask import Blueprint

bp = Blueprint("esf", __name__)

from wbagentur.esf import commands, models, views  # noqa: E402,F401
