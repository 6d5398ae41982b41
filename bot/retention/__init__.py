"""Deleting closed cases once the retention period is over (APPI: keep no longer than needed)."""
