"""Profiling the app's processes under load with py-spy, for `--profile`: only samples of a
thread holding the GIL (`--gil`), so waiting on a socket or a lock is not counted as work.

py-spy is a developer tool, not a dependency of the app: `pip install py-spy`. Each process is
sampled into a "raw" (collapsed stacks) file; `top_frames` sums them into the share of busy
samples each function appears in (inclusive) and is on top of (self).
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_LINE_NUMBER = re.compile(r":\d+\)$")


@dataclass(frozen=True)
class Frame:
    name: str  # "function (file)"
    inclusive: float  # share of busy samples with this frame on the stack
    self_share: float  # share of busy samples with this frame on top


@contextmanager
def profiled(pids: Sequence[int], folder: Path, name: str, rate: int = 100) -> Iterator[list[Path]]:
    """Sample `pids` with py-spy while the block runs; yields the raw files written at exit.
    Without py-spy on PATH nothing is sampled (and the list stays empty)."""
    spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    outputs: list[Path] = []
    if spy is None:
        yield outputs
        return
    spies = []
    for pid in pids:
        path = folder / f"{name}-{pid}.txt"
        argv = [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", str(rate),
                "--nonblocking", "--gil", "--output", str(path)]  # fmt: skip
        spies.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        outputs.append(path)
    try:
        yield outputs
    finally:
        for spy_process in spies:
            spy_process.send_signal(signal.SIGINT)
        for spy_process in spies:
            try:
                spy_process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy_process.kill()


def _frames(stack: str) -> list[str]:
    # py-spy's raw lines: "process …;thread (…);outer (file:line);…;inner (file:line) count"
    parts = [p for p in stack.split(";") if not p.startswith(("process ", "thread "))]
    return [_LINE_NUMBER.sub(")", part.strip()) for part in parts]


def top_frames(paths: Sequence[Path], limit: int = 25) -> tuple[int, list[Frame]]:
    """Busy samples in `paths`, and the frames in most of them (inclusive share first)."""
    inclusive: Counter[str] = Counter()
    on_top: Counter[str] = Counter()
    total = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = _frames(stack)
            if not frames:
                continue
            total += count
            for frame in set(frames):
                inclusive[frame] += count
            on_top[frames[-1]] += count
    if not total:
        return 0, []
    ranked = sorted(inclusive, key=lambda f: (-inclusive[f], f))[:limit]
    return total, [Frame(f, inclusive[f] / total, on_top[f] / total) for f in ranked]


def top_self(paths: Sequence[Path], limit: int = 15) -> list[tuple[str, float]]:
    """The functions most often on top of the stack (where the CPU actually went)."""
    on_top: Counter[str] = Counter()
    total = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            frames = _frames(stack) if count_text.isdigit() else []
            if frames:
                total += int(count_text)
                on_top[frames[-1]] += int(count_text)
    return [(f, n / total) for f, n in on_top.most_common(limit)] if total else []


def print_profile(title: str, paths: Sequence[Path], limit: int = 25) -> None:
    total, frames = top_frames(paths, limit)
    if not total:
        print(f"profile {title}: no samples (is py-spy installed?)")
        return
    print(f"profile {title}: {total} busy samples; inclusive % / self %, top {limit}")
    for frame in frames:
        print(f"  {frame.inclusive * 100:5.1f} {frame.self_share * 100:5.1f}  {frame.name}")
    print(f"profile {title}: most on top of the stack")
    for name, share in top_self(paths):
        print(f"  {share * 100:5.1f}  {name}")
