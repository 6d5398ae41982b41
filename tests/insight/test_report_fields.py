"""*Where did it happen* and *Who was the customer* on the report form (pure, no Slack)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import SettingsError, load_settings
from bot.report.fields import LOCATION_CHOICE
from bot.report.modals import FormMetadata, ReportDraft, parse_report
from bot.standin import validate_view
from tests.report.test_form import CATEGORY_KEYS, NOW, modal, parse, submitted

VALID = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5",
    "DESK_CHANNEL_ID": "C0123ABCD",
}
PLACES = ("渋谷店", "新宿店", "コールセンター")


def inputs(view: dict[str, Any]) -> dict[str, Any]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def test_with_locations_a_list_and_a_box_for_places_not_listed() -> None:
    view = modal("ja", locations=PLACES)
    found = inputs(view)
    choice = found[LOCATION_CHOICE.block_id]["element"]
    assert [o["value"] for o in choice["options"]] == list(PLACES)
    assert found["location"]["label"]["text"] == "発生場所(一覧にない場合)"
    assert found["customer_text"]["element"]["max_length"] == 200
    assert validate_view(view) == []


def test_without_locations_the_place_is_typed() -> None:
    found = inputs(modal("en"))
    assert LOCATION_CHOICE.block_id not in found
    assert found["location"]["label"]["text"] == "Where did it happen?"


def test_a_typed_place_and_customer_are_stored_as_typed() -> None:
    typed = parse(submitted(location={"value": "大阪の取引先"}, customer_text={"value": "ﾔﾏﾀﾞ様"}))
    assert isinstance(typed, ReportDraft)
    assert typed.texts["location"] == "大阪の取引先" and typed.texts["customer_text"] == "ﾔﾏﾀﾞ様"


def test_a_place_not_in_the_list_and_too_long_texts_are_field_errors() -> None:

    def run(**values: Any) -> Any:
        return parse_report(
            submitted(**values),
            metadata=FormMetadata("t", "en", None),
            now=NOW,
            category_keys=CATEGORY_KEYS,
            locale="en",
            locations=PLACES,
        )

    chosen = run(location_choice={"selected_option": {"value": "新宿店"}})
    assert isinstance(chosen, ReportDraft) and chosen.texts["location"] == "新宿店"
    assert list(run(location_choice={"selected_option": {"value": "Mars"}})) == ["location_choice"]
    assert list(run(customer_text={"value": "x" * 10_000})) == ["customer_text"]
    assert list(run(location={"value": "x" * 101})) == ["location"]


def test_locations_setting_from_a_list_or_a_file(tmp_path: Path) -> None:
    assert load_settings({**VALID, "LOCATIONS": "渋谷店, 新宿店,,渋谷店"}).locations == (
        "渋谷店",
        "新宿店",
    )
    listing = tmp_path / "places.txt"
    listing.write_text("# stores\n渋谷店\n\nコールセンター\n", encoding="utf-8")
    assert load_settings({**VALID, "LOCATIONS": str(listing)}).locations == (
        "渋谷店",
        "コールセンター",
    )
    with pytest.raises(SettingsError, match="LOCATIONS"):
        load_settings({**VALID, "LOCATIONS": ",".join(f"p{i}" for i in range(101))})
    with pytest.raises(SettingsError, match="LOCATIONS"):
        load_settings({**VALID, "LOCATIONS": "x" * 76})
