"""Pure builders: the bilingual awareness post, the welcome DM and the desk's App Home section."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.awareness import ids
from bot.awareness.content import AwarenessContent, AwarenessItem
from bot.guidance import GuidanceLibrary, Locale
from bot.i18n import t
from bot.slack import blocks as bk
from bot.slack.blocks import SlackMessage
from bot.slack.mrkdwn import escape, slack_date

HOME_POSTS_MAX = 8


def _hotline(locale: str, hotline_url: str | None) -> str:
    url = (hotline_url or "").strip()
    if not url:
        return t("guidance.hotline_ask_hr", locale)
    return t("guidance.hotline_link", locale, url=escape(url).replace("|", "%7C"))


def _filled(item: AwarenessItem, lib: GuidanceLibrary, hotline_url: str | None, locale: str) -> str:
    loc: Locale = "ja" if locale == "ja" else "en"
    categories = "\n".join(f"• {category.title.get(loc)}" for category in lib.categories.values())
    text = item.text.get(loc)
    # Plain replacement, not str.format: HR-written text must not break on other braces.
    return text.replace("{categories}", categories).replace("{hotline}", _hotline(loc, hotline_url))


def _bilingual(
    item: AwarenessItem, lib: GuidanceLibrary, hotline_url: str | None
) -> list[bk.Block]:
    return [
        bk.header(item.title.ja),
        bk.section(_filled(item, lib, hotline_url, "ja")),
        bk.divider(),
        bk.section(f"*{item.title.en}*\n{_filled(item, lib, hotline_url, 'en')}"),
    ]


def post_message(
    item: AwarenessItem, lib: GuidanceLibrary, hotline_url: str | None, *, post_id: int
) -> SlackMessage:
    """The channel post: Japanese, then English, then the Got it button and what it counts."""
    button = bk.button(t("awareness.got_it", "ja"), ids.GOT_IT_ACTION, str(post_id))
    blocks = [
        *_bilingual(item, lib, hotline_url),
        bk.actions([button], block_id=ids.GOT_IT_BLOCK),
        bk.context(t("awareness.counted", "ja") + "\n" + t("awareness.counted", "en")),
    ]
    return SlackMessage(text=f"{item.title.ja} / {item.title.en}", blocks=blocks)


def welcome_message(
    content: AwarenessContent, lib: GuidanceLibrary, hotline_url: str | None
) -> SlackMessage:
    item = content.welcome
    return SlackMessage(
        text=f"{item.title.ja} / {item.title.en}", blocks=_bilingual(item, lib, hotline_url)
    )


@dataclass(frozen=True)
class PostRow:
    posted_at: datetime
    title: str
    readers: int


def home_section(rows: Sequence[PostRow], locale: str, *, scheduled: str | None) -> list[bk.Block]:
    """For the desk's App Home: how many people clicked Got it on each recent post."""
    lines = [
        t(
            "awareness.home.line",
            locale,
            date=slack_date(row.posted_at),
            title=escape(row.title),
            n=row.readers,
        )
        for row in rows[:HOME_POSTS_MAX]
    ]
    if scheduled is None:
        lines.append(t("awareness.home.off", locale))
    elif not rows:
        lines.append(t("awareness.home.none", locale))
    return [
        bk.header(t("awareness.home.header", locale)),
        bk.section("\n".join(lines)),
        bk.context(t("awareness.home.privacy", locale)),
    ]
