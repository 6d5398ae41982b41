"""`python -m tests.demo`, as the README tells a new admin to run it, must keep working."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.harness import PROJECT_ROOT


def test_the_demo_runs_to_the_end_and_shows_ready_and_metrics() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.demo"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    out = result.stdout
    # Both people got their own form, a receipt and a DM; the desk saw both cases.
    for user in ("U0REPJA001", "U0REPEN001"):
        assert f"modal for {user} (command ack 200" in out
        assert f"DM to {user}" in out
    assert out.count("=== desk channel: ") == 2
    assert "desk member clicks Acknowledge" in out
    ready = out.split("=== GET /readyz: 200 ", 1)[1].splitlines()[1]
    assert json.loads(ready)["ready"] is True
    metrics = out.split("=== GET /metrics: 200 ", 1)[1]
    assert "harassment_desk_reports_stored_total 2.0" in metrics
    assert 'harassment_desk_deliveries_total{kind="report.desk_message",outcome="sent"} 2.0' in (
        metrics
    )
