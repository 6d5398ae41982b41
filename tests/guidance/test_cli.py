"""`harassment-desk guidance check` and start-up with broken guidance, as HR would see them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from bot.guidance import default_directory

# Settings for `run`: valid, but nothing is ever reached, because the guidance stops it first.
RUN_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "secret",
    "DESK_CHANNEL_ID": "C0DESK0001",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
}


def harassment_desk(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("GUIDANCE_DIR", *RUN_ENV)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,  # no .env there
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def copy_of_content(tmp_path: Path) -> Path:
    folder = tmp_path / "guidance-copy"
    shutil.copytree(
        default_directory(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    return folder


def edit(folder: Path, file: str, key: str, field: str, language: str, value: object) -> None:
    path = folder / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if value is None:
        data[key][field].pop(language)
    else:
        data[key][field][language] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_shipped_guidance_passes_the_check(tmp_path: Path) -> None:
    result = harassment_desk("guidance", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "guidance OK: 16 topics in ja and en, awareness posts OK"


def test_check_prints_one_line_per_problem_and_fails(tmp_path: Path) -> None:
    folder = copy_of_content(tmp_path)
    edit(folder, "employee.yaml", "physical", "now", "ja", None)
    edit(folder, "general.yaml", "conduct", "text", "en", "Please call the hotline.")
    result = harassment_desk("guidance", "check", "--dir", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert lines == [
        f"{folder}: employee.yaml: physical.now: missing ja text",
        f"{folder}: general.yaml: conduct.text.en: missing placeholder {{hotline}}",
    ]
    assert "Traceback" not in result.stderr


def test_check_reads_guidance_dir_when_no_folder_is_given(tmp_path: Path) -> None:
    folder = copy_of_content(tmp_path)
    (folder / "desk.yaml").write_text("physical: [unclosed\n", encoding="utf-8")
    result = harassment_desk("guidance", "check", cwd=tmp_path, env={"GUIDANCE_DIR": str(folder)})
    assert result.returncode == 1
    assert f"{folder}: desk.yaml: not valid YAML" in result.stderr


def test_run_with_broken_guidance_says_what_and_where_without_a_traceback(
    tmp_path: Path,
) -> None:
    folder = copy_of_content(tmp_path)
    edit(folder, "categories.yaml", "sexual", "title", "en", "Sexual remarks " * 11)
    env = {
        **RUN_ENV,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}",
        "GUIDANCE_DIR": str(folder),
    }
    result = harassment_desk("run", "--http", cwd=tmp_path, env=env)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "guidance error" in line]
    assert errors, result.stderr
    assert all(
        line.startswith(f"harassment-desk: guidance error in {folder}: categories.yaml: ")
        for line in errors
    )
    assert any("sexual.title.en" in line and "150" in line for line in errors)
    assert "Traceback" not in result.stderr
