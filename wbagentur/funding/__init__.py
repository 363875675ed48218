"""Funding programmes: eligibility engine and (later) the funding blueprint."""
