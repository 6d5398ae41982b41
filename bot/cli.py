"""The `harassment-desk` command: run, migrate, check (and more as features add them)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

from dotenv import dotenv_values

from bot.config import Settings, SettingsError, load_settings

log = logging.getLogger("harassment_desk")


def read_environment(env_file: str | None) -> dict[str, str]:
    """`.env` first, the real environment on top (so a deployment can override a file)."""
    values: dict[str, str] = {}
    path = env_file or ".env"
    if os.path.exists(path):
        values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update(os.environ)
    return values


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # At DEBUG these libraries log request and response bodies, which hold report narratives.
    for noisy in ("slack_sdk", "slack_bolt", "urllib3", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))


def _settings_or_exit(env: Mapping[str, str], *, http_mode: bool = False) -> Settings:
    try:
        return load_settings(env, http_mode=http_mode)
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"harassment-desk: setting error: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def _guidance_folder(directory: Path | None) -> Path:
    from bot.guidance import default_directory

    return directory if directory is not None else default_directory()


def _print_guidance_problems(prefix: str, problems: Sequence[str]) -> None:
    for problem in problems:
        print(f"{prefix}{problem}", file=sys.stderr)


def cmd_guidance_check(env: Mapping[str, str], args: argparse.Namespace) -> int:
    """Validate the guidance texts without Slack or a database, so HR can check an edit alone."""
    from bot.awareness.content import awareness_problems
    from bot.guidance import GuidanceError, load_guidance

    # Only GUIDANCE_DIR is read, not the full settings: HR need no Slack tokens to check a text.
    raw = args.dir or (env.get("GUIDANCE_DIR") or "").strip()
    folder = _guidance_folder(Path(raw).expanduser() if raw else None)
    try:
        library = load_guidance(folder)
    except GuidanceError as exc:
        _print_guidance_problems(f"{folder}: ", exc.problems)
        return 1
    problems = awareness_problems(folder, library)
    if problems:
        _print_guidance_problems(f"{folder}: ", problems)
        return 1
    print(f"guidance OK: {len(library.topics())} topics in ja and en, awareness posts OK")
    return 0


def cmd_migrate(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from storage.db import make_engine, migrate

    settings = _settings_or_exit(env)
    configure_logging(settings.log_level)
    migrate(make_engine(settings.database_url))
    print("database is at the newest schema")
    return 0


def cmd_check(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.checks import run_checks

    settings = _settings_or_exit(env)
    problems = run_checks(settings)
    for problem in problems:
        print(f"harassment-desk check: {problem}", file=sys.stderr)
    if not problems:
        print("all checks passed")
    return 1 if problems else 0


def cmd_run(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.app import build_runtime
    from bot.guidance import GuidanceError
    from storage.db import make_engine, migrate

    settings = _settings_or_exit(env, http_mode=args.http)
    configure_logging(settings.log_level)
    if not args.no_migrate:
        migrate(make_engine(settings.database_url))
    try:
        runtime = build_runtime(settings, socket_mode=settings.socket_mode)
    except GuidanceError as exc:
        # A broken text edit is an operator problem like a bad setting: say where, no traceback.
        folder = _guidance_folder(settings.guidance_dir)
        _print_guidance_problems(f"harassment-desk: guidance error in {folder}: ", exc.problems)
        return 2

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    runtime.start_background()
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            log.info("starting in Socket Mode")
            SocketModeHandler(runtime.app, settings.slack_app_token).start()
        else:
            from waitress import serve

            from bot.web import make_wsgi_app

            log.info("listening on http://%s:%s/slack/events", settings.host, settings.port)
            serve(
                make_wsgi_app(runtime.app, runtime.deps.core.engine, settings.slack_signing_secret),
                host=settings.host,
                port=settings.port,
                threads=settings.http_threads,
                ident="harassment-desk",
            )
    except KeyboardInterrupt:
        pass
    finally:
        runtime.stop()
    return 0


def cmd_purge(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.retention.service import run_purge

    settings = _settings_or_exit(env)
    configure_logging(settings.log_level)
    print(run_purge(settings, dry_run=args.dry_run).summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harassment-desk", description="The customer-harassment consultation desk for Slack."
    )
    parser.add_argument("--env-file", help="settings file to read (default: ./.env)")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set)")
    run.add_argument(
        "--http", action="store_true", help="serve HTTP even if SLACK_APP_TOKEN is set"
    )
    run.add_argument("--no-migrate", action="store_true", help="do not migrate the database first")
    run.set_defaults(handler=cmd_run)
    sub.add_parser("migrate", help="upgrade the database schema").set_defaults(handler=cmd_migrate)
    sub.add_parser("check", help="validate settings and Slack access").set_defaults(
        handler=cmd_check
    )
    purge = sub.add_parser("purge", help="delete what is past RETENTION now (counts only)")
    purge.add_argument("--dry-run", action="store_true", help="count, delete nothing")
    purge.set_defaults(handler=cmd_purge)
    guidance = sub.add_parser("guidance", help="work with the guidance texts HR edits")
    guidance_sub = guidance.add_subparsers(dest="guidance_command", required=True)
    guidance_check = guidance_sub.add_parser(
        "check", help="validate the guidance texts (one line per problem)"
    )
    guidance_check.add_argument(
        "--dir",
        help="folder to check (default: GUIDANCE_DIR, else the texts shipped with the app)",
    )
    guidance_check.set_defaults(handler=cmd_guidance_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    env = read_environment(args.env_file)
    return int(args.handler(env, args))


if __name__ == "__main__":
    raise SystemExit(main())
