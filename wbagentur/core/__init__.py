"""Shared building blocks: base model, configuration, access control, audit, errors."""
