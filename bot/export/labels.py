"""Localised names of the stored keys (status, channel, customer type, outcome, category)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.i18n import has_key, t


def _label(prefix: str, key: str, locale: str) -> str:
    full = f"{prefix}.{key}"
    return t(full, locale) if key and has_key(full) else key


@dataclass(frozen=True)
class Labels:
    locale: str
    category_label: Callable[[str, str], str]

    def category(self, key: str) -> str:
        return self.category_label(key, self.locale)

    def status(self, key: str) -> str:
        return _label("status", key, self.locale)

    def channel(self, key: str) -> str:
        return _label("report.channel", key, self.locale)

    def customer_type(self, key: str) -> str:
        return _label("report.customer", key, self.locale)

    def outcome(self, key: str) -> str:
        return _label("desk.outcome", key, self.locale)

    def cooperation(self, direction: str) -> str:
        return _label("handling.choice", direction, self.locale)
