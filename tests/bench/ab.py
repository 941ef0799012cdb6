#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Two builds of dm-verify in one guest run (make bench-ab), round by round.

A ratio to dm-linear moves with the host by more than most changes move it
(a whole make bench run once put digest-mode 4 KiB reads at 0.72 where the
run before gave 0.91, with no change in between).  Here module A (another
revision) and module B (this tree) take turns: each round loads A, runs
every workload on dm-linear and the targets, then loads B and does the
same (B first in every other round), so each build's ratio is paired
with its own dm-linear run, and both builds see the same stretch of host
time.  Prints each build's median ratio with its rounds, and the median
of B's ratio over A's, round by round.

Environment (forwarded by tests/check): BENCH_AB_A, the other build's
dm-verify.ko; BENCH_ROUNDS (6), BENCH_TARGETS (verify,digest) and
BENCH_WORKLOADS (randread-4k-qd32,randwrite-4k-qd32: names from bench.py).
"""
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path, bench=None):
    """Load the build at @path; point @bench at its defaults and fields."""
    subprocess.run(["rmmod", "dm_verify"], capture_output=True)
    subprocess.run(["insmod", path], check=True)
    if bench:
        with open(bench.INLINE_PARAM) as f:
            bench.INLINE_DEFAULT = f.read().strip()
        # The build directory holds a copy of the sources it was built from.
        bench.FIELDS = bench.status_names(
            os.path.join(os.path.dirname(path), "dm-verify-schema.h"))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else "/tmp"
    builds = {"A": os.environ["BENCH_AB_A"],
              "B": os.path.join(os.environ["REPO"], "build", os.uname().release,
                                "dm-verify.ko")}
    # bench reads the module's parameters at import: load one first.
    load(builds["A"])
    sys.path.insert(0, HERE)
    import bench  # noqa: E402

    rounds = int(os.environ.get("BENCH_ROUNDS", "6"))
    targets = os.environ.get("BENCH_TARGETS", "verify,digest").split(",")
    names = os.environ.get("BENCH_WORKLOADS",
                           "randread-4k-qd32,randwrite-4k-qd32").split(",")
    workloads = [w for w in bench.WORKLOADS + bench.EXTRA_WORKLOADS
                 if w[0] in names]
    sectors = int(bench.sh("blockdev", "--getsz", "/dev/ram0"))
    bench.sh("dd", "if=/dev/urandom", "of=/dev/ram0", "bs=1M",
             f"count={bench.SIZE_MB}", "oflag=direct", "status=none")
    tabs = bench.tables(sectors)
    unknown = [t for t in targets if t not in tabs]
    if unknown or not workloads:
        sys.exit(f"unknown targets {unknown} or no workload in {names}")
    ratios = {}
    for rnd in range(rounds):
        # Each build first in every other round: drift within a round
        # falls on both alike.
        for build in ("A", "B") if rnd % 2 == 0 else ("B", "A"):
            load(builds[build], bench)
            for name, rw, bs, qd, nj in workloads:
                lin = None
                for target in ["linear"] + targets:
                    # dm-linear and digest mode write ram0 only.
                    if " /dev/ram1 " in tabs[target]:
                        bench.sync_legs()
                    iops = bench.run_target(target, tabs[target], rw, bs,
                                            qd, nj)[0]
                    if target == "linear":
                        lin = iops
                    else:
                        ratios.setdefault((build, name, target), []).append(
                            iops / lin if lin else 0.0)
        print(f"round {rnd + 1} done", flush=True)

    result = {"kernel": os.uname().release, "rounds": rounds,
              "a": builds["A"], "b": builds["B"], "rows": []}
    print(f"\nA: {builds['A']}\nB: {builds['B']}\n")
    print(f"{'workload':22}{'target':9}{'A':>7}{'B':>7}{'B/A':>7}  rounds (A | B)")
    for name, *_ in workloads:
        for target in targets:
            a = ratios[("A", name, target)]
            b = ratios[("B", name, target)]
            pair = statistics.median(y / x for x, y in zip(a, b) if x)
            row = {"workload": name, "target": target,
                   "a_ratio": round(statistics.median(a), 3),
                   "b_ratio": round(statistics.median(b), 3),
                   "b_over_a": round(pair, 3),
                   "a_rounds": [round(x, 3) for x in a],
                   "b_rounds": [round(x, 3) for x in b]}
            result["rows"].append(row)
            print(f"{name:22}{target:9}{row['a_ratio']:7.2f}{row['b_ratio']:7.2f}"
                  f"{pair:7.2f}  " + " ".join(f"{x:.2f}" for x in a) + " | " +
                  " ".join(f"{x:.2f}" for x in b))
    bench.write_result(outdir, "ab.json", result)


if __name__ == "__main__":
    main()
