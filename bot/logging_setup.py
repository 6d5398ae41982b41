"""Log set-up: `LOG_FORMAT=text` (one readable line) or `json` (one object per line).

The json fields: time, level, logger, message, and error_id / case_id when the call passes them
(`log.error("...", extra={"error_id": ..., "case_id": ...})`). Messages and exception texts are
what the code logs; bound SQL parameters never are (the engine hides them), and no code logs a
request body.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# At DEBUG these libraries log request and response bodies, which hold report narratives.
BODY_LOGGING_LIBRARIES = ("slack_sdk", "slack_bolt", "urllib3")
# APScheduler logs every job run ("Running job …", "… executed successfully") at INFO: about
# two dozen lines a minute with the default ticks, none of them news.
# Alembic's plugin loader says "setup plugin …" seven times each time migrations run.
CHATTY_LIBRARIES = ("apscheduler", "alembic.runtime.plugins")
# Alembic's migration context announces its dialect and DDL mode each run; "Running upgrade"
# lines (news: the schema changed) are kept.
ALEMBIC_MIGRATION = "alembic.runtime.migration"
ALEMBIC_PREAMBLE = ("Context impl %s.", "Will assume %s DDL.")
EXTRA_FIELDS = ("error_id", "case_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class DropMessages(logging.Filter):
    """Drops records whose unformatted message is one of `templates` (a library's own
    wording, matched exactly)."""

    def __init__(self, templates: tuple[str, ...]) -> None:
        super().__init__()
        self._templates = frozenset(templates)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in self._templates


def _bolt_token_warning() -> str:
    from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

    return warning_client_prioritized_and_token_skipped()


def configure_logging(level: str, log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    numeric = logging.getLevelName(level)
    for name in BODY_LOGGING_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.INFO, numeric))
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, numeric))
    quiet = {
        ALEMBIC_MIGRATION: ALEMBIC_PREAMBLE,
        # Bolt reads SLACK_BOT_TOKEN from the process environment on its own whenever it is
        # given a client (ours, built from the same setting with our retries and proxy) and
        # warns that the token is unused: true, and nothing to act on.
        "slack_bolt.App": (_bolt_token_warning(),),
    }
    for name, templates in quiet.items():
        logger = logging.getLogger(name)
        logger.filters[:] = [f for f in logger.filters if not isinstance(f, DropMessages)]
        logger.addFilter(DropMessages(templates))
