"""`harassment-desk audit verify`: walk the access log's hash chain.

Prints "<n> rows, chain intact" and exits 0, or names the first row whose link does not hold
(its id only, never its content) and exits 1."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.orm import Session

from bot.access.log import verify
from bot.config import Settings
from bot.startup import open_current_database

EXIT_BROKEN = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="audit_command", required=True)
    sub.add_parser("verify", help="check the access log's hash chain (exit 1 at a broken link)")


def run_audit(settings: Settings, args: argparse.Namespace) -> int:
    # The log holds no sealed text: a plain session, no key needed to check it.
    engine = open_current_database(settings)
    try:
        with Session(engine) as session:
            report = verify(session)
    finally:
        engine.dispose()
    if report.broken_at is not None:
        print(
            f"access log: chain broken at row {report.broken_at} "
            f"({report.rows} rows before it intact)",
            file=sys.stderr,
        )
        return EXIT_BROKEN
    print(f"{report.rows} rows, chain intact")
    return 0
