"""`harassment-desk export --from YYYY-MM --to YYYY-MM --out FILE [--with-text] [--locale ja|en]`.

For HR systems: the same CSV as `/harassment export`, from the database, without Slack. Whoever
can run this already holds the database credentials, so `--with-text` needs no lead check here;
the run is audited as actor `cli`.

An operator's mistake is one line and exit 2 (a `StartupError`): a database that was never
migrated (refused before anything is created: opening a missing SQLite file would leave an empty
one behind), or an `--out` that cannot be written.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from bot.access import EXPORT, record_access
from bot.config import Settings
from bot.export import ids
from bot.export.labels import Labels
from bot.export.service import RangeError, build_export, parse_range
from bot.guidance import load_guidance
from bot.i18n import t
from bot.keys import keyring_for
from bot.startup import StartupError, open_current_database
from storage.db import PRIVATE_FILE_MODE, make_session_factory
from storage.repositories import cases as cases_repo

CLI_ACTOR = "cli"
# Without narratives the CSV is as readable as the umask allows (an HR share may read it).
SHARED_FILE_MODE = 0o666


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
    engine = open_current_database(settings)
    sessions = make_session_factory(engine, keyring_for(settings, engine))
    try:
        with sessions() as session:
            export = build_export(
                session, span, hours=hours, labels=labels, with_text=args.with_text
            )
        # Opened before the audit: an export that cannot be written was not made.
        target: AbstractContextManager[BinaryIO] = (
            nullcontext(sys.stdout.buffer)
            if args.out == "-"
            else _open_out(args.out, private=args.with_text)
        )
        with target as stream:
            with sessions.begin() as session:
                cases_repo.record_event(
                    session,
                    case_id=None,
                    actor_user_id=CLI_ACTOR,
                    action=ids.AUDIT_EXPORT,
                    now=now,
                    after={
                        "range": str(span),
                        "with_text": args.with_text,
                        "count": export.count,
                    },
                )
                record_access(session, actor_user_id=CLI_ACTOR, case_id=None, action=EXPORT, at=now)
            stream.write(export.content)
    finally:
        engine.dispose()
    if args.out != "-":
        print(f"wrote {export.count} cases ({span}) to {args.out}", file=sys.stderr)
    return 0


def _open_out(path: str, *, private: bool) -> BinaryIO:
    """`--out` opened for writing. With the narratives the file is created 0600 (never readable
    by others, not even for a moment); a file that is already there is made 0600 before a byte
    of it is written."""
    mode = PRIVATE_FILE_MODE if private else SHARED_FILE_MODE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    except OSError as exc:
        raise StartupError(_out_problem(path, exc)) from None
    if private and stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.fchmod(descriptor, PRIVATE_FILE_MODE)
    return os.fdopen(descriptor, "wb")


def _out_problem(path: str, exc: OSError) -> str:
    folder = Path(path).parent
    if isinstance(exc, FileNotFoundError):
        fix = f"create the folder {folder} or choose another --out"
    elif isinstance(exc, IsADirectoryError):
        fix = "give a file name, not a folder"
    else:
        fix = "choose a file this user can write, or '-' for standard output"
    return f"--out {path}: cannot write the file ({exc.strerror}): {fix}"
