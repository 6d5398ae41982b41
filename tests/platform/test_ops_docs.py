"""Every setting the code reads is documented in `.env.example` and the operators' settings
table (docs/operators.md); the manifest asks for no scope that would let a public desk channel
pass (it must be private)."""

from __future__ import annotations

import re

import yaml

from tests.harness import PROJECT_ROOT

# Read from the environment, but not settings of the app's own.
NOT_SETTINGS = {"HOME", "XDG_DATA_HOME", "https_proxy"}


def setting_names() -> set[str]:
    source = (PROJECT_ROOT / "bot" / "config.py").read_text()
    names = set(re.findall(r'(?:_optional\(env, |convert\(|required\()"([A-Za-z_]+)"', source))
    names |= set(re.findall(r"for name in \(([^)]*)\)", source)[0].replace('"', "").split(", "))
    return {name for name in names if name} - NOT_SETTINGS


def test_every_setting_is_in_env_example_and_the_operators_page() -> None:
    names = setting_names()
    assert {"DATABASE_WAIT", "HEALTH_PORT", "READY_MAX_BACKLOG", "LOG_FORMAT"} <= names
    example = (PROJECT_ROOT / ".env.example").read_text()
    operators = (PROJECT_ROOT / "docs" / "operators.md").read_text()
    table = operators.split("## Settings", 1)[1].split("\n## ", 1)[0]
    missing_example = sorted(n for n in names if not re.search(rf"^{n}=", example, re.M))
    missing_readme = sorted(n for n in names if f"`{n}`" not in table)
    assert missing_example == [] and missing_readme == [], (missing_example, missing_readme)


def test_manifest_keeps_private_channel_scopes_only() -> None:
    manifest = yaml.safe_load((PROJECT_ROOT / "manifest.yml").read_text())
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert "groups:read" in scopes
    # channels:read would let Slack describe a public desk channel to the bot, hiding the
    # missing_scope answer by which `check` and `run` refuse one. channels:history (reading
    # the public channels the bot was invited to, for the outbox's look-up-first in a public
    # awareness channel) leaves that sign as it is.
    public_scopes = [scope for scope in scopes if scope.startswith("channels:")]
    assert public_scopes == ["channels:history"], scopes
