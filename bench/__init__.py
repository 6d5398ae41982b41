"""Benchmarks: ack latency against a bare Bolt app, scheduler ticks, check-in delivery, memory.

Run `python -m bench` (or `python -m bench --quick`); see `bench/run.py`. The sealed *Open case*
click: `python -m bench.open_case` (bench/open_case.py).
"""
