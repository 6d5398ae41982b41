"""Reference data from the project's `shared/` folder, found at `../shared` beside the repository.

A clean clone has no such folder; a developer's machine may not either, so a missing file skips the
test there. CI lays the folder beside the clone, so under `CI=true` a missing file is a failure:
otherwise the tests that hold the app to Slack's real payloads would silently never run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def shared_file(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        message = f"{relative} not found under {SHARED}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message} (CI must have the shared folder beside the repository)")
        pytest.skip(message)
    return path
