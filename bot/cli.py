"""The `harassment-desk` command: run, migrate, check (and more as features add them)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from dotenv import dotenv_values

from bot.config import Settings, SettingsError, load_settings
from bot.logging_setup import configure_logging
from bot.startup import StartupError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from waitress.server import BaseWSGIServer

    from bot.app import Runtime
from bot.worker import place_deliveries

log = logging.getLogger("harassment_desk")

PACKAGE = "harassment-desk"
# How load_settings words a required setting (the bot token, the desk channel) that has no
# value: the sign of settings never read, rather than of one forgotten.
MISSING_SETTING = "is not set"


class Environment(dict[str, str]):
    """The settings' sources merged, remembering which file (if any) was read, so that a
    missing setting can be explained by a missing `.env`."""

    def __init__(self, values: Mapping[str, str], env_file: Path | None) -> None:
        super().__init__(values)
        self.env_file = env_file


def read_environment(env_file: str | None) -> Environment:
    """`.env` first, the real environment on top (so a deployment can override a file).
    A `--env-file` that does not exist is an error; a missing default `./.env` is not."""
    values: dict[str, str] = {}
    path = Path(env_file or ".env")
    if env_file is not None and not path.is_file():
        raise StartupError(f"--env-file {env_file}: no such file")
    found = path.is_file()
    if found:
        values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    values.update(os.environ)
    return Environment(values, path.absolute() if found else None)


def _no_env_file_hint(env: Mapping[str, str], problems: Sequence[str]) -> str | None:
    """When a required setting is missing and no `.env` was read, that is the likely cause."""
    if not isinstance(env, Environment) or env.env_file is not None:
        return None
    if not any(MISSING_SETTING in problem for problem in problems):
        return None
    folder = Path.cwd()
    return (
        f"no .env found in {folder}: copy .env.example to {folder / '.env'} and fill it in, "
        "or pass --env-file FILE"
    )


def _settings_or_exit(env: Mapping[str, str], *, http_mode: bool = False) -> Settings:
    try:
        return load_settings(env, http_mode=http_mode)
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"harassment-desk: setting error: {problem}", file=sys.stderr)
        hint = _no_env_file_hint(env, exc.problems)
        if hint is not None:
            print(f"harassment-desk: {hint}", file=sys.stderr)
        raise SystemExit(2) from None


def _ready_database(settings: Settings, *, migrate_schema: bool) -> Engine:
    """The engine, once the database answers (waiting up to DATABASE_WAIT), migrated if asked."""
    from bot.startup import migrate_or_fail, open_database

    engine = open_database(settings)
    if migrate_schema:
        migrate_or_fail(settings, engine)
    return engine


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


def add_migrate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        metavar="REVISION",
        help="move the schema up or down to this revision (e.g. 0008) instead of the newest",
    )
    parser.set_defaults(handler=cmd_migrate)


def cmd_migrate(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.startup import migrate_or_fail, open_database

    settings = _settings_or_exit(env)
    configure_logging(settings.log_level, settings.log_format)
    engine = open_database(settings)
    try:
        print(migrate_or_fail(settings, engine, args.to))
    finally:
        engine.dispose()
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

    settings = _settings_or_exit(env, http_mode=args.http)
    configure_logging(settings.log_level, settings.log_format)
    engine = _ready_database(settings, migrate_schema=not args.no_migrate)
    try:
        runtime = build_runtime(settings, socket_mode=settings.socket_mode, engine=engine)
    except GuidanceError as exc:
        # A broken text edit is an operator problem like a bad setting: say where, no traceback.
        folder = _guidance_folder(settings.guidance_dir)
        _print_guidance_problems(f"harassment-desk: guidance error in {folder}: ", exc.problems)
        return 2

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    # The port first: a taken one stops the start before a worker or Slack is touched.
    try:
        server = bind_server(settings, runtime)
    except StartupError:
        runtime.stop()
        raise
    worker = place_deliveries(runtime, settings, env, no_worker=args.no_worker)
    try:
        _serve(settings, runtime, server)
    except KeyboardInterrupt:
        pass
    finally:
        runtime.stop()
        if worker is not None:
            worker.stop()
    return 0


def cmd_worker(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.worker import work

    settings = _settings_or_exit(env)
    configure_logging(settings.log_level, settings.log_format)
    return work(settings, migrate_schema=not args.no_migrate, parent_pid=args.parent)


def cmd_export(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.export.cli import run_export

    return run_export(_settings_or_exit(env), args)


def cmd_audit(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.access.cli import run_audit

    return run_audit(_settings_or_exit(env), args)


def bind_server(settings: Settings, runtime: Runtime) -> BaseWSGIServer | None:
    """The HTTP server with its socket bound (not yet serving): Slack's endpoint and the probes
    on PORT, or in Socket Mode the probes on HEALTH_PORT (None when HEALTH_PORT=0)."""
    from waitress.server import BaseWSGIServer, create_server

    from bot.startup import port_problem
    from bot.web import make_health_app, make_wsgi_app

    if settings.socket_mode:
        if not settings.health_port:
            return None
        setting, port = "HEALTH_PORT", settings.health_port
        app = make_health_app(runtime.health, runtime.deps.core.metrics)
    else:
        setting, port = "PORT", settings.port
        app = make_wsgi_app(
            runtime.app,
            runtime.deps.core.engine,
            settings.slack_signing_secret,
            health=runtime.health,
            metrics=runtime.deps.core.metrics,
        )
    try:
        server = create_server(app, **waitress_options(settings, settings.host, port))
    except OSError as exc:
        raise StartupError(port_problem(setting, settings.host, port, exc)) from None
    assert isinstance(server, BaseWSGIServer)  # one host and port: never a multi-socket server
    return server


def _serve(settings: Settings, runtime: Runtime, server: BaseWSGIServer | None) -> None:
    from bot.startup import authenticate_slack, connect_socket_mode, serve_health_in_background

    authenticate_slack(settings, runtime)
    runtime.start_background()
    if settings.socket_mode:
        assert settings.slack_app_token is not None
        runtime.health.watch_socket(lambda: False)  # not ready before the connection is up
        if server is not None:
            serve_health_in_background(settings, server)
        handler = connect_socket_mode(settings, runtime)
        log.info("connected to Slack in Socket Mode")
        try:
            threading.Event().wait()
        finally:
            handler.close()
        return
    assert server is not None
    log.info("listening on http://%s:%s/slack/events", settings.host, settings.port)
    try:
        server.run()
    finally:
        server.close()


def waitress_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    from bot.inbound import MAX_BODY_BYTES

    return {
        "host": host,
        "port": port,
        "threads": settings.http_threads,
        # Nothing in the answer names the app or the server software.
        "ident": "",
        # waitress would otherwise read (and buffer to disk) up to 1 GiB of an unauthenticated
        # body before our own size check; Slack's largest legitimate bodies are far below this.
        "max_request_body_size": MAX_BODY_BYTES,
    }


def cmd_purge(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.retention.service import run_purge

    settings = _settings_or_exit(env)
    configure_logging(settings.log_level, settings.log_format)
    print(run_purge(settings, dry_run=args.dry_run).summary())
    return 0


def cmd_keys_rotate(env: Mapping[str, str], args: argparse.Namespace) -> int:
    """Rewrap every case's data key under the key in `--new-key-file` (resumable)."""
    from bot.keys import FileKey, load_kek, rotate
    from bot.startup import open_database

    settings = _settings_or_exit(env)
    configure_logging(settings.log_level, settings.log_format)
    target = Path(args.new_key_file).expanduser().absolute()
    engine = open_database(settings)
    try:
        old, setting = load_kek(settings, engine)
        new = FileKey(target, setting="--new-key-file").load()
        if new.key_id == old.key_id:
            raise StartupError(
                f"--new-key-file: {target} holds the key in use: make a new one "
                f"(openssl rand -base64 32 > {target.name} && chmod 600 {target.name})"
            )
        done = rotate(engine, old, new, setting)
    finally:
        engine.dispose()
    print(
        f"rewrapped {done.rewrapped} of {done.total} data keys: set CASE_KEY_FILE={target} "
        "now and back that file up apart from the database; the old key no longer opens it"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="harassment-desk", description="The customer-harassment consultation desk for Slack."
    )
    _add_global_options(parser, default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set)")
    run.add_argument(
        "--http", action="store_true", help="serve HTTP even if SLACK_APP_TOKEN is set"
    )
    run.add_argument("--no-migrate", action="store_true", help="do not migrate the database first")
    run.add_argument(
        "--no-worker",
        action="store_true",
        help="answer Slack only; deliveries and ticks come from `harassment-desk worker`",
    )
    run.set_defaults(handler=cmd_run)
    worker = sub.add_parser("worker", help="deliver outbox rows and run the ticks (no HTTP)")
    worker.add_argument("--no-migrate", action="store_true", help="do not migrate the database")
    # Set by `run` for the worker it starts: stop when that process is gone (even after kill -9).
    worker.add_argument("--parent", type=int, help=argparse.SUPPRESS)
    worker.set_defaults(handler=cmd_worker)
    add_migrate_arguments(sub.add_parser("migrate", help="upgrade (or step back) the schema"))
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
    from bot.export.cli import add_arguments as export_arguments

    export = sub.add_parser("export", help="write cases of a month range as CSV (for HR systems)")
    export_arguments(export)
    export.set_defaults(handler=cmd_export)
    from bot.access.cli import add_arguments as audit_arguments

    audit = sub.add_parser("audit", help="the access log: `audit verify` checks its hash chain")
    audit_arguments(audit)
    audit.set_defaults(handler=cmd_audit)
    keys = sub.add_parser("keys", help="work with the key that encrypts the cases")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_sub.add_parser(
        "rotate", help="rewrap every case's data key under a new key (stop the app first)"
    )
    rotate.add_argument(
        "--new-key-file", required=True, help="the new key: 32 bytes in base64, mode 600"
    )
    rotate.set_defaults(handler=cmd_keys_rotate)
    playground = sub.add_parser("playground", help="try the app in a browser, without Slack")
    playground.add_argument("--port", type=int, default=8080, help="the page's port (8080)")
    playground.add_argument("--lang", choices=("ja", "en"), default="ja", help="default language")
    playground.add_argument("--host", help="listen beyond 127.0.0.1 (warns: no login)")
    playground.add_argument("--data", type=Path, help="folder for its database and lock file")
    playground.set_defaults(handler=cmd_playground)
    _global_options_anywhere(parser)
    return parser


def cmd_playground(env: Mapping[str, str], args: argparse.Namespace) -> int:
    from bot.playground import Options, PlaygroundError, default_data_folder, run_playground

    data = args.data or default_data_folder(env)
    try:
        return run_playground(Options(args.port, args.lang, args.host, data))
    except PlaygroundError as exc:
        print(f"harassment-desk: {exc}", file=sys.stderr)
        return 2


def _add_global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--env-file", default=default, help="settings file to read (default: ./.env)"
    )
    parser.add_argument("--version", action="version", version=f"{PACKAGE} {package_version()}")


def _global_options_anywhere(parser: argparse.ArgumentParser) -> None:
    """`check --env-file x` as `--env-file x check`: every subcommand takes the global options
    too. Its default is SUPPRESS, so a subcommand without it keeps the value given before it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                _add_global_options(subparser, default=argparse.SUPPRESS)
                _global_options_anywhere(subparser)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # run from a source folder that was never installed
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        env = read_environment(args.env_file)
        return int(args.handler(env, args))
    except StartupError as exc:
        # A dependency that is down, refused or misconfigured: one line naming what to fix;
        # exit 75 for one that is not up yet (restarted by systemd), 2 for the rest.
        print(f"harassment-desk: {exc}", file=sys.stderr)
        return exc.exit_status


if __name__ == "__main__":
    raise SystemExit(main())
