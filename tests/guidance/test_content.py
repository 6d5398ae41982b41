"""The shipped guidance says what the company's policy and the law say (/work/shared/domain.md)."""

from __future__ import annotations

import pytest

from bot.guidance import CATEGORY_KEYS, Locale, load_guidance, overview_blocks, topic_blocks
from tests.guidance.test_commands import text_of

LIB = load_guidance()

# The policy's twelve categories. English "targeted" is the one shortened to fit Slack's
# 75-character limit for a choice on the report form ("posts on social media" -> "social media").
POLICY_LABELS = {
    "physical": ("身体的な攻撃(暴行・傷害)", "Physical abuse (assault, injury)"),
    "mental": (
        "精神的な攻撃(脅迫・中傷・名誉毀損・侮辱・暴言)",
        "Mental abuse (intimidation, slander, defamation, insults, abusive language)",
    ),
    "intimidation": ("威圧的な言動", "Intimidating behaviour"),
    "apology": ("謝罪・土下座の要求", "Demands for apologies, incl. kneeling (土下座)"),
    "persistent": ("継続的・執拗な言動", "Repetitive and persistent behaviour"),
    "restrictive": (
        "拘束的な行動(不退去・居座り・監禁)",
        "Restrictive behaviour (refusal to leave, prolonged contact, confinement)",
    ),
    "discriminatory": ("差別的な言動", "Discriminatory speech"),
    "sexual": ("性的な言動", "Speech of a sexual nature"),
    "targeted": (
        "従業員個人への攻撃・要求(SNS等を含む)",
        "Abuse or demands aimed at an individual employee (incl. social media)",
    ),
    "compensation": ("過度な金銭補償の要求", "Demands for excessive financial compensation"),
    "excessive_service": (
        "不合理・過剰なサービスの要求",
        "Demands for unreasonable or excessive services",
    ),
    "no_legitimate_reason": ("正当な理由のない要求", "Demands without legitimate reason"),
}


def test_the_twelve_categories_carry_the_policys_labels() -> None:
    assert tuple(POLICY_LABELS) == CATEGORY_KEYS
    for key, (ja, en) in POLICY_LABELS.items():
        assert (LIB.categories[key].label.ja, LIB.categories[key].label.en) == (ja, en)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_where_to_get_help_names_110_9110_and_kokoro_no_mimi(locale: Locale) -> None:
    help_text = LIB.general["help"].text.get(locale)
    assert "110" in help_text.replace("#9110", "")  # emergencies, not only inside #9110
    assert "#9110" in help_text
    assert "こころの耳" in help_text
    for inside in ("産業医", "EAP"):
        assert inside in help_text
    assert "9110" not in LIB.general["in_danger"].text.get(locale)  # danger means 110, not advice


@pytest.mark.parametrize(("locale", "emergency"), [("ja", "*110番*"), ("en", "*110*")])
def test_violence_means_110_at_once(locale: Locale, emergency: str) -> None:
    assert emergency in LIB.general["in_danger"].text.get(locale)
    assert emergency in LIB.employee["physical"].now.get(locale)


@pytest.mark.parametrize(
    ("locale", "not_here"), [("ja", "この窓口ではなく"), ("en", "not this desk")]
)
def test_conduct_sends_the_reverse_direction_to_the_hotline(locale: Locale, not_here: str) -> None:
    url = "https://hotline.example.com/"
    text = text_of(topic_blocks(LIB, "conduct", locale, url))
    assert not_here in text
    assert f"<{url}|" in text
    # The overview mentions it too, so nobody brings it to this desk by mistake.
    assert f"<{url}|" in text_of(overview_blocks(LIB, locale, url))


@pytest.mark.parametrize(
    ("locale", "needles"),
    [
        (
            "ja",
            (
                "顧客、取引の相手方、施設の利用者その他の",
                "社会通念上許容される範囲を超えた",
                "正当なクレームはカスハラではありません",
                "求職者",
                "法人顧客",
                "ご報告ください",
            ),
        ),
        (
            "en",
            (
                "customers, business counterparties, users of facilities and others",
                "beyond what is socially acceptable",
                "legitimate complaint is not",
                "job seekers",
                "If in doubt",
            ),
        ),
    ],
)
def test_overview_states_the_definition(locale: Locale, needles: tuple[str, ...]) -> None:
    text = LIB.general["overview"].text.get(locale)
    for needle in needles:
        assert needle in text
