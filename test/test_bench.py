"""bench/run.py works: ``--quick`` runs every workload against its server and prints the table.

Only that it runs is tested; its figures are not (timings on a shared machine prove nothing).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = (
    "snapshots_get_0",
    "page_100",
    "page_1000",
    "instances_post_snapshot",
    "walk_10000",
    "async_8_callers",
)


def test_bench_quick_prints_every_workload() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    for name in WORKLOADS:
        assert name in rows, done.stdout
        assert rows[name].count("x") >= 2, rows[name]  # the two ratio columns
    assert "pages of 200" in done.stdout  # the walk's memory line
    assert "Start-up" in done.stdout and "import pyodk alone" in done.stdout
    for command in ("python -m pyodk --help", "python -m pyodk oci --help"):
        assert any(line.strip().startswith(command) for line in done.stdout.splitlines()), command
