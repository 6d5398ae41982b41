"""What the handling posts to Slack (pure builders): sealed, nothing a person typed (notes, a
prevention action, a company, what was asked and answered); full, all of it, escaped."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot.content_mode import ContentMode
from bot.handling.messages import HomeAction, home_section, prevention_due, thread_line

MARKER = "TYPED-<b>-9c1e"
ESCAPED = "TYPED-&lt;b&gt;-9c1e"


def rendered(blocks: Any, text: str = "") -> str:
    return text + json.dumps(blocks, ensure_ascii=False)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_sealed_lines_carry_no_typed_text(locale: str) -> None:
    sealed = ContentMode.SEALED
    facts = thread_line(
        "facts", "U0DESK0001", locale, lists=((), (), ()), notes=MARKER, content=sealed
    )
    cooperation = thread_line(
        "cooperation_made",
        "U0DESK0001",
        locale,
        company=f"Company {MARKER}",
        on="2026-12-01",
        text=f"asked {MARKER}",
        notes=f"answered {MARKER}",
        content=sealed,
    )
    due = prevention_due(
        text=MARKER,
        owner="U0DESK0002",
        due=date(2026, 12, 9),
        reference="CH-2026-0001",
        action_id=1,
        locale=locale,
        content=sealed,
    )
    home = home_section(
        [HomeAction(1, "CH-2026-0001", MARKER, "U0DESK0002", date(2026, 12, 9), False)],
        locale,
        sealed,
    )
    for message in (facts, cooperation, due):
        out = rendered(message.blocks, message.text)
        assert "9c1e" not in out
        assert "U0DESK0001" in out or "U0DESK0002" in out  # who did it stays
    assert "9c1e" not in rendered(home) and "CH-2026-0001" in rendered(home)


def test_full_lines_carry_the_text_escaped() -> None:
    cooperation = thread_line(
        "cooperation_made",
        "U0DESK0001",
        "en",
        company=f"Company {MARKER}",
        on="2026-12-01",
        text=f"asked {MARKER}",
        notes=f"answered {MARKER}",
    )
    out = rendered(cooperation.blocks, cooperation.text)
    for typed in (f"Company {ESCAPED}", f"asked {ESCAPED}", f"answered {ESCAPED}"):
        assert typed in out
    assert MARKER not in out
