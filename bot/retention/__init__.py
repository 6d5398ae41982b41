"""Deleting closed cases once the retention period is over (APPI: keep no longer than needed),
and the legal hold that keeps a case from it (desk leads only)."""

from bot.retention.service import HoldOutcome, HoldResult, LegalHolds

__all__ = ["HoldOutcome", "HoldResult", "LegalHolds"]
