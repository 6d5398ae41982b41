"""`harassment-desk export --from YYYY-MM --to YYYY-MM --out FILE [--with-text] [--locale ja|en]`.

For HR systems: the same CSV as `/harassment export`, from the database, without Slack. Whoever
can run this already holds the database credentials, so `--with-text` needs no lead check here;
the run is audited as actor `cli`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.export import ids
from bot.export.labels import Labels
from bot.export.service import RangeError, build_export, parse_range
from bot.guidance import load_guidance
from bot.i18n import t
from storage.db import make_engine, make_session_factory
from storage.repositories import cases as cases_repo

CLI_ACTOR = "cli"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
    parser.add_argument("--to", dest="last", help="last month, YYYY-MM (default: --from)")
    parser.add_argument("--out", required=True, help="the CSV file to write ('-' = stdout)")
    parser.add_argument("--with-text", action="store_true", help="include the narratives")
    parser.add_argument("--locale", choices=("ja", "en"), help="labels' language")


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    hours = settings.desk_hours
    now = datetime.now(UTC)
    text = args.first if not args.last else f"{args.first}..{args.last}"
    try:
        span = parse_range(text, now.astimezone(hours.tz).date())
    except RangeError as problem:
        print(
            f"harassment-desk export: {t(problem.code, 'en')} "
            "On the command line: --from YYYY-MM [--to YYYY-MM].",
            file=sys.stderr,
        )
        return 2
    locale = args.locale or settings.default_locale
    labels = Labels(locale, load_guidance(settings.guidance_dir).category_label)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            export = build_export(
                session, span, hours=hours, labels=labels, with_text=args.with_text
            )
        with sessions.begin() as session:
            cases_repo.record_event(
                session,
                case_id=None,
                actor_user_id=CLI_ACTOR,
                action=ids.AUDIT_EXPORT,
                now=now,
                after={"range": str(span), "with_text": args.with_text, "count": export.count},
            )
    finally:
        engine.dispose()
    if args.out == "-":
        sys.stdout.buffer.write(export.content)
    else:
        Path(args.out).write_bytes(export.content)
        print(f"wrote {export.count} cases ({span}) to {args.out}", file=sys.stderr)
    return 0
