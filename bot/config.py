"""Settings, read once from the environment (and `.env`) into a typed object.

Nothing else in the project reads `os.environ`: the CLI calls `load_settings` once and passes the
result down. Every problem is collected, so an operator fixes a bad `.env` in one go.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.awareness.schedule import WeeklySlot, parse_on_off, parse_schedule

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SUBTEAM_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingsError(Exception):
    """One or more settings are wrong; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_duration(text: str) -> timedelta:
    """`90s`, `15m`, `1h`, `1d` (decimals allowed: `0.5s`)."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration like 90s, 15m, 1h or 1d")
    amount, unit = match.groups()
    return timedelta(seconds=float(amount) * _DURATION_UNITS[unit])


def parse_hours(text: str) -> tuple[int, int]:
    """`10-18` means from 10:00 up to (not including) 18:00 local time; `0-24` means any hour."""
    match = re.match(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$", text)
    if not match:
        raise ValueError(f"{text!r} is not an hour range like 10-18")
    start, end = int(match.group(1)), int(match.group(2))
    if not (0 <= start < end <= 24):
        raise ValueError(f"{text!r} must satisfy 0 <= start < end <= 24")
    return start, end


def parse_weekdays(text: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri` or `all`; returns Python weekday numbers (Monday = 0)."""
    cleaned = text.strip().lower()
    if cleaned in ("all", "*"):
        return frozenset(range(7))
    days: set[int] = set()
    for part in cleaned.split(","):
        part = part.strip()
        if "-" in part:
            first, last = (p.strip() for p in part.split("-", 1))
            if first not in WEEKDAY_NAMES or last not in WEEKDAY_NAMES:
                raise ValueError(f"{text!r}: use day names mon..sun")
            start, end = WEEKDAY_NAMES.index(first), WEEKDAY_NAMES.index(last)
            if start > end:
                raise ValueError(f"{text!r}: range {part} runs backwards")
            days.update(range(start, end + 1))
        elif part in WEEKDAY_NAMES:
            days.add(WEEKDAY_NAMES.index(part))
        else:
            raise ValueError(f"{text!r}: use day names mon..sun, e.g. mon-fri")
    return frozenset(days)


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    desk_channel_id: str
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    database_url: str = "sqlite:///harassment_desk.db"
    slack_api_url: str = "https://slack.com/api/"
    host: str = "0.0.0.0"
    port: int = 3000
    default_locale: str = "ja"
    ack_sla: timedelta = timedelta(minutes=30)
    urgent_sla_fraction: float = 0.25
    checkin_offsets: tuple[timedelta, ...] = (
        timedelta(days=1),
        timedelta(days=7),
        timedelta(days=30),
    )
    checkin_hours: tuple[int, int] = (10, 18)
    checkin_weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    checkin_unanswered_alert: timedelta = timedelta(days=1)
    scheduler_tick: timedelta = timedelta(seconds=15)
    outbox_lease: timedelta = timedelta(seconds=30)
    hotline_url: str | None = None
    desk_mention: str = "here"
    desk_leads: tuple[str, ...] = ()
    retention: timedelta = timedelta(days=3 * 365)
    delivery_give_up: timedelta = timedelta(days=2)
    staff_cache_ttl: timedelta = timedelta(seconds=60)
    urgent_ping_window: timedelta = timedelta(minutes=10)
    log_level: str = "INFO"
    guidance_dir: Path | None = None
    http_threads: int = 8
    evidence_download_timeout: timedelta = timedelta(seconds=30)
    # Awareness posts and the welcome DM (bot/awareness); the schedule is None when off.
    awareness_channel_id: str | None = None
    awareness_schedule: WeeklySlot | None = None
    awareness_welcome: bool = False

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def desk_mention_mrkdwn(self) -> str:
        """The only mention the app ever creates: `<!here>` or a user group."""
        if self.desk_mention == "here":
            return "<!here>"
        if self.desk_mention == "channel":
            return "<!channel>"
        return f"<!subteam^{self.desk_mention}>"


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def load_settings(env: Mapping[str, str], *, http_mode: bool = False) -> Settings:
    """Build `Settings` from an environment mapping, or raise `SettingsError` listing every problem.

    `http_mode` says the app will serve HTTP even if an app token is set (`run --http`), which makes
    the signing secret mandatory.
    """
    problems: list[str] = []
    values: dict[str, object] = {}

    def required(name: str, prefix: str | None = None) -> str:
        value = _optional(env, name)
        if value is None:
            problems.append(f"{name} is not set (see .env.example)")
            return ""
        if prefix and not value.startswith(prefix):
            problems.append(f"{name} must start with {prefix!r}")
        return value

    def convert(name: str, key: str, parser: object) -> None:
        raw = _optional(env, name)
        if raw is None:
            return
        try:
            values[key] = parser(raw)  # type: ignore[operator]
        except ValueError as exc:
            problems.append(f"{name}: {exc}")

    bot_token = required("SLACK_BOT_TOKEN", "xoxb-")
    desk_channel = required("DESK_CHANNEL_ID")
    if desk_channel and not _CHANNEL_ID.match(desk_channel):
        problems.append(f"DESK_CHANNEL_ID {desk_channel!r} is not a channel id like C0123ABCD")

    app_token = _optional(env, "SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN must start with 'xapp-' (an app-level token)")
    signing_secret = _optional(env, "SLACK_SIGNING_SECRET")
    if signing_secret is None and (app_token is None or http_mode):
        problems.append("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN)")

    for name, key in (("DATABASE_URL", "database_url"), ("HOST", "host")):
        raw = _optional(env, name)
        if raw is not None:
            values[key] = raw
    api_url = _optional(env, "SLACK_API_URL")
    if api_url is not None:
        if not re.match(r"^https?://", api_url):
            problems.append(f"SLACK_API_URL {api_url!r} must be an http(s) URL")
        values["slack_api_url"] = api_url if api_url.endswith("/") else api_url + "/"

    def port(raw: str) -> int:
        number = int(raw) if raw.isdigit() else -1
        if not 0 < number < 65536:
            raise ValueError(f"{raw!r} is not a TCP port (1-65535)")
        return number

    def positive_int(raw: str) -> int:
        number = int(raw) if raw.isdigit() else 0
        if number < 1:
            raise ValueError(f"{raw!r} must be a whole number of at least 1")
        return number

    def locale(raw: str) -> str:
        if raw not in ("ja", "en"):
            raise ValueError(f"{raw!r} must be 'ja' or 'en'")
        return raw

    def positive_duration(raw: str) -> timedelta:
        duration = parse_duration(raw)
        if duration <= timedelta(0):
            raise ValueError(f"{raw!r} must be longer than zero")
        return duration

    def offsets(raw: str) -> tuple[timedelta, ...]:
        parts = [p for p in raw.split(",") if p.strip()]
        return tuple(positive_duration(p) for p in parts)

    def fraction(raw: str) -> float:
        try:
            number = float(raw)
        except ValueError:
            number = -1.0
        if not 0 < number <= 1:
            raise ValueError(f"{raw!r} must be a number in (0, 1]")
        return number

    def mention(raw: str) -> str:
        if raw in ("here", "channel") or _SUBTEAM_ID.match(raw):
            return raw
        raise ValueError(f"{raw!r} must be 'here', 'channel' or a user group id like S0123ABCD")

    def leads(raw: str) -> tuple[str, ...]:
        ids = tuple(p.strip() for p in raw.split(",") if p.strip())
        for lead in ids:
            if not (_USER_ID.match(lead) or _SUBTEAM_ID.match(lead)):
                raise ValueError(f"{lead!r} is not a user id (U…) or user group id (S…)")
        return ids

    def url(raw: str) -> str:
        if not re.match(r"^https?://\S+$", raw):
            raise ValueError(f"{raw!r} must be an http(s) URL")
        return raw

    def log_level(raw: str) -> str:
        level = raw.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError(f"{raw!r} must be DEBUG, INFO, WARNING or ERROR")
        return level

    convert("PORT", "port", port)
    convert("DEFAULT_LOCALE", "default_locale", locale)
    convert("ACK_SLA", "ack_sla", positive_duration)
    convert("URGENT_SLA_FRACTION", "urgent_sla_fraction", fraction)
    convert("CHECKIN_OFFSETS", "checkin_offsets", offsets)
    convert("CHECKIN_HOURS", "checkin_hours", parse_hours)
    convert("CHECKIN_WEEKDAYS", "checkin_weekdays", parse_weekdays)
    convert("CHECKIN_UNANSWERED_ALERT", "checkin_unanswered_alert", positive_duration)
    convert("SCHEDULER_TICK", "scheduler_tick", positive_duration)
    convert("OUTBOX_LEASE", "outbox_lease", positive_duration)
    convert("HOTLINE_URL", "hotline_url", url)
    convert("DESK_MENTION", "desk_mention", mention)
    convert("DESK_LEADS", "desk_leads", leads)
    convert("RETENTION", "retention", positive_duration)
    convert("DELIVERY_GIVE_UP", "delivery_give_up", positive_duration)
    convert("STAFF_CACHE_TTL", "staff_cache_ttl", positive_duration)
    convert("URGENT_PING_WINDOW", "urgent_ping_window", positive_duration)
    convert("LOG_LEVEL", "log_level", log_level)
    convert("HTTP_THREADS", "http_threads", positive_int)
    convert("EVIDENCE_DOWNLOAD_TIMEOUT", "evidence_download_timeout", positive_duration)

    def directory(raw: str) -> Path:
        path = Path(raw).expanduser()
        if not path.is_dir():
            raise ValueError(f"{raw!r} is not a folder")
        return path

    convert("GUIDANCE_DIR", "guidance_dir", directory)

    def channel(raw: str) -> str:
        if not _CHANNEL_ID.match(raw):
            raise ValueError(f"{raw!r} is not a channel id like C0123ABCD")
        return raw

    convert("AWARENESS_CHANNEL_ID", "awareness_channel_id", channel)
    convert("AWARENESS_SCHEDULE", "awareness_schedule", parse_schedule)
    convert("AWARENESS_WELCOME", "awareness_welcome", parse_on_off)
    if values.get("awareness_schedule") and not values.get("awareness_channel_id"):
        problems.append("AWARENESS_SCHEDULE needs AWARENESS_CHANNEL_ID (the channel to post in)")

    if problems:
        raise SettingsError(problems)
    return Settings(
        slack_bot_token=bot_token,
        desk_channel_id=desk_channel,
        slack_signing_secret=signing_secret,
        slack_app_token=None if http_mode else app_token,
        **values,  # type: ignore[arg-type]
    )
