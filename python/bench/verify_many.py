"""Benchmark of the Python package (run by hand; not a test):

    python python/bench/verify_many.py [--files 5000] [--fixture testdata/itl-2048-sha1.tlv]

Copies one fixture into N `ITLSEP<MAC>.tlv` files of a temporary folder (a TFTP folder of
phone-specific ITLs), then measures, best of --repeat runs each:
- `itlctl.verify_many(paths)` on every core, and with `threads=1`;
- the installed `itlctl verify` command on the same files;
- `itlctl.parse(data).verify()` on one file, per call (compare with the criterion figure of
  `cargo bench -p itl-benches --features aws-lc -- "parse\\+verify"`).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

import itlctl


CPU: List[float] = []


def best(repeat: int, f: Callable[[], object]) -> float:
    """The fastest of `repeat` runs, in seconds of wall time; its CPU time (every thread of
    this process) goes to CPU[-1], which tells a busy machine from slow code."""
    times = []
    for _ in range(repeat):
        c = time.process_time()
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t, time.process_time() - c))
    wall, cpu = min(times)
    CPU.append(cpu)
    return wall


def thread_cpu() -> Dict[str, float]:
    """CPU seconds of each thread of this process (Linux /proc), to show how the work split."""
    out: Dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for t in glob.glob("/proc/self/task/*"):
        with open(os.path.join(t, "stat")) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out[os.path.basename(t)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parents[2]
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--fixture", default=str(root / "testdata" / "itl-2048-sha1.tlv"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--calls", type=int, default=20000)
    args = ap.parse_args()

    command = shutil.which("itlctl", path=str(Path(sys.executable).parent)) or shutil.which("itlctl")
    data = Path(args.fixture).read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"load average: {os.getloadavg()[0]:.1f}")
        paths: List[str] = []
        for i in range(args.files):
            p = os.path.join(tmp, f"ITLSEP{0x001122000000 + i:012X}.tlv")
            with open(p, "wb") as f:
                f.write(data)
            paths.append(p)
        assert all(v.valid for v in itlctl.verify_many(paths))

        many = best(args.repeat, lambda: itlctl.verify_many(paths))
        one = best(args.repeat, lambda: itlctl.verify_many(paths, threads=1))
        print(f"cores: {os.cpu_count()}, files: {args.files} x {len(data)} bytes ({Path(args.fixture).name})")
        print(f"verify_many(paths):            {many * 1e3:8.1f} ms  {args.files / many:9,.0f} files/s  (CPU {CPU[0] * 1e3:.0f} ms)")
        print(f"verify_many(paths, threads=1): {one * 1e3:8.1f} ms  {args.files / one:9,.0f} files/s  (CPU {CPU[1] * 1e3:.0f} ms)")
        print(f"  speed-up on all cores: {one / many:.2f}x")
        if os.path.isdir("/proc/self/task"):
            before = thread_cpu()
            for _ in range(args.repeat):
                itlctl.verify_many(paths)
            after = thread_cpu()
            split = sorted((after[k] - before.get(k, 0.0) for k in after), reverse=True)
            busy = [f"{x * 1e3:.0f} ms" for x in split if x > 0.01]
            print(f"  CPU per thread over {args.repeat} verify_many runs: {', '.join(busy)}")
        if command:
            run = lambda: subprocess.run([command, "verify", *paths], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # noqa: E731
            cli = best(args.repeat, run)
            print(f"`itlctl verify` (same files):  {cli * 1e3:8.1f} ms  {args.files / cli:9,.0f} files/s")
            print(f"  verify_many / CLI: {many / cli:.2f}x the time")

    n = args.calls
    t = best(args.repeat, lambda: [itlctl.parse(data).verify() for _ in range(n)])
    print(f"parse(data).verify(), one file:   {t / n * 1e6:6.1f} us per call (CPU {CPU[-1] / n * 1e6:.1f} us)")
    tl = itlctl.parse(data)
    t = best(args.repeat, lambda: [itlctl.parse(data) for _ in range(n)])
    print(f"parse(data) alone:                {t / n * 1e6:6.1f} us per call")
    t = best(args.repeat, lambda: [tl.records[0].subject for _ in range(n)])
    print(f"tl.records[0].subject:            {t / n * 1e6:6.1f} us per call")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
