"""Bulk import of firms and persons from XLSX or CSV (issue #21 item 3): a dry run first,
written only after the importer confirms, always into the importer's region, audited."""

from flask import Blueprint

bp = Blueprint("imports", __name__)

from wbagentur.imports import views  # noqa: E402,F401
