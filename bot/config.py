"""Settings, read once from the environment (and `.env`) into a typed object.

Nothing else in the project reads `os.environ`: the CLI calls `load_settings` once and passes the
result down. Every problem is collected, so an operator fixes a bad `.env` in one go.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.awareness.schedule import WeeklySlot, parse_on_off, parse_schedule
from bot.content_mode import ContentMode, parse_content_mode
from bot.deskhours.hours import DeskHours, parse_holidays, parse_timezone

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SUBTEAM_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Slack's signing secrets are 32 hex characters; anything much shorter is a copy-paste accident.
MIN_SIGNING_SECRET_LENGTH = 16
DATABASE_FILE_NAME = "harassment_desk.db"


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
    # The answers owed to a reporter, counted from the report (bot/handling).
    ack_to_reporter: timedelta = timedelta(days=7)
    feedback_due: timedelta = timedelta(days=90)
    log_level: str = "INFO"
    guidance_dir: Path | None = None
    http_threads: int = 8
    evidence_download_timeout: timedelta = timedelta(seconds=30)
    # Awareness posts and the welcome DM (bot/awareness); the schedule is None when off.
    awareness_channel_id: str | None = None
    awareness_schedule: WeeklySlot | None = None
    awareness_welcome: bool = False
    # Desk hours (the SLA counts open time only) and the form's list of locations.
    desk_hours: DeskHours = field(default_factory=DeskHours)
    locations: tuple[str, ...] = ()
    monthly_report: bool = True
    database_wait: timedelta = timedelta(seconds=60)
    health_port: int = 3001
    ready_max_backlog: timedelta = timedelta(minutes=5)
    log_format: str = "text"
    case_content_in_slack: ContentMode = ContentMode.SEALED
    slack_proxy: str | None = None
    # The key-encryption key (bot/keys.py): a file, or the key itself (never shown in a repr).
    case_key_file: Path | None = None
    case_key: bytes | None = field(default=None, repr=False)

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


def default_database_url(env: Mapping[str, str]) -> str | None:
    """SQLite in the user's data folder (`$XDG_DATA_HOME/harassment-desk/`, else
    `~/.local/share/harassment-desk/`): the same file whatever folder the command runs in."""
    data_home = _optional(env, "XDG_DATA_HOME")
    if data_home is None:
        home = _optional(env, "HOME")
        if home is None:
            return None
        data_home = str(Path(home) / ".local" / "share")
    return f"sqlite:///{Path(data_home) / 'harassment-desk' / DATABASE_FILE_NAME}"


DATABASE_URL_FORMS = "use sqlite:///path/to/desk.db or postgresql://user:password@host:5432/dbname"
SQLITE_URL_FORMS = (
    "sqlite:///desk.db for a file relative to the working folder, "
    "sqlite:////absolute/path/desk.db for an absolute path"
)
# Characters that end the user name or password part of a URL early (or start the path, the
# query or the fragment): inside a password they must be written as %XX.
_URL_DELIMITERS = frozenset("@#/?[] \t")


def masked_database_url(raw: str) -> str:
    """`raw` with everything between the user name and the last `@` shown as `***`: the whole
    password, wherever a stray `@`, `#` or `/` in it would make a URL parser cut it."""
    scheme, separator, rest = raw.partition("://")
    if not separator or "@" not in rest:
        return raw
    userinfo, _, place = rest.rpartition("@")
    user, has_password, _ = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if has_password else ''}@{place}"


def _userinfo_problem(raw: str) -> str | None:
    _, separator, rest = raw.partition("://")
    if not separator or "@" not in rest:
        return None
    userinfo = rest.rpartition("@")[0]
    found = sorted({char for char in userinfo if char in _URL_DELIMITERS})
    if not found:
        return None
    shown = " ".join("space" if char == " " else repr(char) for char in found)
    return (
        f": the user name or password in {masked_database_url(raw)} holds {shown}, which a URL "
        "must carry percent-encoded (@ as %40, # as %23, / as %2F, ? as %3F, space as %20): "
        "encode it, e.g. python3 -c 'import sys, urllib.parse; "
        "print(urllib.parse.quote(sys.argv[1], safe=\"\"))' 'the password'"
    )


def normalise_database_url(raw: str) -> str:
    """`postgres://` and `postgresql://` (what providers print) mean psycopg 3, the driver we ship;
    SQLite and PostgreSQL are the only databases the app is built and tested for.

    A `ValueError` says what is wrong and shows the right form; its text never holds any part
    of a password."""
    if not raw.startswith("sqlite"):
        userinfo = _userinfo_problem(raw)
        if userinfo is not None:
            raise ValueError(userinfo)
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ValueError(f" is not a database URL; {DATABASE_URL_FORMS}") from None
    except ValueError:  # sqlalchemy's int() of a port that is not a number
        raise ValueError(
            f": the port in {masked_database_url(raw)} is not a number; {DATABASE_URL_FORMS}"
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ValueError(f" scheme {url.drivername!r} is not supported; {DATABASE_URL_FORMS}")
    elif url.get_driver_name() not in ("pysqlite", ""):
        raise ValueError(
            f" SQLite driver {url.get_driver_name()!r} is not supported; use sqlite:///"
        )
    else:
        _check_sqlite_url(raw, url)
    return url.render_as_string(hide_password=False)


def _check_sqlite_url(raw: str, url: URL) -> None:
    """SQLite takes a path, not a host: `sqlite://desk.db` (two slashes) names a host `desk.db`
    and no file, which SQLAlchemy refuses only when the engine is made."""
    if url.host or url.port or url.username or url.password:
        raise ValueError(
            f": {masked_database_url(raw)} names a host, not a file (SQLite URLs have three "
            f"slashes before the path); use {SQLITE_URL_FORMS}"
        )


def database_url_setting(env: Mapping[str, str]) -> str:
    """DATABASE_URL alone (for plain `alembic`, which needs no Slack settings), normalised, or the
    default file; a `SettingsError` says what is wrong."""
    raw = _optional(env, "DATABASE_URL")
    if raw is None:
        # Without a home folder (a bare service account) the file is in the working folder;
        # `run` and `migrate` print the absolute path they use either way.
        return default_database_url(env) or f"sqlite:///{DATABASE_FILE_NAME}"
    try:
        return normalise_database_url(raw)
    except ValueError as exc:
        raise SettingsError([f"DATABASE_URL{exc}"]) from None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    elif signing_secret is not None and (
        len(signing_secret) < MIN_SIGNING_SECRET_LENGTH or not signing_secret.isprintable()
    ):
        problems.append(
            f"SLACK_SIGNING_SECRET is too short ({len(signing_secret)} characters; Slack's are "
            "32): copy it again from Basic Information > App Credentials"
        )

    raw_host = _optional(env, "HOST")
    if raw_host is not None:
        values["host"] = raw_host
    try:
        values["database_url"] = database_url_setting(env)
    except SettingsError as exc:
        problems.extend(exc.problems)
    api_url = _optional(env, "SLACK_API_URL")
    if api_url is not None:
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(f"SLACK_API_URL {api_url!r} must be an https URL")
        elif parts.scheme == "http" and not is_loopback(parts.hostname):
            problems.append(
                f"SLACK_API_URL {api_url!r} must use https (the bot token would travel in "
                "clear); plain http is allowed only to a loopback address"
            )
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
    convert("ACK_TO_REPORTER", "ack_to_reporter", positive_duration)
    convert("FEEDBACK_DUE", "feedback_due", positive_duration)
    convert("LOG_LEVEL", "log_level", log_level)
    convert("HTTP_THREADS", "http_threads", positive_int)
    convert("EVIDENCE_DOWNLOAD_TIMEOUT", "evidence_download_timeout", positive_duration)
    convert("CASE_CONTENT_IN_SLACK", "case_content_in_slack", parse_content_mode)

    def any_port(raw: str) -> int:
        return 0 if raw.strip() == "0" else port(raw)

    def non_negative_duration(raw: str) -> timedelta:
        return timedelta(0) if raw.strip() == "0" else parse_duration(raw)

    def log_format(raw: str) -> str:
        if raw.lower() not in ("text", "json"):
            raise ValueError(f"{raw!r} must be 'text' or 'json'")
        return raw.lower()

    def proxy(raw: str) -> str:
        parts = urlsplit(raw if "://" in raw else f"http://{raw}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{raw!r} is not a proxy URL like http://proxy.example.co.jp:8080")
        return parts.geturl()

    convert("DATABASE_WAIT", "database_wait", non_negative_duration)
    convert("HEALTH_PORT", "health_port", any_port)
    convert("READY_MAX_BACKLOG", "ready_max_backlog", positive_duration)
    convert("LOG_FORMAT", "log_format", log_format)
    # SLACK_PROXY wins over the usual proxy variables, for a proxy only Slack's traffic needs.
    for name in ("SLACK_PROXY", "HTTPS_PROXY", "https_proxy"):
        if _optional(env, name) is not None:
            convert(name, "slack_proxy", proxy)
            break

    def directory(raw: str) -> Path:
        path = Path(raw).expanduser()
        if not path.is_dir():
            raise ValueError(f"{raw!r} is not a folder")
        return path

    convert("GUIDANCE_DIR", "guidance_dir", directory)
    _case_key(env, values, problems)
    _desk_hours_and_locations(env, values, problems)

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


NO_CASE_KEY = (
    "CASE_KEY_FILE is not set: a PostgreSQL deployment must be given the key that encrypts "
    "the cases (a file holding 32 random bytes in base64, mode 600; see docs/operators.md, Keys)"
)


def _case_key(env: Mapping[str, str], values: dict[str, object], problems: list[str]) -> None:
    """CASE_KEY_FILE (a path) or CASE_KEY (the base64 key); PostgreSQL must have one. The
    file itself is read at start (bot/keys.py), where a fresh SQLite install also makes it."""
    raw_file, raw_key = _optional(env, "CASE_KEY_FILE"), _optional(env, "CASE_KEY")
    if raw_file is not None and raw_key is not None:
        problems.append("CASE_KEY_FILE and CASE_KEY are both set: keep one")
        return
    if raw_file is not None:
        values["case_key_file"] = Path(raw_file).expanduser().absolute()
    elif raw_key is not None:
        from storage.crypto import parse_key_text

        try:
            values["case_key"] = parse_key_text(raw_key)
        except ValueError as exc:
            problems.append(
                f"CASE_KEY {exc}: set 32 random bytes in base64 (openssl rand -base64 32)"
            )
    elif not str(values.get("database_url", "sqlite")).startswith("sqlite"):
        problems.append(NO_CASE_KEY)


MAX_LOCATIONS = 100  # a static_select holds at most 100 options
MAX_LOCATION_NAME = 75  # an option's text holds at most 75 characters


def parse_locations(raw: str) -> tuple[str, ...]:
    """`LOCATIONS`: comma-separated names, or the path of a file with one name per line."""
    path = Path(raw).expanduser()
    if "," not in raw and path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        names = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    else:
        names = [part.strip() for part in raw.split(",") if part.strip()]
    unique = tuple(dict.fromkeys(names))
    if len(unique) > MAX_LOCATIONS:
        raise ValueError(f"at most {MAX_LOCATIONS} names (got {len(unique)})")
    for name in unique:
        if len(name) > MAX_LOCATION_NAME:
            raise ValueError(
                f"{name[:20]!r}…: a name may have at most {MAX_LOCATION_NAME} characters"
            )
    return unique


def _desk_hours_and_locations(
    env: Mapping[str, str], values: dict[str, object], problems: list[str]
) -> None:
    parts: dict[str, object] = {}
    for name, key, parser in (
        ("DESK_HOURS", "hours", parse_hours),
        ("DESK_WEEKDAYS", "weekdays", parse_weekdays),
        ("DESK_TIMEZONE", "tz", parse_timezone),
        ("DESK_HOLIDAYS", "holidays", parse_holidays),
        ("LOCATIONS", "locations", parse_locations),
    ):
        raw = _optional(env, name)
        if raw is None:
            continue
        try:
            parts[key] = parser(raw)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    raw_monthly = _optional(env, "MONTHLY_REPORT")
    if raw_monthly is not None:
        if raw_monthly.lower() not in ("on", "off"):
            problems.append(f"MONTHLY_REPORT: {raw_monthly!r} must be 'on' or 'off'")
        values["monthly_report"] = raw_monthly.lower() != "off"
    if "locations" in parts:
        values["locations"] = parts.pop("locations")
    if parts:
        hours = parts.pop("hours", (0, 24))
        assert isinstance(hours, tuple)
        values["desk_hours"] = DeskHours(start=hours[0], end=hours[1], **parts)  # type: ignore[arg-type]
