"""Shared basics with no business logic: settings, logs, metrics, the error tree."""
