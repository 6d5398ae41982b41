"""The report form's pure builder and parser (bot/report/modals.py, driven by bot/report/fields.py),
without Slack: what the person sees, and what a submission turns into."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.report.fields import DESK_TEXT_FIELDS, FIELDS, TEXT_FIELDS, Kind
from bot.report.modals import FormMetadata, Prefill, ReportDraft, parse_report, report_modal
from bot.standin import validate_view

NOW = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
CATEGORY_LABELS = [("physical", "Physical"), ("mental", "Mental")]
CATEGORY_KEYS = ("physical", "mental")


def modal(locale: str = "en", **kwargs: Any) -> dict[str, Any]:
    return report_modal(
        locale=locale,
        now=NOW,
        metadata=FormMetadata("token", locale, kwargs.pop("permalink", None)),
        category_labels=CATEGORY_LABELS,
        desk_channel_name="<#C0DESK>",
        retention=timedelta(days=1095),
        **kwargs,
    )


def submitted(**values: dict[str, Any]) -> dict[str, Any]:
    state = {
        "in_danger": {"selected_option": {"value": "no"}},
        "narrative": {"value": "He shouted at me."},
        "categories": {"selected_options": [{"value": "mental"}]},
        "occurred_at": {"selected_date_time": int((NOW - timedelta(hours=1)).timestamp())},
        "contact_channel": {"selected_option": {"value": "phone"}},
        "customer_type": {"selected_option": {"value": "customer"}},
        "identity": {"selected_option": {"value": "anonymous"}},
        "preferences": {"selected_options": [{"value": "police_ok"}]},
    }
    state.update(values)
    return {block_id: {f"{block_id}_input": element} for block_id, element in state.items()}


def parse(values: dict[str, Any], locale: str = "en") -> ReportDraft | dict[str, str]:
    return parse_report(
        values,
        metadata=FormMetadata("token", locale, "https://example.slack.com/archives/C1/p1"),
        now=NOW,
        category_keys=CATEGORY_KEYS,
        locale=locale,
    )


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_form_has_one_input_per_field_in_table_order_and_slack_accepts_it(locale: str) -> None:
    view = modal(locale, locations=("渋谷店", "新宿店"))  # with LOCATIONS every row shows
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    # Without a message to link to, the "share the link" choice is left out.
    shown = [field for field in FIELDS if not field.only_with_link]
    assert [block["block_id"] for block in inputs] == [field.block_id for field in shown]
    for block, field in zip(inputs, shown, strict=True):
        assert block["element"]["type"] == field.kind.value
        assert block["element"]["action_id"] == field.action_id
        assert block["optional"] is field.optional
        if field.kind is Kind.TEXT:
            assert block["element"]["max_length"] == field.max_length
    assert validate_view(view) == []


def test_only_what_happened_is_required_and_the_safe_answers_are_preselected() -> None:
    inputs = {b["block_id"]: b for b in modal()["blocks"] if b["type"] == "input"}
    required = {block_id for block_id, block in inputs.items() if not block["optional"]}
    assert "narrative" in required
    assert all(inputs[f.block_id]["optional"] for f in DESK_TEXT_FIELDS)
    assert inputs["in_danger"]["element"]["initial_option"]["value"] == "no"
    assert inputs["identity"]["element"]["initial_option"]["value"] == "named"
    assert [o["value"] for o in inputs["preferences"]["element"]["initial_options"]] == ["checkins"]


def test_a_message_shortcut_prefills_the_narrative_and_says_where_it_came_from() -> None:
    link = "https://example.slack.com/archives/C1/p1700000000000100"
    view = modal(permalink=link, prefill=Prefill("the customer's message", link))
    narrative = next(b for b in view["blocks"] if b.get("block_id") == "narrative")
    assert narrative["element"]["initial_value"] == "the customer's message"
    assert link in view["blocks"][1]["elements"][0]["text"]


def test_a_valid_submission_becomes_a_draft_with_every_text_as_typed() -> None:
    draft = parse(submitted(narrative={"value": "  He shouted <!channel>  "}))
    assert isinstance(draft, ReportDraft)
    assert draft.texts["narrative"] == "  He shouted <!channel>  "
    assert set(draft.texts) == {field.block_id for field in TEXT_FIELDS}
    assert draft.categories == ("mental",)
    assert (draft.contact_channel, draft.customer_type, draft.identity) == (
        "phone",
        "customer",
        "anonymous",
    )
    assert draft.in_danger is False
    assert (draft.checkins_wanted, draft.police_consent) == (False, True)
    # An anonymous reporter's link reaches the desk only if they tick "share".
    assert draft.source_permalink is None
    shared = parse(submitted(share_link={"selected_options": [{"value": "share_link"}]}))
    assert isinstance(shared, ReportDraft)
    assert shared.source_permalink == "https://example.slack.com/archives/C1/p1"


@pytest.mark.parametrize(
    ("values", "block_id", "english"),
    [
        ({"narrative": {"value": "   "}}, "narrative", "what happened"),
        ({"narrative": {"value": "x" * 3001}}, "narrative", "3000"),
        ({"witnesses": {"value": "x" * 501}}, "witnesses", "500"),
        ({"demands": {"value": "x" * 1501}}, "demands", "1500"),
        (
            {"occurred_at": {"selected_date_time": int((NOW + timedelta(hours=1)).timestamp())}},
            "occurred_at",
            "future",
        ),
        ({"categories": {"selected_options": [{"value": "made_up"}]}}, "categories", ""),
        # Left empty it is "unknown" (optional); a value off the list is still refused.
        (
            {"contact_channel": {"selected_option": {"value": "carrier_pigeon"}}},
            "contact_channel",
            "",
        ),
        ({"customer_type": {"selected_option": {"value": "alien"}}}, "customer_type", ""),
    ],
)
def test_each_problem_is_shown_under_its_own_field(
    values: dict[str, Any], block_id: str, english: str
) -> None:
    for locale in ("ja", "en"):
        errors = parse(submitted(**values), locale)
        assert isinstance(errors, dict)
        assert list(errors) == [block_id]
        assert errors[block_id]
    english_errors = parse(submitted(**values), "en")
    assert isinstance(english_errors, dict)
    assert english.lower() in english_errors[block_id].lower()


def test_no_identity_choice_counts_as_anonymous() -> None:
    # Anonymity fails closed; only an explicit "named" shows the reporter's name.
    for missing_or_unknown in (None, {"value": "xyz"}):
        draft = parse(submitted(identity={"selected_option": missing_or_unknown}))
        assert isinstance(draft, ReportDraft) and draft.identity == "anonymous"
