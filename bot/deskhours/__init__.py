"""Desk hours: when the consultation desk is open, and SLA time counted in open hours only."""
