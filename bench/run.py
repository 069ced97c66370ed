"""pyodk's own cost per call, next to raw urllib3 + json.loads, against a local keep-alive server.

    python bench/run.py            # the full table (under a minute on two cores)
    python bench/run.py --quick    # tiny counts: shows the bench works, figures mean nothing
    python bench/run.py --profile page_1000   # cProfile of pyodk's side of one workload

The server (bench/server.py) runs in another process, so ``time.process_time`` here counts the
client's CPU only: user and system time of every thread of this process, socket calls included.
Each workload runs its raw and its pyodk side in alternating short rounds after a warm-up. The µs
figures are the fastest round's CPU time per operation (noise only ever adds time); the ratio is
the median, over the rounds, of pyodk's time over raw's in the same round, which a burst of load
from other processes skews least; the ratio of the fastest rounds is shown next to it. The
garbage collector stays on for both sides, as it is in real programs. Peak memory
is measured in separate runs under tracemalloc (which slows everything down, so never while timing).

Last, without --only, the command line's start-up: ``python -m pyodk --help`` and
``python -m pyodk oci --help`` timed from outside, in fresh processes, next to ``python -c pass``.

Both sides use the same socket timeouts (pyodk's defaults, 10 s to connect and 60 s per read): a
client without them can hang for ever, and with them CPython polls the socket before each send and
receive, two extra system calls per request that are the kernel's cost, not pyodk's.
``--raw-without-timeouts`` shows the floor without them.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.pool import ThreadPool
from pathlib import Path
from typing import Any

import urllib3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyodk  # noqa: E402 - the checkout's pyodk, not an installed one

SNAPSHOT_ID = 4242
INSTANCE_ID = 56
WALK_PAGE_SIZE = 200
WALK_TOTAL = 10_000
CALLERS = 8
TOKEN = "bench-token-0123456789abcdef"
COMMAND = {"Name": "before deploy", "Description": "taken by the bench"}
#: Timed rounds per side: many short ones, so that the fastest dodges other processes' bursts.
ROUNDS = 40
#: The command line's start-up, each timed in fresh processes: (label, arguments of python).
#: Whole processes that start-up() times: what the line says, and the interpreter's arguments.
STARTUP_COMMANDS = (
    ("python -c pass", ["-c", "pass"]),
    ("python -c 'import pyodk'", ["-c", "import pyodk"]),
    ("python -m pyodk --help", ["-m", "pyodk", "--help"]),
    ("python -m pyodk oci --help", ["-m", "pyodk", "oci", "--help"]),
)
#: What issue 13 allows `pyodk --help`, in milliseconds.
CLI_HELP_BUDGET_MS = 300


@dataclass
class Workload:
    name: str
    unit: str  # what one operation is
    iterations: int  # operations per timed round
    raw: Callable[[], Any]
    pyodk: Callable[[], Any]


class Server:
    """bench/server.py in a child process; it stops when its stdin closes."""

    def __init__(self, server_cpus: set[int] | None = None) -> None:
        command = [sys.executable, str(ROOT / "bench" / "server.py")]
        if server_cpus:
            command += ["--cpus", ",".join(map(str, sorted(server_cpus)))]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = f"http://127.0.0.1:{int(self.process.stdout.readline())}"

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# -- the two clients ----------------------------------------------------------------------------


class Raw:
    """The floor: one PoolManager, a request, ``json.loads(resp.data)``, a status check."""

    def __init__(self, url: str, timeouts: bool = True) -> None:
        self.url = url
        options = {"timeout": urllib3.Timeout(connect=10.0, read=60.0)} if timeouts else {}
        self.http = urllib3.PoolManager(maxsize=CALLERS, **options)
        self.headers = {"Accept": "application/json", "Authorization": "Bearer " + TOKEN}
        self.post_headers = {**self.headers, "Content-Type": "application/json"}
        self.pool = ThreadPool(CALLERS)

    def get(self, path: str) -> Any:
        resp = self.http.request("GET", self.url + path, headers=self.headers)
        if resp.status != 200:
            raise RuntimeError(resp.status)
        return json.loads(resp.data)

    def snapshot(self) -> Any:
        return self.get(f"/snapshots/{SNAPSHOT_ID}")

    def page(self, size: int) -> Any:
        return self.get(f"/snapshots?pageSize={size}")

    def post_snapshot(self) -> Any:
        body = json.dumps(COMMAND).encode("utf-8")
        resp = self.http.request(
            "POST",
            f"{self.url}/instances/{INSTANCE_ID}/snapshots",
            body=body,
            headers=self.post_headers,
        )
        if resp.status != 200:
            raise RuntimeError(resp.status)
        return json.loads(resp.data)

    def walk(self) -> int:
        seen = 0
        number = 1
        while True:
            doc = self.get(
                f"/snapshots?instanceId={INSTANCE_ID}&pageSize={WALK_PAGE_SIZE}&pageNumber={number}"
            )
            items = doc["Items"]
            for item in items:
                seen += item["Id"] > 0
            if len(items) < WALK_PAGE_SIZE or number * WALK_PAGE_SIZE >= doc["Meta"]["Total"]:
                return seen
            number += 1

    def callers(self) -> list[Any]:
        pending = [self.pool.apply_async(self.snapshot) for _ in range(CALLERS)]
        return [p.get() for p in pending]

    def close(self) -> None:
        self.pool.close()
        self.pool.join()
        self.http.clear()


class Pyodk:
    def __init__(self, url: str) -> None:
        configuration = pyodk.Configuration()
        configuration.host = url
        configuration.access_token = TOKEN
        self.client = pyodk.ApiClient(configuration, pool_threads=CALLERS)
        self.api = pyodk.OCISnapshotsApi(self.client)
        self.command = pyodk.CreateUpdateSnapshotCommand(
            name=COMMAND["Name"], description=COMMAND["Description"]
        )
        self.paginate = getattr(pyodk, "paginate", None)

    def snapshot(self) -> Any:
        return self.api.snapshots_get_0(SNAPSHOT_ID)

    def page(self, size: int) -> Any:
        return self.api.snapshots_get(page_size=size)

    def post_snapshot(self) -> Any:
        return self.api.instances_post_snapshot(INSTANCE_ID, self.command)

    def walk(self) -> int:
        seen = 0
        if self.paginate is not None:
            pages = self.paginate(
                self.api.snapshots_get, instance_id=INSTANCE_ID, page_size=WALK_PAGE_SIZE
            )
            for snapshot in pages:
                seen += snapshot.id > 0
            return seen
        number = 1
        while True:
            page = self.api.snapshots_get(
                instance_id=INSTANCE_ID, page_size=WALK_PAGE_SIZE, page_number=number
            )
            for snapshot in page.items:
                seen += snapshot.id > 0
            if len(page.items) < WALK_PAGE_SIZE or number * WALK_PAGE_SIZE >= page.meta.total:
                return seen
            number += 1

    def callers(self) -> list[Any]:
        pending = [self.api.snapshots_get_0(SNAPSHOT_ID, async_req=True) for _ in range(CALLERS)]
        return [p.get() for p in pending]

    def close(self) -> None:
        self.client.close()


def workloads(raw: Raw, sdk: Pyodk, quick: bool) -> list[Workload]:
    def n(full: int) -> int:
        return 2 if quick else full

    return [
        Workload("snapshots_get_0", "call", n(200), raw.snapshot, sdk.snapshot),
        Workload("page_100", "call", n(100), lambda: raw.page(100), lambda: sdk.page(100)),
        Workload("page_1000", "call", n(10), lambda: raw.page(1000), lambda: sdk.page(1000)),
        Workload("instances_post_snapshot", "call", n(200), raw.post_snapshot, sdk.post_snapshot),
        Workload(f"walk_{WALK_TOTAL}", "walk", 1, raw.walk, sdk.walk),
        Workload(f"async_{CALLERS}_callers", "call", n(25), raw.callers, sdk.callers),
    ]


# -- measuring ----------------------------------------------------------------------------------


def cpu_per_op(operation: Callable[[], Any], iterations: int) -> float:
    """CPU seconds of this process (all threads) per operation."""
    start = time.process_time()
    for _ in range(iterations):
        operation()
    return (time.process_time() - start) / iterations


def peak_memory(operation: Callable[[], Any]) -> int:
    """tracemalloc's peak, in bytes, while one operation runs (its result included)."""
    gc.collect()
    tracemalloc.start()
    try:
        operation()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@dataclass
class Result:
    workload: Workload
    raw: list[float]
    pyodk: list[float]
    raw_peak: int
    pyodk_peak: int

    @property
    def per_call(self) -> int:
        return CALLERS if self.workload.name.startswith("async_") else 1

    def best(self, side: list[float]) -> float:
        return min(side) / self.per_call * 1e6

    @property
    def ratio(self) -> float:
        """The median of the rounds' pyodk/raw ratios."""
        return statistics.median(p / r for p, r in zip(self.pyodk, self.raw, strict=True))

    @property
    def ratio_of_fastest(self) -> float:
        return min(self.pyodk) / min(self.raw)


def measure(workload: Workload, rounds: int, quick: bool) -> Result:
    warmup = 1 if quick else max(3, workload.iterations // 10)
    for _ in range(warmup):
        workload.raw()
        workload.pyodk()
    raw: list[float] = []
    sdk: list[float] = []
    for number in range(rounds):
        # Alternate which side goes first, so that drift (CPU clocks, caches) hits both alike.
        order = [(workload.raw, raw), (workload.pyodk, sdk)]
        for operation, times in order if number % 2 == 0 else reversed(order):
            times.append(cpu_per_op(operation, workload.iterations))
    return Result(workload, raw, sdk, peak_memory(workload.raw), peak_memory(workload.pyodk))


def print_table(results: list[Result], walk_page_peak: int | None) -> None:
    print()
    header = (
        f"{'workload':<26} {'per':>4} {'raw µs':>10} {'pyodk µs':>10} {'ratio':>6} "
        f"{'(mins)':>6} {'raw peak':>10} {'pyodk peak':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        unit = "call" if r.per_call > 1 else r.workload.unit
        print(
            f"{r.workload.name:<26} {unit:>4} {r.best(r.raw):>10,.1f} {r.best(r.pyodk):>10,.1f} "
            f"{r.ratio:>5.2f}x {r.ratio_of_fastest:>5.2f}x "
            f"{_kib(r.raw_peak):>10} {_kib(r.pyodk_peak):>10}"
        )
    walk = next((r for r in results if r.workload.name.startswith("walk_")), None)
    print()
    if walk is not None and walk_page_peak:
        print(
            f"walk_{WALK_TOTAL}: {WALK_TOTAL // WALK_PAGE_SIZE} pages of {WALK_PAGE_SIZE} through "
            f"{'pyodk.paginate' if getattr(pyodk, 'paginate', None) else 'a manual page loop'}; "
            f"pyodk peak {_kib(walk.pyodk_peak)} = {walk.pyodk_peak / walk_page_peak:.2f}x the "
            f"peak of fetching one {WALK_PAGE_SIZE}-item page ({_kib(walk_page_peak)})"
        )
    print(
        "µs: client CPU time (user+system, all threads) per operation, fastest of the rounds.\n"
        "ratio: median over the rounds of pyodk/raw in the same round; (mins): ratio of the "
        "fastest rounds.\npeak: tracemalloc peak during one operation, measured separately."
    )


def startup(runs: int) -> None:
    """Wall time of whole processes, start to exit (median of ``runs``), and ``import pyodk``'s
    own share of its process.

    ``python -c pass`` is the interpreter's own start-up, for scale. Each command runs once first,
    uncounted, so that every counted run finds its files in the OS cache. The import's share comes
    from ``python -X importtime``: the cumulative microseconds of the top-level ``pyodk`` line.
    """
    print(f"\nStart-up, wall ms from start to exit, median of {runs} fresh processes:")
    for label, arguments in STARTUP_COMMANDS:
        times = []
        for _ in range(runs + 1):
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, *arguments],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                check=True,
            )
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times[1:])
        budget = f"  (budget {CLI_HELP_BUDGET_MS} ms)" if label.endswith("pyodk --help") else ""
        print(f"  {label:<28} {median:>7.0f} ms  min {min(times[1:]):.0f}{budget}")
    shares = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import pyodk"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(ln for ln in done.stderr.splitlines() if ln.rstrip().endswith("| pyodk"))
        shares.append(int(line.split("|")[1]) / 1e3)
    print(f"  {'import pyodk alone':<28} {statistics.median(shares):>7.1f} ms  (-X importtime)")


def _kib(size: int) -> str:
    return f"{size / 1024:,.0f} KiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts, to check the bench runs")
    parser.add_argument("--rounds", type=int, default=None, help=f"rounds per side ({ROUNDS})")
    parser.add_argument("--only", action="append", default=[], help="run only this workload")
    parser.add_argument("--profile", metavar="WORKLOAD", help="cProfile pyodk's side instead")
    parser.add_argument("--no-pin", action="store_true", help="leave CPU placement to the OS")
    parser.add_argument(
        "--raw-without-timeouts", action="store_true", help="raw side with no socket timeouts"
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (1 if args.quick else ROUNDS)

    placement = "not pinned"
    server_cpus = None
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) >= 2 and not args.no_pin:
        # Client and server each on their own CPU: no migrations, no cache fights between them.
        server_cpus = set(cpus[:-1])
        os.sched_setaffinity(0, {cpus[-1]})
        placement = f"client pinned to CPU {cpus[-1]}, server to {sorted(server_cpus)}"
    server = Server(server_cpus)
    raw = Raw(server.url, timeouts=not args.raw_without_timeouts)
    sdk = Pyodk(server.url)
    try:
        chosen = workloads(raw, sdk, args.quick)
        names = [w.name for w in chosen]
        for name in [*args.only, *([args.profile] if args.profile else [])]:
            if name not in names:
                parser.error(f"unknown workload {name!r}; choose from {', '.join(names)}")
        if args.profile:
            return profile(next(w for w in chosen if w.name == args.profile))
        if args.only:
            chosen = [w for w in chosen if w.name in args.only]
        print(
            f"pyodk {pyodk.__version__}, Python {platform.python_version()}, "
            f"urllib3 {urllib3.__version__}, {platform.machine()}, {len(cpus) or '?'} CPUs "
            f"({placement}), {rounds} round(s)"
            f"{', quick mode: figures mean nothing' if args.quick else ''}"
        )
        results = []
        for workload in chosen:
            results.append(measure(workload, rounds, args.quick))
            print(f"  measured {workload.name}", flush=True)
        walk_page_peak = None
        if any(r.workload.name.startswith("walk_") for r in results):
            walk_page_peak = peak_memory(lambda: sdk.page(WALK_PAGE_SIZE))
        print_table(results, walk_page_peak)
        if not args.only:
            startup(runs=2 if args.quick else 20)
    finally:
        sdk.close()
        raw.close()
        server.stop()
    return 0


def profile(workload: Workload) -> int:
    for _ in range(max(3, workload.iterations // 10)):
        workload.pyodk()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(workload.iterations):
        workload.pyodk()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
