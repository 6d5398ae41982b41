"""The playground's pretend workspace: the people one can act as and the channels they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.standin import SlackStandIn

Role = Literal["employee", "desk", "lead"]

DESK_CHANNEL = "C0PGDESK01"
GENERAL_CHANNEL = "C0PGGENRL1"
DESK_CHANNEL_NAME = "kasuhara-desk"
GENERAL_CHANNEL_NAME = "general"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    real_name: str
    role: Role
    tz: str
    locale: str


EMPLOYEE_JA = Person("U0PGEMPJA1", "hanako", "佐藤 花子", "employee", "Asia/Tokyo", "ja-JP")
EMPLOYEE_EN = Person("U0PGEMPEN1", "alex", "Alex Morgan", "employee", "America/New_York", "en-US")
DESK_JA = Person("U0PGDESK01", "tanaka", "田中 祐樹", "desk", "Asia/Tokyo", "ja-JP")
DESK_EN = Person("U0PGDESK02", "sam", "Sam Lee", "desk", "Asia/Tokyo", "en-US")
LEAD = Person("U0PGLEAD01", "ito", "伊藤 恵子", "lead", "Asia/Tokyo", "ja-JP")
PEOPLE = (EMPLOYEE_JA, EMPLOYEE_EN, DESK_JA, DESK_EN, LEAD)
DESK_MEMBERS = tuple(p.id for p in PEOPLE if p.role in ("desk", "lead"))

# A few everyday messages, so the message shortcut has something to report.
GENERAL_MESSAGES = (
    (EMPLOYEE_EN, "Morning all! The new counter schedule is on the wiki."),
    (
        EMPLOYEE_JA,
        "先ほどのお客様から電話で「お前の顔を覚えたからな」と言われました。"
        "30分以上同じ話を繰り返されています。",
    ),
    (DESK_EN, "Reminder: the desk is open 9:00-18:00 on weekdays."),
)


def person(user_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.id == user_id), None)


def populate(slack: SlackStandIn) -> None:
    """People, the private desk channel (desk members and the lead) and #general (everyone)."""
    for p in PEOPLE:
        slack.add_user(p.id, p.name, real_name=p.real_name, tz=p.tz, locale=p.locale)
    slack.add_channel(DESK_CHANNEL, DESK_CHANNEL_NAME, is_private=True, members=list(DESK_MEMBERS))
    slack.add_channel(
        GENERAL_CHANNEL, GENERAL_CHANNEL_NAME, is_private=False, members=[p.id for p in PEOPLE]
    )
    for author, text in GENERAL_MESSAGES:
        slack.post_user_message(author.id, text, channel=GENERAL_CHANNEL)
